"""A printout (kassa.devices.printout: a day report, a cash slip, a receipt) on screen, and on paper
through Qt: the system's print dialog, or a PDF file.

The screen and the paper draw the same lines in a fixed-width font, so the columns of the
80 mm roll stay columns; a `double` line (Z-DAGRAPPORT, KOPIA) is twice the size of the rest.
Painting runs in a worker (kassa.ui.printing: a QPrinter may be painted outside the GUI thread).
"""
from __future__ import annotations

from html import escape

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence
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
from kassa.ui.workers import run_in_background

BASE_POINTS = 10
OK_STYLE = "color: #1b5e20;"
ERROR_STYLE = "color: #b71c1c;"


def printout_font() -> QFont:
    font = QFont()
    font.setFamilies(["DejaVu Sans Mono", "Liberation Mono", "Courier New", "monospace"])
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(BASE_POINTS)
    return font


def printout_html(printout: Printout) -> str:
    """The lines as HTML: one paragraph a line, spaces kept, double lines at twice the size."""
    rows = []
    for line in printout.lines:
        size = 2 * BASE_POINTS if line.style == "double" else BASE_POINTS
        weight = "bold" if line.style in ("bold", "double") else "normal"
        text = escape(line.text) or "&nbsp;"
        rows.append(f"<p align='{line.align}' style='margin:0; white-space:pre; font-size:{size}pt; "
                    f"font-weight:{weight}'>{text}</p>")
    return f"<html><body><div style='width:{WIDTH}em'>{''.join(rows)}</div></body></html>"


def render_printout(printout: Printout, printer: QPrinter) -> None:
    """Paint the printout on `printer` (safe in a worker: its own document)."""
    printing.render_html(printout_html(printout), printer, printout_font())


def print_printout(printout: Printout, printer: QPrinter) -> str:
    """The worker job of Skriv ut: where it went, in Swedish."""
    return printing.paint_on(printer, lambda chosen: render_printout(printout, chosen))


def save_printout_pdf(printout: Printout, path: str, name: str) -> str:
    """The worker job of Spara som PDF: the absolute path of the file, read back."""
    return printing.write_pdf(path, name, lambda printer: render_printout(printout, printer))


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
        self.view.document().setDefaultFont(printout_font())
        self.view.setHtml(printout_html(printout))
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
        run_in_background(print_printout, self.printout, printer,
                          on_result=lambda where: self._say(self.tr("Utskriven %1.").replace("%1", where)),
                          on_error=self._failed, on_done=lambda: self._enable(self.print_button))

    def save_pdf(self) -> None:
        suggestion = str(printing.documents_folder() / self.file_name)
        choose_file(self, "printoutPdfDialog", self.tr("Spara som PDF"), [self.tr("PDF-filer (*.pdf)")],
                    self._write_pdf, save=True, suffix="pdf", suggestion=suggestion)

    def _write_pdf(self, path: str) -> None:
        self._say(self.tr("Sparar …"))
        self.pdf_button.setEnabled(False)
        run_in_background(save_printout_pdf, self.printout, path, self.windowTitle(),
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
