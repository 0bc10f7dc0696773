"""A voucher (verifikation): dated, with transactions on accounts that sum to zero.

Debit is positive, credit negative, as SIE writes them. Lines on the same account are summed and
lines that come to zero are left out, so a voucher says each account once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from kassa.bookkeeping.accounts import Account
from kassa.money import ZERO, format_sek, round_ore


class VoucherError(ValueError):
    """A voucher that cannot be made (unbalanced, or an amount with no account); Swedish text."""


@dataclass(frozen=True)
class Transaction:
    account: Account
    amount: Decimal  # debit positive, credit negative


@dataclass
class Voucher:
    kind: str  # day | invoice | credit_note | payment | reminder
    series: str
    date: dt.date
    text: str
    transactions: list[Transaction] = field(default_factory=list)

    @property
    def balance(self) -> Decimal:
        return sum((t.amount for t in self.transactions), ZERO)

    def debit_total(self) -> Decimal:
        return sum((t.amount for t in self.transactions if t.amount > 0), ZERO)


class VoucherBuilder:
    """Collects amounts per account and makes a balanced voucher of them."""

    def __init__(self, kind: str, series: str, date: dt.date, text: str):
        self.kind, self.series, self.date, self.text = kind, series, date, text
        self._amounts: dict[str, Decimal] = {}
        self._accounts: dict[str, Account] = {}

    def debit(self, account: Account, amount: Decimal) -> VoucherBuilder:
        return self._add(account, amount)

    def credit(self, account: Account, amount: Decimal) -> VoucherBuilder:
        return self._add(account, -amount)

    def _add(self, account: Account, amount: Decimal) -> VoucherBuilder:
        amount = Decimal(amount)
        if amount != round_ore(amount):
            raise VoucherError(f"{self.text}: beloppet {amount} på konto {account.number} har fler än två decimaler.")
        self._accounts.setdefault(account.number, account)
        self._amounts[account.number] = self._amounts.get(account.number, ZERO) + amount
        return self

    def build(self) -> Voucher:
        transactions = [Transaction(self._accounts[number], amount)
                        for number, amount in self._amounts.items() if amount != 0]
        voucher = Voucher(self.kind, self.series, self.date, self.text, transactions)
        if voucher.balance != 0:
            lines = ", ".join(f"{t.account.number}: {format_sek(t.amount)}" for t in transactions)
            raise VoucherError(
                f"{self.text} går inte ihop: debet och kredit skiljer {format_sek(voucher.balance)} kr ({lines}).")
        return voucher
