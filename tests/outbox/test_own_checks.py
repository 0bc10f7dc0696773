"""Kassa's own checks cover what its builder can produce: an invoice stored around the issue checks
(as invoices issued before them were) never reaches the send queue when the official rules refuse
it, with no rule pack installed as with one."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kassa.invoicing import _write_invoice, buyer_snapshot, seller_snapshot
from kassa.models import Company, Transmission
from kassa.models.database import write_transaction
from kassa.money import LineInput, compute_totals
from kassa.outbox.enqueue import SendBlocked, enqueue_invoice
from kassa.peppol.ubl import build_ubl
from tests.peppol.ubl_documents import make_customer

D = Decimal
SWEDISH_WORDS = ("rabatt", "styrtecken", "enhet", "momsregistreringsnummer", "samma faktura")


def stored(lines: list[LineInput], **customer):
    """An invoice written straight to the database, as an older Kassa could have."""
    company = Company.get_solo()
    buyer = make_customer(**customer)
    totals = compute_totals(lines)
    with write_transaction():
        invoice = _write_invoice(kind="invoice", customer=buyer, totals=totals, company=company,
                                 issue_date=dt.date.today(), due_date=dt.date.today(), buyer=buyer_snapshot(buyer),
                                 seller=seller_snapshot(company), buyer_reference="Anna")
    return invoice


CASES = {
    "discount over 100 %": ([LineInput("Vara", D(1), D(100), 25, discount_percent=D(150))], {}, "rabatten 150 %"),
    "control character": ([LineInput("Vara\x07", D(1), D(100), 25)], {}, "styrtecken (U+0007)"),
    "unit not in rec. 20": ([LineInput("Vara", D(1), D(100), 25, unit="PK")], {}, "enheten 'PK'"),
    "intra-EU without buyer VAT": ([LineInput("Vara", D(1), D(100), 0, vat_category="K")],
                                   dict(vat_number=""), "saknar momsregistreringsnummer"),
    "out of scope beside taxed": ([LineInput("Utlägg", D(1), D(100), 0, vat_category="O"),
                                   LineInput("Vara", D(1), D(100), 25)], {}, "kan inte stå på samma faktura"),
}


@pytest.fixture
def no_rule_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules-here"))


@pytest.mark.parametrize("case", list(CASES))
def test_without_a_rule_pack_the_queue_gets_nothing_the_rules_refuse(company, no_rule_pack, case):
    lines, customer, words = CASES[case]
    invoice_id = stored(lines, **customer).id
    with pytest.raises(SendBlocked) as blocked:
        enqueue_invoice(invoice_id)
    assert any(words in problem for problem in blocked.value.problems), blocked.value.problems
    assert Transmission.select().count() == 0


@pytest.mark.parametrize("case", [c for c in CASES if c != "control character"])
def test_the_official_rules_refuse_them_too(company, rule_pack, case):
    """The cases are real: each stored document has fatal findings (a control character cannot even be built)."""
    lines, customer, _ = CASES[case]
    fatal = [f for f in rule_pack.validate(build_ubl(stored(lines, **customer))) if f.is_fatal]
    assert fatal

