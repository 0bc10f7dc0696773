"""The print action of an e-invoice: checks, UBL, official validation, then the row, in one transaction.

A reminder's charges take the same way (kassa.outbox.reminders), through ``official_validation`` and ``store_row``."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import peewee

from kassa.models import AuditEvent, Company, Invoice, Reminder, Transmission, TransmissionState, db_now
from kassa.models.database import write_transaction
from kassa.models.transmissions import invoice_row
from kassa.outbox.states import timestamp

log = logging.getLogger(__name__)

RULES_MISSING_NOTE = (
    "Skickad efter Kassas egna kontroller. Den officiella valideringen (regelpaketet) är inte "
    "installerad, så fakturan har inte kontrollerats mot Peppol-reglerna. Installera den med "
    "”kassa rules install KÄLLA”."
)


class SendBlocked(Exception):
    """The invoice cannot be sent as it is; ``problems`` are Swedish texts saying what to fix."""

    def __init__(self, problems: list[str], findings: list | None = None):
        self.problems = list(problems)
        self.findings = list(findings or [])
        lines = "\n".join(f"• {p}" for p in self.problems)
        super().__init__(f"E-fakturan kan inte skickas förrän detta är rättat:\n{lines}")


def sender_reference(company: Company, invoice: Invoice) -> str:
    return f"kassa-{company.org_number}-{invoice.number}"


def _problem_text(problem: Any) -> str:
    for attr in ("message_sv", "message", "text"):
        value = getattr(problem, attr, None)
        if isinstance(value, str) and value:
            return value
    return str(problem)


def official_validation(xml: bytes) -> str:
    """Run the rule pack; raise SendBlocked on fatal findings; the note to keep when it could not run."""
    from kassa.peppol.rules.errors import DocumentError, RulePackError
    from kassa.peppol.rules.pack import get_rule_pack

    pack = get_rule_pack()
    if pack is None:
        return RULES_MISSING_NOTE
    try:
        findings = pack.validate(xml)
    except RulePackError as exc:
        log.warning("rule pack unusable, sending after own checks: %s", exc)
        return f"Skickad efter Kassas egna kontroller; den officiella valideringen kunde inte köras: {exc}"
    except DocumentError as exc:
        raise SendBlocked([str(exc)]) from None
    fatal = [f for f in findings if f.is_fatal]
    if fatal:
        raise SendBlocked([f"{f.explanation_sv or f.text} ({f.rule_id})" for f in fatal], fatal)
    return ""


def enqueue_invoice(invoice_id: int, till: str = "") -> Transmission:
    """Decide to e-invoice: checks, UBL, official validation, then the row, in one transaction.

    Raises SendBlocked (nothing stored) when the invoice cannot be sent. Idempotent: a second
    call returns the row of the first. Validation takes a moment (and compiles the rule pack
    on first use), so call it off the UI thread.
    """
    existing = Transmission.get_or_none(invoice_row(invoice_id))
    if existing is not None:
        return existing
    from kassa.peppol.checks import check_invoice
    from kassa.peppol.ubl import build_ubl

    invoice = Invoice.get_by_id(invoice_id)
    problems = check_invoice(invoice)
    if problems:
        raise SendBlocked([_problem_text(p) for p in problems])
    xml = build_ubl(invoice)
    note = official_validation(xml)
    text = "Lagd i sändkön för Pagero." + (f" {note}" if note else "")
    transmission = store_row(
        invoice, xml, sender_reference(Company.get_solo(), invoice), text, till, "e_invoice_queued",
        mark=lambda: Invoice.update(delivery="e_invoice").where(Invoice.id == invoice.id).execute(),
        existing=lambda: Transmission.get_or_none(invoice_row(invoice_id)))
    log.info("invoice %s queued for Pagero as transmission %s", invoice.number, transmission.id)
    return transmission


def store_row(invoice: Invoice, xml: bytes, reference: str, text: str, till: str, event: str, *,
              mark: Callable[[], object], existing: Callable[[], Transmission | None],
              reminder: Reminder | None = None) -> Transmission:
    """The queued row, what ``mark`` records of the decision, and the audit event, in one transaction.

    The unique indexes keep it to one row per invoice and one per reminder: when another till or click
    won the race, its row (``existing()``) is returned."""
    company = Company.get_solo()
    queued = TransmissionState.QUEUED
    try:
        with write_transaction():
            now = db_now()  # due now for every sender, whatever this till's clock says
            transmission = Transmission.create(
                invoice=invoice, reminder=reminder, state=queued, sender_reference=reference,
                send_mode=company.pagero_send_mode or "Test", company_id=company.pagero_company_id or "",
                payload=xml.decode("utf-8"), created_at=now, updated_at=now, next_attempt_at=now,
                messages=[{"at": timestamp(now), "state": str(queued), "text": text}],
            )
            mark()
            AuditEvent.create(invoice=invoice, event=event, message=text, actor=till)
    except peewee.IntegrityError:
        found = existing()
        if found is None:
            raise
        return found
    return transmission


def queue_e_invoice(invoice_id: int, till: str = "") -> TransmissionState:
    """The print action's worker job: enqueue, then wake the application's sender so it goes now.

    Raises SendBlocked with the problems; returns the row's state."""
    from kassa.outbox.background import wake_running_sender

    transmission = enqueue_invoice(invoice_id, till=till)
    wake_running_sender()  # send now rather than at the sender's next look
    return TransmissionState(transmission.state)
