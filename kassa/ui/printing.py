"""The paper invoice: a Swedish invoice or credit note as HTML, laid out by QTextDocument.

`render(invoice, printer)` paints onto any QPrinter (the preview's, a real printer's, a PDF).
It builds its own QTextDocument each time and touches no widget, so it can run in a worker
thread: Qt allows painting on a QPrinter outside the GUI thread. `save_pdf` is that worker job;
it reads the file back before the invoice counts as printed, because a QPrinter that cannot
write says nothing. `open_print_dialog` asks for the printer without blocking the window.
The print preview paints on the UI thread, as QPrintPreviewDialog asks for it there; one page of
an invoice lays out in milliseconds.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from decimal import Decimal
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF, QStandardPaths, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from kassa.eas_schemes import vat_form
from kassa.identifiers import format_bankgiro, format_orgnr, format_plusgiro, format_postal_code
from kassa.invoicing import credit_reason, payment_account_text
from kassa.models import AuditEvent, Invoice, InvoiceLine, utcnow
from kassa.models.database import write_transaction
from kassa.money import format_price, format_sek
from kassa.till import format_quantity
from kassa.units import unit_word
from kassa.vat.categories import CATEGORIES
from kassa.vat.countries import country_name


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _postal(code: str) -> str:
    try:
        return format_postal_code(code)
    except Exception:  # a snapshot from before validation; print it as it is
        return code


def _address(party: dict) -> list[str]:
    """Street, postcode and town, and the country abroad; a postcode as its country writes it (only a
    Swedish one is "411 01")."""
    swedish = (party.get("country") or "SE") == "SE"
    postal = party.get("postal_code", "")
    lines = [party.get("street", "")]
    lines.append(" ".join(filter(None, [_postal(postal) if swedish else postal, party.get("city", "")])))
    if not swedish:
        lines.append(country_name(party["country"]))
    return [line for line in lines if line]


def _rows(pairs: list[tuple[str, str]]) -> str:
    return "".join(
        f"<tr><td class='label' nowrap>{escape(label)}</td><td>{escape(value)}</td></tr>"
        for label, value in pairs if value
    )


STYLE = """
body { font-size: 9pt; color: #000; }
h1 { font-size: 16pt; margin: 0; }
h2 { font-size: 14pt; margin: 0; }
td { padding: 2px 4px; vertical-align: top; }
td.label { color: #444; padding-right: 10px; white-space: nowrap; }
table.lines { border-collapse: collapse; }
table.lines th { border-bottom: 1px solid #000; text-align: left; padding: 3px 4px; font-weight: bold; }
table.lines td { border-bottom: 1px solid #ccc; }
.num { text-align: right; }
.total td { font-weight: bold; font-size: 12pt; }
.footer td { font-size: 8pt; color: #333; }
"""


def _rate_text(category: str, rate: int) -> str:
    return "–" if category == "O" else f"{rate}&nbsp;%"


def unit_price(line: InvoiceLine) -> Decimal:
    """À-pris as the e-invoice states it (kassa.peppol.ubl): the price before the discount where there is
    one, else the net price, with its four decimals (10 000 × 0,1235 is not 10 000 × 0,12)."""
    return line.gross_price if line.discount_percent else line.net_price


def vat_notes(invoice: Invoice) -> list[str]:
    """What the paper invoice says about VAT beyond the rates: each zero category's text and reason,
    both VAT numbers where the buyer accounts for the VAT, and the VAT in SEK of another currency."""
    seller, buyer = invoice.seller or {}, invoice.buyer or {}
    notes: list[str] = []
    categories = [str(v.get("category") or "S") for v in invoice.vat_breakdown]
    for vat in invoice.vat_breakdown:
        category = CATEGORIES.get(str(vat.get("category") or "S"))
        if category is None or category.code == "S" or not category.invoice_text:
            continue
        text = category.invoice_text
        reason = (vat.get("reason") or "").strip()
        if category.code in ("E", "O") and reason and reason not in text:
            text = f"{text.rstrip('.')}: {reason}."
        elif category.code == "E" and not reason:
            text = f"{text} enligt mervärdesskattelagen (2023:200)."
        notes.append(text)
    if any(c in ("AE", "K") for c in categories):
        notes.append(f"Säljarens momsreg.nr: {vat_form(seller.get('vat_number', ''))}. "
                     f"Köparens momsreg.nr: {vat_form(buyer.get('vat_number', ''))}.")
    if "K" in categories:
        country = buyer.get("delivery_country") or buyer.get("country") or "SE"
        notes.append(f"Leveransland: {country_name(country)}. Leveransdatum: {_date(invoice.delivery_date)}.")
    if invoice.exchange_rate is not None and invoice.tax_total_sek is not None:
        rate = format_quantity(invoice.exchange_rate)
        notes.append(f"Moms i svenska kronor: {format_sek(invoice.tax_total_sek)} kr "
                     f"(kurs {rate} SEK per {invoice.currency}, {_date(invoice.exchange_rate_date)}).")
    return notes


def invoice_html(invoice: Invoice) -> str:
    """The whole invoice or credit note as one HTML page."""
    seller, buyer = dict(invoice.seller), dict(invoice.buyer)
    credit = invoice.is_credit_note
    currency = invoice.currency or "SEK"
    if any(str(v.get("category")) == "O" for v in invoice.vat_breakdown):
        seller["vat_number"] = buyer["vat_number"] = ""  # outside the scope of VAT: no VAT ids (BR-O-02)
    title = "Kreditfaktura" if credit else "Faktura"
    head = [
        ("Fakturanummer", str(invoice.number)),
        ("Fakturadatum", _date(invoice.issue_date)),
    ]
    if credit and invoice.credited_invoice_id:
        head.append(("Krediterar faktura", str(invoice.credited_invoice.number)))
    if not credit:
        head.append(("Förfallodatum", _date(invoice.due_date)))
        head.append(("OCR-nummer", invoice.ocr))
    if invoice.delivery_date:
        head.append(("Leveransdatum", _date(invoice.delivery_date)))
    head += [
        ("Kundnummer", str(buyer.get("number", ""))),
        ("Er referens", invoice.buyer_reference),
    ]
    if invoice.claim_reference and invoice.claim_reference != invoice.buyer_reference:
        head.append(("Skadenummer", invoice.claim_reference))
    if invoice.id_check_kind:
        head.append(("Legitimation", f"{invoice.id_check_kind} {invoice.id_check_number}"))
    if credit:
        head.append(("Orsak", credit_reason(invoice) or "Kreditering"))

    buyer_lines = [buyer.get("name", "")] + _address(buyer)
    if buyer.get("org_number") and not buyer.get("is_private"):
        number = buyer["org_number"]
        buyer_lines.append(f"Org.nr {format_orgnr(number) if (buyer.get('country') or 'SE') == 'SE' else number}")
    if buyer.get("vat_number"):
        buyer_lines.append(f"Momsreg.nr {vat_form(buyer['vat_number'])}")

    line_rows = []
    for line in invoice.lines.order_by(InvoiceLine.position):
        discount = f"{format_quantity(line.discount_percent)} %" if line.discount_percent else ""
        line_rows.append(
            "<tr>"
            f"<td>{escape(line.article_number)}</td><td>{escape(line.description)}</td>"
            f"<td class='num'>{format_quantity(line.quantity)}</td><td>{escape(unit_word(line.unit))}</td>"
            f"<td class='num'>{format_price(unit_price(line))}</td><td class='num'>{discount}</td>"
            f"<td class='num'>{_rate_text(line.vat_category, line.vat_rate)}</td>"
            f"<td class='num'>{format_sek(line.line_amount)}</td>"
            "</tr>"
        )

    sums = [("Summa exkl. moms", format_sek(invoice.line_extension))]
    if invoice.charge_total:
        sums.append(("Fakturaavgift", format_sek(invoice.charge_total)))
    for vat in invoice.vat_breakdown:
        rate, code = int(vat["rate"]), str(vat.get("category") or "S")
        taxable = format_sek(_dec(vat["taxable"]))
        if code in ("S", "Z"):
            label = f"Moms {rate} % på {taxable}"
        elif code == "E":
            label = f"Momsfritt {taxable}"
        else:
            label = f"{CATEGORIES[code].name} {taxable}" if code in CATEGORIES else f"Moms {code} {taxable}"
        sums.append((label, format_sek(_dec(vat["tax"]))))
    sums.append(("Summa inkl. moms", format_sek(invoice.tax_inclusive)))
    if invoice.rounding:
        sums.append(("Öresavrundning", format_sek(invoice.rounding)))
    sum_rows = "".join(f"<tr><td class='label'>{escape(a)}</td><td class='num'>{b}</td></tr>" for a, b in sums)
    payable_label = "Att återfå" if credit else "Att betala"
    sum_rows += (f"<tr class='total'><td>{payable_label} {escape(currency)}</td>"
                 f"<td class='num'>{format_sek(abs(invoice.payable) if credit else invoice.payable)}</td></tr>")

    pay = []
    if not credit:
        pay = [
            ("Betala till", payment_account_text(seller)),
            ("Ange OCR-nummer", invoice.ocr),
            ("Att betala", f"{format_sek(invoice.payable)} {'kr' if currency == 'SEK' else escape(currency)}"),
            ("Senast", _date(invoice.due_date)),
            ("Betalningsvillkor", invoice.payment_terms),
        ]
        if seller.get("iban") and (seller.get("bankgiro") or seller.get("plusgiro")):
            pay.append(("IBAN / BIC", f"{seller['iban']} / {seller.get('bic', '')}"))
    else:
        pay = [("Kreditering", f"Denna kreditfaktura krediterar faktura {invoice.credited_invoice.number}"
                if invoice.credited_invoice_id else "")]

    footer_left = [seller.get("name", "")] + _address(seller)
    footer_mid = []
    if seller.get("org_number"):
        footer_mid.append(f"Org.nr {format_orgnr(seller['org_number'])}")
    if seller.get("vat_number"):
        footer_mid.append(f"Momsreg.nr {seller['vat_number']}")
    if seller.get("f_skatt"):
        footer_mid.append("Godkänd för F-skatt")
    if seller.get("registered_office"):
        footer_mid.append(f"Styrelsens säte: {seller['registered_office']}")
    footer_right = []
    if seller.get("phone"):
        footer_right.append(f"Telefon {seller['phone']}")
    if seller.get("email"):
        footer_right.append(f"E-post {seller['email']}")
    if seller.get("bankgiro"):
        footer_right.append(f"Bankgiro {format_bankgiro(seller['bankgiro'])}")
    if seller.get("plusgiro"):
        footer_right.append(f"Plusgiro {format_plusgiro(seller['plusgiro'])}")
    if seller.get("iban"):
        footer_right.append(f"IBAN {seller['iban']}")

    def block(lines: list[str]) -> str:
        return "<br/>".join(escape(line) for line in lines if line)

    return f"""<html><head><style>{STYLE}</style></head><body>
<table width="100%"><tr>
<td width="55%"><h1>{escape(seller.get('name', ''))}</h1>{block(_address(seller))}</td>
<td width="45%"><h2>{title}</h2><table>{_rows(head)}</table></td>
</tr></table>
<br/>
<table width="100%"><tr>
<td width="55%"></td>
<td width="45%"><b>Faktureringsadress</b><br/>{block(buyer_lines)}</td>
</tr></table>
<br/><br/>
<table class="lines" width="100%">
<tr><th>Art.nr</th><th>Benämning</th><th class="num">Antal</th><th>Enhet</th><th class="num">À-pris</th>
<th class="num">Rabatt</th><th class="num">Moms</th><th class="num">Belopp</th></tr>
{''.join(line_rows)}
</table>
<p style="font-size:8pt">Priser och belopp exklusive moms{'' if currency == 'SEK' else ', i ' + escape(currency)}.</p>
{''.join(f"<p>{escape(note)}</p>" for note in vat_notes(invoice))}
<table width="100%"><tr>
<td width="50%"><table width="100%">{_rows(pay)}</table></td>
<td width="50%"><table width="100%">{sum_rows}</table></td>
</tr></table>
<br/><hr/>
<table class="footer" width="100%"><tr>
<td width="34%">{block(footer_left)}</td><td width="33%">{block(footer_mid)}</td>
<td width="33%">{block(footer_right)}</td>
</tr></table>
</body></html>"""


def _dec(value) -> Decimal:
    return Decimal(str(value))


def setup_printer(printer: QPrinter) -> QPrinter:
    """A4 portrait with margins an envelope window and a hole punch leave alone."""
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      QMarginsF(18, 15, 15, 15), QPageLayout.Unit.Millimeter))
    return printer


def invoice_font() -> QFont:
    """The paper invoice's font, without typographic ligatures: with them a PDF's text reads
    "Kaﬀe" (one ﬀ glyph), which the buyer's search and scanning software does not find.
    The family is set here, not in the HTML's CSS, because a CSS family drops the feature."""
    font = QFont()
    font.setFamilies(["DejaVu Sans", "Liberation Sans", "Arial", "sans-serif"])
    font.setPointSizeF(9)
    font.setFeature(QFont.Tag("liga"), 0)
    return font


def render(invoice: Invoice, printer: QPrinter) -> None:
    """Lay out the invoice and paint it on `printer`. Safe in a worker thread: its own document."""
    render_html(invoice_html(invoice), printer)


def render_html(html: str, printer: QPrinter) -> None:
    """Lay out a page of HTML (an invoice, a reminder) in the invoice's font and paint it on `printer`."""
    document = QTextDocument()
    document.setDefaultFont(invoice_font())
    # Laid out at the printer's resolution: without a paint device the document uses the screen's
    # DPI and print_() scales the page up, so 9 pt came out as 12 pt and amounts wrapped.
    document.documentLayout().setPaintDevice(printer)
    document.setHtml(html)
    rect = printer.pageLayout().paintRectPixels(printer.resolution())
    document.setPageSize(QSizeF(rect.width(), rect.height()))
    document.setDocumentMargin(0)
    document.print_(printer)


def mark_printed(invoice_id: int, how: str, actor: str = "") -> None:
    """Record that the paper invoice went out (printed or saved as PDF): delivery, time, audit event.

    An e-invoice keeps its delivery; a printed copy of it is only logged."""
    with write_transaction():
        invoice = Invoice.get_by_id(invoice_id)
        fields = ["printed_at"]
        invoice.printed_at = utcnow()
        if invoice.delivery != "e_invoice":
            invoice.delivery = "paper"
            fields.append("delivery")
        invoice.save(only=fields)
        AuditEvent.create(invoice=invoice, event="printed", message=how, actor=actor)


class PdfNotSaved(Exception):
    """The PDF file is not there or not whole; `str()` says why in Swedish."""


def documents_folder() -> Path:
    """Where a saved invoice goes by default: the desktop's documents folder (~/Dokument on a Swedish
    desktop, as xdg-user-dirs names it) when it exists, otherwise the home folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if folder and Path(folder).is_dir():
        return Path(folder).resolve()
    return Path.home().resolve()


def pdf_file_name(invoice: Invoice) -> str:
    return f"{'Kreditfaktura' if invoice.is_credit_note else 'Faktura'}-{invoice.number}.pdf"


def _check_folder(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise PdfNotSaved(f"Mappen {folder} finns inte. Välj en mapp som finns.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PdfNotSaved(f"Kassa får inte skriva i mappen {folder}. Välj en annan mapp.")
    if path.is_dir():
        raise PdfNotSaved(f"{path} är en mapp. Skriv ett filnamn, t.ex. Faktura.pdf.")


def check_pdf(path: Path) -> None:
    """The file exists and reads back as a whole PDF (its header and its end-of-file marker)."""
    try:
        with path.open("rb") as file:
            head = file.read(5)
            file.seek(0, os.SEEK_END)
            size = file.tell()
            file.seek(max(0, size - 1024))
            tail = file.read()
    except FileNotFoundError:
        raise PdfNotSaved(f"Filen {path} skapades inte. Kontrollera mappen och försök igen.") from None
    except OSError as exc:
        raise PdfNotSaved(f"Filen {path} gick inte att läsa efter sparandet: {exc.strerror or exc}.") from None
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise PdfNotSaved(f"Filen {path} blev inte en hel PDF-fil (disken kan vara full). Försök igen.")


def pdf_printer(path: str, name: str) -> QPrinter:
    """A printer that writes the A4 page as a PDF file at `path`, titled `name`."""
    printer = setup_printer(QPrinter(QPrinter.PrinterMode.HighResolution))
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    printer.setDocName(name)
    printer.setCreator("Kassa")
    return printer


def save_pdf(invoice_id: int, path: str, actor: str = "") -> str:
    """The invoice as a PDF file at `path` (a worker job). Returns the absolute path.

    The invoice counts as printed only once the file reads back as a PDF; otherwise PdfNotSaved
    says why and nothing is recorded."""
    target = Path(path).expanduser().absolute()
    _check_folder(target)
    invoice = Invoice.get_by_id(invoice_id)
    printer = pdf_printer(str(target), f"{'Kreditfaktura' if invoice.is_credit_note else 'Faktura'} {invoice.number}")
    render(invoice, printer)
    check_pdf(target)
    mark_printed(invoice_id, f"Sparad som PDF: {target}", actor)
    return str(target)


def open_print_dialog(printer: QPrinter, parent: QWidget, title: str,
                      on_accepted: Callable[[QPrinter], object]) -> QPrintDialog:
    """The system's print dialog, window-modal and without blocking; `on_accepted(printer)` once the
    cashier has pressed Skriv ut. The caller keeps the returned dialog (and so the printer) alive."""
    dialog = QPrintDialog(printer, parent)
    dialog.setObjectName("printDialog")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.accepted.connect(lambda *_: on_accepted(printer))
    # PySide6 binds only QPrintDialog.open(receiver, member), which hides QDialog.open(): without
    # arguments it raises TypeError. The base class's open() is the one meant here.
    QDialog.open(dialog)
    return dialog


def print_on(invoice_id: int, printer: QPrinter, actor: str = "") -> None:
    """Print on a printer the cashier chose (a worker job); the printer object is not touched elsewhere meanwhile."""
    invoice = Invoice.get_by_id(invoice_id)
    to_file = printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName()
    if to_file:  # "Print to file" in the dialog: the same check as Spara som PDF
        target = Path(printer.outputFileName()).absolute()
        _check_folder(target)
        render(invoice, printer)
        check_pdf(target)
        mark_printed(invoice_id, f"Utskriven till fil: {target}", actor)
        return
    render(invoice, printer)
    mark_printed(invoice_id, f"Utskriven på {printer.printerName() or 'skrivare'}", actor)
