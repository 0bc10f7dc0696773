"""A receipt (a `Printout`) on screen, on a printer chosen in Qt's print dialog, and as a PDF.

The lines are the register's, laid out for a 42-character receipt roll; they are drawn in a
monospaced font so that the columns stand, and a `double` line (KOPIA, ÖVNINGSKVITTO, EJ KVITTO)
twice the size of the others, as on the receipt printer. `save_pdf` and `print_on` are worker jobs:
each builds its own QTextDocument (Qt allows painting on a QPrinter outside the GUI thread).
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QFont, QFontMetricsF, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from kassa.devices.printout import WIDTH, Printout
from kassa.ui.printing import _check_folder, check_pdf

POINT_SIZE = 8.0  # the amounts on paper (42 characters fit 74 mm); a double line is twice this
ROLL_MM = 80.0  # a receipt roll's width, the width of an electronic receipt's page
MARGIN_MM = 3.0


def receipt_font(point_size: float = POINT_SIZE) -> QFont:
    font = QFont()
    font.setFamilies(["DejaVu Sans Mono", "Liberation Mono", "Courier New", "monospace"])
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(point_size)
    font.setFeature(QFont.Tag("liga"), 0)  # no ligatures: the PDF's text stays searchable
    return font


def printout_html(printout: Printout, point_size: float = POINT_SIZE) -> str:
    """The lines as HTML: one paragraph each, in their alignment; bold ones bold, double ones twice the size."""
    rows = []
    for line in printout.lines:
        size = point_size * 2 if line.style == "double" else point_size
        weight = "bold" if line.style in ("bold", "double") else "normal"
        text = escape(line.text) or "&nbsp;"
        rows.append(f"<p align='{line.align}' style='margin:0; white-space:pre; font-size:{size:g}pt; "
                    f"font-weight:{weight}'>{text}</p>")
    return "<html><body>" + "".join(rows) + "</body></html>"


def _document(printout: Printout, width: float) -> QTextDocument:
    document = QTextDocument()
    document.setDefaultFont(receipt_font())
    document.setDocumentMargin(0)
    document.setHtml(printout_html(printout))
    document.setTextWidth(width)
    return document


def _layout(printer: QPrinter, printout: Printout) -> QTextDocument:
    """The receipt laid out at the printer's resolution, as wide as the roll (or the page, if narrower)."""
    font = receipt_font()
    document = QTextDocument()
    document.documentLayout().setPaintDevice(printer)
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setHtml(printout_html(printout))
    page = printer.pageLayout().paintRectPixels(printer.resolution())
    line_width = QFontMetricsF(font, printer).horizontalAdvance("M" * WIDTH) * 1.02
    document.setTextWidth(min(page.width(), line_width))
    document.setPageSize(QSizeF(page.width(), page.height()))
    return document


def print_on(printout: Printout, printer: QPrinter) -> None:
    """Print on the printer the cashier chose (a worker job). Print to file: the file is read back."""
    target = printer.outputFileName() if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat else ""
    if target:
        _check_folder(Path(target).absolute())
    _layout(printer, printout).print_(printer)
    if target:
        check_pdf(Path(target).absolute())


def pdf_printer(path: str, title: str, printout: Printout) -> QPrinter:
    """A PDF of one page as wide as a receipt roll and as long as the receipt."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    printer.setDocName(title)
    printer.setCreator("Kassa")
    # Long enough for the lines: measured at 72 dpi (points), then set in millimetres.
    height_pt = _document(printout, ROLL_MM / 25.4 * 72).size().height()
    height_mm = max(60.0, height_pt / 72 * 25.4 * 1.1 + 2 * MARGIN_MM)
    printer.setPageLayout(QPageLayout(QPageSize(QSizeF(ROLL_MM, height_mm), QPageSize.Unit.Millimeter, "Kvitto"),
                                      QPageLayout.Orientation.Portrait,
                                      QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                      QPageLayout.Unit.Millimeter))
    return printer


def save_pdf(printout: Printout, path: str, title: str) -> str:
    """The receipt as a PDF file at `path` (a worker job); the file is read back. Returns the absolute path."""
    target = Path(path).expanduser().absolute()
    _check_folder(target)
    printer = pdf_printer(str(target), title, printout)
    _layout(printer, printout).print_(printer)
    check_pdf(target)
    return str(target)
