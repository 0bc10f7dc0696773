"""Invoice numbers form one unbroken series, also with several tills writing at once."""
import subprocess
import sys

import pytest

from kassa.models import Customer, Invoice, connection, database
from tests.factories import REPO, make_company


def prepare(url):
    connection.connect(url)
    make_company()
    Customer.create(number=1, name="Kund AB", org_number="5560360793", street="Väg 1", postal_code="11122",
                    city="Stockholm", reference="R1")
    database.close()


def run_tills(url, processes, per_process):
    procs = [
        subprocess.Popen([sys.executable, "-m", "tests.models.issue_worker", url, str(per_process), f"kassa-{n}"],
                         cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(processes)
    ]
    got = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        got.extend(int(line) for line in out.split())
    return got


def assert_unbroken(numbers, expected):
    assert len(numbers) == expected
    assert sorted(numbers) == list(range(1, expected + 1)), "a gap or a duplicate in the series"


def test_200_invoices_from_4_processes_on_postgresql(pg_url):
    prepare(pg_url)
    numbers = run_tills(pg_url, 4, 50)
    assert_unbroken(numbers, 200)
    connection.connect(pg_url)
    stored = [i.number for i in Invoice.select(Invoice.number)]
    assert_unbroken(stored, 200)
    assert len({i.till for i in Invoice.select(Invoice.till)}) == 4
    database.close()


def test_invoices_from_2_processes_on_sqlite(isolated_data_dir):
    url = f"sqlite:///{isolated_data_dir / 'shared.sqlite3'}"
    prepare(url)
    numbers = run_tills(url, 2, 60)
    assert_unbroken(numbers, 120)
    connection.connect(url)
    assert_unbroken([i.number for i in Invoice.select(Invoice.number)], 120)
    database.close()


def test_issued_invoices_are_immutable_on_postgresql_too(pg_db):
    from decimal import Decimal

    import peewee

    from kassa.invoicing import issue_invoice
    from kassa.money import LineInput

    make_company()
    cust = Customer.create(number=1, name="Kund AB", org_number="5560360793", reference="R")
    inv = issue_invoice(cust, [LineInput("a", Decimal("1"), Decimal("10.00"), 25)])
    with pytest.raises(peewee.DatabaseError, match="immutable"):
        Invoice.update(payable=Decimal("1")).where(Invoice.id == inv.id).execute()
    Invoice.update(status="credited").where(Invoice.id == inv.id).execute()
    assert Invoice.get_by_id(inv.id).status == "credited"
