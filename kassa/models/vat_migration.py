"""Schema step 2: VAT groups with dated rates, VAT treatment and legal-id scheme of customers,
and an invoice's exchange rate and VAT in SEK.

Existing articles move from their fixed rate to the default group of that rate (25 standard,
12 food, 6 books/newspapers/culture, 0 exempt): 12 % articles were food in a shop, and food
now takes the dated rate. A shop whose 12 % articles are restaurant services moves them to
that group under Inställningar → Momsgrupper. The unit "PK", which is not a UN/ECE rec. 20
code (BR-CL-23), becomes "XPK" (package).
"""
from __future__ import annotations

import logging

import peewee

from kassa.models.database import db
from kassa.models.fields import MoneyField, ScaledDecimalField
from kassa.models.triggers import install_triggers
from kassa.models.vat import VatGroup, VatRatePeriod, default_group_for_rate, seed_vat_groups

log = logging.getLogger(__name__)


def migrate_vat(migrator) -> None:
    from playhouse.migrate import migrate

    db.create_tables([VatGroup, VatRatePeriod], safe=True)
    groups = seed_vat_groups()
    article_columns = {c.name for c in db.get_columns("article")}
    customer_columns = {c.name for c in db.get_columns("customer")}
    invoice_columns = {c.name for c in db.get_columns("invoice")}
    steps = []
    if "vat_group_id" not in article_columns:
        steps.append(migrator.add_column("article", "vat_group_id",
                                         peewee.ForeignKeyField(VatGroup, field=VatGroup.id, null=True)))
    for name in ("legal_scheme", "vat_treatment"):
        if name not in customer_columns:
            steps.append(migrator.add_column("customer", name, peewee.CharField(default="")))
    for name, field in (("exchange_rate", ScaledDecimalField(6, null=True)),
                        ("exchange_rate_date", peewee.DateField(null=True)),
                        ("tax_total_sek", MoneyField(null=True))):
        if name not in invoice_columns:
            steps.append(migrator.add_column("invoice", name, field))
    migrate(*steps)
    if "vat_rate" in article_columns:
        rows = db.execute_sql("SELECT id, vat_rate FROM article").fetchall()
        for article_id, rate in rows:
            group = groups[default_group_for_rate(int(rate or 0))]
            db.execute_sql(f"UPDATE article SET vat_group_id = {db.param} WHERE id = {db.param}",
                           (group.id, article_id))
        log.info("moved %s articles from fixed VAT rates to VAT groups", len(rows))
        migrate(migrator.drop_column("article", "vat_rate"))
    db.execute_sql("UPDATE article SET unit = 'XPK' WHERE unit = 'PK'")
    install_triggers(replace=True)
