"""The invoice dialog and list: credit, preview, and the e-invoice print path up to the send queue.
Printing on paper and Spara som PDF, through Qt's real dialogs: tests/ui/test_print_path.py."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintPreviewDialog

from kassa.models import Invoice, InvoiceLine, Transmission
from kassa.ui import invoices as invoices_ui
from kassa.ui.invoices import InvoiceDialog, InvoiceListDialog
from tests.factories import COFFEE, MUG, issue, open_day, pdf_text, type_and_enter, wait_for_window


def test_credit_of_chosen_lines(qtbot, shop, open_dialog):
    invoice = issue(shop.customers.plain, "2*" + COFFEE, MUG)
    dialog = open_dialog(invoice)
    qtbot.mouseClick(dialog.credit_button, Qt.MouseButton.LeftButton)
    credit_dialog = wait_for_window(qtbot, "creditDialog")
    assert not credit_dialog.ok_button.isEnabled()  # nothing chosen yet
    assert not credit_dialog.all_button.isEnabled()  # and no reason given
    assert credit_dialog.focusWidget() is credit_dialog.reason  # the reason is asked first
    assert "orsaken" in credit_dialog.error.text()
    qtbot.keyClicks(credit_dialog.reason, "Returnerad vara")
    field = credit_dialog.fields[0]
    field.selectAll()
    qtbot.keyClicks(field, "3")
    assert "större än 2" in credit_dialog.error.text() and not credit_dialog.ok_button.isEnabled()
    field.selectAll()
    qtbot.keyClicks(field, "1")
    assert credit_dialog.ok_button.isEnabled()
    qtbot.mouseClick(credit_dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: Invoice.select().where(Invoice.kind == "credit_note").exists())
    credit = Invoice.get(Invoice.kind == "credit_note")
    qtbot.waitUntil(lambda: any(w.objectName() == "invoiceDialog" and w.invoice_id == credit.id
                                for w in qtbot_top_levels()))
    lines = list(credit.lines)
    assert [(line.description, line.quantity) for line in lines] == [("Kaffe Mellanrost 450 g", Decimal("1.000"))]
    assert credit.credited_invoice_id == invoice.id
    assert credit.tax_inclusive == Decimal("54.90")
    assert Invoice.get_by_id(invoice.id).status == "partly_credited"
    assert "Kreditfaktura" in dialog.message.text()
    assert "Krediterar faktura" in invoices_ui.printing.invoice_html(credit)
    assert "Returnerad vara" in invoices_ui.printing.invoice_html(credit)  # Orsak on the paper
    from kassa.peppol.ubl import build_ubl

    assert b"<cbc:Note>Returnerad vara</cbc:Note>" in build_ubl(credit)  # and in the e-invoice


def qtbot_top_levels():
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_credit_note_pdf_names_the_credited_invoice(qtbot, shop, open_dialog, tmp_path):
    invoice = issue(shop.customers.plain, MUG)
    dialog = open_dialog(invoice)
    qtbot.mouseClick(dialog.credit_button, Qt.MouseButton.LeftButton)
    credit_dialog = wait_for_window(qtbot, "creditDialog")
    qtbot.keyClicks(credit_dialog.reason, "Fel pris")
    qtbot.mouseClick(credit_dialog.all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: Invoice.select().where(Invoice.kind == "credit_note").exists())
    credit = Invoice.get(Invoice.kind == "credit_note")
    assert Invoice.get_by_id(invoice.id).status == "credited"
    assert not InvoiceDialog(invoice.id).credit_button.isEnabled()

    credit_view = open_dialog(credit)
    target = tmp_path / "kredit.pdf"
    qtbot.mouseClick(credit_view.pdf_button, Qt.MouseButton.LeftButton)
    chooser = wait_for_window(qtbot, "pdfFileDialog")
    chooser.selectFile(str(target))
    chooser.accept()
    qtbot.waitUntil(lambda: "Sparad som PDF" in credit_view.message.text(), timeout=10_000)
    text = " ".join(pdf_text(target).split())
    assert "Kreditfaktura" in text
    assert f"Krediterar faktura {invoice.number}" in text
    assert "Orsak Fel pris" in text
    assert "79,00" in text


def test_preview_shows_the_invoice(qtbot, shop, open_dialog):
    dialog = open_dialog(issue(shop.customers.plain, COFFEE))
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    preview = wait_for_window(qtbot, "invoicePreview", QPrintPreviewDialog)
    preview.close()


def test_e_invoice_with_problems_stores_nothing(qtbot, shop, open_dialog):
    # Issued without the till's pre-checks (e.g. by another till before the customer changed):
    # the org. number is missing, so the invoice has no PEPPOL address.
    customer = shop.customers.e_invoice
    customer.org_number = ""
    customer.save()
    invoice = issue(customer, COFFEE)
    dialog = open_dialog(invoice)
    assert "Pagero" in dialog.delivery_label.text()
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "kan inte skickas" in dialog.message.text(), timeout=15_000)
    assert "organisationsnummer" in dialog.message.text()
    assert Transmission.select().count() == 0
    assert Invoice.get_by_id(invoice.id).delivery == ""
    assert not dialog.copy_button.isVisible()
    qtbot.waitUntil(dialog.print_button.isEnabled)  # ready for another try once fixed


def test_e_invoice_print_action_queues_once(qtbot, shop, open_dialog):
    invoice = issue(shop.customers.e_invoice, COFFEE, MUG)
    dialog = open_dialog(invoice)
    dialog.print_button.click()
    dialog.print_button.click()  # a double click while the first is working
    assert not dialog.print_button.isEnabled()
    qtbot.waitUntil(lambda: "Fakturan skickas som e-faktura via Pagero" in dialog.message.text(), timeout=30_000)
    assert dialog.copy_button.isVisible()
    assert Transmission.select().count() == 1
    assert Transmission.get().invoice_id == invoice.id
    assert Invoice.get_by_id(invoice.id).delivery == "e_invoice"
    assert Invoice.get_by_id(invoice.id).printed_at is None  # queued, not printed
    qtbot.waitUntil(dialog.print_button.isEnabled)
    dialog.print_button.click()  # again later: still one row
    qtbot.waitUntil(dialog.print_button.isEnabled, timeout=30_000)
    assert Transmission.select().count() == 1


def test_invoice_list_finds_and_opens(qtbot, shop):
    first = issue(shop.customers.plain, COFFEE)
    second = issue(shop.customers.insurance, MUG, claim_reference="SK-1")
    listing = InvoiceListDialog(till="Kassa 1")
    qtbot.addWidget(listing)
    listing.show()
    qtbot.waitUntil(lambda: listing.model.rowCount() == 2)
    assert listing.model.index(0, 0).data() == str(second.number)  # newest first
    assert listing.model.index(0, 2).data() == "Trygg Försäkring AB"
    assert listing.model.index(1, 3).data() == "54,90"
    qtbot.keyClicks(listing.search, "bygg")
    qtbot.waitUntil(lambda: listing.model.rowCount() == 1)
    assert listing.model.index(0, 0).data() == str(first.number)
    listing.search.clear()
    type_and_enter(qtbot, listing.search, str(second.number))  # Enter before the answer: opens the match
    dialog = wait_for_window(qtbot, "invoiceDialog")
    assert dialog.invoice_id == second.id
    assert listing.model.rowCount() == 1 and listing.model.index(0, 0).data() == str(second.number)
    dialog.close()
    assert InvoiceLine.select().count() == 2


def test_invoice_list_search_field_walks_the_list_and_enter_opens(qtbot, shop):
    """Down/Up from the search field move the highlighted row; Enter opens it; Öppna is the default."""
    first = issue(shop.customers.plain, COFFEE)
    second = issue(shop.customers.insurance, MUG, claim_reference="SK-1")
    listing = InvoiceListDialog(till="Kassa 1")
    qtbot.addWidget(listing)
    listing.show()
    qtbot.waitUntil(lambda: listing.model.rowCount() == 2)
    assert listing.open_button.text() == "&Öppna" and listing.open_button.isDefault()
    assert listing.search.hasFocus()
    assert listing.table.currentIndex().row() == 0  # the newest, second
    qtbot.keyClick(listing.search, Qt.Key.Key_Down)
    assert listing.table.currentIndex().row() == 1 and listing.search.hasFocus()
    qtbot.keyClick(listing.search, Qt.Key.Key_Down)  # already the last row: stays
    assert listing.table.currentIndex().row() == 1
    qtbot.keyClick(listing.search, Qt.Key.Key_Up)
    qtbot.keyClick(listing.search, Qt.Key.Key_Down)
    qtbot.keyClick(listing.search, Qt.Key.Key_Return)
    dialog = wait_for_window(qtbot, "invoiceDialog")
    assert dialog.invoice_id == first.id
    dialog.close()
    qtbot.waitUntil(lambda: not listing._loader.is_busy)  # the list refreshes after the dialog
    listing.activateWindow()
    qtbot.keyClicks(listing.search, "trygg")
    qtbot.waitUntil(lambda: listing.model.rowCount() == 1)
    qtbot.keyClick(listing.search, Qt.Key.Key_Return)
    dialog = wait_for_window(qtbot, "invoiceDialog")
    assert dialog.invoice_id == second.id



def test_the_tills_status_bar_counts_a_queued_e_invoice_at_once(qtbot, shop):
    from kassa.ui.main_window import MainWindow

    open_day("Kassa 1")  # the float is in: the till does not ask for it first
    window = MainWindow(till_name="Kassa 1")  # with its status-bar indicator, refreshed every 10 s
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: hasattr(window, "queue_indicator"), timeout=10_000)  # made after the first paint
    qtbot.waitUntil(lambda: "0 i kö" in window.queue_indicator.label.text(), timeout=10_000)
    invoice = issue(shop.customers.e_invoice, COFFEE)
    dialog = invoices_ui.open_invoice(invoice.id, window, till="Kassa 1")
    qtbot.addWidget(dialog)
    dialog.print_button.click()
    qtbot.waitUntil(lambda: "Fakturan skickas som e-faktura via Pagero" in dialog.message.text(), timeout=30_000)
    # Well before the indicator's own 10 s turn.
    qtbot.waitUntil(lambda: "1 i kö" in window.queue_indicator.label.text(), timeout=3_000)


def test_an_open_invoice_dialog_follows_its_e_invoice_to_delivered(qtbot, shop, open_dialog):
    invoice = issue(shop.customers.e_invoice, COFFEE)
    dialog = open_dialog(invoice)
    dialog.print_button.click()
    qtbot.waitUntil(lambda: "Fakturan skickas som e-faktura via Pagero" in dialog.message.text(), timeout=30_000)
    assert "I kö" in dialog.delivery_label.text()
    # The sender (another thread or another till) moves it on; the open dialog shows it.
    Transmission.update(state="delivered").where(Transmission.invoice == invoice.id).execute()
    qtbot.waitUntil(lambda: "Levererad" in dialog.delivery_label.text(), timeout=10_000)
