"""The export windows' period (Exportera SIE-fil, Exportera journal), driven by the keyboard: the period
they suggest, dates typed the way people type them, and a Swedish message at a date that cannot be read."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from kassa.models import BookkeepingSettings
from kassa.ui.journal_export import JournalExportDialog
from kassa.ui.sie_export import SieExportDialog
from tests.bookkeeping.sie_reader import read_sie
from tests.factories import type_and_enter, type_into

NOV_29 = dt.date(2026, 11, 29)


def opened(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def period_shown(dialog) -> tuple[str, str]:
    return dialog.from_edit.text(), dialog.to_edit.text()


def test_the_sie_export_suggests_the_financial_year_so_far(qtbot, company):
    dialog = opened(qtbot, SieExportDialog(today=NOV_29))
    assert period_shown(dialog) == ("2026-01-01", "2026-11-29")
    assert dialog.path_edit.text().endswith("KASSA-20260101-20261129.SI")
    settings = BookkeepingSettings.get_solo()
    settings.fiscal_year_start_month = 7  # a broken financial year: July to June
    settings.save()
    assert period_shown(opened(qtbot, SieExportDialog(today=NOV_29))) == ("2026-07-01", "2026-11-29")
    assert period_shown(opened(qtbot, SieExportDialog(today=dt.date(2027, 3, 5)))) == ("2026-07-01", "2027-03-05")


def test_todays_closed_day_is_exported_without_touching_the_dates(qtbot, shop, tmp_path):
    from kassa.register.service import Register
    from tests.register.shop import ScriptedUnit

    till = Register("kassa-1", ScriptedUnit())
    till.open_day("100")
    till.add_code(shop.articles.mug.number)
    till.pay_cash("100")
    till.z_report("179")
    dialog = opened(qtbot, SieExportDialog())
    target = tmp_path / "KASSA.SI"
    type_into(qtbot, dialog.path_edit, str(target))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "är skriven" in dialog.message.text() or "Ingen fil" in dialog.message.text(),
                    timeout=10_000)
    assert "1 dagsverifikation (Z-rapport)" in dialog.message.text()
    [voucher] = read_sie(target.read_bytes()).vouchers
    assert voucher.date == dt.date.today()


def test_the_suggested_file_can_be_written_on_a_machine_without_a_documents_folder(qtbot, company, tmp_path,
                                                                                  monkeypatch):
    """Found by a new user: Exportera with the suggestion said "Mappen …/Documents finns inte"."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    dialog = opened(qtbot, SieExportDialog())
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "är skriven" in dialog.message.text() or "Ingen fil" in dialog.message.text(),
                    timeout=10_000)
    assert "är skriven" in dialog.message.text(), dialog.message.text()
    assert list(home.rglob("KASSA-*.SI")), "the file is where the window said"


def test_the_journal_export_suggests_this_month_with_today(qtbot, db):
    dialog = opened(qtbot, JournalExportDialog("Kassa 1", today=NOV_29))
    assert period_shown(dialog) == ("2026-11-01", "2026-11-29")
    assert dialog.path_edit.text().endswith("journal-20261101-20261129.xml")


def test_dates_typed_without_dashes_are_shown_normalized_and_name_the_file(qtbot, db):
    dialog = opened(qtbot, JournalExportDialog("Kassa 1", today=NOV_29))
    type_into(qtbot, dialog.from_edit, "20261001")
    type_into(qtbot, dialog.to_edit, "261015")
    assert period_shown(dialog) == ("2026-10-01", "2026-10-15")
    assert dialog.from_edit.error_text() == dialog.to_edit.error_text() == ""
    assert dialog.path_edit.text().endswith("journal-20261001-20261015.xml")  # Kassa's suggestion follows
    type_into(qtbot, dialog.path_edit, "/tmp/min-journal.xml")
    type_into(qtbot, dialog.to_edit, "20261020")
    assert dialog.path_edit.text() == "/tmp/min-journal.xml"  # a name of one's own stays


def test_an_unreadable_date_is_said_at_its_field_and_nothing_is_written(qtbot, db, tmp_path):
    dialog = opened(qtbot, SieExportDialog(today=NOV_29))
    type_into(qtbot, dialog.to_edit, "30 nov")
    assert dialog.to_edit.error_text() == ("Till: ”30 nov” är inget datum. Skriv ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD eller "
                                           "ÅÅMMDD, t.ex. 2026-11-01 eller 20261101.")
    assert dialog.to_edit.text() == "30 nov"  # kept as typed, to be fixed
    target = tmp_path / "KASSA.SI"
    type_and_enter(qtbot, dialog.path_edit, "")  # Enter: Exportera
    qtbot.waitUntil(dialog.to_edit.edit.hasFocus)
    assert dialog.message.text() == "Rätta datumet som är markerat."
    type_into(qtbot, dialog.to_edit, "20261131")
    assert "finns inte i kalendern" in dialog.to_edit.error_text()
    type_into(qtbot, dialog.to_edit, "20260101")
    type_into(qtbot, dialog.from_edit, "20261101")
    type_into(qtbot, dialog.path_edit, str(target))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.to_edit.edit.hasFocus)
    assert dialog.to_edit.error_text() == "Till-datumet ligger före från-datumet."
    assert not target.exists()
