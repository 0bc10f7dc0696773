from __future__ import annotations

from decimal import Decimal

import peewee

from kassa.models.base import BaseModel, utcnow
from kassa.models.fields import MoneyField, ScaledDecimalField

SEND_MODES = ("Test", "Certification", "Production")


class Company(BaseModel):
    """The seller: one row (id 1). Holds no secret; Pagero's tokens live in the keyring."""

    name = peewee.CharField(default="")
    org_number = peewee.CharField(default="")  # 10 digits, no hyphen
    vat_number = peewee.CharField(default="")  # SE + org no. + 01; derived when empty
    street = peewee.CharField(default="")
    postal_code = peewee.CharField(default="")  # 5 digits
    city = peewee.CharField(default="")
    country = peewee.CharField(default="SE", max_length=2)
    registered_office = peewee.CharField(default="")  # "Säte", BT-33
    f_skatt = peewee.BooleanField(default=False)
    bankgiro = peewee.CharField(default="")
    plusgiro = peewee.CharField(default="")
    iban = peewee.CharField(default="")
    bic = peewee.CharField(default="")
    email = peewee.CharField(default="")
    phone = peewee.CharField(default="")
    payment_terms_days = peewee.IntegerField(default=30)
    invoice_fee = MoneyField(default=Decimal("0.00"))  # excl. VAT; VAT follows the main supply
    late_interest_text = peewee.CharField(default="Dröjsmålsränta enligt räntelagen.")
    bonus_rate = ScaledDecimalField(2, default=Decimal("0.00"))  # percent of the amount incl. VAT
    round_invoices = peewee.BooleanField(default=False)  # öresavrundning on invoices
    pagero_company_id = peewee.CharField(default="")  # sendingCompanyId (UUID), not a secret
    pagero_send_mode = peewee.CharField(default="Test")
    backup_retention_days = peewee.IntegerField(default=30)
    updated_at = peewee.DateTimeField(default=utcnow)

    @classmethod
    def get_solo(cls) -> Company:
        company = cls.get_or_none(cls.id == 1)
        if company is None:
            company, _ = cls.get_or_create(id=1)
        return company

    @property
    def effective_vat_number(self) -> str:
        from kassa.identifiers import vat_from_orgnr

        return self.vat_number or (vat_from_orgnr(self.org_number) if self.org_number else "")

    @property
    def is_configured(self) -> bool:
        return bool(self.name and self.org_number and self.street and self.postal_code and self.city)
