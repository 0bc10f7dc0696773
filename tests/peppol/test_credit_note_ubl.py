"""A credit note of the invoice fee alone: its lines are the fee's parts (BR-16 and the schema want a line)."""
from __future__ import annotations

from decimal import Decimal

from kassa.invoicing import credit_invoice
from kassa.peppol.ubl import build_ubl
from tests.factories import make_company
from tests.peppol.ubl_documents import NS, issue, line, parse
from tests.test_credit_notes import sums, whole

D = Decimal


def test_crediting_only_the_fee_is_a_valid_credit_note(db, rule_pack):
    make_company(invoice_fee=D("29.00"))
    invoice = issue([line(rate=25), line(rate=12, price="50.00")])
    fees = [ln for ln in invoice.lines if ln.kind == "fee"]
    assert len(fees) == 2
    note = credit_invoice(invoice, {f.id: D(1) for f in fees})
    assert (note.line_extension, note.charge_total) == (D("0.00"), D("29.00"))
    xml = build_ubl(note)
    root = parse(xml)
    assert [el.text for el in root.xpath("cac:CreditNoteLine/cac:Item/cbc:Name", namespaces=NS)] == \
        ["Fakturaavgift", "Fakturaavgift"]
    assert root.xpath("cac:AllowanceCharge", namespaces=NS) == []
    assert [f.line() for f in rule_pack.validate(xml)] == []
    rest = credit_invoice(invoice)
    assert rest.charge_total == D("0.00") and sums(invoice) == whole(invoice)
