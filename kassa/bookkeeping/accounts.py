"""The account plan: which account each kind of amount is booked on.

Defaults follow the BAS chart (BAS-kontoplanen); account numbers differ between businesses and
years, so each one is a setting the company can change (stored in AccountSetting, keyed as below).
Sales can have an account per VAT rate and, where the company wants it, per article group
("sales:25:Bröd"); a group without its own account uses its rate's account. Sales the buyer accounts
the VAT for, or that are exported, have accounts of their own (sales_of), as the VAT return reports
them in boxes of their own: goods to another EU country (box 35), exports (36), services to another EU
country (39) and outside the EU (40), reverse charge within Sweden (41).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kassa.models import AccountSetting, utcnow
from kassa.models.database import write_transaction
from kassa.vat.countries import is_eu

VAT_RATES = (25, 12, 6, 0)
MEANS_OF_PAYMENT = ("cash", "card", "swish")


@dataclass(frozen=True)
class Account:
    number: str
    name: str


@dataclass(frozen=True)
class AccountDefault:
    key: str
    number: str
    name: str
    label: str  # what the account is for, as the settings dialog says it


DEFAULTS: tuple[AccountDefault, ...] = (
    AccountDefault("cash", "1910", "Kassa", "Kontanter i kassan"),
    AccountDefault("card", "1580", "Fordringar för kontokort och kuponger",
                   "Kortbetalningar (fordran på kortinlösaren)"),
    AccountDefault("swish", "1581", "Fordran Swish", "Swishbetalningar (fordran tills pengarna kommit in)"),
    AccountDefault("receivables", "1510", "Kundfordringar", "Kundfordringar (fakturor)"),
    AccountDefault("bank", "1930", "Företagskonto/checkkonto/affärskonto",
                   "Bankkontot där bankgiroinbetalningar sätts in"),
    AccountDefault("sales:25", "3001", "Försäljning inom Sverige, 25 % moms", "Försäljning 25 % moms"),
    AccountDefault("sales:12", "3002", "Försäljning inom Sverige, 12 % moms", "Försäljning 12 % moms"),
    AccountDefault("sales:6", "3003", "Försäljning inom Sverige, 6 % moms", "Försäljning 6 % moms"),
    AccountDefault("sales:0", "3004", "Försäljning inom Sverige, momsfri", "Momsfri försäljning"),
    AccountDefault("sales:K", "3108", "Försäljning varor till annat EU-land, momsfri",
                   "Varor till momsregistrerad köpare i annat EU-land"),
    AccountDefault("sales:AE-EU", "3308", "Försäljning tjänster till annat EU-land",
                   "Tjänster till köpare i annat EU-land (omvänd betalningsskyldighet)"),
    AccountDefault("sales:AE-export", "3305", "Försäljning tjänster till land utanför EU",
                   "Tjänster till köpare utanför EU"),
    AccountDefault("sales:AE", "3231", "Försäljning inom byggsektorn, omvänd betalningsskyldighet moms",
                   "Omvänd betalningsskyldighet inom Sverige (t.ex. byggtjänster)"),
    AccountDefault("sales:G", "3105", "Försäljning varor till land utanför EU", "Export av varor utanför EU"),
    AccountDefault("output_vat:25", "2611", "Utgående moms på försäljning inom Sverige, 25 %", "Utgående moms 25 %"),
    AccountDefault("output_vat:12", "2621", "Utgående moms på försäljning inom Sverige, 12 %", "Utgående moms 12 %"),
    AccountDefault("output_vat:6", "2631", "Utgående moms på försäljning inom Sverige, 6 %", "Utgående moms 6 %"),
    AccountDefault("rounding", "3740", "Öres- och kronutjämning", "Öresavrundning"),
    # BAS has no account of its own for cash differences; 3790 is its "other corrections of income"
    # (beside 3740 for rounding), so a shortage lowers the income and never touches sales or VAT.
    AccountDefault("cash_difference", "3790", "Övriga intäktskorrigeringar", "Kassadifferenser (räknat mot väntat)"),
    AccountDefault("reminder_fees", "3930", "Påminnelseavgifter", "Påminnelseavgifter"),
    AccountDefault("interest_income", "8313", "Ränteintäkter från kundfordringar", "Dröjsmålsränta"),
)
_DEFAULTS = {d.key: d for d in DEFAULTS}
_NUMBER = re.compile(r"^\d{4,6}$")
_GROUP_KEY = re.compile(r"^sales:(25|12|6|0):(.+)$")


class AccountPlanError(ValueError):
    """An account that cannot be used; the message is Swedish and names the account."""


def group_key(rate: int, group: str) -> str:
    return f"sales:{rate}:{group}"


def is_group_key(key: str) -> bool:
    return bool(_GROUP_KEY.match(key))


def label_of(key: str) -> str:
    if key in _DEFAULTS:
        return _DEFAULTS[key].label
    match = _GROUP_KEY.match(key)
    if match:
        return f"Försäljning {match.group(1)} % moms, varugrupp {match.group(2)}"
    return key


class AccountPlan:
    """The accounts in force: the BAS defaults with the company's changes on top."""

    def __init__(self, accounts: dict[str, Account]):
        self._accounts = dict(accounts)

    @classmethod
    def defaults(cls) -> AccountPlan:
        return cls({d.key: Account(d.number, d.name) for d in DEFAULTS})

    @classmethod
    def load(cls) -> AccountPlan:
        plan = cls.defaults()
        for row in AccountSetting.select():
            plan._accounts[row.key] = Account(row.number, row.name or plan._default_name(row.key))
        return plan

    def _default_name(self, key: str) -> str:
        if key in _DEFAULTS:
            return _DEFAULTS[key].name
        match = _GROUP_KEY.match(key)
        return f"Försäljning {match.group(2)}, {match.group(1)} % moms" if match else key

    def account(self, key: str) -> Account:
        try:
            return self._accounts[key]
        except KeyError:
            raise AccountPlanError(f"Kontoplanen saknar ett konto för {label_of(key)}.") from None

    def sales(self, rate: int, group: str = "") -> Account:
        if group and group_key(rate, group) in self._accounts:
            return self._accounts[group_key(rate, group)]
        if rate not in VAT_RATES:
            raise AccountPlanError(f"Momssatsen {rate} % har inget försäljningskonto (25, 12, 6 eller 0 %).")
        return self.account(f"sales:{rate}")

    def sales_of(self, category: str, rate: int, buyer_country: str) -> Account:
        """The sales account of an invoice's VAT breakdown: by rate for VAT charged (S) or none due here
        (Z, E, O); by who accounts for the VAT otherwise (module docstring)."""
        if category == "K":
            return self.account("sales:K")
        if category == "G":
            return self.account("sales:G")
        if category == "AE":
            country = (buyer_country or "SE").upper()
            if country == "SE":
                return self.account("sales:AE")
            return self.account("sales:AE-EU" if is_eu(country) else "sales:AE-export")
        return self.sales(rate)

    def output_vat(self, rate: int) -> Account:
        if rate not in VAT_RATES or rate == 0:
            raise AccountPlanError(f"Momssatsen {rate} % har inget konto för utgående moms.")
        return self.account(f"output_vat:{rate}")

    def means_of_payment(self, means: str) -> Account:
        if means not in MEANS_OF_PAYMENT:
            raise AccountPlanError(f"Betalsättet '{means}' har inget konto i kontoplanen (kontant, kort eller Swish).")
        return self.account(means)

    def items(self) -> list[tuple[str, Account]]:
        """(key, account) in the order of the defaults, then the group accounts by key."""
        fixed = [(d.key, self._accounts[d.key]) for d in DEFAULTS]
        groups = sorted((k, a) for k, a in self._accounts.items() if k not in _DEFAULTS)
        return fixed + groups

    def accounts(self) -> list[Account]:
        return [account for _key, account in self.items()]


def check_account(key: str, number: str, name: str) -> Account:
    number = (number or "").strip()
    name = " ".join((name or "").split())
    if not _NUMBER.match(number):
        raise AccountPlanError(
            f"{label_of(key)}: kontonumret '{number}' ska vara 4–6 siffror, t.ex. "
            f"{_DEFAULTS[key].number if key in _DEFAULTS else '3001'}.")
    if not name:
        raise AccountPlanError(f"{label_of(key)}: konto {number} behöver ett namn.")
    return Account(number, name)


def save_plan(accounts: dict[str, tuple[str, str]], removed_groups: Iterable[str] = ()) -> AccountPlan:
    """Store the company's accounts (key -> (number, name)); defaults are stored too, as chosen.

    Checks every account first, and that one number does not carry two names (the SIE file
    declares each account once); nothing is stored when something is wrong."""
    checked: dict[str, Account] = {}
    for key, (number, name) in accounts.items():
        if key not in _DEFAULTS and not is_group_key(key):
            raise AccountPlanError(f"Okänt konto i kontoplanen: {key}.")
        checked[key] = check_account(key, number, name)
    removed = [key for key in removed_groups if is_group_key(key)]
    plan = AccountPlan.load()
    merged = {key: account for key, account in plan.items() if key not in removed}
    merged.update(checked)
    names: dict[str, tuple[str, str]] = {}
    for key, account in merged.items():
        seen = names.get(account.number)
        if seen is not None and seen[1] != account.name:
            raise AccountPlanError(
                f"Konto {account.number} har två namn: '{seen[1]}' ({label_of(seen[0])}) och "
                f"'{account.name}' ({label_of(key)}). Ge kontot samma namn på båda ställena.")
        names.setdefault(account.number, (key, account.name))
    with write_transaction():
        if removed:
            AccountSetting.delete().where(AccountSetting.key.in_(removed)).execute()  # type: ignore[misc,unused-ignore]  # types-peewee builds differ on Model.delete
        for key, account in checked.items():
            AccountSetting.insert(key=key, number=account.number, name=account.name, updated_at=utcnow()).on_conflict(
                conflict_target=[AccountSetting.key],
                update={AccountSetting.number: account.number, AccountSetting.name: account.name,
                        AccountSetting.updated_at: utcnow()},
            ).execute()
    return AccountPlan.load()
