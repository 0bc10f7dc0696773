"""The receipt without a receipt printer (Qt's real print dialog, printing to a file) and as an electronic
receipt (a PDF through the real file dialog), read back with pdftotext."""
from __future__ import annotations

import re
import subprocess

from PySide6.QtCore import Qt

from kassa.devices.printout import PrintLine, Printout
from kassa.models import Receipt
from kassa.ui.till.receipt_paper import save_pdf
from tests.factories import COFFEE, MUG, pdf_text, scan, wait_for_window
from tests.ui.real_dialogs import print_to_file, save_in_file_dialog
from tests.ui.till.keys import CTRL, jobs, key, pay_card, receipt_shown


def test_without_a_receipt_printer_the_receipt_is_offered_for_the_print_dialog(qtbot, till, tmp_path):
    scan(qtbot, till, MUG)
    dialog = pay_card(qtbot, till)
    assert dialog.print_button.isVisible() and dialog.print_button.isDefault()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # Skriv ut…
    target = tmp_path / "kvitto.pdf"
    print_to_file(qtbot, target)
    qtbot.waitUntil(lambda: dialog.status.text() == "Kvittot är utskrivet.", timeout=10_000)
    text = pdf_text(target)
    receipt = Receipt.get()
    assert "KASSAKVITTO" in text and "Mugg vit" in text and receipt.control_code[:20] in text
    assert not dialog.print_button.isEnabled()  # one receipt, handed out once: a second is a copy


def test_an_electronic_receipt_is_saved_as_pdf_and_says_so(qtbot, till, printer_chosen, tmp_path):
    key(qtbot, till, Qt.Key.Key_E, CTRL)  # chosen before paying
    assert "elektroniskt" in till.sale_actions.state_label.text() and till.sale_actions.state_label.isVisible()
    scan(qtbot, till, COFFEE)
    key(qtbot, till, Qt.Key.Key_F5)
    cash = wait_for_window(qtbot, "cashDialog")
    qtbot.keyClick(cash.focusWidget(), Qt.Key.Key_Return)
    dialog = receipt_shown(qtbot)
    assert dialog.pdf_button.isDefault() and not dialog.print_button.isVisible()
    drawer = jobs(qtbot, printer_chosen, 1)[0]  # the drawer opens for cash; nothing is printed
    assert drawer.count("drawer") == 1 and not drawer.text
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # Spara som PDF…
    target = tmp_path / "e-kvitto.pdf"
    save_in_file_dialog(qtbot, "receiptPdfDialog", target)
    qtbot.waitUntil(lambda: "Sparat som e-kvitto.pdf" in dialog.status.text(), timeout=10_000)
    text = pdf_text(target)
    assert "Elektroniskt kassakvitto" in text and "Kaffe Mellanrost" in text
    assert Receipt.get().electronic
    assert not till.sale_actions.state_label.isVisible()  # the next receipt is printed again



def test_kopia_is_twice_the_height_of_the_amounts_in_the_pdf(qtbot, tmp_path):
    """SKVFS 2014:9: the marking at least twice the height of the amounts, measured in the PDF (poppler's boxes)."""
    printout = Printout((PrintLine("KOPIA", "double", "center"), PrintLine("Summa".ljust(34) + "609,80"),
                         PrintLine("ATT BETALA".ljust(34) + "610,00", "bold"), PrintLine("KOPIA", "double", "center")))
    path = save_pdf(printout, str(tmp_path / "kopia.pdf"), "Kopia")
    boxes = subprocess.run(["pdftotext", "-bbox", path, "-"], check=True, capture_output=True, text=True).stdout
    heights: dict[str, list[float]] = {}
    for y_min, y_max, word in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">'
                                         r"([^<]+)</word>", boxes):
        heights.setdefault(word, []).append(float(y_max) - float(y_min))
    assert len(heights["KOPIA"]) == 2
    amount = max(heights["609,80"] + heights["610,00"])
    assert min(heights["KOPIA"]) >= 2 * amount * 0.98
