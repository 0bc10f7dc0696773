"""The bookkeeping windows, driven from the keyboard: settings, payments, reminders, SIE export, the invoice list."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from kassa.bookkeeping.accounts import AccountPlan
from kassa.bookkeeping.receivables import OVERDUE, PAID, receivables
from kassa.invoicing import issue_invoice
from kassa.models import AccountSetting, BookkeepingSettings, ReferenceRate, Reminder
from kassa.money import LineInput, format_sek
from tests.bookkeeping import bgmax_writer as w
from tests.bookkeeping.sie_reader import read_sie
from tests.factories import pdf_text, type_and_enter, type_into, wait_for_window

TODAY = dt.date.today()


def half_year(day: dt.date) -> dt.date:
    return dt.date(day.year, 1 if day.month < 7 else 7, 1)


@pytest.fixture
def overdue(shop):
    """Two invoices issued 60 days ago (due 30 days ago), reference rates for the half-years since."""
    issued = TODAY - dt.timedelta(days=60)
    for start in sorted({half_year(issued - dt.timedelta(days=200)), half_year(issued), half_year(TODAY)}):
        ReferenceRate.get_or_create(valid_from=start, defaults={"rate": Decimal("2.25")})
    plain = issue_invoice(shop.customers.plain, [LineInput("Montering", Decimal(2), Decimal("500.00"), 25)],
                          issue_date=issued)
    e_invoice = issue_invoice(shop.customers.e_invoice, [LineInput("Kabel", Decimal(4), Decimal("249.00"), 25)],
                              issue_date=issued, buyer_reference="Cia")
    return plain, e_invoice


def edit_cell(qtbot, table, index, text: str) -> None:
    """F2 on the cell, select what is there, type, Enter: as a person edits a table cell."""
    table.setFocus()
    table.setCurrentIndex(index)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editors = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]  # not the closed ones
    assert len(editors) == 1, "F2 opened no editor"
    editor = editors[0]
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)  # the delegate commits queued


def test_settings_are_edited_from_the_keyboard_and_checked_before_anything_is_stored(qtbot, company):
    from kassa.ui.bookkeeping_settings import BookkeepingSettingsDialog

    dialog = BookkeepingSettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    table = dialog.account_table
    row = next(r for r in range(dialog.account_model.rowCount())
               if dialog.account_model.index(r, 0).data() == "Kontanter i kassan")
    assert dialog.account_model.index(row, 1).data() == "1910"
    edit_cell(qtbot, table, dialog.account_model.index(row, 1), "1911")
    assert dialog.account_model.index(row, 1).data() == "1911"

    dialog.tabs.setCurrentIndex(1)
    dialog.fee_edit.setFocus()
    dialog.fee_edit.selectAll()
    qtbot.keyClicks(dialog.fee_edit, "75")
    qtbot.keyClick(dialog.agreed_check, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.fee_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "högst 60,00 kr" in dialog.message.text()
    assert AccountSetting.select().count() == 0  # nothing stored
    assert AccountPlan.load().account("cash").number == "1910"

    dialog.fee_edit.selectAll()
    qtbot.keyClicks(dialog.fee_edit, "60")
    dialog.rate_edit.setFocus()
    type_and_enter(qtbot, dialog.rate_edit, "2,25")
    assert dialog.rates.rowCount() == 1
    dialog.tabs.setCurrentIndex(0)
    dialog.group_name.setFocus()
    dialog.group_rate.setCurrentIndex(1)  # 12 %
    dialog.group_name.setText("Bröd")  # QTest types ASCII only
    qtbot.keyClick(dialog.group_name, Qt.Key.Key_Return)
    editor_row = table.currentIndex().row()
    edit_cell(qtbot, table, table.currentIndex(), "3005")
    assert dialog.account_model.index(editor_row, 0).data() == "Försäljning 12 % moms, varugrupp Bröd"
    qtbot.keyClick(table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.message.text() == "Sparat."
    plan = AccountPlan.load()
    assert plan.account("cash").number == "1911"
    assert plan.sales(12, "Bröd").number == "3005" and plan.sales(12).number == "3002"
    settings = BookkeepingSettings.get_solo()
    assert (settings.reminder_fee, settings.reminder_fee_agreed) == (Decimal("60.00"), True)
    assert [(r.valid_from, r.rate) for r in ReferenceRate.select()] == [(dialog.rate_date.date().toPython(),
                                                                         Decimal("2.25"))]

    edit_cell(qtbot, table, dialog.account_model.index(row, 1), "19A0")
    qtbot.keyClick(table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "Kontanter i kassan: kontonumret '19A0'" in dialog.message.text()
    assert AccountPlan.load().account("cash").number == "1911"


def test_payments_are_read_from_a_file_and_placed_by_hand(qtbot, overdue, tmp_path):
    from kassa.ui.payments import PaymentsDialog

    plain, e_invoice = overdue
    data = (w.BgMaxBuilder().section(f"{TODAY:%Y%m%d}")
            .pay(e_invoice.ocr, int(e_invoice.payable * 100), payer="Elektronikgrossisten AB")
            .pay(plain.ocr, 40000, payer="Byggbolaget i Mölndal AB")).bytes()
    path = tmp_path / "BgMax.txt"
    path.write_bytes(data)
    dialog = PaymentsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    chooser = wait_for_window(qtbot, "bgmaxFileDialog")
    chooser.selectFile(str(path))
    chooser.accept()
    qtbot.waitUntil(lambda: "2 betalningar i filen" in dialog.import_message.text(), timeout=10_000)
    assert "1 placerade" in dialog.import_message.text() and "1 behöver placeras" in dialog.import_message.text()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert dialog.table.item(0, 5).text().startswith(f"Delbetalning: faktura {plain.number}")
    assert receivables([e_invoice.id])[e_invoice.id].state() == PAID
    assert dialog.invoice_edit.text() == str(plain.number) and dialog.amount_edit.text() == "400,00"

    dialog.amount_edit.setFocus()
    dialog.amount_edit.selectAll()
    type_and_enter(qtbot, dialog.amount_edit, "500")
    qtbot.waitUntil(lambda: "bara 400,00 kr kvar" in dialog.place_message.text())
    dialog.amount_edit.selectAll()
    type_and_enter(qtbot, dialog.amount_edit, "400")
    qtbot.waitUntil(lambda: "400,00 kr placerat på faktura" in dialog.place_message.text())
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0)
    receivable = receivables([plain.id])[plain.id]
    assert (receivable.state(), receivable.paid) == (OVERDUE, Decimal("400.00"))  # past due, partly paid

    dialog.import_file(str(tmp_path / "saknas.txt"))
    qtbot.waitUntil(lambda: "Kunde inte läsa" in dialog.import_message.text())


def test_a_reminder_is_made_saved_as_pdf_and_sent_for_an_e_invoice_customer(qtbot, overdue, tmp_path, monkeypatch):
    from kassa.models import Transmission, TransmissionState
    from kassa.ui.reminders import RemindersDialog

    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules"))  # validation: tests/outbox/test_reminders.py

    plain, e_invoice = overdue
    settings = BookkeepingSettings.get_solo()
    settings.reminder_fee, settings.reminder_fee_agreed = Decimal("60.00"), True
    settings.save()
    dialog = RemindersDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.due_table.rowCount() == 2, timeout=10_000)
    assert dialog.due_table.item(0, 0).text() == str(plain.number)
    assert dialog.due_table.item(0, 5).text() == "60,00"
    assert dialog.due_table.item(1, 9).text() == "E-faktura"

    opened = []
    dialog.reminder_opened.connect(opened.append)
    dialog.due_table.setFocus()
    dialog.due_table.selectRow(0)
    qtbot.keyClick(dialog.due_table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    reminder_window = opened[0]
    reminder = Reminder.get(Reminder.invoice == plain.id)
    assert reminder.fee == Decimal("60.00") and reminder.interest > 0
    assert not reminder_window.e_invoice_button.isVisible()
    qtbot.waitUntil(lambda: dialog.due_table.rowCount() == 1)  # reminded: off the list until its new due date

    target = tmp_path / "paminnelse.pdf"
    qtbot.mouseClick(reminder_window.pdf_button, Qt.MouseButton.LeftButton)
    chooser = wait_for_window(qtbot, "reminderPdfDialog")
    chooser.selectFile(str(target))
    chooser.accept()
    qtbot.waitUntil(lambda: "Sparad som PDF" in reminder_window.message.text(), timeout=10_000)
    text = " ".join(pdf_text(target).split())
    assert "Betalningspåminnelse" in text and f"faktura {plain.number}" in text
    assert "Påminnelseavgift 60,00" in text and plain.ocr in text
    total = format_sek(plain.payable + reminder.fee + reminder.interest).replace("\u00a0", " ")
    assert f"Att betala SEK {total}" in text.replace("\u00a0", " ")
    assert Reminder.get_by_id(reminder.id).delivery == "pdf"

    dialog.due_table.selectRow(0)
    qtbot.keyClick(dialog.due_table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=10_000)
    e_window = opened[1]
    assert e_window.e_invoice_button.isVisible()
    qtbot.waitUntil(lambda: "Kunden tar emot e-faktura" in e_window.message.text())
    assert e_window.e_invoice_button.isEnabled()
    e_window.e_invoice_button.setFocus()
    qtbot.keyClick(e_window.e_invoice_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "går som e-faktura via Pagero: i kö" in e_window.message.text(), timeout=10_000)
    sent = Reminder.get(Reminder.invoice == e_invoice.id)
    assert sent.delivery == "e_invoice"
    row = Transmission.get(Transmission.reminder == sent.id)
    assert row.state == TransmissionState.QUEUED and f"<cbc:ID>{e_invoice.number}-P1</cbc:ID>" in row.payload
    assert not e_window.e_invoice_button.isEnabled()  # once: the send queue has it
    expected = {str(plain.number): "Sparad som PDF", str(e_invoice.number): "E-faktura via Pagero: i kö"}

    def shown() -> dict[str, str]:
        table = dialog.made_table
        return {table.item(r, 2).text(): table.item(r, 7).text() for r in range(table.rowCount())}

    # The list reloads when the reminder went out; the load made before it may still be what is shown.
    qtbot.waitUntil(lambda: shown() == expected, timeout=10_000)


def test_a_reminder_that_charges_nothing_says_to_send_the_pdf(qtbot, overdue):
    from kassa.bookkeeping.reminders import issue_reminder
    from kassa.outbox.reminders import NOTHING_TO_INVOICE
    from kassa.ui.reminders import ReminderDialog

    settings = BookkeepingSettings.get_solo()
    settings.reminder_fee_agreed, settings.charge_interest = False, False
    settings.save()
    reminder = issue_reminder(overdue[1].id, TODAY)
    window = ReminderDialog(reminder.id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "ingen faktura" in window.message.text())
    assert window.message.text() == NOTHING_TO_INVOICE  # nothing in it that HTML escaping changes
    assert window.e_invoice_button.isVisible() and not window.e_invoice_button.isEnabled()


def export_from_window(qtbot, today: dt.date, first: dt.date, last: dt.date, target):
    """Exportera SIE-fil: the period and the file typed in, Enter; the dialog once it has answered."""
    from kassa.ui.sie_export import SieExportDialog

    dialog = SieExportDialog(today=today)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    type_into(qtbot, dialog.from_edit, f"{first:%Y%m%d}")  # typed without dashes, as people do
    type_into(qtbot, dialog.to_edit, f"{last:%y%m%d}")
    assert (dialog.from_edit.text(), dialog.to_edit.text()) == (f"{first}", f"{last}")  # shown normalized
    dialog.path_edit.setFocus()
    dialog.path_edit.selectAll()
    type_and_enter(qtbot, dialog.path_edit, str(target))
    qtbot.waitUntil(lambda: "är skriven" in dialog.message.text() or "Ingen fil" in dialog.message.text(),
                    timeout=10_000)
    return dialog


def test_the_sie_file_is_exported_from_the_window(qtbot, overdue, tmp_path):
    issued = overdue[0].issue_date
    target = tmp_path / "KASSA.SI"
    dialog = export_from_window(qtbot, TODAY + dt.timedelta(days=40), issued.replace(day=1), issued, target)
    assert "2 fakturor" in dialog.message.text() and "Z-rapport" not in dialog.message.text()
    document = read_sie(target.read_bytes())
    assert len(document.vouchers) == 2 and document.checksum_declared == document.checksum_computed


def test_the_window_exports_the_tills_closed_day(qtbot, shop, tmp_path):
    from kassa.register.service import Register
    from tests.register.shop import ScriptedUnit

    till = Register("kassa-1", ScriptedUnit())
    till.open_day("100")
    till.add_code(shop.articles.mug.number)
    till.pay_cash("100")  # 79 kr
    till.z_report("179")
    target = tmp_path / "DAG.SI"
    dialog = export_from_window(qtbot, TODAY, TODAY, TODAY, target)
    assert "1 dagsverifikation (Z-rapport)" in dialog.message.text()
    [voucher] = read_sie(target.read_bytes()).vouchers
    assert voucher.text == f"Z-rapport 1 kassa-1 {TODAY}"
    assert {t.account: t.amount for t in voucher.transactions} == {
        "1910": Decimal("79.00"), "3001": Decimal("-63.20"), "2611": Decimal("-15.80")}


def test_the_invoice_list_shows_the_payment_state_and_filters_on_it(qtbot, overdue, shop):
    from kassa.bookkeeping.payment_import import import_bgmax
    from kassa.ui.invoices import InvoiceListDialog

    plain, e_invoice = overdue
    fresh = issue_invoice(shop.customers.plain, [LineInput("Skruv", Decimal(10), Decimal("2.00"), 25)])
    import_bgmax(w.BgMaxBuilder().section(f"{TODAY:%Y%m%d}").pay(e_invoice.ocr, int(e_invoice.payable * 100))
                 .bytes())
    dialog = InvoiceListDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3, timeout=10_000)
    column = dialog.model.HEADERS.index("Betalning")
    shown = {dialog.model.index(r, 0).data(): dialog.model.index(r, column).data()
             for r in range(dialog.model.rowCount())}
    assert shown[str(e_invoice.number)] == "Betald"
    assert shown[str(plain.number)] == "Förfallen (kvar 1\u00a0250,00)"
    assert shown[str(fresh.number)] == "Obetald"

    dialog.payment_filter.setFocus()
    dialog.payment_filter.setCurrentIndex(dialog.payment_filter.findData("overdue"))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    assert dialog.model.index(0, 0).data() == str(plain.number)
    dialog.payment_filter.setCurrentIndex(dialog.payment_filter.findData("paid"))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and dialog.model.index(0, 0).data() == str(e_invoice.number))
    dialog.payment_filter.setCurrentIndex(dialog.payment_filter.findData("open"))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)


def test_the_windows_open_from_the_menus(qtbot, window):
    for action, name in (("paymentsAction", "paymentsDialog"), ("remindersAction", "remindersDialog"),
                         ("sieExportAction", "sieExportDialog"), ("bookkeepingSettingsAction", "bookkeepingSettings")):
        window.findChild(QAction, action).trigger()
        wait_for_window(qtbot, name)
