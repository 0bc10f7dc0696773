"""The receipt data of SKVFS 2009:2 as a control unit receives them: checked and formatted.

One place for the rules, used by the XCCSP driver (to refuse before anything is sent) and
by the emulator (to answer fault 3 to a request that breaks them):

- date and time as YYYYMMDDhhmm (local time);
- the org. number: 10 digits with a valid check digit (a personnummer is one too);
- the register's designation (PosId): 1–16 characters, ISO-8859-1, no control characters;
- the receipt's serial number: 1–12 digits;
- the type: normal, kopia, ovning or profo;
- amounts with a decimal comma and two decimals, at most 11 digits before the comma;
  the return amount is the absolute value of the returns (Skatteverket 2009-11-03); VAT on a
  return is given with a minus sign, so VAT amounts may be negative;
- at most four VAT rate/amount pairs, each rate once.

Every refusal is an `InvalidReceiptData` (a `ControlUnitUnavailable`: no code, the sale is not
completed) whose text says in Swedish what is wrong and where to fix it.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from stdnum import luhn

from kassa.register.control_unit.base import ControlUnitUnavailable, ReceiptData

RECEIPT_KINDS = ("normal", "kopia", "ovning", "profo")
MAX_TILL_LENGTH = 16
MAX_SERIAL = 999_999_999_999  # 12 digits
MAX_AMOUNT = Decimal("99999999999.99")  # 11 digits before the comma
MAX_VAT_PAIRS = 4

# The VAT class of XCCSP's VatList: the usual Swedish rates keep their class from receipt to
# receipt (as other XCCSP registers number them); another rate takes the lowest free class.
STANDARD_VAT_CLASSES = {Decimal("25"): 1, Decimal("12"): 2, Decimal("6"): 3, Decimal("0"): 4}

_AMOUNT_TEXT = re.compile(r"-?\d{1,11},\d{2}")
_DATE_TEXT = re.compile(r"\d{12}")


class InvalidReceiptData(ControlUnitUnavailable):
    """The receipt data break SKVFS 2009:2's format; nothing was sent. `str()` is Swedish."""


def format_amount(value: Decimal) -> str:
    """10.5 → "10,50"; -3 → "-3,00". Refuses floats, NaN, more than two decimals, too large."""
    if not isinstance(value, Decimal):
        raise InvalidReceiptData(f"Beloppet {value!r} är inte ett decimaltal (Decimal). Det är ett fel i Kassa: "
                                 "kontakta supporten.")
    if not value.is_finite():
        raise InvalidReceiptData(f"Beloppet {value} är inte ett tal.")
    if value != value.quantize(Decimal("0.01")):
        raise InvalidReceiptData(f"Beloppet {value} har fler än två decimaler; kontrollenheten tar emot belopp "
                                 "avrundade till hela ören.")
    if abs(value) > MAX_AMOUNT:
        raise InvalidReceiptData(f"Beloppet {value} är för stort för kontrollenheten (högst elva siffror före "
                                 "decimalkommat).")
    text = f"{value:.2f}".replace(".", ",")
    return "0,00" if text == "-0,00" else text


def parse_amount(text: str) -> Decimal:
    """"10,50" → Decimal("10.50"); raises ValueError for anything else."""
    if not isinstance(text, str) or not _AMOUNT_TEXT.fullmatch(text):
        raise ValueError(f"not an amount: {text!r}")
    return Decimal(text.replace(",", "."))


def format_rate(rate: Decimal) -> str:
    """The VAT rate in percent as an amount: 25 → "25,00"."""
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate < 0 or rate > 100:
        raise InvalidReceiptData(f"Momssatsen {rate!r} är inte en procentsats mellan 0 och 100.")
    if rate != rate.quantize(Decimal("0.01")):
        raise InvalidReceiptData(f"Momssatsen {rate} har fler än två decimaler.")
    return format_amount(rate)


def format_date(when: dt.datetime) -> str:
    """YYYYMMDDhhmm in local time (an aware time is converted to this computer's zone)."""
    if not isinstance(when, dt.datetime):
        raise InvalidReceiptData(f"Kvittots tidpunkt {when!r} är inte ett datum med klockslag.")
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    if when.year < 2000 or when.year > 9999:
        raise InvalidReceiptData(f"Kvittots datum {when:%Y-%m-%d} är orimligt; kontrollera datorns klocka.")
    return when.strftime("%Y%m%d%H%M")


def parse_date(text: str) -> dt.datetime:
    if not isinstance(text, str) or not _DATE_TEXT.fullmatch(text):
        raise ValueError(f"not a date: {text!r}")
    return dt.datetime.strptime(text, "%Y%m%d%H%M")


def check_org_number(org_number: str) -> str:
    if not isinstance(org_number, str) or not re.fullmatch(r"\d{10}", org_number):
        raise InvalidReceiptData(
            f"Organisationsnumret {org_number!r} ska vara tio siffror utan bindestreck. Rätta det under "
            "Inställningar → Företag.")
    if not luhn.is_valid(org_number):
        raise InvalidReceiptData(
            f"Organisationsnumret {org_number} har fel kontrollsiffra. Rätta det under Inställningar → Företag.")
    return org_number


def check_till(till: str) -> str:
    """The register's designation (kassabeteckning), sent as PosId."""
    where = "Ändra kassans beteckning under Inställningar → Kassa (eller miljövariabeln KASSA_TILL)."
    if not isinstance(till, str) or not till.strip():
        raise InvalidReceiptData(f"Kassan saknar beteckning. {where}")
    if len(till) > MAX_TILL_LENGTH:
        raise InvalidReceiptData(
            f"Kassans beteckning {till!r} är {len(till)} tecken; kontrollenheten tar emot högst "
            f"{MAX_TILL_LENGTH}. {where}")
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in till):
        raise InvalidReceiptData(f"Kassans beteckning {till!r} innehåller styrtecken. {where}")
    try:
        till.encode("iso-8859-1")
    except UnicodeEncodeError:
        raise InvalidReceiptData(
            f"Kassans beteckning {till!r} innehåller tecken som kontrollenheten inte kan ta emot (bara "
            f"bokstäver, siffror och vanliga skiljetecken i ISO-8859-1). {where}") from None
    return till


def check_serial(serial: int) -> int:
    if isinstance(serial, bool) or not isinstance(serial, int) or not 1 <= serial <= MAX_SERIAL:
        raise InvalidReceiptData(
            f"Kvittots löpnummer {serial!r} ska vara ett heltal från 1 till högst tolv siffror.")
    return serial


def check_kind(kind: str) -> str:
    if kind not in RECEIPT_KINDS:
        raise InvalidReceiptData(f"Kvittotypen {kind!r} finns inte; den ska vara normal, kopia, ovning eller profo.")
    return kind


def vat_list(pairs: tuple[tuple[Decimal, Decimal], ...]) -> list[tuple[int, str, str]]:
    """[(class, "25,00", "20,00"), …]: at most four pairs, each rate once."""
    try:
        pairs = tuple((rate, amount) for rate, amount in pairs)
    except (TypeError, ValueError):
        raise InvalidReceiptData("Momsuppgifterna ska vara par av momssats och momsbelopp.") from None
    if len(pairs) > MAX_VAT_PAIRS:
        raise InvalidReceiptData(
            f"Kvittot har {len(pairs)} momssatser; kontrollenheten tar emot högst {MAX_VAT_PAIRS}.")
    rates = [rate for rate, _ in pairs]
    texts = [(format_rate(rate), format_amount(amount)) for rate, amount in pairs]
    if len(set(rates)) != len(rates):
        raise InvalidReceiptData("Samma momssats förekommer två gånger i kvittots momsuppgifter.")
    taken = {STANDARD_VAT_CLASSES[r] for r in rates if r in STANDARD_VAT_CLASSES}
    free = [c for c in range(1, MAX_VAT_PAIRS + 1) if c not in taken]
    result = []
    for rate, (rate_text, amount_text) in zip(rates, texts, strict=True):
        vat_class = STANDARD_VAT_CLASSES.get(rate) or free.pop(0)
        result.append((vat_class, rate_text, amount_text))
    return sorted(result)


def receipt_fields(data: ReceiptData) -> dict[str, object]:
    """The checked fields of one RegisterReceipt (without IsNewSession and SerialNo)."""
    if not isinstance(data, ReceiptData):
        raise InvalidReceiptData("Kvittodata saknas. Det är ett fel i Kassa: kontakta supporten.")
    negative_total = format_amount(data.return_amount)
    format_amount(data.sale_amount)
    for name, amount in (("returbeloppet", data.return_amount), ("försäljningsbeloppet", data.sale_amount)):
        if amount < 0:
            raise InvalidReceiptData(f"Kvittots {name} ({amount}) ska anges utan minustecken.")
    return {
        "PosId": check_till(data.till),
        "OrgNo": check_org_number(data.org_number),
        "Date": format_date(data.when),
        "ReceiptId": str(check_serial(data.serial)),
        "ReceiptType": check_kind(data.kind),
        # The receipt's total: the sales less the returns (negative on a return receipt).
        "ReceiptTotal": format_amount(data.sale_amount - data.return_amount),
        "NegativeTotal": negative_total,
        "VatList": vat_list(data.vat),
    }
