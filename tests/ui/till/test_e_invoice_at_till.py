"""F7 to an e-invoice customer at the till: the invoice reaches the send queue without the cashier having
to remember "Skriv ut", and an e-invoice that could not be queued is never closed or listed as if it were sent."""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kassa.models import Invoice, Transmission, TransmissionState
from kassa.outbox.summary import queue_summary
from kassa.ui.invoices import E_INVOICE_QUEUED, InvoiceDialog, InvoiceListDialog
from tests.factories import COFFEE, issue, scan, type_and_enter, wait_for_window
from tests.ui.till.keys import key


def invoice_at_till(qtbot, window) -> InvoiceDialog:
    """A coffee sold on invoice (F7) to the e-invoice customer picked with F3: the invoice window."""
    scan(qtbot, window, COFFEE)
    key(qtbot, window, Qt.Key.Key_F3)
    type_and_enter(qtbot, window.customer_picker.field, "Elektronik")
    qtbot.waitUntil(lambda: window.cart.customer is not None)
    key(qtbot, window, Qt.Key.Key_F7)
    return wait_for_window(qtbot, "invoiceDialog", InvoiceDialog, timeout=10_000)


def closed(dialog: InvoiceDialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()  # it deletes itself on close


def test_f7_to_an_e_invoice_customer_queues_it_even_if_the_window_is_closed_with_esc(qtbot, window, shop):
    dialog = invoice_at_till(qtbot, window)
    key(qtbot, dialog, Qt.Key.Key_Escape)  # no "Skriv ut"

    qtbot.waitUntil(lambda: closed(dialog), timeout=60_000)  # closes once it is in the queue
    invoice = Invoice.get()
    row = Transmission.get()
    assert row.invoice_id == invoice.id and row.state == TransmissionState.QUEUED
    assert Invoice.get_by_id(invoice.id).delivery == "e_invoice"
    assert "E-fakturan läggs i sändkön" in window.message.text()
    assert queue_summary().unsent == 0


def test_the_invoice_shows_it_is_queued_and_closing_asks_nothing(qtbot, window, shop):
    dialog = invoice_at_till(qtbot, window)
    qtbot.waitUntil(lambda: E_INVOICE_QUEUED in dialog.message.text(), timeout=60_000)
    assert "E-faktura via Pagero" in dialog.delivery_label.text()
    key(qtbot, dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog))
    assert Transmission.select().count() == 1


def test_an_unsent_e_invoice_asks_before_closing_and_stays_listed_as_not_sent(qtbot, window, shop):
    # Issued without the till's pre-checks (another till, before the customer changed): no org. number, so the
    # send is blocked by the checks.
    customer = shop.customers.e_invoice
    customer.org_number = ""
    customer.save()
    invoice = issue(customer, COFFEE)
    dialog = window.open_invoice(invoice.id)
    qtbot.waitExposed(dialog)
    key(qtbot, dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # Skriv ut
    qtbot.waitUntil(lambda: "kan inte skickas än" in dialog.message.text(), timeout=60_000)
    assert "organisationsnummer" in dialog.message.text()

    key(qtbot, dialog, Qt.Key.Key_Escape)
    box = wait_for_window(qtbot, "notSentBox", QMessageBox)
    assert box.text() == "Fakturan är inte skickad – skicka nu?"
    assert not closed(dialog)
    qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Escape)  # Stäng utan att skicka
    qtbot.waitUntil(lambda: closed(dialog))

    assert Transmission.select().count() == 0
    summary = queue_summary()
    assert summary.unsent == 1 and "1 e-faktura ej skickad" in summary.text
    assert "Alla e-fakturor är skickade" not in summary.text
    key(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Fakturor
    listing = wait_for_window(qtbot, "invoiceList", InvoiceListDialog)
    qtbot.waitUntil(lambda: listing.model.rowCount() == 1)
    assert listing.model.index(0, 5).data() == "E-faktura, ej skickad"



def test_skicka_nu_in_the_question_sends_an_unsent_e_invoice(qtbot, window, shop):
    invoice = issue(shop.customers.e_invoice, COFFEE)  # e.g. issued while Kassa stopped before sending
    dialog = window.open_invoice(invoice.id)
    qtbot.waitExposed(dialog)
    key(qtbot, dialog, Qt.Key.Key_Escape)
    box = wait_for_window(qtbot, "notSentBox", QMessageBox)
    qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)  # Skicka nu, the default
    qtbot.waitUntil(lambda: E_INVOICE_QUEUED in dialog.message.text(), timeout=60_000)
    assert not closed(dialog) and Transmission.get().invoice_id == invoice.id
    key(qtbot, dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog))
