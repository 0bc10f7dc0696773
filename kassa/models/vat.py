"""VAT groups and their dated rates (vat.md, "Rates are data with dates").

An article belongs to a group; the rate is looked up for the date of supply, so a shop does
not re-price its articles when a rate changes. A period runs from its `valid_from` until the
next period of the group starts (a first period without date has always applied), so periods
can neither overlap nor leave gaps. Issued invoices and receipts store the rate they used.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import peewee

from kassa.models.base import BaseModel

# Categories a group can have: what an article itself is. AE, K and G depend on the buyer
# (a customer's VAT treatment, or a manual line), never on the article alone.
GROUP_CATEGORIES = ("S", "Z", "E", "O")

FOOD_CUT_FROM = dt.date(2026, 4, 1)
FOOD_CUT_UNTIL = dt.date(2027, 12, 31)

# The groups of vat.md, shipped as defaults: (key, name, category, reason code, reason text, [(from, rate)]).
DEFAULT_GROUPS: tuple[tuple[str, str, str, str, str, tuple[tuple[dt.date | None, int], ...]], ...] = (
    ("standard", "Standard", "S", "", "", ((None, 25),)),
    ("food", "Livsmedel", "S", "", "",
     ((None, 12), (FOOD_CUT_FROM, 6), (FOOD_CUT_UNTIL + dt.timedelta(days=1), 12))),
    ("restaurant", "Restaurang, catering och hotell", "S", "", "", ((None, 12),)),
    ("culture", "Böcker, tidningar, persontransport, kultur och idrott", "S", "", "", ((None, 6),)),
    ("zero", "Nollskattesats (t.ex. receptbelagda läkemedel till sjukhus)", "Z", "", "", ((None, 0),)),
    ("exempt_care", "Momsfritt: sjukvård, tandvård, social omsorg, utbildning", "E", "VATEX-EU-132",
     "Undantag från skatteplikt enligt 10 kap. mervärdesskattelagen (2023:200)", ((None, 0),)),
    ("exempt_finance", "Momsfritt: bank, finans, försäkring, fastighetsupplåtelse", "E", "VATEX-EU-135-1",
     "Undantag från skatteplikt enligt 10 kap. mervärdesskattelagen (2023:200)", ((None, 0),)),
    ("outside", "Utanför momsens tillämpningsområde (t.ex. utlägg, bidrag)", "O", "VATEX-EU-O",
     "Omsättningen ligger utanför mervärdesskattens tillämpningsområde", ((None, 0),)),
)


class VatGroup(BaseModel):
    """Momsgrupp: a kind of supply with one VAT category and a rate that may change over time."""

    key = peewee.CharField(unique=True)  # stable name for code and defaults ("food"); users' groups get "g<id>"
    name = peewee.CharField()
    category = peewee.CharField(default="S")  # one of GROUP_CATEGORIES
    reason_code = peewee.CharField(default="")  # VATEX code (E, O)
    reason_text = peewee.CharField(default="")  # the exemption's reason, printed and sent
    position = peewee.IntegerField(default=0)
    active = peewee.BooleanField(default=True)
    if TYPE_CHECKING:  # what peewee adds: the back-reference of VatRatePeriod.group
        periods: peewee.ModelSelect[VatRatePeriod]

    def __str__(self) -> str:
        return self.name


class VatRatePeriod(BaseModel):
    """One rate of a group, in force from `valid_from` (None: from the beginning) until the next period."""

    group = peewee.ForeignKeyField(VatGroup, backref="periods", on_delete="CASCADE")
    valid_from = peewee.DateField(null=True)
    rate = peewee.IntegerField()

    class Meta:
        indexes = ((("group", "valid_from"), True),)


def seed_vat_groups() -> dict[str, VatGroup]:
    """Create the default groups that are missing (by key); returns every default group by key."""
    groups: dict[str, VatGroup] = {}
    for position, (key, name, category, code, text, periods) in enumerate(DEFAULT_GROUPS):
        group = VatGroup.get_or_none(VatGroup.key == key)
        if group is None:
            group = VatGroup.create(key=key, name=name, category=category, reason_code=code, reason_text=text,
                                    position=position)
            for valid_from, rate in periods:
                VatRatePeriod.create(group=group, valid_from=valid_from, rate=rate)
        groups[key] = group
    return groups


def default_group_for_rate(rate: int) -> str:
    """The default group an article of a fixed-rate era belongs to (used when migrating)."""
    return {25: "standard", 12: "food", 6: "culture", 0: "exempt_care"}.get(rate, "standard")
