"""Invoices in another currency: the VAT is also stated in SEK (EN 16931 BT-6/BT-111, BR-53), at
an exchange rate the seller entered, with the day it is from (no network: the seller's source,
e.g. Riksbanken's or the bank's rate, is the seller's to show)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kassa.money import round_ore

HOME = "SEK"
# The currencies an invoice can be written in (ISO 4217).
CURRENCIES = ("SEK", "EUR", "NOK", "DKK")
RATE_DECIMALS = 6
MAX_RATE = Decimal("1000")


class CurrencyError(ValueError):
    """A currency or exchange rate that cannot be used; Swedish message, `field` names the place."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class ExchangeRate:
    """SEK per one unit of `currency`, as of `date`."""

    currency: str
    rate: Decimal
    date: dt.date

    def to_sek(self, amount: Decimal) -> Decimal:
        return round_ore(amount * self.rate)


def check_exchange(currency: str, rate: Decimal | str | None, date: dt.date | None,
                   issue_date: dt.date) -> ExchangeRate | None:
    """None for SEK; else the checked rate. Raises CurrencyError in Swedish."""
    currency = (currency or HOME).upper()
    if currency not in CURRENCIES:
        raise CurrencyError("currency", f"Valutan {currency} stöds inte. Välj någon av {', '.join(CURRENCIES)}.")
    if currency == HOME:
        return None
    if rate is None or str(rate).strip() == "":
        raise CurrencyError("exchange_rate", f"Ange växelkursen: hur många kronor 1 {currency} är. Momsen ska "
                                             "också anges i kronor på en faktura i annan valuta.")
    try:
        value = Decimal(str(rate).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise CurrencyError("exchange_rate", f"Växelkursen '{rate}' är inget tal. Skriv t.ex. 11,4523.") from None
    if not value.is_finite() or value <= 0:
        raise CurrencyError("exchange_rate", "Växelkursen måste vara större än noll.")
    if value > MAX_RATE:
        raise CurrencyError("exchange_rate", f"Växelkursen {value} kr per {currency} är orimligt hög. Kontrollera den.")
    if value != value.quantize(Decimal(1).scaleb(-RATE_DECIMALS)):
        raise CurrencyError("exchange_rate", f"Växelkursen får ha högst {RATE_DECIMALS} decimaler.")
    if date is None:
        raise CurrencyError("exchange_rate_date", "Ange vilket datum växelkursen gäller (t.ex. Riksbankens kurs "
                                                  "för fakturadagen).")
    if date > issue_date:
        raise CurrencyError("exchange_rate_date", "Växelkursens datum kan inte vara efter fakturadatumet.")
    return ExchangeRate(currency, value, date)
