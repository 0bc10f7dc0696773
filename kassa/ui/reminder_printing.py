"""The paper reminder: kassa.bookkeeping.reminder_document's page painted on a QPrinter, as the
invoice is (kassa.ui.printing): the same A4 layout and font, its own QTextDocument, so it can run
in a worker thread. `save_pdf` and `print_on` are the worker jobs; each records how it went out."""
from __future__ import annotations

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrinter

from kassa.bookkeeping.reminder_document import reminder_html, reminder_title
from kassa.bookkeeping.reminders import mark_delivered
from kassa.models import Reminder
from kassa.ui.printing import invoice_font, setup_printer


def render(reminder: Reminder, printer: QPrinter) -> None:
    document = QTextDocument()
    document.setDefaultFont(invoice_font())
    document.documentLayout().setPaintDevice(printer)
    document.setHtml(reminder_html(reminder))
    rect = printer.pageLayout().paintRectPixels(printer.resolution())
    document.setPageSize(QSizeF(rect.width(), rect.height()))
    document.setDocumentMargin(0)
    document.print_(printer)


def save_pdf(reminder_id: int, path: str) -> str:
    reminder = Reminder.get_by_id(reminder_id)
    printer = setup_printer(QPrinter(QPrinter.PrinterMode.HighResolution))
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    printer.setDocName(f"{reminder_title(reminder)} faktura {reminder.invoice.number}")
    printer.setCreator("Kassa")
    render(reminder, printer)
    mark_delivered(reminder_id, "pdf")
    return path


def print_on(reminder_id: int, printer: QPrinter) -> None:
    render(Reminder.get_by_id(reminder_id), printer)
    mark_delivered(reminder_id, "paper")
