"""The reminder as the customer reads it: one HTML page, laid out by the window's printing code.

The figures are the ones recorded with the reminder, so a copy printed later says the same.
The payer pays with the invoice's own OCR number, so the payment matches the invoice.
"""
from __future__ import annotations

from decimal import Decimal
from html import escape

from kassa.identifiers import format_orgnr
from kassa.invoicing import payment_account_text
from kassa.models import Invoice, Reminder
from kassa.money import ZERO, format_sek

STYLE = """
body { font-size: 10pt; color: #000; }
h1 { font-size: 16pt; margin: 0; }
h2 { font-size: 14pt; margin: 0; }
td { padding: 2px 6px; vertical-align: top; }
td.num { text-align: right; }
tr.total td { font-weight: bold; font-size: 12pt; border-top: 1px solid #000; }
.small { font-size: 8pt; color: #333; }
"""


def _lines(*values: str) -> str:
    return "<br/>".join(escape(v) for v in values if v)


def _party(party: dict) -> list[str]:
    place = " ".join(filter(None, [party.get("postal_code", ""), party.get("city", "")]))
    return [party.get("name", ""), party.get("street", ""), place]


def earlier_charges(reminder: Reminder) -> Decimal:
    earlier = (Reminder.select().where((Reminder.invoice == reminder.invoice_id)
                                       & (Reminder.sequence < reminder.sequence)))
    return sum((r.fee + r.interest for r in earlier), ZERO)


def amount_to_pay(reminder: Reminder) -> Decimal:
    return reminder.open_amount + earlier_charges(reminder) + reminder.fee + reminder.interest


def reminder_title(reminder: Reminder) -> str:
    return "Betalningspåminnelse" if reminder.sequence == 1 else f"Betalningspåminnelse {reminder.sequence}"


def reminder_html(reminder: Reminder) -> str:
    invoice: Invoice = reminder.invoice
    seller, buyer = invoice.seller, invoice.buyer
    earlier = earlier_charges(reminder)
    rows = [("Fakturans belopp", format_sek(invoice.payable))]
    settled = invoice.payable - reminder.open_amount
    if settled:
        rows.append(("Betalt eller krediterat", format_sek(-settled)))
    rows.append(("Kvar att betala av fakturan", format_sek(reminder.open_amount)))
    if earlier:
        rows.append(("Avgifter och ränta från tidigare påminnelser", format_sek(earlier)))
    if reminder.fee:
        rows.append(("Påminnelseavgift", format_sek(reminder.fee)))
    for period in reminder.interest_periods:
        rows.append((f"Dröjsmålsränta {period['rate'].replace('.', ',')} % per år, {period['from']} – "
                     f"{period['to']} ({period['days']} dagar)", format_sek(Decimal(period["amount"]))))
    total = amount_to_pay(reminder)
    table = "".join(f"<tr><td>{escape(label)}</td><td class='num'>{value}</td></tr>" for label, value in rows)
    table += f"<tr class='total'><td>Att betala SEK</td><td class='num'>{format_sek(total)}</td></tr>"
    pay = [("Betala till", payment_account_text(seller)), ("OCR-nummer", invoice.ocr),
           ("Belopp", f"{format_sek(total)} kr"), ("Senast", reminder.new_due_date.isoformat())]
    pay_rows = "".join(f"<tr><td>{escape(a)}</td><td><b>{escape(b)}</b></td></tr>" for a, b in pay if b)
    notes = []
    if reminder.interest:
        notes.append("Dröjsmålsränta enligt räntelagen: Riksbankens referensränta med tillägg, från förfallodagen.")
    if reminder.fee:
        notes.append("Påminnelseavgift enligt avtal (lag om ersättning för inkassokostnader m.m.).")
    seller_ids = [f"Org.nr {format_orgnr(seller['org_number'])}" if seller.get("org_number") else "",
                  f"Momsreg.nr {seller['vat_number']}" if seller.get("vat_number") else "",
                  seller.get("phone", ""), seller.get("email", "")]
    return f"""<html><head><style>{STYLE}</style></head><body>
<table width="100%"><tr>
<td width="55%"><h1>{escape(seller.get('name', ''))}</h1>{_lines(*_party(seller)[1:])}</td>
<td width="45%"><h2>{escape(reminder_title(reminder))}</h2>Datum {reminder.issue_date.isoformat()}<br/>
Kundnummer {escape(str(buyer.get('number', '')))}</td>
</tr></table>
<br/>
<table width="100%"><tr><td width="55%"></td><td width="45%">{_lines(*_party(buyer))}</td></tr></table>
<br/><br/>
<p>Enligt vår bokföring är faktura {invoice.number} från {invoice.issue_date.isoformat()}, som förföll till betalning
{invoice.due_date.isoformat()}, inte betald. Vi ber dig betala det som är kvar senast
{reminder.new_due_date.isoformat()}. Har du redan betalat kan du bortse från den här påminnelsen.</p>
<table width="70%">{table}</table>
<br/>
<table>{pay_rows}</table>
<p class="small">{_lines(*notes)}</p>
<hr/>
<p class="small">{_lines(seller.get('name', ''), *[s for s in seller_ids if s])}</p>
</body></html>"""
