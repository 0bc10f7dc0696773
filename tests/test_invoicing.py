"""Issuing invoices and credit notes under the category's rules."""
import datetime as dt
from decimal import Decimal as D

import peewee
import pytest

from kassa.invoicing import IdCheck, InvoicingError, credit_invoice, issue_invoice
from kassa.models import AuditEvent, Company, Customer, CustomerCategory, ImmutableInvoiceError, Invoice, InvoiceLine
from kassa.money import LineInput
from kassa.ocr import is_valid_ocr
from tests.factories import make_company


def customer(category=None, **kw):
    values = dict(number=Customer.select().count() + 1, name="Göteborgs Stad", org_number="2120001355",
                  street="Box 1", postal_code="40482", city="Göteborg", reference="REF-1", category=category)
    values.update(kw)
    return Customer.create(**values)


def lines():
    return [LineInput("Konsulttimme", D("1.5"), D("850.00"), 25, unit="HUR"),
            LineInput("Kaffe", D("2"), D("45.00"), 12, price_includes_vat=True)]


def test_an_invoice_is_issued_with_number_ocr_snapshot_and_audit(company):
    inv = issue_invoice(customer(), lines(), issue_date=dt.date(2026, 11, 27))
    assert inv.number == 1 and inv.kind == "invoice"
    assert is_valid_ocr(inv.ocr) and inv.ocr.startswith("1")
    assert inv.due_date == dt.date(2026, 12, 27)
    assert inv.seller["name"] == "Hörnbutiken & Söner AB" and inv.seller["f_skatt"] is True
    assert inv.buyer["endpoint_scheme"] == "0007" and inv.buyer["endpoint_id"] == "2120001355"
    assert inv.buyer_reference == "REF-1"
    assert inv.line_extension == D("1275.00") + D("80.36")
    assert inv.payable == inv.tax_inclusive == D("1275.00") * D("1.25") + D("90.00")
    assert [e.event for e in inv.events] == ["issued"]


def test_an_issued_invoice_refuses_changes_and_deletion(company):
    inv = issue_invoice(customer(), lines())
    inv.payable = D("1.00")
    with pytest.raises(ImmutableInvoiceError):
        inv.save()
    with pytest.raises(ImmutableInvoiceError):
        inv.delete_instance()
    with pytest.raises(ImmutableInvoiceError):
        inv.lines[0].save()
    # Past the model, the database itself refuses.
    with pytest.raises(peewee.DatabaseError):
        Invoice.update(payable=D("1.00")).where(Invoice.id == inv.id).execute()
    with pytest.raises(peewee.DatabaseError):
        InvoiceLine.update(line_amount=D("0")).where(InvoiceLine.invoice == inv).execute()
    with pytest.raises(peewee.DatabaseError):
        Invoice.delete().where(Invoice.id == inv.id).execute()
    with pytest.raises(peewee.DatabaseError):
        AuditEvent.delete().execute()
    assert Invoice.get_by_id(inv.id).payable == inv.tax_inclusive
    # Its delivery state may change.
    Invoice.update(delivery="paper").where(Invoice.id == inv.id).execute()
    assert Invoice.get_by_id(inv.id).delivery == "paper"


def test_a_later_edit_of_the_customer_does_not_change_an_issued_invoice(company):
    cust = customer()
    inv = issue_invoice(cust, lines())
    cust.name = "Nytt Namn AB"
    cust.street = "Annan väg 9"
    cust.save()
    company.name = "Annat Bolag AB"
    company.save()
    again = Invoice.get_by_id(inv.id)
    assert again.buyer["name"] == "Göteborgs Stad" and again.buyer["street"] == "Box 1"
    assert again.seller["name"] == "Hörnbutiken & Söner AB"


def test_partial_credit_note_names_the_invoice_and_credits_chosen_quantities(company):
    inv = issue_invoice(customer(), lines())
    hours = inv.item_lines[0]
    credit = credit_invoice(inv, {hours.id: D("0.5")}, reason="Fel antal timmar")
    assert credit.kind == "credit_note" and credit.credited_invoice_id == inv.id
    assert credit.number == inv.number + 1
    assert [(ln.description, ln.quantity, ln.line_amount) for ln in credit.lines] == [
        ("Konsulttimme", D("0.500"), D("425.00"))]
    assert credit.payable == D("531.25")
    assert Invoice.get_by_id(inv.id).status == "partly_credited"
    # What is left can be credited, but no more than that.
    with pytest.raises(InvoicingError, match="högst 1"):
        credit_invoice(inv, {hours.id: D("1.5")})
    rest = credit_invoice(inv)
    assert {ln.description: ln.quantity for ln in rest.lines} == {"Konsulttimme": D("1.000"), "Kaffe": D("2.000")}
    assert Invoice.get_by_id(inv.id).status == "credited"
    with pytest.raises(InvoicingError, match="inget kvar"):
        credit_invoice(inv)
    with pytest.raises(InvoicingError):
        credit_invoice(credit)


def test_full_credit_note_mirrors_the_invoice_fee_included(db):
    make_company(invoice_fee=D("29.00"), round_invoices=True)
    inv = issue_invoice(customer(), lines())
    credit = credit_invoice(inv)
    assert credit.payable == inv.payable and credit.rounding == inv.rounding
    assert credit.vat_breakdown == inv.vat_breakdown
    assert [ln.kind for ln in credit.lines].count("fee") == 2


def test_fee_split_over_25_and_12_percent(db):
    make_company(invoice_fee=D("30.00"))
    inv = issue_invoice(customer(), [LineInput("a", D("1"), D("300.00"), 25), LineInput("b", D("1"), D("100.00"), 12)])
    fees = {ln.vat_rate: ln.line_amount for ln in inv.lines if ln.kind == "fee"}
    assert fees == {25: D("22.50"), 12: D("7.50")}
    assert inv.charge_total == D("30.00")
    assert {v["rate"]: v["tax"] for v in inv.vat_breakdown} == {25: "80.63", 12: "12.90"}


def test_category_can_waive_the_fee(db):
    make_company(invoice_fee=D("30.00"))
    cat = CustomerCategory.create(name="Stamkund", no_invoice_fee=True)
    inv = issue_invoice(customer(cat), lines())
    assert inv.charge_total == D("0.00") and all(ln.kind == "item" for ln in inv.lines)


def test_oresavrundning_on_invoices_when_the_company_chooses_it(db):
    make_company(round_invoices=True)
    inv = issue_invoice(customer(), [LineInput("a", D("1"), D("10.39"), 25)])
    assert (inv.tax_inclusive, inv.rounding, inv.payable) == (D("12.99"), D("0.01"), D("13.00"))
    Company.update(round_invoices=False).execute()
    inv = issue_invoice(customer(), [LineInput("a", D("1"), D("10.39"), 25)])
    assert (inv.rounding, inv.payable) == (D("0.00"), D("12.99"))


def test_require_id_blocks_till_invoices_without_an_id_check(company):
    cat = CustomerCategory.create(name="Legitimation", require_id=True)
    cust = customer(cat)
    with pytest.raises(InvoicingError, match="kräver legitimation"):
        issue_invoice(cust, lines())
    with pytest.raises(InvoicingError):
        issue_invoice(cust, lines(), id_check=IdCheck("Körkort", " "))
    assert Invoice.select().count() == 0
    inv = issue_invoice(cust, lines(), id_check=IdCheck("Körkort", "12345678"))
    assert (inv.id_check_kind, inv.id_check_number) == ("Körkort", "12345678")
    # Not for manual invoices.
    assert issue_invoice(cust, lines(), manual=True).manual


def test_insurance_company_needs_a_claim_reference_that_becomes_the_buyer_reference(company):
    cat = CustomerCategory.create(name="Försäkring", insurance_company=True)
    cust = customer(cat)
    with pytest.raises(InvoicingError, match="skadenummer"):
        issue_invoice(cust, lines())
    inv = issue_invoice(cust, lines(), claim_reference="SK-2026-0042")
    assert inv.buyer_reference == "SK-2026-0042" and inv.claim_reference == "SK-2026-0042"


def test_manual_invoice_incl_vat_is_converted_exactly(company):
    cat = CustomerCategory.create(name="Inkl moms", manual_incl_vat=True)
    entered = [LineInput("Reparation", D("1"), D("1000.00"), 25), LineInput("Del", D("3"), D("33.33"), 12)]
    inv = issue_invoice(customer(cat), entered, manual=True)
    assert inv.tax_inclusive == D("1000.00") + D("99.99")
    assert inv.line_extension == D("800.00") + D("89.28")
    plain = issue_invoice(customer(), [LineInput("Reparation", D("1"), D("1000.00"), 25)], manual=True)
    assert plain.tax_inclusive == D("1250.00")


def test_bonus_is_earned_unless_the_category_says_not(db):
    make_company(bonus_rate=D("2.00"))
    cust = customer()
    inv = issue_invoice(cust, [LineInput("a", D("1"), D("100.00"), 25)])
    assert inv.bonus_earned == D("2.50")
    assert Customer.get_by_id(cust.id).bonus_balance == D("2.50")
    cat = CustomerCategory.create(name="Ingen bonus", no_bonus=True)
    other = customer(cat)
    assert issue_invoice(other, [LineInput("a", D("1"), D("100.00"), 25)]).bonus_earned == D("0.00")
    assert Customer.get_by_id(other.id).bonus_balance == D("0.00")


def test_incomplete_company_settings_are_named(db):
    make_company(street="", bankgiro="")
    with pytest.raises(InvoicingError, match="gatuadress"):
        issue_invoice(customer(), lines())


@pytest.mark.parametrize("bad, words", [
    (LineInput("a", D("0"), D("1"), 25), "större än noll"),
    (LineInput("a", D("1"), D("-1"), 25), "negativt"),
    (LineInput("a", D("1"), D("1"), 20), "momssatsen 20 % finns inte"),
])
def test_bad_lines_are_refused_and_nothing_is_written(company, bad, words):
    with pytest.raises(InvoicingError, match=words):
        issue_invoice(customer(), [bad])
    assert Invoice.select().count() == 0


def test_a_failed_issue_leaves_no_gap_in_the_series(company):
    cust = customer()
    issue_invoice(cust, lines())
    inactive = customer(active=False)
    with pytest.raises(InvoicingError):
        issue_invoice(inactive, lines())
    assert issue_invoice(cust, lines()).number == 2
