"""The paper reminder: kassa.bookkeeping.reminder_document's page painted on a QPrinter, as the
invoice is (kassa.ui.printing): the same A4 layout and font, its own QTextDocument, so it can run
in a worker thread. `save_pdf` and `print_on` are the worker jobs; each records how it went out."""
from __future__ import annotations

from PySide6.QtPrintSupport import QPrinter

from kassa.bookkeeping.reminder_document import reminder_html, reminder_title
from kassa.bookkeeping.reminders import mark_delivered
from kassa.models import Reminder
from kassa.ui.printing import pdf_printer, render_html


def render(reminder: Reminder, printer: QPrinter) -> None:
    render_html(reminder_html(reminder), printer)


def save_pdf(reminder_id: int, path: str) -> str:
    reminder = Reminder.get_by_id(reminder_id)
    render(reminder, pdf_printer(path, f"{reminder_title(reminder)} faktura {reminder.invoice.number}"))
    mark_delivered(reminder_id, "pdf")
    return path


def print_on(reminder_id: int, printer: QPrinter) -> None:
    render(Reminder.get_by_id(reminder_id), printer)
    mark_delivered(reminder_id, "paper")
