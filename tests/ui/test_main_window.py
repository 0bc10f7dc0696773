"""The till, driven as a cashier would: keys into the code field, F-keys, dialogs."""
from __future__ import annotations

import re
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPushButton,
)

from kassa.models import Invoice, JournalEntry, Payment, Sale
from tests.factories import COFFEE, MUG, pdf_text, scan, top_level, type_and_enter, vat_group, wait_for_window
from tests.ui.mnemonics import menu_letters


def choose_customer(qtbot, window, text: str) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F3)
    type_and_enter(qtbot, window.customer_picker.field, text)
    qtbot.waitUntil(lambda: window.cart.customer is not None)


def test_sell_two_articles_invoice_and_save_pdf(qtbot, window, shop, tmp_path):
    scan(qtbot, window, COFFEE)
    scan(qtbot, window, MUG)
    assert window.model.rowCount() == 2
    assert window.model.index(0, 0).data() == "Kaffe Mellanrost 450 g"
    assert window.total_label.text() == "133,90 kr"
    vat = vat_lines(window)
    assert vat == [("varav moms 25 %", "15,80"), ("varav moms 12 %", "5,88"), ("varav moms totalt", "21,68")]
    assert window.code_field.text() == ""

    choose_customer(qtbot, window, "Byggbol")
    assert "Byggbolaget i Mölndal AB" in window.customer_label.text()
    qtbot.keyClick(window, Qt.Key.Key_F7)

    dialog = wait_for_window(qtbot, "invoiceDialog")
    invoice = Invoice.get()
    assert invoice.buyer["name"] == "Byggbolaget i Mölndal AB"
    assert (invoice.payable, invoice.sale.status) == (Decimal("133.90"), "invoiced")
    assert window.model.rowCount() == 0  # the till is ready for the next customer
    assert f"Faktura {invoice.number}" in window.last_sale_label.text()

    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    chooser = wait_for_window(qtbot, "pdfFileDialog", QFileDialog)
    target = tmp_path / "faktura.pdf"
    chooser.selectFile(str(target))
    chooser.accept()
    qtbot.waitUntil(lambda: "Sparad som PDF" in dialog.message.text(), timeout=10_000)

    text = pdf_text(target)
    assert "Faktura" in text
    assert f"Fakturanummer {invoice.number}" in " ".join(text.split())
    assert invoice.ocr in text
    assert "133,90" in text  # Att betala
    assert "Moms 12 %" in text and "Moms 25 %" in text
    assert "Godkänd för F-skatt" in text
    assert "Bankgiro 5050-1055" in text
    assert "Kaffe Mellanrost" in text  # no "ﬀ" ligature: the PDF's text can be searched
    invoice = Invoice.get_by_id(invoice.id)
    assert invoice.delivery == "paper" and invoice.printed_at is not None


def test_cash_with_change_and_oresavrundning(qtbot, window, shop):
    """Keyboard only: F5, the amount field has the focus with the proposal selected, too little is
    refused in place, Enter confirms."""
    scan(qtbot, window, COFFEE)  # 54,90 kr
    qtbot.keyClick(window, Qt.Key.Key_F5)
    dialog = wait_for_window(qtbot, "cashDialog")
    assert dialog.findChild(type(dialog.change), "cashPayable").text() == "55,00 kr"
    assert dialog.findChild(type(dialog.change), "cashRounding").text() == "0,10 kr"
    qtbot.waitUntil(dialog.tendered.hasFocus)
    assert dialog.tendered.selectedText() == dialog.tendered.text() == "55,00"
    qtbot.keyClicks(dialog.focusWidget(), "50")  # replaces the selected proposal
    assert dialog.tendered.text() == "50"
    assert "Det fattas 5,00 kr" in dialog.change.text()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    # Refused where the cashier looks; nothing registered; the amount selected to be typed again.
    assert dialog.isVisible() and Sale.select().count() == 0
    assert dialog.message.text() == "Mottaget är för lite: det fattas 5,00 kr."
    assert dialog.tendered.hasFocus() and dialog.tendered.selectedText() == "50"
    qtbot.keyClicks(dialog.focusWidget(), "100")
    assert dialog.change.text() == "45,00 kr"
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: "Växel: 45,00 kr" in window.last_sale_label.text())
    assert "öresavrundning 0,10" in window.last_sale_label.text()
    payment = Payment.get()
    assert (payment.method, payment.amount, payment.tendered, payment.change) == (
        "cash", Decimal("55.00"), Decimal("100.00"), Decimal("45.00"))
    assert Sale.get().rounding == Decimal("0.10")
    assert window.model.rowCount() == 0


def vat_lines(window) -> list[tuple[str, str]]:
    """The VAT rows of the totals: (text, amount) as the label shows them."""
    return re.findall(r"<tr><td>(.*?)</td><td align='right'>(.*?)</td></tr>", window.vat_label.text())


def test_the_totals_state_the_vat_once(qtbot, window, shop):
    scan(qtbot, window, MUG)  # one rate: its VAT, and no second line repeating it
    assert vat_lines(window) == [("varav moms 25 %", "15,80")]
    assert window.total_label.text() == "79,00 kr"


def test_card_payment_waits_for_the_cashiers_word_that_the_terminal_approved(qtbot, window, shop):
    scan(qtbot, window, "2*" + MUG)
    qtbot.keyClick(window, Qt.Key.Key_F6)
    dialog = wait_for_window(qtbot, "cardDialog")
    assert dialog.findChild(type(window.message), "cardAmount").text() == "158,00 kr"
    assert Sale.select().count() == 0  # nothing before the terminal said yes
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)  # declined: Esc
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert "Kortbetalningen är inte registrerad" in window.message.text()
    assert Sale.select().count() == 0 and window.model.rowCount() == 1  # the cart is kept

    qtbot.keyClick(window, Qt.Key.Key_F6)
    dialog = wait_for_window(qtbot, "cardDialog")
    assert dialog.focusWidget() is dialog.ok_button and dialog.ok_button.text() == "&Godkänd i terminalen"
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # approved
    qtbot.waitUntil(lambda: "Kort 158,00 kr" in window.last_sale_label.text())
    assert Payment.get().amount == Decimal("158.00") and Payment.get().method == "card"


def test_the_last_sales_message_leaves_when_a_new_sale_starts(qtbot, window, shop):
    scan(qtbot, window, MUG)
    qtbot.keyClick(window, Qt.Key.Key_F6)
    dialog = wait_for_window(qtbot, "cardDialog")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Kort 79,00 kr" in window.last_sale_label.text())
    scan(qtbot, window, COFFEE)  # the next customer's first article
    assert window.last_sale_label.text() == ""


def test_unknown_barcode_shows_a_message_and_keeps_the_code(qtbot, window, shop):
    scan(qtbot, window, COFFEE)
    scan(qtbot, window, "1234567890128")
    assert "1234567890128" in window.message.text()
    assert "Register → Artiklar" in window.message.text()
    assert window.statusBar().currentMessage() == ""  # said once, in full, not again cut off below
    assert window.code_field.text() == "1234567890128"  # nothing typed is lost
    assert window.model.rowCount() == 1  # and the cart is as it was


def test_article_search_as_you_type(qtbot, window, shop):
    qtbot.keyClicks(window.code_field, "mugg")
    popup = window.article_completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.index(0, 0).data() == "Mugg vit"
    assert window.code_field.text() == ""


def test_a_typed_name_and_enter_adds_the_only_match(qtbot, window, shop):
    window.code_field.setFocus()
    type_and_enter(qtbot, window.code_field, "mugg")  # no arrow key: the list has one hit
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.index(0, 0).data() == "Mugg vit"
    assert window.message.text().endswith("1 × Mugg vit</span>") and window.code_field.text() == ""


def test_a_typed_name_with_no_or_several_matches_says_so(qtbot, window, shop):
    from kassa.models import Article

    Article.create(number="201", name="Mugg svart", price=Decimal("79.00"), vat_group=vat_group(25))
    window.reload_articles()
    qtbot.waitUntil(lambda: len(window._article_ids) == 4)
    window.code_field.setFocus()
    scan(qtbot, window, "tekanna")
    qtbot.waitUntil(lambda: "Ingen artikel passar ”tekanna”" in window.message.text())  # after reading again
    assert window.model.rowCount() == 0 and window.code_field.selectedText() == "tekanna"  # nothing lost

    window.code_field.clear()
    scan(qtbot, window, "mugg")
    assert "2 artiklar passar ”mugg”" in window.message.text()
    assert window.model.rowCount() == 0
    popup = window.article_completer.popup()
    qtbot.waitUntil(popup.isVisible)  # open again to choose from
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.index(0, 0).data() == "Mugg svart"  # the lists are by name


def test_a_name_finds_an_article_added_behind_the_windows_back(qtbot, window, shop):
    from kassa.models import Article

    # Another till on the same database (or `kassa demo`) adds an article while this window runs.
    Article.create(number="700", name="Kanelbulle", price=Decimal("25.00"), vat_group=vat_group(12))
    assert "Kanelbulle" not in " ".join(window._article_ids)  # the index read at start does not have it
    window.code_field.setFocus()
    type_and_enter(qtbot, window.code_field, "kanel")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.index(0, 0).data() == "Kanelbulle"
    assert "Ingen artikel passar" not in window.message.text()

    # A new search lists it as the cashier types, too.
    Article.create(number="701", name="Kardemummabulle", price=Decimal("25.00"), vat_group=vat_group(12))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.code_field.setFocus()
    qtbot.keyClicks(window.code_field, "kardemumma")
    popup = window.article_completer.popup()
    qtbot.waitUntil(lambda: popup.isVisible() and window.article_completer.completionCount() == 1)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    assert window.model.index(1, 0).data() == "Kardemummabulle"


def edit_cell(qtbot, window, row: int, column: int, text: str) -> None:
    """F2 on a cart cell, type, Enter (the delegate commits on the next turn of the event loop)."""
    window.table.setFocus()
    window.table.setCurrentIndex(window.model.index(row, column))
    qtbot.keyClick(window.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.table.state() != QAbstractItemView.State.EditingState)
    qtbot.waitUntil(lambda: not window.session.busy)  # the register has checked and journalled it


def test_quantity_and_discount_edited_in_the_cart(qtbot, window, shop):
    scan(qtbot, window, MUG)
    edit_cell(qtbot, window, 0, 1, "3")
    assert window.total_label.text() == "237,00 kr"
    edit_cell(qtbot, window, 0, 3, "10")
    assert window.total_label.text() == "213,30 kr"
    edit_cell(qtbot, window, 0, 3, "150")
    assert "Rabatt kan inte vara större än 100" in window.message.text()
    assert window.total_label.text() == "213,30 kr"
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)
    # Each change went through the register and is in its journal; the refused discount is not.
    events = [row.event for row in JournalEntry.select().order_by(JournalEntry.seq)]
    assert events[1:] == ["line_added", "line_changed", "line_changed", "line_removed"]
    assert window.total_label.text() == "0,00 kr"
    qtbot.keyClick(window.table, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.code_field


def test_invoice_needs_a_customer(qtbot, window, shop):
    scan(qtbot, window, COFFEE)
    qtbot.keyClick(window, Qt.Key.Key_F7)
    assert "Faktura kräver en kund" in window.message.text()
    assert Invoice.select().count() == 0


def test_id_check_blocks_issuing_until_filled(qtbot, window, shop):
    scan(qtbot, window, COFFEE)
    choose_customer(qtbot, window, "1003")
    qtbot.keyClick(window, Qt.Key.Key_F7)
    dialog = wait_for_window(qtbot, "idCheckDialog")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.number, Qt.Key.Key_Return)  # Enter on an empty form does nothing
    assert dialog.isVisible() and Invoice.select().count() == 0
    qtbot.keyClicks(dialog.kind.lineEdit(), "Pass")  # QTest types ASCII only
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.number, "800101-1234")
    assert dialog.ok_button.isEnabled()
    # Idrottsföreningen has no reference: the next question asks for one (optional on paper).
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    reference = wait_for_window(qtbot, "referenceDialog")
    type_and_enter(qtbot, reference.field, "Kassor Berit")
    wait_for_window(qtbot, "invoiceDialog")
    invoice = Invoice.get()
    assert (invoice.id_check_kind, invoice.id_check_number) == ("Pass", "800101-1234")
    assert invoice.buyer_reference == "Kassor Berit"


def test_cancelled_id_check_issues_nothing(qtbot, window, shop):
    scan(qtbot, window, COFFEE)
    choose_customer(qtbot, window, "Idrott")
    qtbot.keyClick(window, Qt.Key.Key_F7)
    dialog = wait_for_window(qtbot, "idCheckDialog")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert "Fakturan är inte utfärdad" in window.message.text()
    assert Invoice.select().count() == 0 and Sale.select().count() == 0
    assert window.model.rowCount() == 1


def test_claim_number_blocks_issuing_until_filled(qtbot, window, shop):
    scan(qtbot, window, MUG)
    choose_customer(qtbot, window, "Trygg")
    qtbot.keyClick(window, Qt.Key.Key_F7)
    dialog = wait_for_window(qtbot, "claimDialog")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.field, "   ")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.field, "SK-2024-0077")
    assert dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    wait_for_window(qtbot, "invoiceDialog")
    invoice = Invoice.get()
    assert invoice.claim_reference == "SK-2024-0077" == invoice.buyer_reference


def test_e_invoice_customer_with_problems_gets_no_invoice(qtbot, window, shop):
    customer = shop.customers.e_invoice
    customer.reference = ""
    customer.save()
    scan(qtbot, window, COFFEE)
    choose_customer(qtbot, window, "Elektronik")
    assert "e-faktura via Pagero" in window.customer_label.text()
    qtbot.keyClick(window, Qt.Key.Key_F7)
    dialog = wait_for_window(qtbot, "referenceDialog")
    assert not dialog.ok_button.isEnabled()  # an e-invoice must carry a reference
    type_and_enter(qtbot, dialog.field, "Order 4711")
    wait_for_window(qtbot, "invoiceDialog")
    assert Invoice.get().buyer_reference == "Order 4711"


def test_e_invoice_checks_run_before_issuing(qtbot, window, shop):
    customer = shop.customers.e_invoice
    customer.org_number = ""
    customer.save()
    scan(qtbot, window, COFFEE)
    choose_customer(qtbot, window, "1002")
    qtbot.keyClick(window, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: "Fakturan är inte utfärdad" in window.message.text())
    assert "organisationsnummer" in window.message.text()
    assert Invoice.select().count() == 0 and Sale.select().count() == 0
    assert window.model.rowCount() == 1


def test_menus_open_the_registers_and_lists(qtbot, window, shop):
    from kassa.ui.invoices import InvoiceListDialog

    window.findChild(type(window.menuBar().actions()[0]), "invoiceListAction").trigger()
    wait_for_window(qtbot, "invoiceList", InvoiceListDialog)
    names = {action.objectName() for action in window.findChildren(type(window.menuBar().actions()[0]))}
    assert {"customersAction", "categoriesAction", "articlesAction", "manualInvoiceAction", "eInvoicesAction",
            "companyAction", "databaseAction", "interestAction", "connectAction", "disconnectAction",
            "showLogAction", "aboutAction"} <= names
    assert [a.text() for a in window.menuBar().actions()] == [
        "&Kassa", "&Register", "&Fakturor", "F&örsäljning", "&Inställningar", "&Hjälp"]
    window.findChild(type(window.menuBar().actions()[0]), "customersAction").trigger()
    qtbot.waitUntil(lambda: top_level(cls=_class("kassa.ui.customers", "CustomerRegisterDialog")) is not None)


def _class(module: str, name: str):
    import importlib

    return getattr(importlib.import_module(module), name)


def test_the_carts_amounts_are_never_cut(qtbot, window, shop):
    from kassa.models import Article
    from tests.ui.test_keyboard_everywhere import truncated

    Article.create(number="900", barcode="7350053850026", name="Kassaregister med kontrollenhet",
                   price=Decimal("129990.00"), vat_group=vat_group(25))
    scan(qtbot, window, "125*7350053850026")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.index(0, 5).data() == "16\u00a0248\u00a0750,00"
    qtbot.waitUntil(lambda: truncated(window.table) == [], timeout=3000)  # once the view has laid out


def test_the_kassa_and_forsaljning_menus_give_every_entry_its_own_alt_letter(qtbot, window, shop):
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    for name in ("Kassa", "Försäljning"):
        without, shared = menu_letters(menus[name])
        assert not without, f"{name}: entries without an Alt letter: {without}"
        assert not shared, f"{name}: letters used twice: {shared}"


def test_the_letter_opens_the_entry_from_the_open_menu(qtbot, window, shop):
    """Alt+K opens Kassa, X then takes the X report (the letter of X-dagrapport)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    menu = window.menuBar().actions()[0].menu()
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(menu, Qt.Key.Key_X)
    report = wait_for_window(qtbot, "printoutDialog", timeout=10_000)
    assert report.windowTitle() == "X-dagrapport"


def sale_controls(window) -> dict[str, bool]:
    names = ("newSaleButton", "parkButton", "voidAction", "parkAction", "cashAction")
    found = {name: window.findChild(QPushButton, name) or window.findChild(QAction, name) for name in names}
    return {name: widget.isEnabled() for name, widget in found.items()}


def test_avbryt_kop_and_parkera_need_a_sale(qtbot, window, shop):
    assert not any(sale_controls(window).values())  # an empty cart: nothing to void, park or pay
    qtbot.keyClick(window, Qt.Key.Key_F9)
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert top_level("voidBox", QMessageBox) is None
    assert JournalEntry.select().where(JournalEntry.event.in_(["voided", "parked"])).count() == 0

    scan(qtbot, window, COFFEE)
    assert all(sale_controls(window).values())
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)
    assert not any(sale_controls(window).values())
