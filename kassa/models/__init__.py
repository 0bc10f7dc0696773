"""Peewee models and the database. Import models from here; open the database with
kassa.models.connection.connect() (docs/architecture.md)."""
# First, before any model imports peewee: it must come without the PostgreSQL driver (see pg_driver).
from kassa.models.pg_driver import import_peewee_without_driver

import_peewee_without_driver()

from kassa.models.articles import VAT_RATES, Article
from kassa.models.base import BaseModel, db_now, utcnow
from kassa.models.bookkeeping import (
    AccountSetting,
    BookkeepingSettings,
    PaymentAllocation,
    PaymentFile,
    ReceivedPayment,
    ReferenceRate,
    Reminder,
)
from kassa.models.company import SEND_MODES, Company
from kassa.models.customers import Customer, CustomerCategory, note_means_pagero
from kassa.models.database import db
from kassa.models.invoices import AuditEvent, ImmutableInvoiceError, Invoice, InvoiceLine, NumberSeries
from kassa.models.journal import JournalEntry
from kassa.models.print_jobs import PRINT_JOB_STATES, PrintJob
from kassa.models.register import ParkedSale, Receipt, RegisterDay, RegisterImmutableError, UnitAttempt, ZReport
from kassa.models.sales import PAYMENT_METHODS, Payment, Sale, SaleLine
from kassa.models.schema import MODELS, SCHEMA_VERSION, SchemaVersion, ensure_schema
from kassa.models.transmissions import InterestRequest, Transmission, TransmissionState
from kassa.models.vat import GROUP_CATEGORIES, VatGroup, VatRatePeriod

__all__ = [
    "VAT_RATES", "Article", "BaseModel", "db_now", "utcnow", "SEND_MODES", "Company", "Customer", "CustomerCategory",
    "note_means_pagero", "db", "AuditEvent", "ImmutableInvoiceError", "Invoice", "InvoiceLine", "NumberSeries",
    "PAYMENT_METHODS", "Payment", "Sale", "SaleLine", "MODELS", "SCHEMA_VERSION", "SchemaVersion",
    "ensure_schema", "InterestRequest", "Transmission", "TransmissionState", "PRINT_JOB_STATES", "PrintJob",
    "AccountSetting", "BookkeepingSettings", "PaymentAllocation", "PaymentFile", "ReceivedPayment", "ReferenceRate",
    "Reminder",
    "GROUP_CATEGORIES", "VatGroup", "VatRatePeriod",
    "JournalEntry", "ParkedSale", "Receipt", "RegisterDay", "RegisterImmutableError", "UnitAttempt", "ZReport",
]
