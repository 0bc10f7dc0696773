"""Several tills on one database: two application processes issuing invoices at the same moment get
one unbroken series with no number twice (docs/several-tills.md)."""
from __future__ import annotations

import pytest

from tests.factories import make_company
from tests.invoice_writer import WriterProcess

PER_TILL = 25


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def shared_url(request, isolated_data_dir):
    """A prepared database (company, customer 1) that the till processes connect to."""
    if request.param == "postgres":
        request.getfixturevalue("pg_db")
        url = request.getfixturevalue("pg_url")
    else:
        request.getfixturevalue("db")
        url = f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}"
    from kassa.models import Customer

    make_company()
    Customer.create(number=1, name="Bygg & Fix AB", org_number="5560360793", street="Verkstadsgatan 2",
                    postal_code="41250", city="Göteborg")
    return url


def test_two_till_processes_issue_at_once_into_one_unbroken_series(shared_url, tmp_path):
    go = tmp_path / "go"
    tills = {
        name: WriterProcess(shared_url, name, "--count", str(PER_TILL), "--start-file", str(go))
        for name in ("kassa-1", "kassa-2")
    }  # both connected and waiting
    go.touch()
    for till in tills.values():
        till.finish()

    one, two = (tills[name].numbers for name in ("kassa-1", "kassa-2"))
    assert len(one) == len(two) == PER_TILL
    assert not set(one) & set(two), "a number was issued twice"
    assert sorted(one + two) == list(range(1, 2 * PER_TILL + 1)), "the series has a gap"
    if shared_url.startswith("postgresql"):
        # They really ran at the same time: each got numbers before the other had finished. (On SQLite
        # a till waiting for the write lock backs off, so one till's burst usually runs first.)
        assert min(one) < max(two) and min(two) < max(one)

    from kassa.models import Invoice, InvoiceLine, NumberSeries

    stored = {inv.number: inv.till for inv in Invoice.select(Invoice.number, Invoice.till)}
    assert stored == {**{n: "kassa-1" for n in one}, **{n: "kassa-2" for n in two}}
    assert NumberSeries.get(NumberSeries.name == "invoice").next_number == 2 * PER_TILL + 1
    assert InvoiceLine.select().count() == 2 * 2 * PER_TILL
