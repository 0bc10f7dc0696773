"""`export_sie`: a period's vouchers as an SIE 4I file for the accountant's program.

One voucher per Z report (per till and day), per invoice and credit note, per payment received
from Bankgirot, and per reminder that charged a fee or interest. Every voucher balances, or
nothing is written. The file is made in the target folder under a temporary name and renamed
into place when complete, so a reader never sees half a file.

Memory stays flat however long the period: vouchers are streamed from the database, written to
a spooled temporary file (the #KONTO records, which must come before them, are only known once
every voucher has been seen), and the checksum of that part is carried the same way.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from peewee import JOIN

from kassa import __version__
from kassa.bookkeeping import sie
from kassa.bookkeeping.accounts import AccountPlan
from kassa.bookkeeping.day_vouchers import day_voucher, z_reports
from kassa.bookkeeping.ledger_vouchers import invoice_voucher, payment_voucher, reminder_voucher
from kassa.bookkeeping.vouchers import Voucher
from kassa.identifiers import format_orgnr
from kassa.models import BookkeepingSettings, Company, Invoice, ReceivedPayment, Reminder
from kassa.plural import count_of

SPOOL_BYTES = 256 * 1024  # then the spool goes to a temporary file: memory stays flat
# Each kind of voucher as the summary counts it: (one, several).
KIND_TEXTS = {"day": ("dagsverifikation (Z-rapport)", "dagsverifikationer (Z-rapporter)"),
              "invoice": ("faktura", "fakturor"), "credit_note": ("kreditfaktura", "kreditfakturor"),
              "payment": ("inbetalning", "inbetalningar"),
              "reminder": ("påminnelse med avgift eller ränta", "påminnelser med avgift eller ränta")}
KIND_ORDER = ("day", "invoice", "credit_note", "payment", "reminder")


class SieExportError(ValueError):
    """The file cannot be made as asked; the message is Swedish and says what to change."""


@dataclass
class SieExportResult:
    path: Path
    checksum: int
    counts: Counter = field(default_factory=Counter)
    accounts: int = 0

    def summary(self) -> str:
        parts = [count_of(self.counts[kind], *KIND_TEXTS[kind]) for kind in KIND_ORDER if self.counts[kind]]
        return (f"SIE-filen {self.path} är skriven: " + (", ".join(parts) if parts else "inga verifikationer")
                + f"; {self.accounts} konton. Kontrollsumma {self.checksum}.")


def fiscal_year(day: dt.date, start_month: int) -> tuple[dt.date, dt.date]:
    start_year = day.year if day.month >= start_month else day.year - 1
    start = dt.date(start_year, start_month, 1)
    next_start = dt.date(start_year + 1, start_month, 1)
    return start, next_start - dt.timedelta(days=1)


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The period the export window suggests: the financial year so far, today included.

    What an accountant imports into the year's books and what a shop owner expects ("everything up
    to now"): today's sales are in it once the day is closed, and it never spans two financial years.
    """
    return fiscal_year(today, BookkeepingSettings.get_solo().fiscal_year_start_month)[0], today


def _check_period(date_from: dt.date, date_to: dt.date, start_month: int) -> tuple[dt.date, dt.date]:
    if date_from > date_to:
        raise SieExportError(f"Perioden börjar {date_from} men slutar {date_to}: från-datumet ska vara först.")
    year = fiscal_year(date_from, start_month)
    if date_to > year[1]:
        raise SieExportError(
            f"Perioden {date_from}–{date_to} går över två räkenskapsår (året slutar {year[1]}). "
            "Gör en fil per räkenskapsår.")
    return year


def _vouchers(date_from: dt.date, date_to: dt.date, plan: AccountPlan,
              settings: BookkeepingSettings) -> Iterator[Voucher]:
    for figures in z_reports(date_from, date_to):
        yield day_voucher(figures, plan, settings.series_day)
    credited = Invoice.alias()
    invoices = (Invoice.select(Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.buyer,
                               Invoice.payable, Invoice.rounding, Invoice.vat_breakdown, Invoice.credited_invoice,
                               credited.number.alias("credited_number"))
                .join(credited, JOIN.LEFT_OUTER, on=(Invoice.credited_invoice == credited.id))
                .where(Invoice.issue_date.between(date_from, date_to))
                .order_by(Invoice.issue_date, Invoice.number).objects())
    for invoice in invoices.iterator():
        yield invoice_voucher(invoice, plan, settings.series_invoice, invoice.credited_number)
    payments = (ReceivedPayment.select().where(ReceivedPayment.pay_date.between(date_from, date_to))
                .order_by(ReceivedPayment.pay_date, ReceivedPayment.id))
    for payment in payments.iterator():
        yield payment_voucher(payment, plan, settings.series_payment)
    reminders = (Reminder.select(Reminder, Invoice.number.alias("invoice_number"))
                 .join(Invoice, on=(Reminder.invoice == Invoice.id))
                 .where(Reminder.issue_date.between(date_from, date_to)
                        & ((Reminder.fee > 0) | (Reminder.interest > 0)))
                 .order_by(Reminder.issue_date, Reminder.id).objects())
    for reminder in reminders.iterator():
        yield reminder_voucher(reminder, reminder.invoice_number, plan, settings.series_invoice)


class _Spool:
    """The voucher part of the file and its checksum bytes, kept aside until the header is written."""

    def __init__(self) -> None:
        self.lines = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        self.checksum = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)

    def voucher(self, voucher: Voucher) -> None:
        """The voucher's lines and its checksum bytes, each written once."""
        line, covered = sie.record_bytes("#VER", sie.text(voucher.series), sie.text(""), sie.date(voucher.date),
                                         sie.text(voucher.text))
        lines, checksum = [line, b"{" + sie.NEWLINE], [covered]  # the braces are outside the checksum
        for transaction in voucher.transactions:
            line, covered = sie.record_bytes("#TRANS", sie.plain(transaction.account.number), sie.EMPTY_OBJECTS,
                                             sie.amount(transaction.amount))
            lines.append(line)
            checksum.append(covered)
        lines.append(b"}" + sie.NEWLINE)
        self.lines.write(b"".join(lines))
        self.checksum.write(b"".join(checksum))

    def copy_to(self, out: BinaryIO, crc: sie.Crc32) -> None:
        self.lines.seek(0)
        shutil.copyfileobj(self.lines, out)
        self.checksum.seek(0)
        while block := self.checksum.read(1 << 16):
            crc(block)

    def close(self) -> None:
        self.lines.close()
        self.checksum.close()


def export_sie(path: str | os.PathLike, date_from: dt.date, date_to: dt.date, *, generated: dt.date | None = None,
               signature: str = "Kassa") -> SieExportResult:
    """Write the SIE 4I file of the period: every till's Z reports of its days, the invoices, credit
    notes, payments and reminders. SieExportError or VoucherError (Swedish) when it cannot be made."""
    target = Path(path)
    settings = BookkeepingSettings.get_solo()
    year = _check_period(date_from, date_to, settings.fiscal_year_start_month)
    company = Company.get_solo()
    if not company.name:
        raise SieExportError("Företagets namn saknas (SIE-filen måste ha det). Fyll i under Inställningar → Företag.")
    if not target.parent.is_dir():
        raise SieExportError(f"Mappen {target.parent} finns inte. Välj en annan plats för filen.")
    plan = AccountPlan.load()

    spool = _Spool()
    counts: Counter = Counter()
    used: dict[str, str] = {}
    try:
        for voucher in _vouchers(date_from, date_to, plan, settings):
            if not voucher.transactions:
                continue  # a day with nothing to book
            spool.voucher(voucher)
            counts[voucher.kind] += 1
            for transaction in voucher.transactions:
                used.setdefault(transaction.account.number, transaction.account.name)
        try:
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise SieExportError(f"Kunde inte skriva i {target.parent}: {exc.strerror or exc}.") from None
        try:
            with os.fdopen(handle, "wb") as out:
                crc = sie.Crc32()
                w = sie.RecordWriter(out, crc)
                w.bare("#FLAGGA", sie.plain("0"))
                w.bare("#KSUMMA")
                w.record("#PROGRAM", sie.text("Kassa"), sie.text(__version__))
                w.record("#FORMAT", sie.plain("PC8"))
                w.record("#GEN", sie.date(generated or dt.date.today()), sie.text(signature))
                w.record("#SIETYP", sie.plain("4"))
                if company.org_number:
                    w.record("#ORGNR", sie.plain(format_orgnr(company.org_number)))
                w.record("#FNAMN", sie.text(company.name))
                w.record("#RAR", sie.plain("0"), sie.date(year[0]), sie.date(year[1]))
                for number in sorted(used):
                    w.record("#KONTO", sie.plain(number), sie.text(used[number]))
                spool.copy_to(out, crc)
                w.bare("#KSUMMA", sie.plain(str(crc.value)))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            raise SieExportError(f"Kunde inte skriva {target}: {exc.strerror or exc}.") from None
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    finally:
        spool.close()
    return SieExportResult(target, crc.value, counts, len(used))
