"""The rate of a VAT group on a date, and editing a group's rates (the settings view's service).

A rate period runs from its start date until the next period of the group starts; the period
without a start date has applied since always. The rate in force on the date of supply is the
rate of a sale; what was issued keeps the rate it stored.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kassa.models import Article, VatGroup, VatRatePeriod
from kassa.models.database import write_transaction
from kassa.vat.categories import CATEGORIES, EXEMPTION_CODES, STANDARD_RATES


class VatGroupError(ValueError):
    """A group or rate that cannot be saved; the message is Swedish. `field` names the place."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class GroupRate:
    """What a group means for a sale on a given day."""

    group_id: int
    name: str
    rate: int
    category: str
    reason_code: str
    reason_text: str


def periods_of(group: VatGroup) -> list[tuple[dt.date | None, int]]:
    """(from, rate) of the group, earliest first."""
    rows = [(p.valid_from, p.rate) for p in group.periods]
    return sorted(rows, key=lambda r: r[0] or dt.date.min)


def rate_in_periods(periods: list[tuple[dt.date | None, int]], on: dt.date) -> int | None:
    rate = None
    for valid_from, period_rate in sorted(periods, key=lambda r: r[0] or dt.date.min):
        if valid_from is None or valid_from <= on:
            rate = period_rate
    return rate


def group_rate(group: VatGroup, on: dt.date) -> GroupRate:
    """The group's rate on `on`. A group with no period in force then is an error the cashier can fix."""
    rate = rate_in_periods(periods_of(group), on)
    if rate is None:
        raise VatGroupError("vat_group", f"Momsgruppen {group.name} har ingen momssats som gäller {on.isoformat()}. "
                                         "Lägg till en under Inställningar → Momsgrupper.")
    return GroupRate(group.id, group.name, rate, group.category, group.reason_code, group.reason_text)


def article_rate(article: Article, on: dt.date) -> GroupRate:
    """The rate of an article on the date of supply (the standard group for an article without a group)."""
    group = article.vat_group if article.vat_group_id else VatGroup.get_or_none(VatGroup.key == "standard")
    if group is None:
        raise VatGroupError("vat_group", f"Artikeln {article} har ingen momsgrupp. Välj en under Register → Artiklar.")
    return group_rate(group, on)


def groups(include_inactive: bool = False) -> list[VatGroup]:
    query = VatGroup.select().order_by(VatGroup.position, VatGroup.id)
    if not include_inactive:
        query = query.where(VatGroup.active == True)  # noqa: E712
    return list(query)


def validate_group(name: str, category: str, reason_code: str, reason_text: str,
                   periods: list[tuple[dt.date | None, int]]) -> None:
    """Raise VatGroupError (Swedish, with the field) when the group cannot be saved as given."""
    if not name.strip():
        raise VatGroupError("name", "Skriv ett namn på momsgruppen.")
    if len(name) > 255:
        raise VatGroupError("name", "Namnet får vara högst 255 tecken.")
    if category not in ("S", "Z", "E", "O"):
        raise VatGroupError("category", "En momsgrupp har kategori S, Z, E eller O. Omvänd betalningsskyldighet, "
                                        "unionsintern leverans och export väljs på kunden eller fakturaraden.")
    if reason_code and reason_code not in EXEMPTION_CODES and reason_code != CATEGORIES["O"].reason_code:
        raise VatGroupError("reason_code", f"Koden {reason_code} är ingen VATEX-kod som Kassa känner till.")
    if category == "E" and not (reason_code or reason_text.strip()):
        raise VatGroupError("reason_text", "En momsfri grupp (E) måste ange skälet till undantaget (BR-E-10): "
                                           "välj en VATEX-kod eller skriv en text.")
    if len(reason_text) > 255:
        raise VatGroupError("reason_text", "Texten om undantaget får vara högst 255 tecken.")
    if not periods:
        raise VatGroupError("periods", "Gruppen behöver minst en momssats.")
    starts = [p[0] for p in periods]
    if len(set(starts)) != len(starts):
        raise VatGroupError("periods", "Två momssatser kan inte börja samma dag.")
    if None not in starts:
        raise VatGroupError("periods", "Den första momssatsen ska gälla utan startdatum (”alltid”), så att "
                                       "varje datum har en sats.")
    for _, rate in periods:
        if category == "S" and rate not in STANDARD_RATES:
            raise VatGroupError("periods", f"Momssatsen {rate} % finns inte i Sverige. Kategori S har 25, 12 eller "
                                           "6 % (PEPPOL-regel SE-R-006).")
        if category != "S" and rate != 0:
            raise VatGroupError("periods", f"Kategori {category} har momssatsen 0 %, inte {rate} %.")


def save_group(group: VatGroup | None, name: str, category: str, reason_code: str, reason_text: str,
               periods: list[tuple[dt.date | None, int]], active: bool = True) -> VatGroup:
    """Create or change a group and replace its periods, in one transaction."""
    validate_group(name, category, reason_code, reason_text, periods)
    with write_transaction():
        clash = VatGroup.select().where(VatGroup.name == name.strip())
        if group is not None:
            clash = clash.where(VatGroup.id != group.id)
        if clash.exists():
            raise VatGroupError("name", f"Det finns redan en momsgrupp som heter {name.strip()}.")
        if group is None:
            position = (VatGroup.select().count() or 0) + 1
            group = VatGroup.create(key=f"new-{position}-{dt.datetime.now().timestamp()}", name=name.strip(),
                                    category=category, reason_code=reason_code, reason_text=reason_text.strip(),
                                    position=position, active=active)
            VatGroup.update(key=f"g{group.id}").where(VatGroup.id == group.id).execute()
        else:
            VatGroup.update(name=name.strip(), category=category, reason_code=reason_code,
                            reason_text=reason_text.strip(), active=active).where(VatGroup.id == group.id).execute()
        VatRatePeriod.delete().where(VatRatePeriod.group == group.id).execute()  # type: ignore[misc,unused-ignore]  # types-peewee builds differ on Model.delete
        for valid_from, rate in periods:
            VatRatePeriod.create(group=group.id, valid_from=valid_from, rate=rate)
    return VatGroup.get_by_id(group.id)
