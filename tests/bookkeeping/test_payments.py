"""Payments from Bankgirot: files the tests write from the record layout (tests/bookkeeping/bgmax_writer.py)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kassa.bookkeeping.payment_import import PaymentImportError, import_bgmax
from kassa.bookkeeping.payment_placing import PlacementError, place_payment, unplaced_payments
from kassa.bookkeeping.receivables import OVERDUE, OVERPAID, PAID, PARTLY_PAID, UNPAID, receivables
from kassa.cli import main
from kassa.invoicing import credit_invoice
from kassa.models import PaymentAllocation, PaymentFile, ReceivedPayment
from kassa.ocr import make_ocr
from tests.bookkeeping import bgmax_writer as w
from tests.bookkeeping.books import issue

TODAY = dt.date(2025, 3, 25)  # the invoices of March are not due yet


def ore(amount: Decimal) -> int:
    return int(amount * 100)


def state(invoice, today=TODAY) -> str:
    return receivables([invoice.id])[invoice.id].state(today)


def counts() -> tuple[int, int, int]:
    return PaymentFile.select().count(), ReceivedPayment.select().count(), PaymentAllocation.select().count()


@pytest.fixture
def paid_with_credit(customers):
    """An invoice of 500 kr with a credit note of 100 kr: the payer pays 500 and deducts the credit note."""
    invoice = issue(customers.other, [("Lampa", 1, "500.00", 25)], dt.date(2025, 3, 10))
    line = invoice.item_lines[0]
    credit = credit_invoice(invoice, {line.id: Decimal("0.2")}, issue_date=dt.date(2025, 3, 12))
    assert credit.payable == Decimal("100.00")
    return invoice, credit


def the_file(invoiced, paid_with_credit, written="20250320061502000000") -> w.BgMaxBuilder:
    invoice, credit = paid_with_credit
    return (w.BgMaxBuilder(written=written).section("20250320")
            .pay(invoiced.first.ocr, ore(invoiced.first.payable), payer="Byggbolaget i Mölndal AB")  # exact
            .pay(invoiced.third.ocr, ore(invoiced.third.payable) // 2)  # partial
            .pay("", 31400, code=0, payer="Okänd Betalare")  # no reference
            .pay(make_ocr(9999), 12500)  # an OCR number no invoice has
            .pay(invoiced.fourth.ocr, ore(invoiced.fourth.payable) + 5000)  # over-payment
            .section("20250321")
            .pay(invoice.ocr, ore(invoice.payable), payer_bankgiro="56781234")  # the full invoice …
            .pay(credit.ocr, ore(credit.payable), deduction=True, payer_bankgiro="56781234"))  # … less its credit


def test_matched_invoices_become_paid_the_rest_is_listed_and_a_second_import_adds_nothing(invoiced, paid_with_credit):
    invoice, credit = paid_with_credit
    data = the_file(invoiced, paid_with_credit).bytes()
    result = import_bgmax(data, "BGMAX.txt", actor="Kassa 1")
    assert (result.payments, result.new, result.placed, result.unplaced) == (7, 7, 3, 4)
    assert "3 placerade" in result.summary() and "4 behöver placeras för hand" in result.summary()

    assert state(invoiced.first) == PAID
    assert state(invoice) == PAID  # 500 paid, 100 of it credited and the credit deducted
    assert state(invoiced.third) == UNPAID  # a partial payment waits for a person
    assert state(invoiced.fourth) == UNPAID
    deduction = ReceivedPayment.get(ReceivedPayment.kind == "deduction")
    assert deduction.amount == -credit.payable
    assert [(a.invoice_id, a.amount) for a in deduction.allocations] == [(credit.id, -credit.payable)]

    listed = {row.reference or row.payer: row for row in unplaced_payments()}
    assert len(listed) == 4
    assert listed[invoiced.third.ocr].reason.startswith(f"Delbetalning: faktura {invoiced.third.number} har")
    assert listed[invoiced.third.ocr].suggestion == invoiced.third.number
    assert listed["Okänd Betalare"].reason == "Ingen OCR-referens"
    assert listed[make_ocr(9999)].reason == f"OCR-numret {make_ocr(9999)} finns inte bland fakturorna"
    assert listed[invoiced.fourth.ocr].reason.startswith(f"Överbetalning: faktura {invoiced.fourth.number}")
    assert listed[invoiced.fourth.ocr].suggested_amount == invoiced.fourth.payable
    payer = ReceivedPayment.get(ReceivedPayment.payer_name == "Byggbolaget i Mölndal AB")
    assert payer.pay_date == dt.date(2025, 3, 20) and payer.payer_org_number == "5560160680"

    before = counts()
    again = import_bgmax(data, "BGMAX.txt")
    assert again.already_imported and "redan inläst" in again.summary()
    assert counts() == before

    # The bank sends the same payments again in a new file, with one more: only that one is added.
    resent = the_file(invoiced, paid_with_credit, written="20250322061502000000")
    resent.section("20250322").pay(invoiced.third.ocr, ore(invoiced.third.payable) - ore(invoiced.third.payable) // 2)
    result = import_bgmax(resent.bytes(), "BGMAX2.txt")
    assert (result.payments, result.new, result.duplicates) == (8, 1, 7)
    assert counts()[1] == before[1] + 1
    # the rest of the partial payment alone does not match the whole invoice: still for a person
    assert state(invoiced.third) == UNPAID


def test_a_person_places_partial_and_over_payments(invoiced, paid_with_credit):
    import_bgmax(the_file(invoiced, paid_with_credit).bytes(), "BGMAX.txt")
    listed = {row.reference: row for row in unplaced_payments()}
    partial = listed[invoiced.third.ocr]
    place_payment(partial.id, invoiced.third.number, partial.remaining, actor="Anna")
    assert state(invoiced.third) == PARTLY_PAID
    assert state(invoiced.third, today=dt.date(2025, 6, 1)) == OVERDUE
    left = receivables([invoiced.third.id])[invoiced.third.id].open
    assert left == invoiced.third.payable - partial.remaining

    over = listed[invoiced.fourth.ocr]
    with pytest.raises(PlacementError, match=f"Faktura {invoiced.fourth.number} har .* kvar att betala; placera "
                                             "högst det, eller hela resten"):
        place_payment(over.id, invoiced.fourth.number, invoiced.fourth.payable + Decimal("10.00"))
    place_payment(over.id, invoiced.fourth.number, invoiced.fourth.payable)
    assert state(invoiced.fourth) == PAID
    rest = next(r for r in unplaced_payments() if r.id == over.id)
    assert rest.remaining == Decimal("50.00")
    with pytest.raises(PlacementError, match="bara 50,00 kr kvar"):
        place_payment(over.id, invoiced.third.number, Decimal("60.00"))
    with pytest.raises(PlacementError, match="ingen faktura med nummer 999"):
        place_payment(over.id, 999, Decimal("10.00"))
    # The rest of the over-payment on the same invoice: it is overpaid, and nothing is left to place.
    place_payment(over.id, invoiced.fourth.number, Decimal("50.00"))
    assert state(invoiced.fourth) == OVERPAID
    assert receivables([invoiced.fourth.id])[invoiced.fourth.id].open == Decimal("-50.00")
    assert over.id not in {r.id for r in unplaced_payments()}
    manual = PaymentAllocation.get(PaymentAllocation.payment == partial.id)
    assert (manual.how, manual.actor) == ("manual", "Anna")


def test_several_ocr_references_are_placed_when_the_sum_is_exact(invoiced):
    builder = (w.BgMaxBuilder().section("20250320")
               .pay(invoiced.first.ocr, ore(invoiced.first.payable + invoiced.third.payable),
                    extras=[(invoiced.third.ocr, 0, False)]))
    result = import_bgmax(builder.bytes())
    assert result.placed == 1
    assert state(invoiced.first) == state(invoiced.third) == PAID


BAD_AMOUNT = w.record("20", w.right("0", 10), w.right("10015", 25, " "), "00000000000000x000", "2", "1",
                      w.right(1, 12), "0")


@pytest.mark.parametrize("change, line, reason", [
    (lambda r: r[:2] + [r[2][:79]] + r[3:], 3, "posten har 79 tecken"),
    (lambda r: r[:2] + [BAD_AMOUNT] + r[3:], 3, "Beloppet (position 38–55) ska vara siffror"),
    (lambda r: r[:3] + [w.deposit("20250320", 99, 1)] + r[4:], 4, "insättningsbeloppet är 0,99 kr"),
    (lambda r: r[:-1] + [w.end(2, 0, 0, 1)], 5, "slutposten stämmer inte"),
    (lambda r: r[:2] + [w.record("99")] + r[2:], 3, "okänd posttyp '99'"),
    (lambda r: r[:-1], 4, "slutposten (70) saknas"),
    (lambda r: r[:2] + [w.extra("10015", 100)] + r[2:], 3, "ingen betalningspost"),
    (lambda r: [w.record("01", w.left("BGMAY", 20))] + r[1:], 1, "layouten BGMAX"),
    (lambda r: r[:3] + [w.deposit("20250230", 12345, 1)] + r[4:], 4, "'20250230' är inget giltigt datum"),
])
def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_stored(company, change, line, reason):
    records = w.BgMaxBuilder().section("20250320").pay("10015", 12345).records()
    data = ("\r\n".join(change(records)) + "\r\n").encode("iso-8859-1")
    with pytest.raises(PaymentImportError) as refused:
        import_bgmax(data, "fel.txt")
    message = str(refused.value)
    assert f"Rad {line}: " in message and reason in message, message
    assert "inget av den sparades" in message
    assert counts() == (0, 0, 0)


def test_files_for_another_bankgiro_a_test_file_and_euros_are_refused(company):
    for builder, reason in [
        (w.BgMaxBuilder(bankgiro="9912346").section("20250320").pay("10015", 100), "bankgiro 991-2346"),
        (w.BgMaxBuilder(test=True).section("20250320").pay("10015", 100), "testfil"),
    ]:
        with pytest.raises(PaymentImportError, match=reason):
            import_bgmax(builder.bytes())
    euro = w.BgMaxBuilder().section("20250320").pay("10015", 100).records()
    euro[1] = w.opening(currency="EUR")
    euro[3] = w.deposit("20250320", 100, 1, currency="EUR")
    with pytest.raises(PaymentImportError, match="Rad 2: avsnittet är i EUR"):
        import_bgmax(w.to_bytes(euro))
    assert counts() == (0, 0, 0)


def test_command_line_import_and_list(invoiced, paid_with_credit, tmp_path, isolated_data_dir, monkeypatch, capsys):
    monkeypatch.setenv("KASSA_DATABASE_URL", f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}")
    path = tmp_path / "BgMax_20250320.txt"
    path.write_bytes(the_file(invoiced, paid_with_credit).bytes())
    assert main(["payments", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "7 betalningar i filen, 7 nya" in out and "3 placerade" in out
    assert main(["payments", "import", str(path)]) == 0
    assert "redan inläst" in capsys.readouterr().out
    assert main(["payments", "list"]) == 0
    out = capsys.readouterr().out
    assert "Ingen OCR-referens" in out and "4 inbetalningar att placera" in out

    broken = tmp_path / "trasig.txt"
    broken.write_bytes(path.read_bytes().replace(b"01BGMAX ", b"01BGMAY "))
    assert main(["payments", "import", str(broken)]) == 1
    assert "Rad 1: " in capsys.readouterr().err
    assert main(["payments", "import", str(tmp_path / "saknas.txt")]) == 1
    assert "Kunde inte läsa" in capsys.readouterr().err


@pytest.mark.postgres
def test_the_same_on_postgresql(pg_db, tmp_path):
    """The prepared queries (kassa.models.bulk) and the SQL of the invoice list's filters on PostgreSQL."""
    from kassa.bookkeeping.receivables import state_filter
    from kassa.bookkeeping.sie_export import export_sie
    from kassa.models import Customer, Invoice
    from tests.bookkeeping.sie_reader import read_sie
    from tests.factories import make_company

    make_company()
    customer = Customer.create(number=1, name="Kund AB", org_number="5560160680", street="Väg 1",
                               postal_code="11122", city="Stockholm", reference="R")
    paid = issue(customer, [("Lampa", 1, "500.00", 25)], dt.date(2025, 3, 10))
    open_ = issue(customer, [("Kabel", 2, "99.00", 25)], dt.date(2025, 3, 11))
    line = paid.item_lines[0]
    credit = credit_invoice(paid, {line.id: Decimal("0.2")}, issue_date=dt.date(2025, 3, 12))
    data = (w.BgMaxBuilder().section("20250320").pay(paid.ocr, ore(paid.payable))
            .pay(credit.ocr, ore(credit.payable), deduction=True).pay("", 1000, code=0)).bytes()
    result = import_bgmax(data)
    assert (result.placed, result.unplaced) == (2, 1)
    assert state(paid) == PAID and state(open_) == UNPAID
    assert import_bgmax(data).already_imported
    assert [row.reason for row in unplaced_payments()] == ["Ingen OCR-referens"]
    assert [i.number for i in Invoice.select().where(state_filter("paid"))] == [paid.number]
    assert [i.number for i in Invoice.select().where(state_filter("open"))] == [open_.number]
    assert [i.number for i in Invoice.select().where(state_filter("overdue"))] == [open_.number]  # due in April 2025
    assert [i.number for i in Invoice.select().where(state_filter("unpaid") | state_filter("overpaid"))] == []
    from kassa.register.service import Register
    from tests.register.shop import ScriptedUnit, make_articles

    make_articles()
    till = Register("kassa-1", ScriptedUnit(), now=lambda: dt.datetime(2025, 3, 14, 9, 30))
    till.open_day("0")
    till.add_code("101")
    till.pay_swish()
    till.z_report("0")
    target = tmp_path / "pg.si"
    export_sie(target, dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    document = read_sie(target.read_bytes())
    assert len(document.vouchers) == 7 and all(v.balance == 0 for v in document.vouchers)  # 1 + 2 + 1 + 3
    assert {t.account: t.amount for t in document.vouchers[0].transactions} == {
        "1581": Decimal("25.00"), "3002": Decimal("-22.32"), "2621": Decimal("-2.68")}
    assert document.checksum_declared == document.checksum_computed
    import peewee

    with pytest.raises(peewee.DatabaseError, match="immutable"):
        with pg_db.atomic():
            ReceivedPayment.update(amount=Decimal("1.00")).execute()


def test_payments_and_placements_cannot_be_changed_or_deleted(invoiced):
    import peewee

    from kassa.models import ImmutableInvoiceError

    import_bgmax(w.BgMaxBuilder().section("20250320").pay(invoiced.first.ocr, ore(invoiced.first.payable)).bytes())
    payment = ReceivedPayment.get()
    with pytest.raises(ImmutableInvoiceError):
        payment.save()
    for query in (ReceivedPayment.update(amount=Decimal("1.00")), PaymentAllocation.update(amount=Decimal("1.00")),
                  PaymentAllocation.delete(), PaymentFile.delete(), ReceivedPayment.delete()):
        with pytest.raises(peewee.DatabaseError, match="immutable"):  # the database refuses it as well
            query.execute()
    assert counts() == (1, 1, 1)
    assert state(invoiced.first) == PAID


def test_a_payment_in_kronor_is_not_placed_on_an_invoice_in_euro_by_its_number(customers):
    """Bankgirot pays kronor: 250,00 kr with the OCR of an invoice of 250,00 EUR is not that invoice paid
    (it is a tenth of it); a person places it, told why."""
    invoice = issue(customers.other, [("Lampa", 1, "250.00", 25)], dt.date(2025, 3, 10), currency="EUR",
                    exchange_rate=Decimal("11.4523"), exchange_rate_date=dt.date(2025, 3, 10))
    assert invoice.payable == Decimal("250.00")
    data = w.BgMaxBuilder().section("20250320").pay(invoice.ocr, ore(invoice.payable)).bytes()
    result = import_bgmax(data, "BGMAX.txt")
    assert (result.placed, result.unplaced) == (0, 1)
    assert state(invoice) == UNPAID
    [row] = unplaced_payments()
    assert row.reason == f"Faktura {invoice.number} är i EUR; inbetalningen är i kronor. Placera den för hand."
