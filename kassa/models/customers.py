from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

import peewee

from kassa.models.base import BaseModel, utcnow
from kassa.models.fields import MoneyField

# "pagero" as a word, in any case: not inside a longer word ("papagerolle"), but a hyphen, a space or
# punctuation may stand beside it ("Pagero-kund", "e-faktura via Pagero.").
_PAGERO_WORD = re.compile(r"(?<![^\W_])pagero(?![^\W_])", re.IGNORECASE)


def pagero_word(note: str | None) -> re.Match[str] | None:
    """Where the note says "pagero" as a word (the first place), or None."""
    return _PAGERO_WORD.search(note or "")


def note_means_pagero(note: str | None) -> bool:
    """The vendor's convention: the word "pagero" anywhere in the note, any case."""
    return pagero_word(note) is not None


class CustomerCategory(BaseModel):
    """Kundkategori, with the flags of the vendor's form."""

    name = peewee.CharField(unique=True)
    note = peewee.TextField(default="")  # "Notering: Extra funktioner"
    insurance_company = peewee.BooleanField(default=False)  # Försäkringsbolag
    no_invoice_fee = peewee.BooleanField(default=False)  # Använd inte exp. avgift vid faktura
    manual_incl_vat = peewee.BooleanField(default=False)  # Registrera manuell faktura inkl moms
    require_id = peewee.BooleanField(default=False)  # Kräv legitimation vid fakturering från kassan
    no_bonus = peewee.BooleanField(default=False)  # EJ bonus grundande

    @property
    def sends_via_pagero(self) -> bool:
        return note_means_pagero(self.note)

    def __str__(self) -> str:
        return self.name


class Customer(BaseModel):
    number = peewee.IntegerField(unique=True)
    name = peewee.CharField()
    name_key = peewee.CharField(index=True)  # casefolded name, for prefix search on an index
    org_number = peewee.CharField(default="", index=True)  # org. no. or personnummer, digits only
    is_private = peewee.BooleanField(default=False)  # a person: org_number holds a personnummer
    vat_number = peewee.CharField(default="")
    gln = peewee.CharField(default="")
    endpoint_scheme = peewee.CharField(default="")  # "" = derived (0088 with GLN, else 0007)
    endpoint_id = peewee.CharField(default="")
    # Scheme of org_number as a legal registration id (BT-47): "" = 0007 for a Swedish buyer;
    # 0192 (NO), 0184 (DK), 0037 (FI), 0106/0190 (NL), 0208 (BE) … for foreign buyers (kassa.eas_schemes).
    legal_scheme = peewee.CharField(default="")
    # How VAT is charged on this customer's invoices: "" per article (domestic), "AE" reverse charge,
    # "K" intra-EU supply, "G" export outside the EU (kassa.vat.categories).
    vat_treatment = peewee.CharField(default="")
    street = peewee.CharField(default="")
    postal_code = peewee.CharField(default="")
    city = peewee.CharField(default="")
    country = peewee.CharField(default="SE", max_length=2)
    email = peewee.CharField(default="")
    phone = peewee.CharField(default="")
    reference = peewee.CharField(default="")  # "Er referens", BT-10
    category = peewee.ForeignKeyField(CustomerCategory, null=True, backref="customers", on_delete="SET NULL")
    if TYPE_CHECKING:
        category_id: int | None  # peewee's accessor of the foreign key's value
    bonus_balance = MoneyField(default=Decimal("0.00"))
    notes = peewee.TextField(default="")
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)

    def save(self, *args, **kwargs):
        self.name_key = (self.name or "").casefold()
        return super().save(*args, **kwargs)

    @property
    def sends_via_pagero(self) -> bool:
        category = self.category if self.category_id else None
        return category is not None and category.sends_via_pagero

    @property
    def peppol_endpoint(self) -> tuple[str, str] | None:
        """(scheme, id) the buyer is routed on, or None when it cannot be routed."""
        from kassa.eas_schemes import derived_endpoint

        if self.endpoint_scheme and self.endpoint_id:
            return self.endpoint_scheme, self.endpoint_id
        return derived_endpoint(self.country or "SE", self.org_number, self.legal_scheme, self.gln,
                                self.vat_number, self.is_private)

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
