"""Reminders: the fee (capped, only when agreed), interest by räntelagen, one per due date, booked."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import peewee
import pytest

from kassa.bookkeeping.interest import InterestError, late_interest
from kassa.bookkeeping.payment_import import import_bgmax
from kassa.bookkeeping.receivables import OVERDUE, PAID, receivables
from kassa.bookkeeping.reminder_document import amount_to_pay, reminder_html
from kassa.bookkeeping.reminders import (
    ReminderError,
    check_settings,
    due_for_reminder,
    issue_reminder,
    mark_delivered,
    propose,
)
from kassa.bookkeeping.sie_export import export_sie
from kassa.models import BookkeepingSettings, ReferenceRate, Reminder
from tests.bookkeeping import bgmax_writer as w
from tests.bookkeeping.sie_reader import read_sie

D = Decimal
RATES = [(dt.date(2025, 1, 1), D("2.50")), (dt.date(2025, 7, 1), D("2.00"))]


def by_hand(principal: Decimal, rate: str, days: int) -> Decimal:
    return (principal * D(rate) / 100 * days / 365).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_interest_runs_from_the_due_date_at_the_rate_of_each_half_year():
    periods = late_interest(D("10000.00"), dt.date(2025, 3, 1), dt.date(2025, 8, 9), rates=RATES)
    assert [(p.first, p.last, p.days, p.rate) for p in periods] == [
        (dt.date(2025, 3, 2), dt.date(2025, 6, 30), 121, D("10.50")),
        (dt.date(2025, 7, 1), dt.date(2025, 8, 9), 40, D("10.00"))]
    assert [p.amount for p in periods] == [by_hand(D(10000), "10.50", 121), by_hand(D(10000), "10.00", 40)]
    assert late_interest(D("100.00"), dt.date(2025, 3, 1), dt.date(2025, 3, 1), rates=RATES) == []


def test_interest_needs_the_reference_rate_of_every_half_year():
    with pytest.raises(InterestError, match="halvåret som börjar 2026-01-01 saknas"):
        late_interest(D("100.00"), dt.date(2025, 12, 1), dt.date(2026, 1, 10), rates=RATES)


@pytest.fixture
def rates(db):
    for start, rate in RATES:
        ReferenceRate.create(valid_from=start, rate=rate)


def settings(**values) -> BookkeepingSettings:
    row = BookkeepingSettings.get_solo()
    for key, value in values.items():
        setattr(row, key, value)
    row.save()
    return row


def test_fee_only_when_agreed_once_per_invoice_and_never_two_reminders_for_one_due_date(invoiced, rates):
    invoice = invoiced.first
    today = invoice.due_date + dt.timedelta(days=20)
    assert propose(invoice, today).fee == 0  # no fee agreed
    settings(reminder_fee=D("60.00"), reminder_fee_agreed=True, reminder_days=10)
    first = issue_reminder(invoice.id, today, actor="Kassa 1")
    assert (first.sequence, first.fee, first.reminds_due_date) == (1, D("60.00"), invoice.due_date)
    assert first.interest == by_hand(invoice.payable, "10.50", 20)
    assert first.new_due_date == today + dt.timedelta(days=10)
    with pytest.raises(ReminderError, match="har redan fått påminnelse 1 .* nästa påminnelse kan göras efter"):
        issue_reminder(invoice.id, today)
    with pytest.raises(ReminderError, match="har redan fått påminnelse 1"):
        issue_reminder(invoice.id, first.new_due_date)
    with pytest.raises(peewee.IntegrityError):  # the database itself refuses a second one for the due date
        Reminder.create(invoice=invoice, reminds_due_date=invoice.due_date, issue_date=today,
                        new_due_date=today, open_amount=invoice.payable)
    later = first.new_due_date + dt.timedelta(days=5)
    second = issue_reminder(invoice.id, later)
    assert (second.sequence, second.fee, second.reminds_due_date) == (2, D("0.00"), first.new_due_date)
    assert second.interest_from == first.interest_to + dt.timedelta(days=1)  # no day charged twice
    assert second.interest == by_hand(invoice.payable, "10.50", (later - today).days)
    assert Reminder.select().count() == 2

    receivable = receivables([invoice.id])[invoice.id]
    assert receivable.open == invoice.payable + first.charges + second.charges
    assert receivable.state(later) == OVERDUE
    text = " ".join(reminder_html(second).split())
    assert "Betalningspåminnelse 2" in text and f"faktura {invoice.number}" in text
    assert "Avgifter och ränta från tidigare påminnelser" in text and invoice.ocr in text
    assert amount_to_pay(second) == receivable.open


def test_paying_what_the_reminder_asks_settles_the_invoice(invoiced, rates):
    invoice = invoiced.third
    settings(reminder_fee=D("45.00"), reminder_fee_agreed=True)
    reminder = issue_reminder(invoice.id, invoice.due_date + dt.timedelta(days=9))
    total = amount_to_pay(reminder)
    import_bgmax(w.BgMaxBuilder().section("20250501").pay(invoice.ocr, int(total * 100)).bytes())
    assert receivables([invoice.id])[invoice.id].state() == PAID


def test_no_reminder_for_a_paid_or_not_yet_due_invoice(invoiced, rates):
    with pytest.raises(ReminderError, match="förfaller"):
        issue_reminder(invoiced.first.id, invoiced.first.due_date)
    with pytest.raises(ReminderError, match="kreditfaktura"):
        issue_reminder(invoiced.credit.id, invoiced.credit.due_date + dt.timedelta(days=40))
    import_bgmax(w.BgMaxBuilder().section("20250401").pay(invoiced.first.ocr, int(invoiced.first.payable * 100))
                 .bytes())
    with pytest.raises(ReminderError, match="är betald"):
        issue_reminder(invoiced.first.id, invoiced.first.due_date + dt.timedelta(days=40))


def test_the_list_of_invoices_to_remind(invoiced, rates):
    today = dt.date(2025, 5, 15)
    proposals, problems = due_for_reminder(today)
    numbers = [p.number for p in proposals]
    # the second invoice is credited in full: nothing to remind of
    assert numbers == [invoiced.first.number, invoiced.third.number, invoiced.fourth.number]
    assert problems == []
    assert proposals[-1].e_invoice is True and proposals[0].e_invoice is False
    issue_reminder(invoiced.first.id, today)
    assert [p.number for p in due_for_reminder(today)[0]] == [invoiced.third.number, invoiced.fourth.number]
    ReferenceRate.delete().execute()
    proposals, problems = due_for_reminder(today)
    assert proposals == [] and "referensränta" in problems[0]


def test_the_fee_is_capped_by_law(db):
    with pytest.raises(ReminderError, match="högst 60,00 kr"):
        check_settings(D("75.00"), True, D("8.00"), 10)
    with pytest.raises(ReminderError, match="avtalad"):
        check_settings(D("0.00"), True, D("8.00"), 10)
    check_settings(D("60.00"), True, D("8.00"), 10)


def test_a_reminder_is_booked_and_records_how_it_went_out(invoiced, rates, tmp_path):
    settings(reminder_fee=D("60.00"), reminder_fee_agreed=True)
    reminder = issue_reminder(invoiced.third.id, dt.date(2025, 4, 30))
    mark_delivered(reminder.id, "pdf")
    assert Reminder.get_by_id(reminder.id).delivery == "pdf"
    with pytest.raises(peewee.DatabaseError, match="immutable"):  # how it went out may change; nothing else
        Reminder.update(fee=D("0.00")).where(Reminder.id == reminder.id).execute()
    target = tmp_path / "april.si"
    export_sie(target, dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    (voucher,) = read_sie(target.read_bytes()).vouchers
    assert voucher.text == f"Påminnelse 1 faktura {invoiced.third.number}"
    assert {t.account: t.amount for t in voucher.transactions} == {
        "1510": reminder.fee + reminder.interest, "3930": -reminder.fee, "8313": -reminder.interest}
