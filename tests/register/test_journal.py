"""The journal: every registration, append-only in the database, chained so that a changed or
removed row is found and named."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal

import peewee
import pytest

from kassa.models import JournalEntry, Payment, Receipt, Sale, SaleLine, db
from kassa.register import journal
from kassa.register.payments import PaymentPart
from kassa.register.prices import journal_setting, save_article
from tests.factories import REPO
from tests.register.printed import text


def a_little_day(register):
    register.add_code("2*100")
    register.set_quantity(0, "3")
    register.add_code("200")
    register.remove_line(1)
    register.pay_cash("200")
    register.add_code("101")
    register.void()


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kassa", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("statement", [
    "UPDATE journal_entry SET amount = 0 WHERE seq = 2",
    "DELETE FROM journal_entry WHERE seq = 2",
    "UPDATE receipt SET payable = 1",
    "DELETE FROM receipt",
    "UPDATE z_report SET counted_cash = 0",
    "UPDATE register_day SET float_amount = 0",
    "UPDATE sale SET total = 1",
    "DELETE FROM sale_line",
    "UPDATE payment SET amount = 1",
])
def test_the_database_refuses_to_change_or_delete_registrations(register, statement):
    a_little_day(register)
    register.z_report("0")
    with pytest.raises(peewee.DatabaseError, match="immutable"), db.atomic():
        db.execute_sql(statement)


def test_registrations_are_immutable_on_postgresql_too(pg_db, unit):
    from kassa.register.service import Register
    from tests.factories import make_company
    from tests.register.shop import make_articles

    make_company()
    make_articles()
    till = Register("kassa-1", unit)
    till.open_day("100")
    a_little_day(till)
    for statement in ("UPDATE journal_entry SET amount = 0", "DELETE FROM journal_entry",
                      "UPDATE receipt SET serial = 7", "DELETE FROM payment"):
        with pytest.raises(peewee.DatabaseError, match="immutable"), pg_db.atomic():
            pg_db.execute_sql(statement)
    assert all(report.ok for report in journal.verify())


def test_every_registration_is_journalled_with_what_it_registered(register):
    a_little_day(register)
    rows = list(JournalEntry.select().order_by(JournalEntry.seq))
    assert [r.event for r in rows] == ["day_opened", "line_added", "line_changed", "line_added", "line_removed",
                                       "receipt", "line_added", "voided"]
    assert [r.seq for r in rows] == list(range(1, 9))
    assert rows[2].data["before"]["quantity"] == "2" and rows[2].data["line"]["quantity"] == "3"
    assert rows[4].data["line"]["name"] == "Mugg vit"
    receipt = Receipt.get()
    assert rows[5].receipt_id == receipt.id and rows[5].data["serial"] == 1 and rows[5].data["payable"] == "165.00"
    assert rows[7].amount == Decimal("25.00") and rows[7].data["lines"][0]["name"] == "Kanelbulle"


def test_a_changed_row_is_found_and_named(register):
    a_little_day(register)
    db.execute_sql("DROP TRIGGER journal_entry_no_update")
    row = JournalEntry.get(JournalEntry.seq == 6)
    data = dict(row.data, payable="100.00")
    db.execute_sql("UPDATE journal_entry SET data = ? WHERE id = ?", (json.dumps(data), row.id))
    [report] = journal.verify()
    assert not report.ok and report.bad_seq == 6 and report.bad_id == row.id
    assert "Journalrad 6 är ändrad" in report.problem


def test_a_removed_row_is_found_and_named(register):
    a_little_day(register)
    db.execute_sql("DROP TRIGGER journal_entry_no_delete")
    db.execute_sql("DELETE FROM journal_entry WHERE seq IN (4, 5)")
    [report] = journal.verify()
    assert report.bad_seq == 4 and report.bad_id is None and "Journalrad 4–5 saknas" in report.problem


def test_reordered_rows_are_found_and_named(register):
    a_little_day(register)
    db.execute_sql("DROP TRIGGER journal_entry_no_update")
    third, fourth = (JournalEntry.get(JournalEntry.seq == n) for n in (3, 4))
    db.execute_sql("UPDATE journal_entry SET seq = -1 WHERE id = ?", (third.id,))
    db.execute_sql("UPDATE journal_entry SET seq = 3 WHERE id = ?", (fourth.id,))
    db.execute_sql("UPDATE journal_entry SET seq = 4 WHERE id = ?", (third.id,))
    [report] = journal.verify()
    assert report.bad_seq == 3 and report.bad_id == fourth.id
    assert "Journalrad 3 pekar inte på raden före" in report.problem


def test_rows_moved_in_time_are_found_and_named(register):
    a_little_day(register)
    db.execute_sql("DROP TRIGGER journal_entry_no_update")
    third = JournalEntry.get(JournalEntry.seq == 3)
    later = JournalEntry.get(JournalEntry.seq == 5).at + dt.timedelta(seconds=1)  # after rows 4 and 5
    db.execute_sql("UPDATE journal_entry SET at = ? WHERE id = ?", (later, third.id))
    [report] = journal.verify()
    assert report.bad_seq == 3 and "Journalrad 3 är ändrad" in report.problem


def test_a_journal_rewritten_with_its_chain_recomputed_disagrees_with_the_z_report(register):
    a_little_day(register)
    figures = register.z_report("0")
    printed = text(register.report_printout(figures))
    head = JournalEntry.select().order_by(JournalEntry.seq.desc()).get()  # the Z report's own row
    assert figures.journal_seq == head.seq - 1 and f"Journal t.o.m. rad {head.seq - 1}" in " ".join(printed.split())
    assert JournalEntry.get(JournalEntry.seq == head.seq - 1).hash[:16] in printed
    # Someone with the database: row 6 (the receipt) altered, and every hash from there recomputed.
    db.execute_sql("DROP TRIGGER journal_entry_no_update")
    receipt_row = JournalEntry.get(JournalEntry.seq == 6)
    db.execute_sql("UPDATE journal_entry SET data = ? WHERE id = ?",
                   (json.dumps(dict(receipt_row.data, payable="100.00")), receipt_row.id))
    prev = JournalEntry.get(JournalEntry.seq == 5).hash
    for row in JournalEntry.select().where(JournalEntry.seq >= 6).order_by(JournalEntry.seq):
        digest = journal.chain_hash(prev, journal.canonical(row.till, row.seq, row.at, row.event, row.day_id,
                                                            row.receipt_id, row.amount, row.data))
        db.execute_sql("UPDATE journal_entry SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row.id))
        prev = digest
    [report] = journal.verify()
    assert not report.ok and report.bad_seq == head.seq - 1
    assert "stämmer inte med Z-dagrapport 1" in report.problem and "skrivits om" in report.problem


def test_rows_cut_off_at_the_end_are_found(register):
    a_little_day(register)
    db.execute_sql("DROP TRIGGER journal_entry_no_delete")
    db.execute_sql("DELETE FROM journal_entry WHERE seq = 8")
    [report] = journal.verify()
    assert report.bad_seq == 8 and "saknas i slutet" in report.problem


def test_kassa_journal_verify_exits_non_zero_naming_the_first_bad_row(register, isolated_data_dir):
    a_little_day(register)
    url = f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}"
    ok = cli("journal", "verify", env={"KASSA_DATABASE_URL": url})
    assert ok.returncode == 0 and "Kassa kassa-1: 8 journalrader, kedjan är hel." in ok.stdout
    db.execute_sql("DROP TRIGGER journal_entry_no_update")
    row = JournalEntry.get(JournalEntry.seq == 3)
    db.execute_sql("UPDATE journal_entry SET event = 'line_added' WHERE id = ?", (row.id,))
    bad = cli("journal", "verify", env={"KASSA_DATABASE_URL": url})
    assert bad.returncode == 1
    assert f"FEL vid journalrad 3 (databasens rad-id {row.id}): Journalrad 3 är ändrad" in bad.stderr
    unknown = cli("journal", "verify", "--till", "kassa-9", env={"KASSA_DATABASE_URL": url})
    assert unknown.returncode == 2 and "Kassa kassa-9 har ingen journal i databasen. Kassor med journal: kassa-1." \
        in unknown.stderr


def test_price_and_setting_changes_are_journalled(shop, monkeypatch):
    monkeypatch.setenv("KASSA_TILL", "kassa-1")
    coffee = shop["coffee"]
    coffee.price = coffee.price + 5
    save_article(coffee)
    coffee.name = coffee.name  # unchanged: nothing to journal
    save_article(coffee)
    journal_setting("control_unit", "none", "xccsp")
    rows = list(JournalEntry.select().order_by(JournalEntry.seq))
    assert [r.event for r in rows] == ["price_changed", "setting_changed"]
    assert (rows[0].data["old_price"], rows[0].data["price"], rows[0].data["changed"]) == ("54.90", "59.90",
                                                                                          ["price"])
    assert rows[1].data == {"setting": "control_unit", "old": "none", "new": "xccsp"}


def test_the_sale_behind_a_receipt_is_the_tills_own_sale_rows(register):
    register.add_code("100")
    result = register.pay([PaymentPart("card", "20"), PaymentPart("cash")])
    sale = Sale.get_by_id(result.receipt.sale_id)
    assert sale.status == "paid" and sale.till == "kassa-1" and sale.rounding == result.document.rounding
    assert [(p.method, p.amount) for p in Payment.select().where(Payment.sale == sale).order_by(Payment.id)] == [
        ("card", 20), ("cash", 35)]
    assert SaleLine.get(SaleLine.sale == sale).description == "Kaffe Mellanrost 450 g"
