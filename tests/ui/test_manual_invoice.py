"""Manuell faktura: a customer by search, free lines, prices incl. VAT when the category says so."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from kassa.models import Invoice, Sale, Transmission
from kassa.ui.manual_invoice import ManualInvoiceDialog
from tests.factories import type_and_enter, wait_for_window


def open_manual(qtbot) -> ManualInvoiceDialog:
    dialog = ManualInvoiceDialog(till="Kassa 1")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def choose(qtbot, dialog, text: str) -> None:
    type_and_enter(qtbot, dialog.customer_picker.field, text)
    qtbot.waitUntil(lambda: dialog.customer is not None)


def add_line(qtbot, dialog, description: str, quantity: str, price: str, unit: str = "st",
             vat: str = "Standard (25 %)", discount: str = ""):
    qtbot.keyClicks(dialog.description, description)
    dialog.quantity.selectAll()
    qtbot.keyClicks(dialog.quantity, quantity)
    dialog.unit.setCurrentText(unit)
    dialog.vat.setCurrentIndex(next(i for i in range(dialog.vat.count()) if dialog.vat.itemText(i).startswith(vat)))
    if discount:
        qtbot.keyClicks(dialog.discount, discount)
    type_and_enter(qtbot, dialog.price, price)


def test_manual_invoice_with_prices_including_vat(qtbot, shop):
    dialog = open_manual(qtbot)
    assert "exklusive moms" in dialog.vat_mode.text()
    assert not dialog.create_button.isEnabled()
    choose(qtbot, dialog, "Karin")
    assert "Priser anges inklusive moms" in dialog.vat_mode.text()
    add_line(qtbot, dialog, "Konsulttimme", "2", "1250", unit="tim")
    add_line(qtbot, dialog, "Kurslitteratur", "1", "106", vat="Böcker")
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 5).text() == "2\u00a0000,00"  # 2 × 1 250 incl. 25 % = 2 000 excl.
    assert "Summa: 2\u00a0606,00 kr" in dialog.totals_label.text()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    view = wait_for_window(qtbot, "invoiceDialog")
    invoice = Invoice.get()
    assert view.invoice_id == invoice.id
    assert invoice.manual and invoice.sale_id is None
    assert invoice.tax_inclusive == Decimal("2606.00")
    assert [(line.description, line.unit, line.line_amount, line.vat_rate) for line in invoice.item_lines] == [
        ("Konsulttimme", "HUR", Decimal("2000.00"), 25), ("Kurslitteratur", "EA", Decimal("100.00"), 6)]
    assert Sale.select().count() == 0
    view.close()


def test_manual_invoice_prices_excluding_vat_and_line_errors(qtbot, shop):
    dialog = open_manual(qtbot)
    choose(qtbot, dialog, "1001")
    assert "Priser anges exklusive moms" in dialog.vat_mode.text()
    assert dialog.reference.text() == "Anna Andersson"
    add_line(qtbot, dialog, "Konsulttimme", "1,5", "tusen")
    assert "inget tal" in dialog.message.text() and dialog.table.rowCount() == 0
    dialog.price.clear()
    type_and_enter(qtbot, dialog.price, "1000")
    assert dialog.table.rowCount() == 1
    assert "Summa: 1\u00a0875,00 kr" in dialog.totals_label.text()
    add_line(qtbot, dialog, "Skruv M4", "10000", "0,12345")
    assert "högst 4 decimaler" in dialog.message.text() and dialog.table.rowCount() == 1
    dialog.price.clear()
    type_and_enter(qtbot, dialog.price, "0,1235")  # a price of four decimals, as the invoice allows
    assert [dialog.table.item(1, column).text() for column in (3, 5)] == ["0,1235", "1\u00a0235,00"]
    dialog.table.selectRow(1)
    dialog.remove_line()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    wait_for_window(qtbot, "invoiceDialog").close()
    invoice = Invoice.get()
    assert (invoice.tax_exclusive, invoice.tax_inclusive) == (Decimal("1500.00"), Decimal("1875.00"))


def test_manual_invoice_to_insurance_company_needs_claim_number(qtbot, shop):
    dialog = open_manual(qtbot)
    choose(qtbot, dialog, "Trygg")
    assert dialog.claim.isVisible()
    add_line(qtbot, dialog, "Glasruta", "1", "800")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "skadenummer" in dialog.message.text()
    assert Invoice.select().count() == 0
    qtbot.keyClicks(dialog.claim, "SK-9")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    wait_for_window(qtbot, "invoiceDialog").close()
    assert Invoice.get().buyer_reference == "SK-9"


def test_manual_invoice_to_e_invoice_customer_uses_the_same_print_path(qtbot, shop):
    dialog = open_manual(qtbot)
    choose(qtbot, dialog, "Elektronik")
    assert "e-faktura via Pagero" in dialog.customer_label.text()
    dialog.reference.clear()
    add_line(qtbot, dialog, "Service", "1", "500")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Fakturan är inte skapad" in dialog.message.text())
    assert "referens" in dialog.message.text().lower()
    assert Invoice.select().count() == 0
    qtbot.waitUntil(dialog.create_button.isEnabled)  # the worker has finished
    qtbot.keyClicks(dialog.reference, "Order 77")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    view = wait_for_window(qtbot, "invoiceDialog")
    qtbot.mouseClick(view.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Fakturan skickas som e-faktura via Pagero" in view.message.text(), timeout=30_000)
    assert Transmission.get().invoice_id == Invoice.get().id
    view.close()


def test_manual_invoice_in_euro_to_an_eu_company(qtbot, shop):
    """Intra-EU supply in EUR: a discount over 100 % and a missing exchange rate are refused at their fields."""
    from kassa.models import Customer

    Customer.create(number=2001, name="Berliner Handel GmbH", country="DE", vat_number="DE136695976",
                    vat_treatment="K", street="Friedrichstraße 10", postal_code="10117", city="Berlin",
                    reference="Frau Schmidt")
    dialog = open_manual(qtbot)
    choose(qtbot, dialog, "Berliner")
    add_line(qtbot, dialog, "Termos", "10", "20", discount="150")
    assert "Rabatt kan inte vara större än 100" in dialog.message.text()
    assert dialog.discount.hasFocus() and dialog.table.rowCount() == 0
    dialog.discount.clear()
    qtbot.keyClicks(dialog.discount, "10")
    type_and_enter(qtbot, dialog.discount, "")  # Enter: the line as entered, 20 EUR less 10 %
    assert dialog.table.rowCount() == 1
    dialog.currency.setCurrentText("EUR")
    assert dialog.rate.isVisible()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Ange växelkursen" in dialog.message.text())
    assert dialog.rate.hasFocus() and Invoice.select().count() == 0
    qtbot.waitUntil(dialog.create_button.isEnabled)
    qtbot.keyClicks(dialog.rate, "11,4523")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    wait_for_window(qtbot, "invoiceDialog").close()
    invoice = Invoice.get()
    assert (invoice.currency, invoice.exchange_rate, invoice.tax_total, invoice.tax_total_sek) == (
        "EUR", Decimal("11.452300"), Decimal("0.00"), Decimal("0.00"))
    assert [(line.vat_category, line.vat_rate, line.line_amount) for line in invoice.item_lines] == [
        ("K", 0, Decimal("180.00"))]


def test_the_lines_show_the_vat_the_invoice_will_have(qtbot, shop):
    """The rate of the delivery date, and none for a buyer in another EU country: what is shown is issued."""
    from kassa.models import Customer

    dialog = open_manual(qtbot)
    choose(qtbot, dialog, "1001")
    dialog.delivery.selectAll()
    qtbot.keyClicks(dialog.delivery, "2026-03-31")
    add_line(qtbot, dialog, "Kaffe", "1", "100", vat="Livsmedel")
    assert dialog.table.item(0, 4).text() == "12"
    assert "Moms 12 %: 12,00" in dialog.totals_label.text() and "Summa: 112,00 kr" in dialog.totals_label.text()
    dialog.delivery.selectAll()
    qtbot.keyClicks(dialog.delivery, "2026-04-01")
    assert dialog.table.item(0, 4).text() == "6"
    assert "Summa: 106,00 kr" in dialog.totals_label.text()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    wait_for_window(qtbot, "invoiceDialog").close()
    assert Invoice.get().tax_inclusive == Decimal("106.00")

    Customer.create(number=2002, name="Kopenhagen Handel ApS", country="DK", org_number="13585628",
                    vat_number="DK13585628", vat_treatment="K", street="Vestergade 1", postal_code="1050",
                    city="København", reference="Hr. Jensen")
    dialog = open_manual(qtbot)
    choose(qtbot, dialog, "Kopenhagen")
    add_line(qtbot, dialog, "Termos", "10", "20")
    dialog.currency.setCurrentText("EUR")
    assert dialog.table.item(0, 4).text() == "0"
    assert "Moms 25" not in dialog.totals_label.text() and "Unionsintern leverans" in dialog.totals_label.text()
    assert "Summa: 200,00 EUR" in dialog.totals_label.text()


def test_by_keyboard_a_readable_description_and_alt_letters_to_create_and_credit(qtbot, shop):
    """The trial user's way: the description field shows what is typed at the dialog's size, Alt+F
    creates the invoice, and in the invoice window Alt+R credits it (Alt+S, Alt+P print and save)."""
    from PySide6.QtWidgets import QApplication

    from kassa.ui.invoices import CreditDialog
    from tests.ui.mnemonics import mnemonic, shared_mnemonics

    dialog = open_manual(qtbot)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert not shared_mnemonics(dialog), shared_mnemonics(dialog)
    field = dialog.description
    placeholder = field.placeholderText()
    assert field.fontMetrics().horizontalAdvance(placeholder + " till kunden") < field.width() - 12, (
        f"the description field is {field.width()}px wide")
    choose(qtbot, dialog, "Karin")
    add_line(qtbot, dialog, "Konsulttimme", "2", "1250", unit="tim")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)  # Skapa &faktura
    view = wait_for_window(qtbot, "invoiceDialog")
    assert Invoice.select().count() == 1
    assert not shared_mnemonics(view), shared_mnemonics(view)
    assert [mnemonic(b.text()) for b in (view.print_button, view.pdf_button, view.credit_button)] == ["s", "p", "r"]
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    qtbot.keyClick(view.focusWidget() or view, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # K&reditera
    credit = wait_for_window(qtbot, cls=CreditDialog)
    credit.reject()
    view.close()
    QApplication.processEvents()


def test_the_settings_menu_and_its_neighbours_have_one_alt_letter_per_item(window):
    from PySide6.QtWidgets import QMenu

    from tests.ui.mnemonics import mnemonic

    def check(menu: QMenu, path: str) -> None:
        items = [a for a in menu.actions() if a.text() and not a.isSeparator()]
        letters = [mnemonic(a.text()) for a in items]
        assert None not in letters, f"{path}: no Alt letter on {[a.text() for a in items if not mnemonic(a.text())]}"
        assert len(set(letters)) == len(letters), f"{path}: shared Alt letters {[a.text() for a in items]}"
        for action in items:
            if action.menu() is not None:
                check(action.menu(), f"{path} → {action.text()}")

    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    for name in ("Register", "Fakturor", "Inställningar", "Hjälp"):
        check(menus[name], name)
