"""The e-invoice path end to end, driven as a cashier would with keys and clicks: a category with
"pagero" in its note, a customer in it, two articles, a sale at the till paid by invoice (F7),
Skriv ut queues the e-invoice instead of printing, the send queue uploads it to the Pagero
stand-in (tokens in the real keyring), the stand-in delivers it, and E-fakturor shows it delivered.

The same flow for a customer without the flag (the PDF holds number, OCR, totals and
"Godkänd för F-skatt") is tests/ui/test_main_window.py::test_sell_two_articles_invoice_and_save_pdf.
"""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog

from kassa.models import Article, Customer, CustomerCategory, Invoice, Transmission
from kassa.outbox.background import BackgroundSender
from kassa.register.service import Register
from kassa.ui.articles import ArticleDialog, ArticleRegisterDialog
from kassa.ui.categories import PAGERO_ON_TEXT, CategoryEditorDialog
from kassa.ui.customers import E_INVOICE_TEXT, CustomerDialog, CustomerRegisterDialog
from kassa.ui.einvoices import EInvoiceStatusDialog
from kassa.ui.invoices import E_INVOICE_QUEUED, InvoiceDialog
from kassa.ui.main_window import MainWindow
from kassa.ui.workers import wait_for_background
from tests.factories import (
    COFFEE,
    MUG,
    QT_NOISE,
    close_all_dialogs,
    scan,
    transmission_state_shown,
    type_and_enter,
    type_into,
    type_text,
    wait_for_window,
)
from tests.outbox.fixtures import client_factory, fast_policy, seller

pytestmark = QT_NOISE


def trigger(window: MainWindow, action_name: str) -> None:
    """Choose a menu item (what a click on it does)."""
    from PySide6.QtGui import QAction

    window.findChild(QAction, action_name).trigger()


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def create_category(qtbot, window) -> None:
    trigger(window, "categoriesAction")
    editor = wait_for_window(qtbot, cls=CategoryEditorDialog)
    type_into(qtbot, editor.name_edit, "Företag med e-faktura")
    editor.note_edit.setFocus()
    type_text(qtbot, editor.note_edit, "Skickas via Pagero")
    assert editor.pagero_label.text() == PAGERO_ON_TEXT
    click(qtbot, editor.save_button)
    assert editor.saved_label.text() == "Sparad."
    click(qtbot, editor.close_button)
    assert CustomerCategory.get().sends_via_pagero


def create_customer(qtbot, window) -> Customer:
    trigger(window, "customersAction")
    register = wait_for_window(qtbot, cls=CustomerRegisterDialog)
    click(qtbot, register.new_button)
    editor = register.editor
    assert isinstance(editor, CustomerDialog) and editor.isVisible()
    type_into(qtbot, editor.name_edit, "Elektronikgrossisten i Mölndal AB")
    type_into(qtbot, editor.org_edit, "556036-0793")
    editor.category_combo.setFocus()
    qtbot.keyClicks(editor.category_combo, "F")  # the combo's own type-ahead (QTest types ASCII only)
    assert editor.category_combo.currentText() == "Företag med e-faktura"
    type_into(qtbot, editor.street_edit, "Kundvägen 2")
    type_into(qtbot, editor.postal_edit, "431 30")
    type_into(qtbot, editor.city_edit, "Mölndal")
    type_into(qtbot, editor.reference_edit, "Anna Andersson")
    type_into(qtbot, editor.email_edit, "faktura@grossisten.se")
    assert editor.einvoice_label.text() == f"<b>{E_INVOICE_TEXT}</b>"
    assert not editor.problems_label.isVisibleTo(editor)  # nothing would stop a send
    click(qtbot, editor.save_button)
    qtbot.waitUntil(lambda: not editor.isVisible())
    click(qtbot, register.close_button)
    customer = Customer.get()
    assert customer.sends_via_pagero and customer.peppol_endpoint == ("0007", "5560360793")
    return customer


def create_article(qtbot, register, barcode: str, name: str, price: str, vat: str) -> None:
    click(qtbot, register.new_button)
    editor = register.editor
    assert isinstance(editor, ArticleDialog) and editor.isVisible()
    type_into(qtbot, editor.barcode_edit, barcode)
    type_into(qtbot, editor.name_edit, name)
    type_into(qtbot, editor.price_edit, price)
    editor.vat_combo.setFocus()
    qtbot.keyClicks(editor.vat_combo, vat)
    click(qtbot, editor.save_button)
    qtbot.waitUntil(lambda: not editor.isVisible())


def create_articles(qtbot, window) -> None:
    trigger(window, "articlesAction")
    register = wait_for_window(qtbot, cls=ArticleRegisterDialog)
    create_article(qtbot, register, COFFEE, "Kaffe Mellanrost 450 g", "54,90", "Livs")  # food: the dated rate
    create_article(qtbot, register, MUG, "Mugg vit", "79", "Stan")
    click(qtbot, register.close_button)  # the till reloads its article index
    assert sorted((a.barcode, a.price, a.vat_group.key) for a in Article.select()) == [
        (COFFEE, Decimal("54.90"), "food"), (MUG, Decimal("79.00"), "standard")]


def test_e_invoice_from_new_category_to_delivered(qtbot, db, outbox_control, connected):
    seller()  # the company, connected to the stand-in's test account
    sender = BackgroundSender(till="Kassa 1", client_factory=client_factory(connected), policy=fast_policy())

    Register("Kassa 1").open_day("0")  # the register's cart needs an open day, invoiced sales too
    window = MainWindow(till_name="Kassa 1", with_indicator=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        sender.start()
        create_category(qtbot, window)
        create_customer(qtbot, window)
        create_articles(qtbot, window)
        qtbot.waitUntil(lambda: len(window._article_ids) == 2, timeout=5000)

        # At the till: two scans, the customer, F7.
        window.activateWindow()
        window.code_field.setFocus()
        scan(qtbot, window, COFFEE)
        scan(qtbot, window, MUG)
        assert window.model.rowCount() == 2 and window.total_label.text() == "133,90 kr"
        qtbot.keyClick(window, Qt.Key.Key_F3)
        type_and_enter(qtbot, window.customer_picker.field, "Elektronik")
        qtbot.waitUntil(lambda: window.cart.customer is not None)
        assert "e-faktura via Pagero" in window.customer_label.text()
        qtbot.keyClick(window, Qt.Key.Key_F7)
        dialog = wait_for_window(qtbot, "invoiceDialog", InvoiceDialog)
        invoice = Invoice.get()
        assert invoice.buyer["name"] == "Elektronikgrossisten i Mölndal AB" and invoice.payable == Decimal("133.90")
        outbox_control.script(str(invoice.number), "delivered")  # the stand-in's fate for it

        # Skriv ut: queued for Pagero, not printed.
        assert "Pagero" in dialog.delivery_label.text()
        dialog.e_invoice_queued.connect(lambda _id: sender.wake())
        click(qtbot, dialog.print_button)
        qtbot.waitUntil(lambda: E_INVOICE_QUEUED in dialog.message.text(), timeout=30_000)
        assert dialog.copy_button.isVisible()
        assert not dialog.findChildren(QPrintDialog)  # the printer was never asked for
        assert Invoice.get_by_id(invoice.id).printed_at is None

        # E-fakturor shows it go out and arrive (the view refreshes itself on its timer).
        trigger(window, "eInvoicesAction")
        view = wait_for_window(qtbot, cls=EInvoiceStatusDialog)
        qtbot.waitUntil(lambda: transmission_state_shown(view, invoice.number) == "Levererad till köparen",
                        timeout=30_000)
        row = view.model.row_of(Transmission.get().id)
        assert view.model.data(view.model.index(row, 1)) == "Elektronikgrossisten i Mölndal AB"

        # The stand-in received it exactly once, and delivered it.
        files = outbox_control.files()
        assert files["counts"] == {str(invoice.number): 1}
        assert Transmission.get().document_id
        assert Transmission.select().count() == 1
    finally:
        assert sender.stop(10)
        close_all_dialogs()
        window.close()
        wait_for_background(10_000)
