"""Betalningspåminnelser for overdue invoices.

- An invoice is reminded when something is left to pay after its due date. The first reminder
  reminds of the invoice's due date; a later one of the previous reminder's new due date. Never
  twice for one due date: the database has a unique index on (invoice, due date reminded of).
- The fee (lag om ersättning för inkassokostnader, 2 and 4 §§) is the one the company set, at most
  60 kr, and only when the company says it was agreed with the customer by the time the debt arose.
  Kassa charges it once per invoice, on the first reminder.
- Interest (räntelagen): from the due date, on what is left of the invoice itself, at the reference
  rate + the margin (8 percentage points by law); a later reminder charges only the days since the
  previous one.
- A reminder is recorded when it is made, before it is printed, saved as PDF or, for an e-invoice
  customer, sent through Pagero (kassa.outbox.reminders: its fee and interest as a BIS 3 invoice);
  its charges are booked (kassa.bookkeeping.ledger_vouchers.reminder_voucher).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import peewee
from peewee import JOIN

from kassa.bookkeeping.interest import InterestError, InterestPeriod, late_interest
from kassa.bookkeeping.receivables import receivables, state_filter
from kassa.models import BookkeepingSettings, Invoice, Reminder, Transmission, TransmissionState, utcnow
from kassa.models.database import write_transaction
from kassa.money import ZERO, format_sek

LEGAL_FEE_CAP = Decimal("60.00")
DELIVERY_TEXTS = {"": "Inte skickad", "paper": "Utskriven", "pdf": "Sparad som PDF",
                  "e_invoice": "E-faktura via Pagero",
                  # recorded by an earlier version, which could not send reminders: never sent
                  "e_invoice_waiting": "Sparad för e-faktura men inte skickad"}
PRINTED_DELIVERIES = ("paper", "pdf")  # the send queue records "e_invoice" itself (kassa.outbox.reminders)


class ReminderError(ValueError):
    """A reminder that cannot be made; the message is Swedish and says why."""


@dataclass
class ReminderProposal:
    invoice_id: int
    number: int
    customer: str
    reminds_due_date: dt.date
    sequence: int
    open_amount: Decimal  # what is left of the invoice itself
    earlier_charges: Decimal  # fees and interest of earlier reminders, still part of the debt
    fee: Decimal
    interest: Decimal
    periods: list[InterestPeriod] = field(default_factory=list)
    e_invoice: bool = False
    days_overdue: int = 0
    new_due_date: dt.date | None = None

    @property
    def to_pay(self) -> Decimal:
        return self.open_amount + self.earlier_charges + self.fee + self.interest


def check_fee(fee: Decimal) -> Decimal:
    fee = Decimal(fee)
    if fee < 0:
        raise ReminderError("Påminnelseavgiften kan inte vara negativ.")
    if fee > LEGAL_FEE_CAP:
        raise ReminderError(f"Påminnelseavgiften får vara högst {format_sek(LEGAL_FEE_CAP)} kr "
                            "(lag om ersättning för inkassokostnader 4 §).")
    return fee


def _previous(invoice_id: int) -> Reminder | None:
    return Reminder.select().where(Reminder.invoice == invoice_id).order_by(Reminder.sequence.desc()).first()


def propose(invoice: Invoice, today: dt.date | None = None,
            settings: BookkeepingSettings | None = None) -> ReminderProposal:
    """What a reminder of `invoice` made today would say. ReminderError when none may be made."""
    today = today or dt.date.today()
    settings = settings or BookkeepingSettings.get_solo()
    if invoice.kind != "invoice":
        raise ReminderError(f"{invoice} är en kreditfaktura; den påminns inte om.")
    receivable = receivables([invoice.id])[invoice.id]
    previous = _previous(invoice.id)
    due = previous.new_due_date if previous else invoice.due_date
    if receivable.open <= 0:
        raise ReminderError(f"Faktura {invoice.number} är betald; ingen påminnelse behövs.")
    if due >= today and previous is not None:
        raise ReminderError(
            f"Faktura {invoice.number} har redan fått påminnelse {previous.sequence} "
            f"({previous.issue_date.isoformat()}) med ny förfallodag {due.isoformat()}; "
            "nästa påminnelse kan göras efter den dagen.")
    if due >= today:
        raise ReminderError(f"Faktura {invoice.number} förfaller {due.isoformat()}; påminn först efter det.")
    principal = max(receivable.open_principal, ZERO)
    fee = ZERO
    if previous is None and settings.reminder_fee_agreed:
        fee = check_fee(settings.reminder_fee)
    periods: list[InterestPeriod] = []
    if settings.charge_interest and principal > 0:
        interest_after = previous.interest_to if previous and previous.interest_to else invoice.due_date
        periods = late_interest(principal, interest_after, today, settings.interest_margin)
    interest = sum((p.amount for p in periods), ZERO)
    return ReminderProposal(
        invoice.id, invoice.number, invoice.buyer.get("name", ""), due, (previous.sequence + 1) if previous else 1,
        principal, receivable.charges, fee, interest, periods, bool(invoice.buyer.get("e_invoice")),
        (today - invoice.due_date).days, today + dt.timedelta(days=settings.reminder_days))


def due_for_reminder(today: dt.date | None = None, limit: int = 500) -> tuple[list[ReminderProposal], list[str]]:
    """Overdue invoices that may be reminded today, oldest due date first, and what kept others out
    (a reference rate missing: said once, in Swedish). An invoice reminded already whose new due date
    has not passed is simply not listed."""
    today = today or dt.date.today()
    settings = BookkeepingSettings.get_solo()
    query = (Invoice.select().where(state_filter("overdue", today))
             .order_by(Invoice.due_date, Invoice.number).limit(limit))
    proposals: list[ReminderProposal] = []
    problems: list[str] = []
    for invoice in query:
        try:
            proposals.append(propose(invoice, today, settings))
        except ReminderError:
            continue
        except InterestError as exc:
            if str(exc) not in problems:
                problems.append(str(exc))
    return proposals, problems


def issue_reminder(invoice_id: int, today: dt.date | None = None, actor: str = "") -> Reminder:
    """Record the reminder (one per invoice and due date); it is then printed, saved or e-invoiced."""
    today = today or dt.date.today()
    with write_transaction():
        invoice = Invoice.get_by_id(invoice_id)
        proposal = propose(invoice, today)
        if Reminder.select().where((Reminder.invoice == invoice_id)
                                   & (Reminder.reminds_due_date == proposal.reminds_due_date)).exists():
            raise ReminderError(f"Faktura {invoice.number} har redan fått en påminnelse om förfallodagen "
                                f"{proposal.reminds_due_date.isoformat()}.")
        periods = proposal.periods
        try:
            return Reminder.create(
                invoice=invoice, reminds_due_date=proposal.reminds_due_date, sequence=proposal.sequence,
                issue_date=today, new_due_date=proposal.new_due_date, open_amount=proposal.open_amount,
                fee=proposal.fee, interest=proposal.interest,
                interest_rate=periods[-1].rate if periods else ZERO,
                interest_from=periods[0].first if periods else None, interest_to=periods[-1].last if periods else None,
                interest_periods=[p.as_dict() for p in periods], e_invoice=proposal.e_invoice, actor=actor)
        except peewee.IntegrityError:
            raise ReminderError(f"Faktura {invoice.number} har redan fått en påminnelse om förfallodagen "
                                f"{proposal.reminds_due_date.isoformat()}.") from None


def mark_delivered(reminder_id: int, delivery: str) -> None:
    """How the reminder went out: printed on paper or saved as PDF."""
    if delivery not in PRINTED_DELIVERIES:
        raise ValueError(f"unknown delivery {delivery!r}")
    with write_transaction():
        reminder = Reminder.get_by_id(reminder_id)
        reminder.delivery = delivery
        reminder.delivered_at = utcnow()
        reminder.save(only=["delivery", "delivered_at"])


def check_settings(fee: Decimal, agreed: bool, margin: Decimal, days: int) -> None:
    check_fee(fee)
    if agreed and fee == 0:
        raise ReminderError("Ange påminnelseavgiften, eller kryssa ur att den är avtalad.")
    if margin < 0 or margin > 50:
        raise ReminderError("Räntetillägget ska vara mellan 0 och 50 procentenheter (räntelagen: 8).")
    if not 1 <= days <= 60:
        raise ReminderError("Betalningstiden efter en påminnelse ska vara 1–60 dagar.")


@dataclass
class IssuedReminder:
    id: int
    issue_date: dt.date
    number: int
    customer: str
    sequence: int
    fee: Decimal
    interest: Decimal
    new_due_date: dt.date
    delivery: str
    e_invoice: bool
    transmission_state: TransmissionState | None = None  # where its e-invoice stands, when it was sent


def issued_reminders(limit: int = 500) -> list[IssuedReminder]:
    """The reminders made, newest first."""
    query = (Reminder.select(Reminder, Invoice.number, Invoice.buyer, Transmission.state).join(Invoice)
             .join(Transmission, JOIN.LEFT_OUTER, on=(Transmission.reminder == Reminder.id), src=Reminder,
                   attr="sent")
             .order_by(Reminder.issue_date.desc(), Reminder.id.desc()).limit(limit))
    rows = []
    for r in query:
        sent = getattr(r, "sent", None)  # no row: None, or a Transmission without a state
        rows.append(IssuedReminder(r.id, r.issue_date, r.invoice.number, r.invoice.buyer.get("name", ""), r.sequence,
                                   r.fee, r.interest, r.new_due_date, r.delivery, r.e_invoice,
                                   sent.state if sent is not None and sent.state is not None else None))
    return rows
