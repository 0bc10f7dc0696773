"""Backups: a consistent copy while a till writes, `kassa backup`, the daily copy and its retention,
and an honest answer for PostgreSQL."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from kassa import backup
from kassa.cli import main
from tests.invoice_writer import WriterProcess


def make_customer():
    from kassa.models import Customer

    return Customer.create(number=1, name="Bygg & Fix AB", org_number="5560360793", street="Verkstadsgatan 2",
                           postal_code="41250", city="Göteborg")


def invoice_numbers(path: Path) -> list[int]:
    con = sqlite3.connect(path)
    try:
        return [n for (n,) in con.execute("SELECT number FROM invoice ORDER BY number")]
    finally:
        con.close()


def test_backup_while_another_process_writes_is_consistent_and_complete(company, isolated_data_dir, tmp_path):
    make_customer()
    url = f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}"
    stop = tmp_path / "stop"
    writer = WriterProcess(url, "kassa-1", "--stop-file", str(stop))
    try:
        writer.wait_for_count(30)
        committed_before = list(writer.numbers)  # each was printed after its commit
        copy = backup.backup_database()
        writer.wait_for_count(len(writer.numbers) + 10)  # the till went on writing after the copy
    finally:
        stop.touch()
        writer.finish()

    assert copy.parent == isolated_data_dir / "backups" and copy.name.startswith("kassa-")
    con = sqlite3.connect(copy)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
        numbers = [n for (n,) in con.execute("SELECT number FROM invoice ORDER BY number")]
        # every invoice committed before the copy began, and an unbroken series: a snapshot, not a torn copy
        assert set(committed_before) <= set(numbers)
        assert numbers == list(range(1, len(numbers) + 1))
        assert con.execute("SELECT next_number FROM number_series WHERE name = 'invoice'").fetchone() == (
            len(numbers) + 1,)
        # each invoice whole: its two lines and its audit event
        assert con.execute(
            "SELECT count(*) FROM invoice i WHERE (SELECT count(*) FROM invoice_line l WHERE l.invoice_id = i.id) != 2"
        ).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM audit_event WHERE event = 'issued'").fetchone() == (len(numbers),)
    finally:
        con.close()
    assert len(numbers) < len(writer.numbers), "the writer should have gone on after the copy"
    assert not list(copy.parent.glob("*.part"))


def test_kassa_backup_command_to_a_file_and_to_a_folder(company, tmp_path, capsys):
    target = tmp_path / "kopia.sqlite3"
    assert main(["backup", str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    assert invoice_numbers(target) == []  # a real database with the schema
    folder = tmp_path / "usb"
    folder.mkdir()
    assert main(["backup", str(folder)]) == 0
    copies = list(folder.glob("kassa-*.sqlite3"))
    assert len(copies) == 1 and str(copies[0]) in capsys.readouterr().out

    assert main(["backup", str(target)]) == 1  # never overwrites
    assert "finns redan" in capsys.readouterr().err
    assert main(["backup", str(tmp_path / "saknas" / "x.sqlite3")]) == 1
    assert "finns inte" in capsys.readouterr().err


def test_kassa_backup_without_a_path_goes_to_the_data_dirs_backups(company, isolated_data_dir, capsys):
    assert main(["backup"]) == 0
    copies = list((isolated_data_dir / "backups").glob("kassa-*.sqlite3"))
    assert len(copies) == 1 and not copies[0].name.startswith(backup.AUTO_PREFIX)


def test_no_database_yet_is_a_clear_error(isolated_data_dir, capsys):
    assert main(["backup"]) == 1
    assert "Det finns ingen databas" in capsys.readouterr().err


def _fake_auto(folder: Path, day: dt.date) -> Path:
    path = folder / f"{backup.AUTO_PREFIX}{day:%Y%m%d}-120000{backup.SUFFIX}"
    path.write_bytes(b"old copy")
    return path


def test_daily_backup_once_a_day_and_retention_keeps_the_newest_days(company, isolated_data_dir):
    folder = isolated_data_dir / "backups"
    folder.mkdir()
    today = dt.datetime(2026, 3, 20, 9, 30)
    old = [_fake_auto(folder, today.date() - dt.timedelta(days=d)) for d in (40, 10, 3, 2, 1)]
    manual = folder / "kassa-20250101-080000.sqlite3"
    manual.write_bytes(b"made by hand")
    outside = folder / "min-egen-kopia.sqlite3"
    outside.write_bytes(b"not ours")

    outcome = backup.backup_if_due(now=today, retention_days=3)
    assert outcome.warning is None and outcome.path is not None
    assert outcome.path.name == f"{backup.AUTO_PREFIX}20260320-093000.sqlite3"
    assert sqlite3.connect(outcome.path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # kept: today, 1 and 2 days ago; gone: 3, 10 and 40 days ago; hand-made copies untouched
    assert sorted(outcome.removed) == sorted(old[:3])
    remaining = sorted(p.name for p in folder.iterdir())
    assert remaining == sorted([old[3].name, old[4].name, outcome.path.name, manual.name, outside.name])

    again = backup.backup_if_due(now=today.replace(hour=15), retention_days=3)
    assert again.path is None and again.skipped == "already today" and again.warning is None
    assert len(list(folder.iterdir())) == 5


def test_retention_comes_from_the_company_setting(company, isolated_data_dir):
    company.backup_retention_days = 1
    company.save()
    folder = isolated_data_dir / "backups"
    folder.mkdir()
    yesterday = _fake_auto(folder, dt.date(2026, 3, 19))
    outcome = backup.backup_if_due(now=dt.datetime(2026, 3, 20, 8, 0))
    assert outcome.removed == [yesterday]
    assert [p.name for p in folder.iterdir()] == [outcome.path.name]


def test_a_failed_daily_backup_gives_a_warning(company, isolated_data_dir, caplog):
    (isolated_data_dir / "backups").write_text("a file where the folder should be")
    outcome = backup.backup_if_due(now=dt.datetime(2026, 3, 20, 8, 0))
    assert outcome.path is None
    assert outcome.warning and "kunde inte göras" in outcome.warning and "kassa backup" in outcome.warning
    assert str(isolated_data_dir / "backups") in outcome.warning
    assert any(r.levelname == "WARNING" and "automatic backup failed" in r.getMessage() for r in caplog.records)


def test_postgresql_backups_are_the_administrators(monkeypatch, isolated_data_dir, capsys):
    monkeypatch.setenv("KASSA_DATABASE_URL", "postgresql://kassa@server/kassa")
    assert main(["backup"]) == 2
    err = capsys.readouterr().err
    assert "PostgreSQL" in err and "databasadministratörens" in err and "pg_dump" in err
    outcome = backup.backup_if_due()
    assert outcome.skipped == "postgres" and outcome.path is None and outcome.warning is None
    assert not (isolated_data_dir / "backups").exists() or not any((isolated_data_dir / "backups").iterdir())
