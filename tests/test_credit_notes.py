"""Credit notes computed from what the invoice holds: the cases of issue 12, and pieces in any order."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kassa.invoicing import InvoicingError, credit_invoice
from kassa.models import Invoice
from tests.factories import make_company
from tests.peppol.ubl_documents import issue, line

D = Decimal


def sums(invoice: Invoice) -> dict:
    """What the credit notes of `invoice` credited so far: net, VAT per rate, rounding, payable."""
    credits = list(Invoice.select().where(Invoice.credited_invoice == invoice.id))
    vat: dict = {}
    for credit in credits:
        for entry in credit.vat_breakdown:
            key = (entry["category"], int(entry["rate"]))
            vat[key] = vat.get(key, D(0)) + D(entry["tax"])
    return {
        "net": sum((c.tax_exclusive for c in credits), D(0)), "vat": vat,
        "rounding": sum((c.rounding for c in credits), D(0)), "payable": sum((c.payable for c in credits), D(0)),
    }


def whole(invoice: Invoice) -> dict:
    return {"net": invoice.tax_exclusive,
            "vat": {(e["category"], int(e["rate"])): D(e["tax"]) for e in invoice.vat_breakdown},
            "rounding": invoice.rounding, "payable": invoice.payable}


def test_ten_thousand_at_a_four_decimal_price_credited_in_two_halves(company):
    invoice = issue([line(quantity="10000", price="0.1235")])
    assert invoice.tax_exclusive == D("1235.00") and invoice.tax_total == D("308.75")
    one = invoice.item_lines[0]
    first = credit_invoice(invoice, {one.id: D("5000")})
    second = credit_invoice(invoice, {one.id: D("5000")})
    assert (first.tax_exclusive, first.tax_total) == (D("617.50"), D("154.38"))
    assert (second.tax_exclusive, second.tax_total) == (D("617.50"), D("154.37"))
    assert sums(invoice) == whole(invoice)


def test_three_at_10_10_with_rounding_credited_one_at_a_time(db):
    make_company(round_invoices=True)
    invoice = issue([line(quantity="3", price="10.10")])
    assert (invoice.tax_inclusive, invoice.rounding, invoice.payable) == (D("37.88"), D("0.12"), D("38.00"))
    one = invoice.item_lines[0]
    pieces = [credit_invoice(invoice, {one.id: D(1)}) for _ in range(3)]
    assert [p.payable for p in pieces] == [D("13.00"), D("12.00"), D("13.00")]
    assert all(p.payable == p.payable.to_integral_value() for p in pieces)
    assert sums(invoice) == whole(invoice)
    with pytest.raises(InvoicingError, match="inget kvar att kreditera"):
        credit_invoice(invoice)


def test_one_krona_credited_in_three_parts(db):
    make_company(round_invoices=True)
    invoice = issue([line(quantity="3", price="0.27")])  # 0.81 + 0.20 VAT = 1.01 -> 1.00
    assert invoice.payable == D("1.00")
    one = invoice.item_lines[0]
    pieces = [credit_invoice(invoice, {one.id: D(1)}) for _ in range(3)]
    assert sum(p.payable for p in pieces) == D("1.00")
    assert sums(invoice) == whole(invoice)


def test_pieces_never_exceed_and_the_rest_ends_on_zero(db):
    make_company(invoice_fee=D("19.00"), round_invoices=True)
    invoice = issue([line(quantity="7", price="13.33", rate=25), line(quantity="2.5", price="9.99", rate=6,
                                                                     discount_percent=D("12.50"))])
    a, b = invoice.item_lines
    fee = [ln for ln in invoice.lines if ln.kind == "fee"]
    for quantities in ({a.id: D(3)}, {b.id: D("0.7"), fee[0].id: D("0.5")}, {a.id: D("3.999")}):
        credit_invoice(invoice, quantities)
        done, all_of = sums(invoice), whole(invoice)
        assert done["net"] <= all_of["net"] and done["payable"] <= all_of["payable"]
        assert all(done["vat"][k] <= all_of["vat"][k] for k in done["vat"])
    with pytest.raises(InvoicingError, match="högst 0,001"):
        credit_invoice(invoice, {a.id: D("0.002")})
    credit_invoice(invoice)
    assert sums(invoice) == whole(invoice)
    assert Invoice.get_by_id(invoice.id).status == "credited"
