"""`kassa demo` on an empty data directory, twice."""
import subprocess
import sys

from kassa.identifiers import check_bankgiro, check_gln, check_orgnr, check_personnummer
from kassa.models import (
    Article,
    Company,
    Customer,
    CustomerCategory,
    Invoice,
    JournalEntry,
    Receipt,
    ZReport,
    connection,
    database,
)
from tests.factories import REPO


def kassa(*args, env=None):
    return subprocess.run([sys.executable, "-m", "kassa", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def counts():
    return (Company.select().count(), CustomerCategory.select().count(), Customer.select().count(),
            Article.select().count(), Invoice.select().count(), Receipt.select().count(),
            JournalEntry.select().count(), ZReport.select().count())


def test_demo_creates_a_usable_demo_and_adds_nothing_the_second_time(isolated_data_dir):
    first = kassa("demo")
    assert first.returncode == 0, first.stderr
    assert "Demodata skapad" in first.stdout
    connection.connect()
    try:
        company = Company.get_solo()
        assert check_orgnr(company.org_number) and check_bankgiro(company.bankgiro) and company.f_skatt
        pagero = CustomerCategory.get(CustomerCategory.name == "e-fakturakund")
        assert pagero.note == "pagero" and pagero.sends_via_pagero
        assert CustomerCategory.select().where(CustomerCategory.note == "").exists()
        customers = list(Customer.select())
        assert any(c.sends_via_pagero for c in customers) and any(not c.sends_via_pagero for c in customers)
        assert any(c.gln and check_gln(c.gln) for c in customers)
        private = [c for c in customers if c.is_private]
        assert private and check_personnummer(private[0].org_number)
        for c in customers:
            if not c.is_private:
                check_orgnr(c.org_number)
        groups = {a.number: a.vat_group.key for a in Article.select()}
        assert groups["100"] == groups["101"] == "food"  # coffee and buns: the dated food rate
        assert set(groups.values()) >= {"food", "standard", "culture"}
        kinds = [i.kind for i in Invoice.select()]
        assert kinds.count("credit_note") == 1 and kinds.count("invoice") >= 3
        # a closed day at the till "demo": receipts paid in cash, by card, Swish and split, a return, its Z report
        receipts = list(Receipt.select().where(Receipt.till == "demo").order_by(Receipt.serial))
        assert [r.kind for r in receipts].count("sale") >= 4 and [r.kind for r in receipts].count("return") == 1
        assert [r.serial for r in receipts] == list(range(1, len(receipts) + 1))
        z = ZReport.get(ZReport.till == "demo")
        assert {r.day_id for r in receipts} == {z.day_id} and z.difference == 0
        assert {m["method"] for m in z.figures["means"] if m["sales"] != "0.00"} == {"cash", "card", "swish"}
        assert z.figures["returns"]["count"] == 1
        before = counts()
    finally:
        database.close()

    second = kassa("demo")
    assert second.returncode == 0, second.stderr
    assert "inget lades till" in second.stdout
    connection.connect()
    try:
        assert counts() == before
    finally:
        database.close()


def test_help_lists_the_commands():
    out = kassa("--help")
    assert out.returncode == 0
    assert "demo" in out.stdout
