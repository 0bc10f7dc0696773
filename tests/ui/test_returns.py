"""Retur from the window, by the keyboard: against a receipt (its number typed or its code scanned)
with the lines to choose from, without a receipt (scanned as at a sale), paid back by the means
chosen; a wrong means of payment corrected by a return and a new sale. The receipts are read back
from the database and the return receipt from the window that shows it."""
from __future__ import annotations

from decimal import Decimal

import shiboken6
from PySide6.QtCore import Qt

from kassa.models import JournalEntry, Payment, Receipt
from kassa.money import format_sek
from kassa.register import events
from kassa.register.day_status import preview
from kassa.register.layout import text_of
from kassa.ui.returns import QUANTITY, ReturnDialog
from kassa.ui.till.receipt_dialog import ReceiptDialog
from tests.factories import COFFEE, MUG, QT_NOISE, press, type_and_enter, wait_for_window

pytestmark = QT_NOISE


def kr(amount: str) -> str:
    return format_sek(Decimal(amount))


def open_return(qtbot, window) -> ReturnDialog:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    press(qtbot, window.code_field, "Ctrl+R")
    dialog = wait_for_window(qtbot, "returnDialog", ReturnDialog)
    qtbot.waitUntil(dialog.receipt_edit.hasFocus)
    return dialog


def sold(window, *codes: str, method: str = "card") -> Receipt:
    register = window.session.register
    for code in codes:
        register.add_code(code)
    result = register.pay_card() if method == "card" else register.pay_cash()
    return result.receipt


def rows(dialog: ReturnDialog) -> list[tuple[str, str]]:
    model = dialog.model
    return [(model.index(r, 0).data(), model.index(r, QUANTITY).data()) for r in range(model.rowCount())]


def refunded(qtbot, dialog: ReturnDialog) -> ReceiptDialog:
    qtbot.keyClick(dialog.means_combo, Qt.Key.Key_Return)  # Återbetala is the default button
    receipt = wait_for_window(qtbot, "receiptDialog", ReceiptDialog, timeout=10_000)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    return receipt


def shown_text(receipt: ReceiptDialog) -> str:
    return text_of(receipt.printout.lines)


def test_return_against_a_receipt_by_number_chooses_lines_and_quantities(qtbot, window):
    sale = sold(window, "2*" + COFFEE, MUG)
    dialog = open_return(qtbot, window)
    type_and_enter(qtbot, dialog.receipt_edit, str(sale.serial))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    assert rows(dialog) == [("Kaffe Mellanrost 450 g", "2"), ("Mugg vit", "1")]
    assert dialog.means_combo.currentData() == "card"  # paid back the way it was paid
    assert dialog.total_label.text() == f"{kr('188.80')} kr"
    assert not dialog.code_edit.isEnabled()  # against a receipt nothing is added
    assert dialog.table.hasFocus() and dialog.table.currentIndex().column() == QUANTITY
    # One coffee comes back, the mug stays with the customer.
    qtbot.keyClick(dialog.table, Qt.Key.Key_3)  # typing starts the cell's editor
    qtbot.keyClick(dialog.table.focusWidget(), Qt.Key.Key_Return)  # the editor commits after this event
    qtbot.waitUntil(lambda: dialog.message.text() == "Av 'Kaffe Mellanrost 450 g' kan högst 2 returneras mot "
                                                     "kvittot.")
    assert rows(dialog)[0] == ("Kaffe Mellanrost 450 g", "2")
    qtbot.keyClick(dialog.table, Qt.Key.Key_1)
    qtbot.keyClick(dialog.table.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: rows(dialog)[0] == ("Kaffe Mellanrost 450 g", "1"))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert dialog.total_label.text() == f"{kr('54.90')} kr"
    receipt_window = refunded(qtbot, dialog)
    back = Receipt.get(Receipt.kind == "return")
    assert (back.original_id, back.total, back.payable) == (sale.id, Decimal("54.90"), Decimal("54.90"))
    assert [(p.method, p.amount) for p in Payment.select().where(Payment.sale == back.sale_id)] == [
        ("card", Decimal("-54.90"))]
    text = shown_text(receipt_window)
    lines = text.splitlines()
    assert "RETURKVITTO" in lines
    assert any(line.startswith("Retur av kvitto nr") and line.endswith(f" {sale.serial}") for line in lines)
    assert "Mugg vit" not in text and "Kaffe Mellanrost 450 g" in lines
    assert any(line.startswith("Återbetalt kort") and line.endswith(kr("54.90")) for line in lines)
    assert receipt_window.headline.text() == f"Återbetala: kort {kr('54.90')} kr"
    assert receipt_window.windowTitle() == f"Returkvitto {back.serial}"
    changed = JournalEntry.select().where(JournalEntry.event == events.LINE_CHANGED)
    removed = JournalEntry.select().where(JournalEntry.event == events.LINE_REMOVED)
    assert changed.count() == 1 and removed.count() == 1  # the changes at the till are journalled


def test_return_by_the_scanned_code_then_nothing_is_left_to_return(qtbot, window):
    sale = sold(window, COFFEE)
    dialog = open_return(qtbot, window)
    type_and_enter(qtbot, dialog.receipt_edit, f"Kassa 1-{sale.serial:06d}")  # as the scanner reads it
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    refunded(qtbot, dialog).close()
    again = open_return(qtbot, window)
    type_and_enter(qtbot, again.receipt_edit, str(sale.serial))
    qtbot.waitUntil(lambda: again.message.text() != "")
    assert again.message.text() == f"Allt på kvitto {sale.serial} är redan returnerat."
    assert again.receipt_edit.text() == str(sale.serial) and not again.receipt_edit.isReadOnly()
    type_and_enter(qtbot, again.receipt_edit, "99")  # appended: "199"
    qtbot.waitUntil(lambda: "finns inte" in again.message.text())
    assert again.message.text() == f"Kvitto {sale.serial}99 finns inte i kassa Kassa 1."


def test_return_without_a_receipt_scanned_and_paid_back_in_cash(qtbot, window):
    dialog = open_return(qtbot, window)
    qtbot.keyClick(dialog, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # &Utan kvitto
    qtbot.waitUntil(dialog.code_edit.hasFocus)
    assert dialog.receipt_edit.text() == "Utan kvitto"
    type_and_enter(qtbot, dialog.code_edit, COFFEE)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    type_and_enter(qtbot, dialog.code_edit, "0000000000000")
    qtbot.waitUntil(lambda: "Ingen aktiv artikel" in dialog.message.text())
    assert dialog.isVisible() and dialog.model.rowCount() == 1  # Enter in the field never refunds
    dialog.means_combo.setFocus()
    qtbot.keyClicks(dialog.means_combo, "Kontant")
    assert dialog.means_combo.currentData() == "cash"
    assert dialog.total_label.text() == f"{kr('55')} kr"  # rounded to whole kronor
    receipt_window = refunded(qtbot, dialog)
    back = Receipt.get(Receipt.kind == "return")
    assert back.original_id is None and back.payable == Decimal("55.00")
    assert "Retur utan kvitto" in shown_text(receipt_window).splitlines()
    assert receipt_window.printout.open_drawer  # cash paid back: the drawer opens
    figures = preview("Kassa 1")
    assert figures.returns.count == 1 and figures.expected_cash == Decimal("445.00")  # 500 float - 55


def test_a_wrong_means_of_payment_is_corrected_by_a_return_and_a_new_sale(qtbot, window):
    wrong = sold(window, COFFEE, MUG)  # the customer paid cash, but card was registered
    dialog = open_return(qtbot, window)
    type_and_enter(qtbot, dialog.receipt_edit, str(wrong.serial))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    refunded(qtbot, dialog).close()
    sold(window, COFFEE, MUG, method="cash")
    figures = preview("Kassa 1")
    assert figures.means_net("card") == Decimal("0.00")
    assert figures.means_net("cash") == Decimal("134.00")  # 133,90 rounded
    assert figures.net_sales == Decimal("133.90") and figures.returns.count == 1
    assert Receipt.get_by_id(wrong.id).total == Decimal("133.90")  # the wrong receipt stands unchanged


def test_cancelling_a_return_leaves_nothing_registered_but_the_unfinished_one(qtbot, window):
    sale = sold(window, COFFEE)
    dialog = open_return(qtbot, window)
    type_and_enter(qtbot, dialog.receipt_edit, str(sale.serial))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: JournalEntry.select().where(JournalEntry.event == events.VOIDED).exists())
    assert Receipt.select().where(Receipt.kind == "return").count() == 0
    register = window.session.register
    assert not register.returning and register.cart.is_empty
    assert preview("Kassa 1").unfinished.count == 1


def test_a_closed_days_receipt_is_returned_the_next_day(qtbot, window):
    sale = sold(window, MUG)
    register = window.session.register
    register.z_report("500")
    register.open_day("500")
    dialog = open_return(qtbot, window)
    type_and_enter(qtbot, dialog.receipt_edit, str(sale.serial))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    refunded(qtbot, dialog).close()
    back = Receipt.get(Receipt.kind == "return")
    assert back.original_id == sale.id and back.day_id != sale.day_id
