"""Grand totals (SKVFS 2014:9 7 kap. 3 § u–w) carry on from each Z report of the till and are never reset:
not by another till on the same database, not by a schema migration. The X report has no serial number."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from kassa.models import SchemaVersion, UnitAttempt, connection, database, schema
from kassa.register.service import Register
from tests.register.printed import text


def day(till: Register, sold: list[str], returned: list[str] = ()) -> None:
    """A day of card sales (scanned codes) and card returns without a receipt, closed with its Z report."""
    till.open_day("0")
    for code in sold:
        till.add_code(code)
        till.pay_card()
    for code in returned:
        till.begin_return()
        till.add_code(code)
        till.refund_to("card")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_tills(request, unit):
    if request.param == "postgres":
        request.getfixturevalue("pg_db")
        from tests.factories import make_company
        from tests.register.shop import make_articles

        make_company()
        make_articles()
    else:
        request.getfixturevalue("shop")
    return Register("kassa-1", unit), Register("kassa-2", unit)


def test_each_tills_grand_totals_carry_on_and_never_mix(two_tills):
    one, two = two_tills
    day(one, ["100"])  # 54,90
    first = one.z_report("0")
    day(two, ["200", "200"], ["200"])  # 158,00 sold, 79,00 back
    other = two.z_report("0")
    day(one, ["101"], ["101"])  # 25,00 sold, 25,00 back
    x = one.x_report()
    second = one.z_report("0")

    assert (first.grand_total_sales, first.grand_total_returns) == (D("54.90"), D("0.00"))
    assert (other.number, other.grand_total_sales, other.grand_total_returns) == (1, D("158.00"), D("79.00"))
    assert (x.number, x.grand_total_sales, x.grand_total_returns) == (None, D("79.90"), D("25.00"))
    assert (second.number, second.grand_total_sales, second.grand_total_returns) == (2, D("79.90"), D("25.00"))
    assert second.grand_total_net == D("54.90")
    printed_x = text(one.report_printout(x))
    assert "X-DAGRAPPORT" in printed_x and "Z-rapport nr" not in printed_x  # no serial on an X report


def test_grand_totals_carry_on_across_a_migration(shop, unit, isolated_data_dir, monkeypatch):
    till = Register("kassa-1", unit)
    day(till, ["100", "200"], ["200"])
    before = till.z_report("0")
    # The database as the previous schema left it: without the newest table, version 6.
    database.db.drop_tables([UnitAttempt])
    SchemaVersion.create(version=schema.SCHEMA_VERSION - 1)
    database.close()
    monkeypatch.setattr(schema, "backup_before_migration", lambda: None)
    connection.connect(f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}")
    assert schema.current_version() == schema.SCHEMA_VERSION

    till = Register("kassa-1", unit)
    day(till, ["101"])
    after = till.z_report("0")
    assert (before.grand_total_sales, before.grand_total_returns) == (D("133.90"), D("79.00"))
    assert (after.number, after.grand_total_sales, after.grand_total_returns) == (2, D("158.90"), D("79.00"))
