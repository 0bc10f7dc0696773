"""The till's day from the window, by the keyboard: the float asked before the first sale, cash in and
out with their slips, the X report, the Z report with the counted cash and its difference, the old Z
reports printed again, the journal exported. What the cashier sees is read from the real widgets; what
was registered from the database and the printed PDF."""
from __future__ import annotations

from decimal import Decimal

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from kassa.models import JournalEntry, RegisterDay, ZReport
from kassa.money import format_sek
from kassa.register import events
from kassa.register.layout import text_of
from kassa.till import TillError
from kassa.ui.day_dialogs import CashMoveDialog, CloseDayDialog, OpenDayDialog
from kassa.ui.printout_view import PrintoutDialog
from kassa.ui.till.receipt_dialog import ReceiptDialog
from tests.factories import (
    COFFEE,
    MUG,
    QT_NOISE,
    pdf_text,
    press,
    scan,
    top_level,
    type_and_enter,
    type_into,
    wait_for_window,
)
from tests.ui.real_dialogs import print_to_file, save_in_file_dialog

pytestmark = QT_NOISE
CTRL = Qt.KeyboardModifier.ControlModifier


def kr(amount: str) -> str:
    return format_sek(Decimal(amount))


def action(window, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def printout(qtbot) -> PrintoutDialog:
    return wait_for_window(qtbot, "printoutDialog", PrintoutDialog)


def gone(dialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def escape(qtbot, dialog) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: gone(dialog))


def close(qtbot, dialog) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)  # Stäng is the default button
    qtbot.waitUntil(lambda: gone(dialog))


def at_till(qtbot, window, keys: str) -> None:
    """The keys pressed at the till (its window active again once a dialog has closed)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    press(qtbot, window.code_field, keys)


def new_window(qtbot):
    from kassa.ui.main_window import MainWindow

    window = MainWindow(till_name="Kassa 1", with_indicator=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_till_asks_for_the_float_before_the_first_sale(qtbot, shop):
    window = new_window(qtbot)
    dialog = wait_for_window(qtbot, "openDayDialog", OpenDayDialog)
    field = dialog.float_edit.edit
    qtbot.waitUntil(field.hasFocus)
    assert field.text() == "" and "Kassa 1" in dialog.windowTitle()
    type_and_enter(qtbot, field, "femhundra")
    assert dialog.float_edit.error_text() == "Växelkassa ska vara ett belopp i kronor, t.ex. 49,90."
    assert dialog.isVisible() and RegisterDay.select().count() == 0
    qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
    type_and_enter(qtbot, field, "1 500")
    qtbot.waitUntil(lambda: gone(dialog))
    day = RegisterDay.get()
    assert (day.till, day.number, day.float_amount) == ("Kassa 1", 1, Decimal("1500.00"))
    opened = JournalEntry.get(JournalEntry.event == events.DAY_OPENED)
    assert (opened.till, opened.amount) == ("Kassa 1", Decimal("1500.00"))
    qtbot.waitUntil(lambda: f"Dag 1 är öppnad med växelkassa {kr('1500')} kr" in window.message.text())
    assert window.focusWidget() is window.code_field  # the first sale can be scanned at once
    action(window, "openDayAction").trigger()
    qtbot.waitUntil(lambda: "Dag 1 är redan öppen sedan" in window.message.text())
    assert top_level("openDayDialog") is None


def test_the_next_day_proposes_the_last_float_and_esc_leaves_it_unopened(qtbot, shop):
    from tests.factories import open_day

    open_day("Kassa 1", "750")
    from kassa.register.service import Register

    Register("Kassa 1").z_report("750")
    window = new_window(qtbot)
    dialog = wait_for_window(qtbot, "openDayDialog", OpenDayDialog)
    qtbot.waitUntil(dialog.float_edit.edit.hasFocus)
    assert dialog.float_edit.text() == kr("750").replace("\u00a0", " ")
    qtbot.keyClick(dialog.float_edit.edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: gone(dialog))
    assert RegisterDay.select().count() == 1  # still only yesterday's
    action(window, "openDayAction").trigger()  # Kassa → Öppna dag asks again
    again = wait_for_window(qtbot, "openDayDialog", OpenDayDialog)
    qtbot.keyClick(again.float_edit.edit, Qt.Key.Key_Return)  # the proposal as it stands
    qtbot.waitUntil(lambda: RegisterDay.select().count() == 2)
    assert RegisterDay.get(RegisterDay.number == 2).float_amount == Decimal("750.00")


def test_no_float_is_asked_before_the_company_is_set_up(qtbot, db):
    from kassa.ui.workers import wait_for_background

    window = new_window(qtbot)
    qtbot.waitUntil(lambda: window._painted)
    assert wait_for_background(5000)
    qtbot.wait(50)  # the answer's slot has run
    assert top_level("openDayDialog") is None  # the settings wizard comes first on a first run


def test_cash_in_and_out_are_journalled_with_their_reason_and_slip(qtbot, window):
    at_till(qtbot, window, "Ctrl+Shift+I")
    dialog = wait_for_window(qtbot, "cashInDialog", CashMoveDialog)
    qtbot.waitUntil(dialog.amount_edit.edit.hasFocus)
    qtbot.keyClick(dialog.amount_edit.edit, Qt.Key.Key_Return)
    assert dialog.amount_edit.error_text() == "Skriv ett belopp, t.ex. 500."
    assert dialog.reason_edit.error_text() == "Skriv varför, t.ex. 'Växel från banken'."
    type_into(qtbot, dialog.amount_edit, "0")
    qtbot.keyClick(dialog.amount_edit.edit, Qt.Key.Key_Return)
    assert dialog.amount_edit.error_text() == "Belopp måste vara större än noll."
    assert not JournalEntry.select().where(JournalEntry.event == events.CASH_IN).exists()
    type_into(qtbot, dialog.amount_edit, "200")
    type_into(qtbot, dialog.reason_edit, "Växel från banken")
    qtbot.keyClick(dialog.reason_edit.edit, Qt.Key.Key_Return)
    slip = wait_for_window(qtbot, "receiptDialog", ReceiptDialog)
    assert slip.windowTitle() == "Insättning"
    assert slip.headline.text() == f"Kontant in {kr('200')} kr: Växel från banken."
    lines = text_of(slip.printout.lines).splitlines()
    assert lines[0] == "INSÄTTNING" and "Orsak: Växel från banken" in lines
    assert any(line.startswith("Belopp") and line.endswith(kr("200")) for line in lines)
    assert slip.printout.open_drawer  # the slip opens the drawer where a receipt printer is
    entry = JournalEntry.get(JournalEntry.event == events.CASH_IN)
    assert (entry.till, entry.amount, entry.data["reason"]) == ("Kassa 1", Decimal("200.00"), "Växel från banken")
    escape(qtbot, slip)

    at_till(qtbot, window, "Ctrl+Shift+O")
    out = wait_for_window(qtbot, "cashOutDialog", CashMoveDialog)
    qtbot.waitUntil(out.amount_edit.edit.hasFocus)
    type_into(qtbot, out.amount_edit, "150")
    type_into(qtbot, out.reason_edit, "Till banken")
    qtbot.keyClick(out.reason_edit.edit, Qt.Key.Key_Return)
    slip = wait_for_window(qtbot, "receiptDialog", ReceiptDialog)
    text = text_of(slip.printout.lines)
    assert "UTTAG" in text and kr("150") in text and "Orsak: Till banken" in text
    escape(qtbot, slip)

    at_till(qtbot, window, "Ctrl+Shift+X")
    report = printout(qtbot)
    lines = report.text().splitlines()
    assert any(line.startswith("  Insättningar") and line.endswith(kr("200")) for line in lines)
    assert any(line.startswith("  Uttag") and line.endswith(kr("-150")) for line in lines)
    assert any(line.startswith("Kontanter enligt kassan") and line.endswith(kr("550")) for line in lines)


def test_the_x_report_any_time_printed_and_saved_as_pdf(qtbot, window, tmp_path):
    at_till(qtbot, window, "Ctrl+Shift+X")
    report = printout(qtbot)
    assert report.windowTitle() == "X-dagrapport"
    assert report.text().startswith("X-DAGRAPPORT") and "Z-rapport nr" not in report.text()
    assert JournalEntry.select().where(JournalEntry.event == events.X_REPORT).count() == 1
    qtbot.waitUntil(report.view.hasFocus)  # the report scrolls with the arrow keys
    qtbot.keyClick(report, Qt.Key.Key_P, CTRL)
    print_to_file(qtbot, tmp_path / "x.pdf")
    qtbot.waitUntil(lambda: "Utskriven till fil" in report.message.text(), timeout=10_000)
    text = pdf_text(tmp_path / "x.pdf")
    assert "X-DAGRAPPORT" in text and "Kassa 1" in text and "Hörnbutiken & Söner AB" in text
    for _ in range(5):  # Tab to Spara som PDF (the print dialog has closed), then Space presses it
        if report.focusWidget() is report.pdf_button:
            break
        qtbot.keyClick(report.focusWidget(), Qt.Key.Key_Tab)
    assert report.focusWidget() is report.pdf_button
    qtbot.keyClick(report.pdf_button, Qt.Key.Key_Space)
    save_in_file_dialog(qtbot, "printoutPdfDialog", tmp_path / "x-dag.pdf")
    qtbot.waitUntil(lambda: "Sparad som PDF" in report.message.text(), timeout=10_000)
    assert "Antal lådöppningar" in pdf_text(tmp_path / "x-dag.pdf")


def test_the_z_report_shows_expected_cash_and_difference_before_it_closes_the_day(qtbot, window):
    register = window.session.register
    register.add_code(COFFEE)
    register.pay_cash("100")  # 54,90 rounded to 55 kr
    register.add_code(MUG)
    register.pay_card()
    at_till(qtbot, window, "Ctrl+Shift+D")
    dialog = wait_for_window(qtbot, "closeDayDialog", CloseDayDialog)
    field = dialog.counted_edit.edit
    qtbot.waitUntil(field.hasFocus)
    assert dialog.expected.text() == f"{kr('555')} kr"  # 500 float + 55 cash
    qtbot.keyClicks(field, "560")
    assert dialog.difference.text() == f"{kr('5')} kr (överskott)"
    type_into(qtbot, dialog.counted_edit, "555")
    assert dialog.difference.text() == f"{kr('0')} kr"
    type_into(qtbot, dialog.counted_edit, "5 5 0 kr")
    assert dialog.difference.text() == f"{kr('-5')} kr (underskott)"
    type_into(qtbot, dialog.counted_edit, "ett tusen")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert dialog.counted_edit.error_text() == "Räknade kontanter ska vara ett belopp i kronor, t.ex. 49,90."
    assert ZReport.select().count() == 0
    type_into(qtbot, dialog.counted_edit, "550")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    report = printout(qtbot)
    assert report.windowTitle() == "Z-dagrapport 1"
    assert report.note.text() == f"Dag 1 är stängd. Kassadifferens {kr('-5')} kr."
    lines = report.text().splitlines()
    assert lines[0] == "Z-DAGRAPPORT"
    assert any(line.startswith("Z-rapport nr") and line.endswith(" 1") for line in lines)
    assert any(line.startswith("Räknade kontanter") and line.endswith(kr("550")) for line in lines)
    assert any(line.startswith("Kassadifferens") and line.endswith(kr("-5")) for line in lines)
    z = ZReport.get()
    assert (z.number, z.counted_cash, z.expected_cash, z.difference) == (1, Decimal("550.00"), Decimal("555.00"),
                                                                        Decimal("-5.00"))
    close(qtbot, report)
    # The day's receipts are locked: no copy the next day, corrections by return.
    register.open_day("550")
    with pytest.raises(TillError, match="hör till en stängd dag .Z-dagrapport 1. och är låst"):
        register.copy("1")


def test_a_z_report_refused_says_why_in_the_dialog(qtbot, window):
    scan(qtbot, window, COFFEE)  # a sale in progress
    at_till(qtbot, window, "Ctrl+Shift+D")
    dialog = wait_for_window(qtbot, "closeDayDialog", CloseDayDialog)
    type_into(qtbot, dialog.counted_edit, "500")
    qtbot.keyClick(dialog.counted_edit.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.isVisible())
    assert dialog.message.text() == ("Avsluta, parkera eller avbryt den pågående försäljningen innan du stänger "
                                     "dagen.")
    assert dialog.isVisible() and dialog.counted_edit.text() == "500" and ZReport.select().count() == 0


def test_old_z_reports_newest_first_shown_again_as_reprints(qtbot, window, tmp_path):
    register = window.session.register
    register.z_report("500")
    register.open_day("500")
    register.cash_in("100", "Växel")
    register.z_report("600")
    action(window, "zListAction").trigger()
    listing = wait_for_window(qtbot, "zReportList")
    qtbot.waitUntil(lambda: listing.model.rowCount() == 2)
    numbers = [listing.model.index(row, 0).data() for row in range(2)]
    assert numbers == ["2", "1"]
    assert listing.table.hasFocus() and listing.table.currentIndex().row() == 0
    qtbot.keyClick(listing.table, Qt.Key.Key_Down)
    qtbot.keyClick(listing.table, Qt.Key.Key_Return)
    report = printout(qtbot)
    assert report.windowTitle() == "Z-dagrapport 1 (utskrift av sparad rapport)"
    lines = report.text().splitlines()
    assert lines[:2] == ["Z-DAGRAPPORT", "Utskrift av sparad rapport"]
    assert any(line.startswith("Z-rapport nr") and line.endswith(" 1") for line in lines)
    qtbot.keyClick(report, Qt.Key.Key_P, CTRL)
    print_to_file(qtbot, tmp_path / "z1.pdf")
    qtbot.waitUntil(lambda: "Utskriven till fil" in report.message.text(), timeout=10_000)
    assert "Utskrift av sparad rapport" in pdf_text(tmp_path / "z1.pdf")


def test_the_journal_is_exported_from_the_window(qtbot, window, tmp_path):
    from kassa.register import export_names as n
    from tests.register.export_schema import assert_valid, local
    from tests.register.export_schema import events as handelser

    window.session.register.cash_in("200", "Växel från banken")
    action(window, "journalExportAction").trigger()
    dialog = wait_for_window(qtbot, "journalExportDialog")
    qtbot.waitUntil(dialog.from_edit.edit.hasFocus)
    type_into(qtbot, dialog.path_edit, str(tmp_path / "saknas" / "journal.xml"))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Ingen fil skrevs" in dialog.message.text(), timeout=10_000)
    assert f"Mappen {tmp_path / 'saknas'} finns inte" in dialog.message.text()
    target = tmp_path / "journal.xml"
    type_into(qtbot, dialog.path_edit, str(target))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "registreringar skrivna" in dialog.message.text(), timeout=10_000)
    tree = assert_valid(target)
    written = handelser(tree)
    assert dialog.message.text() == f"{len(written)} registreringar skrivna till {target}."
    assert len(written) == JournalEntry.select().count() == 2  # the day opened, the cash put in
    assert [local(e) for e in written] == [n.DAY_FLOAT, n.FLOAT_CHANGE]


def test_a_scan_before_the_day_is_open_asks_for_the_float_and_keeps_the_code(qtbot, shop):
    window = new_window(qtbot)
    asked = wait_for_window(qtbot, "openDayDialog", OpenDayDialog)
    qtbot.keyClick(asked.float_edit.edit, Qt.Key.Key_Escape)  # not now
    qtbot.waitUntil(lambda: gone(asked))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.code_field.setFocus()
    type_and_enter(qtbot, window.code_field, COFFEE)
    again = wait_for_window(qtbot, "openDayDialog", OpenDayDialog)
    assert "Dagen är inte öppnad" in window.message.text() and window.code_field.text() == COFFEE
    qtbot.waitUntil(again.float_edit.edit.hasFocus)
    type_and_enter(qtbot, again.float_edit.edit, "500")
    qtbot.waitUntil(lambda: gone(again))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.code_field, Qt.Key.Key_Return)  # the code waited in the field
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.total_label.text() == f"{kr('54.90')} kr"
    window.close()


def test_cash_out_beyond_the_drawer_is_refused_in_place_and_slips_carry_the_company(qtbot, window):
    at_till(qtbot, window, "Ctrl+Shift+O")
    out = wait_for_window(qtbot, "cashOutDialog", CashMoveDialog)
    qtbot.waitUntil(out.amount_edit.edit.hasFocus)
    type_into(qtbot, out.amount_edit, "2000")  # the drawer holds the float, 500 kr
    type_into(qtbot, out.reason_edit, "Till banken")
    qtbot.keyClick(out.reason_edit.edit, Qt.Key.Key_Return)
    message = out.findChild(type(out.message), "dayFormMessage")
    qtbot.waitUntil(lambda: message.isVisible())
    assert f"Det finns bara {kr('500')} kr i kassalådan" in message.text()
    # the whole refusal shows: the label got the lines its width needs, and it lies inside the window
    qtbot.waitUntil(lambda: message.height() >= message.heightForWidth(message.width()))
    assert message.geometry().bottom() < out.ok_button.parentWidget().geometry().top()
    assert out.rect().contains(message.geometry())
    assert out.isVisible() and out.amount_edit.text() == "2000" and out.reason_edit.text() == "Till banken"
    assert not JournalEntry.select().where(JournalEntry.event == events.CASH_OUT).exists()

    type_into(qtbot, out.amount_edit, "500")  # all of it may go
    qtbot.keyClick(out.amount_edit.edit, Qt.Key.Key_Return)
    slip = wait_for_window(qtbot, "receiptDialog", ReceiptDialog)
    lines = text_of(slip.printout.lines).splitlines()
    assert lines[0] == "UTTAG" and "Hörnbutiken & Söner AB" in lines and "Org.nr 556677-8899" in lines
    assert JournalEntry.get(JournalEntry.event == events.CASH_OUT).amount == Decimal("500.00")
    escape(qtbot, slip)


def test_the_open_day_title_is_not_cut(qtbot, shop):
    from PySide6.QtGui import QFont, QFontMetrics

    dialog = OpenDayDialog("Kassa vid entrén norr", None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    bold = QFont()
    bold.setBold(True)
    # The title, plus the window manager's icon and three buttons (about 30 px each).
    assert dialog.width() >= QFontMetrics(bold).horizontalAdvance(dialog.windowTitle()) + 120
    assert "Kassa vid entrén norr" in dialog.windowTitle()


def test_avsluta_in_the_kassa_menu_quits_with_ctrl_q(qtbot, window):
    quit_action = action(window, "quitAction")
    assert quit_action.text().replace("&", "") == "Avsluta" and quit_action.shortcut().toString() == "Ctrl+Q"
    assert quit_action in window.menuBar().actions()[0].menu().actions()  # Kassa, the first menu
    at_till(qtbot, window, "Ctrl+Q")
    qtbot.waitUntil(lambda: not window.isVisible())
