"""A day report (kassa.devices.printout: the X or Z report, an old Z report printed again) on screen,
and on paper through Qt: the system's print dialog, or a PDF file, as often as the cashier wants.

The lines are drawn as a receipt's are (kassa.ui.till.receipt_paper: a fixed-width font, so the
columns of the 80 mm roll stay columns, a `double` line twice the size); painting runs in a worker.
A receipt itself is handed out once (kassa.ui.till.receipt_dialog); a report may be printed again.
"""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kassa.devices.printout import WIDTH, Printout
from kassa.register.layout import text_of
from kassa.ui import printing
from kassa.ui.file_dialogs import choose_file
from kassa.ui.focus import prepare_keyboard
from kassa.ui.till.receipt_paper import print_on, printout_html, receipt_font, save_pdf
from kassa.ui.workers import run_in_background

SCREEN_POINTS = 10.0
OK_STYLE = "color: #1b5e20;"
ERROR_STYLE = "color: #b71c1c;"


def where_printed(printer: QPrinter) -> str:
    """Where a finished print went, in Swedish: to a file (the print dialog's print to file) or a printer."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        return f"till fil: {printer.outputFileName()}"
    return f"på {printer.printerName() or 'skrivaren'}"


class PrintoutDialog(QDialog):
    """A printout to read, print (Ctrl+P) or save as PDF; Enter or Esc closes it.

    `note` is said above the printout (the cash difference, the change to hand back)."""

    def __init__(self, printout: Printout, title: str, file_name: str, parent: QWidget | None = None, *,
                 note: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("printoutDialog")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.printout = printout
        self.file_name = file_name
        self._print_dialog: object = None  # kept with its printer until the job has it
        self.note = QLabel(note, self)
        self.note.setObjectName("printoutNote")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        note_font = self.note.font()
        note_font.setPointSize(note_font.pointSize() + 3)
        note_font.setBold(True)
        self.note.setFont(note_font)
        self.view = QTextBrowser(self)
        self.view.setObjectName("printoutView")
        self.view.setTabChangesFocus(True)
        self.view.document().setDefaultFont(receipt_font(SCREEN_POINTS))
        self.view.setHtml(printout_html(printout, SCREEN_POINTS))
        self.message = QLabel(self)
        self.message.setObjectName("printoutMessage")
        self.message.setWordWrap(True)
        self.print_button = QPushButton(self.tr("Skriv &ut …"), self)
        self.print_button.setObjectName("printoutPrint")
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.pdf_button = QPushButton(self.tr("Spara som &PDF …"), self)
        self.pdf_button.setObjectName("printoutPdf")
        self.close_button = QPushButton(self.tr("&Stäng"), self)
        self.close_button.setObjectName("printoutClose")
        for button in (self.print_button, self.pdf_button):
            button.setAutoDefault(False)  # a stray Enter closes, never prints
        self.close_button.setDefault(True)
        self.print_button.clicked.connect(self.print_it)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.accept)

        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        width = self.view.fontMetrics().horizontalAdvance("M" * (WIDTH + 6))
        self.resize(max(520, width + 60), min(760, self.screen().availableGeometry().height() - 40))
        prepare_keyboard(self)  # the printout itself: its arrow keys scroll

    def text(self) -> str:
        """The printout as plain text, as shown."""
        return text_of(self.printout.lines)

    def print_it(self) -> None:
        printer = printing.setup_printer(QPrinter(QPrinter.PrinterMode.HighResolution))
        self._print_dialog = printing.open_print_dialog(printer, self, self.tr("Skriv ut"), self._print_on)

    def _print_on(self, printer: QPrinter) -> None:
        self._say(self.tr("Skriver ut …"))
        self.print_button.setEnabled(False)
        run_in_background(print_on, self.printout, printer,
                          on_result=lambda _: self._say(self.tr("Utskriven %1.").replace("%1", where_printed(printer))),
                          on_error=self._failed, on_done=lambda: self._enable(self.print_button))

    def save_pdf(self) -> None:
        suggestion = str(printing.documents_folder() / self.file_name)
        choose_file(self, "printoutPdfDialog", self.tr("Spara som PDF"), [self.tr("PDF-filer (*.pdf)")],
                    self._write_pdf, save=True, suffix="pdf", suggestion=suggestion)

    def _write_pdf(self, path: str) -> None:
        self._say(self.tr("Sparar …"))
        self.pdf_button.setEnabled(False)
        run_in_background(save_pdf, self.printout, path, self.windowTitle(),
                          on_result=lambda saved: self._say(self.tr("Sparad som PDF: %1").replace("%1", saved)),
                          on_error=self._failed, on_done=lambda: self._enable(self.pdf_button))

    @staticmethod
    def _enable(button: QPushButton) -> None:
        if shiboken6.isValid(button):  # the window may have been closed while the job ran
            button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        reason = str(exc) if isinstance(exc, printing.PdfNotSaved) else (str(exc) or type(exc).__name__)
        self._say(self.tr("Inte utskriven: %1").replace("%1", reason), ok=False)

    def _say(self, text: str, ok: bool = True) -> None:
        if not shiboken6.isValid(self.message):
            return
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)
