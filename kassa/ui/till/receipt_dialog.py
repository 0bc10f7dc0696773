"""The receipt on screen after a sale (and after a copy or a pro forma): its lines as printed, the
change to hand back, and what became of the paper.

How the receipt reaches the customer was settled before the sale (kassa.ui.till.sale_flow):
- PRINTER: it went to the receipt printer; the dialog says whether it printed or waits in the queue.
  No second print here: a receipt is handed out once (a reprint is a copy, Ctrl+K at the till).
- PAPER: no receipt printer is chosen: "Skriv ut…" (the default, Enter) opens Qt's print dialog, once.
- ELECTRONIC: "Spara som PDF…" (the default) saves the receipt marked "Elektroniskt kassakvitto".

Enter presses the default button, Esc closes. Typing anything else (the scanner's digits for the
next customer) closes the dialog and goes on in the till's code field, so no scan is lost.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kassa.devices.printout import Printout
from kassa.ui.file_dialogs import choose_file
from kassa.ui.printing import documents_folder, open_print_dialog
from kassa.ui.till.receipt_paper import print_on, printout_html, receipt_font, save_pdf
from kassa.ui.validated_fields import ERROR_STYLE
from kassa.ui.workers import run_in_background

PRINTER, PAPER, ELECTRONIC = "printer", "paper", "electronic"
SCREEN_POINTS = 10.5
OK_STYLE = "color: #1b5e20;"


class ReceiptDialog(QDialog):
    """One receipt. `forward(text)`: what was typed here for the till's code field."""

    def __init__(self, printout: Printout, title: str, file_name: str, mode: str, parent: QWidget | None = None, *,
                 headline: str = "", forward: Callable[[str], None] | None = None):
        super().__init__(parent)
        self.setObjectName("receiptDialog")
        self.setWindowTitle(title)
        self.printout = printout
        self.title = title
        self.file_name = file_name
        self.mode = mode
        self.forward = forward
        self.handed_out = False  # printed or saved here: not again (one receipt, one original)
        self._keep: object | None = None  # the open print dialog and its printer

        layout = QVBoxLayout(self)
        self.headline = QLabel(headline, self)
        self.headline.setObjectName("receiptHeadline")
        big = QFont()
        big.setPointSize(big.pointSize() + 8)
        big.setBold(True)
        self.headline.setFont(big)
        self.headline.setVisible(bool(headline))
        layout.addWidget(self.headline)

        self.status = QLabel(self)
        self.status.setObjectName("receiptStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.paper = QLabel(self)
        self.paper.setObjectName("receiptPaper")
        self.paper.setTextFormat(Qt.TextFormat.RichText)
        self.paper.setFont(receipt_font(SCREEN_POINTS))
        self.paper.setText(printout_html(printout, SCREEN_POINTS))
        self.paper.setStyleSheet("background: white; color: black; padding: 12px;")
        self.paper.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea(self)
        scroll.setWidget(self.paper)
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setMinimumSize(self.paper.sizeHint().width() + 40, 420)
        layout.addWidget(scroll, 1)

        self.buttons = QDialogButtonBox(self)
        self.print_button = QPushButton(self.tr("Skriv ut… (Ctrl+P)"), self)
        self.print_button.setObjectName("receiptPrintButton")
        self.pdf_button = QPushButton(self.tr("Spara som PDF… (Ctrl+S)"), self)
        self.pdf_button.setObjectName("receiptPdfButton")
        self.close_button = QPushButton(self.tr("Klar (Esc)"), self)
        self.close_button.setObjectName("receiptCloseButton")
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(self.buttons)
        self.print_button.clicked.connect(self.print_paper)
        self.pdf_button.clicked.connect(self.save_electronic)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_paper)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_electronic)

        self.print_button.setVisible(mode == PAPER)
        self.pdf_button.setVisible(mode == ELECTRONIC)
        default = {PAPER: self.print_button, ELECTRONIC: self.pdf_button}.get(mode, self.close_button)
        default.setDefault(True)
        self._default = default
        if mode == PRINTER:
            self.say(self.tr("Skickas till kvittoskrivaren …"))
        elif mode == PAPER:
            self.say(self.tr("Ingen kvittoskrivare är vald: skriv ut kvittot med Enter, eller erbjud det på skärmen."))
        else:
            self.say(self.tr("Elektroniskt kvitto: spara det som PDF (Enter) och skicka det till kunden."))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self._default.setFocus(Qt.FocusReason.OtherFocusReason)

    def say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(ERROR_STYLE if error else OK_STYLE)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        text = event.text()
        plain = not event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        if self.forward is not None and plain and text and text.isprintable() and not text.isspace():
            # The next customer's first scan: close and hand the keys on to the code field.
            self.reject()
            self.forward(text)
            event.accept()
            return
        super().keyPressEvent(event)

    # --- paper and PDF ---------------------------------------------------------------------------

    def print_paper(self) -> None:
        if self.mode != PAPER or self.handed_out:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        self._keep = open_print_dialog(printer, self, self.tr("Skriv ut kvitto"), self._print_on)

    def _print_on(self, printer: QPrinter) -> None:
        self.handed_out = True
        self.print_button.setEnabled(False)
        self.say(self.tr("Skriver ut …"))
        run_in_background(print_on, self.printout, printer,
                          on_result=lambda _: self._handed(self.tr("Kvittot är utskrivet.")),
                          on_error=self._failed)

    def save_electronic(self) -> None:
        if self.mode != ELECTRONIC or self.handed_out:
            return
        suggestion = str(documents_folder() / self.file_name)
        choose_file(self, "receiptPdfDialog", self.tr("Spara elektroniskt kvitto"), [self.tr("PDF-filer (*.pdf)")],
                    self._save_to, save=True, suffix="pdf", suggestion=suggestion)

    def _save_to(self, path: str) -> None:
        self.handed_out = True
        self.pdf_button.setEnabled(False)
        self.say(self.tr("Sparar …"))
        run_in_background(save_pdf, self.printout, path, self.title,
                          on_result=lambda saved: self._handed(
                              self.tr("Sparat som %1. Skicka filen till kunden.").replace("%1", Path(saved).name)),
                          on_error=self._failed)

    def _handed(self, text: str) -> None:
        if not shiboken6.isValid(self):
            return  # closed meanwhile; the paper or the file is there all the same
        self.say(text)
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.handed_out = False  # nothing went out: it may be tried again
        self.print_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        self.say(str(exc), error=True)
