"""The paper path of the invoice dialog, driven through Qt's real dialogs: the print dialog (its
print-to-file destination instead of a physical printer), and Spara som PDF with the real file
dialog. Every PDF is read back with pdftotext."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kassa.models import AuditEvent, Invoice, Transmission
from tests.factories import COFFEE, MUG, issue, pdf_text
from tests.ui.real_dialogs import print_to_file, save_in_file_dialog


def test_print_goes_through_the_real_print_dialog(qtbot, shop, open_dialog, tmp_path):
    invoice = issue(shop.customers.plain, COFFEE)
    dialog = open_dialog(invoice)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "skrivare.pdf"
    print_to_file(qtbot, target)
    qtbot.waitUntil(lambda: "Fakturan är utskriven" in dialog.message.text(), timeout=10_000)
    text = pdf_text(target)
    assert invoice.ocr in text and "Kaffe Mellanrost" in text
    invoice = Invoice.get_by_id(invoice.id)
    assert invoice.delivery == "paper" and invoice.printed_at is not None
    assert AuditEvent.select().where((AuditEvent.invoice == invoice) & (AuditEvent.event == "printed")).count() == 1
    assert Transmission.select().count() == 0
    assert "Utskriven" in dialog.delivery_label.text()


def test_ctrl_p_prints_too(qtbot, shop, open_dialog, tmp_path):
    invoice = issue(shop.customers.plain, MUG)
    dialog = open_dialog(invoice)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    target = tmp_path / "ctrl-p.pdf"
    print_to_file(qtbot, target)
    qtbot.waitUntil(lambda: "Fakturan är utskriven" in dialog.message.text(), timeout=10_000)
    assert "Mugg vit" in pdf_text(target)


def test_e_invoice_paper_copy_through_the_real_print_dialog(qtbot, shop, open_dialog, tmp_path):
    invoice = issue(shop.customers.e_invoice, MUG)
    dialog = open_dialog(invoice)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)  # queues the e-invoice
    qtbot.waitUntil(dialog.copy_button.isVisible, timeout=30_000)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "kopia.pdf"
    print_to_file(qtbot, target)
    qtbot.waitUntil(lambda: "Fakturan är utskriven" in dialog.message.text(), timeout=10_000)
    assert invoice.ocr in pdf_text(target)
    invoice = Invoice.get_by_id(invoice.id)
    assert invoice.delivery == "e_invoice" and invoice.printed_at is not None
    assert Transmission.select().count() == 1


def test_cancelling_the_print_dialog_prints_nothing(qtbot, shop, open_dialog):
    from PySide6.QtPrintSupport import QPrintDialog

    from tests.factories import wait_for_window

    invoice = issue(shop.customers.plain, COFFEE)
    dialog = open_dialog(invoice)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    printer_dialog = wait_for_window(qtbot, cls=QPrintDialog)
    qtbot.keyClick(printer_dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not printer_dialog.isVisible())
    assert Invoice.get_by_id(invoice.id).printed_at is None
    assert "Inte utskriven" in dialog.delivery_label.text()


@pytest.fixture
def swedish_home(tmp_path, monkeypatch):
    """A home folder as a Swedish desktop has it: xdg-user-dirs names the documents folder ~/Dokument."""
    home = tmp_path / "hem"
    (home / "Dokument").mkdir(parents=True)
    config = tmp_path / "config"
    config.mkdir()
    (config / "user-dirs.dirs").write_text('XDG_DOCUMENTS_DIR="$HOME/Dokument"\n', encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return home


def test_save_as_pdf_proposes_the_documents_folder_and_reads_the_file_back(qtbot, shop, open_dialog, swedish_home):
    invoice = issue(shop.customers.plain, COFFEE)
    dialog = open_dialog(invoice)
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    save_in_file_dialog(qtbot, "pdfFileDialog")  # Enter on the proposed name
    expected = swedish_home / "Dokument" / f"Faktura-{invoice.number}.pdf"
    qtbot.waitUntil(lambda: "Sparad som PDF" in dialog.message.text(), timeout=10_000)
    assert f"Sparad som PDF: {expected}" in dialog.message.text()
    assert invoice.ocr in pdf_text(expected)
    assert Invoice.get_by_id(invoice.id).printed_at is not None


def test_save_as_pdf_without_a_documents_folder_proposes_home(qtbot, shop, open_dialog, swedish_home):
    (swedish_home / "Dokument").rmdir()
    invoice = issue(shop.customers.plain, MUG)
    dialog = open_dialog(invoice)
    assert dialog.default_pdf_name() == str(swedish_home / f"Faktura-{invoice.number}.pdf")
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    save_in_file_dialog(qtbot, "pdfFileDialog")
    qtbot.waitUntil(lambda: "Sparad som PDF" in dialog.message.text(), timeout=10_000)
    assert "Mugg vit" in pdf_text(swedish_home / f"Faktura-{invoice.number}.pdf")


def test_save_as_pdf_into_a_missing_folder_says_why_and_leaves_the_invoice_unprinted(
        qtbot, shop, open_dialog, swedish_home):
    invoice = issue(shop.customers.plain, COFFEE)
    dialog = open_dialog(invoice)
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    missing = swedish_home / "finns-inte" / "faktura.pdf"
    save_in_file_dialog(qtbot, "pdfFileDialog", missing)
    qtbot.waitUntil(lambda: "sparades inte" in dialog.message.text(), timeout=10_000)
    assert f"Mappen {missing.parent} finns inte" in dialog.message.text()
    assert "Sparad som PDF" not in dialog.message.text()
    assert not missing.exists()
    assert Invoice.get_by_id(invoice.id).printed_at is None
    assert AuditEvent.select().where(AuditEvent.event == "printed").count() == 0
    qtbot.waitUntil(dialog.pdf_button.isEnabled)  # ready for another try
