"""A reminder's charges as a PEPPOL BIS Billing 3.0 invoice (a räntefaktura) for an e-invoice customer.

Why an invoice and not a reminder document:

- PEPPOL BIS Billing 3.0 has an invoice and a credit note, and no reminder. UBL 2.1's own Reminder
  and the reminder formats Pagero lists for documentType ``PaymentReminder`` (EHF Reminder 3.0,
  OIOUBL Reminder) are Norwegian and Danish: a Swedish public buyer is registered on PEPPOL for
  BIS Billing 3 invoices and credit notes (the e-invoicing law, SFS 2018:1277), so any other
  document type has nowhere to be delivered.
- DIGG (Myndigheten för digital förvaltning) on the law: a reminder of an unpaid invoice is no
  invoice and need not be electronic, while a räntefaktura, a new document with a number of its
  own that claims an amount, is sent as an e-invoice.

So what Kassa sends for a reminder that charges something is an ordinary BIS 3 invoice (type 380,
the standard CustomizationID and ProfileID), uploaded with documentType ``Invoice``:

- its number is the invoice's number and the reminder's ("10015-P1"): its own, never an invoice
  number (Pagero's duplicate control keys on it), and it names what it reminds of;
- a line for the fee and one per interest period, VAT category O (outside the scope of VAT: a
  reminder fee and late-payment interest pay for no supply) with reason code VATEX-EU-O; so no
  party's VAT number is sent (BR-O-02);
- the reminded invoice as the preceding invoice (BillingReference, BG-3), the buyer's reference and
  the parties as on that invoice, the new due date, and the invoice's own OCR number as payment
  reference, so that a payment of the charges is placed on the invoice whose debt they are part of
  (kassa.bookkeeping.receivables);
- a note (BT-22) with the reminder itself: what is left of the invoice, earlier charges, this
  reminder's, and the total to pay.

A reminder without fee or interest claims nothing, so it is no invoice: it is printed or sent as PDF.
"""
from __future__ import annotations

from decimal import Decimal

from lxml import etree

from kassa.bookkeeping.reminder_document import amount_to_pay, earlier_charges
from kassa.models import Invoice, Reminder
from kassa.models.bookkeeping import reminder_number
from kassa.money import ZERO, format_sek
from kassa.peppol.ubl import (
    CUSTOMIZATION_ID,
    NS_CAC,
    NS_CBC,
    NS_INVOICE,
    PROFILE_ID,
    XML_DECLARATION,
    _amount,
    _buyer,
    _cac,
    _cbc,
    _payment_means,
    _seller,
    _tax_category,
    format_price,
)

OUTSIDE_VAT_CODE = "VATEX-EU-O"
OUTSIDE_VAT_REASON = "Ej föremål för moms: påminnelseavgift och dröjsmålsränta"
FEE_TEXT = "Påminnelseavgift"
UNIT = "C62"  # one (UN/ECE rec. 20), for a charge that is no quantity of goods


def reminder_note(reminder: Reminder, invoice: Invoice) -> str:
    earlier = earlier_charges(reminder)
    to_pay = amount_to_pay(reminder)
    parts = [
        f"Betalningspåminnelse {reminder.sequence} för faktura {invoice.number} av "
        f"{invoice.issue_date.isoformat()}, som förföll {invoice.due_date.isoformat()}.",
        f"Kvar att betala av fakturan: {format_sek(reminder.open_amount)} kr.",
    ]
    if earlier:
        parts.append(f"Avgifter och ränta från tidigare påminnelser: {format_sek(earlier)} kr.")
    parts.append(f"Denna påminnelse: {format_sek(reminder.fee + reminder.interest)} kr.")
    parts.append(f"Betala totalt {format_sek(to_pay)} kr senast {reminder.new_due_date.isoformat()} "
                 f"med OCR-nummer {invoice.ocr}. Har ni redan betalat kan ni bortse från påminnelsen.")
    return " ".join(parts)


def _charge_lines(reminder: Reminder) -> list[tuple[str, Decimal]]:
    lines = []
    if reminder.fee:
        lines.append((FEE_TEXT, reminder.fee))
    for period in reminder.interest_periods or []:
        amount = Decimal(period["amount"])
        if amount:
            lines.append((f"Dröjsmålsränta {period['rate'].replace('.', ',')} % per år på "
                          f"{format_sek(reminder.open_amount)} kr, {period['from']} – {period['to']} "
                          f"({period['days']} dagar)", amount))
    return lines


def build_reminder_ubl(reminder: Reminder, *, indent: bool = False) -> bytes:
    """The BIS 3 Invoice of the reminder's fee and interest, as UTF-8 bytes with declaration.

    ValueError when the reminder charges nothing (it is then no invoice; the caller says so)."""
    invoice: Invoice = reminder.invoice
    lines = _charge_lines(reminder)
    total = sum((amount for _text, amount in lines), ZERO)
    if total <= 0:
        raise ValueError("a reminder without fee or interest is no invoice")
    currency = "SEK"
    seller, buyer = invoice.seller or {}, invoice.buyer or {}

    root = etree.Element(
        f"{{{NS_INVOICE}}}Invoice",
        nsmap={None: NS_INVOICE, "cac": NS_CAC, "cbc": NS_CBC},  # type: ignore[dict-item]  # None: the default namespace
    )
    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", reminder_number(invoice.number, reminder.sequence))
    _cbc(root, "IssueDate", reminder.issue_date.isoformat())
    _cbc(root, "DueDate", reminder.new_due_date.isoformat())
    _cbc(root, "InvoiceTypeCode", "380")
    _cbc(root, "Note", reminder_note(reminder, invoice))
    _cbc(root, "DocumentCurrencyCode", currency)
    _cbc(root, "BuyerReference", invoice.buyer_reference)
    reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
    _cbc(reference, "ID", str(invoice.number))
    _cbc(reference, "IssueDate", invoice.issue_date.isoformat())
    _seller(root, seller, vat_ids=False)  # category O: neither party's VAT number (BR-O-02)
    _buyer(root, buyer, vat_ids=False)
    _payment_means(root, seller, invoice.ocr)
    _cbc(_cac(root, "PaymentTerms"), "Note",
         f"Betalas senast {reminder.new_due_date.isoformat()} med OCR-nummer {invoice.ocr}.")
    reason = {"reason_code": OUTSIDE_VAT_CODE, "reason": OUTSIDE_VAT_REASON}
    tax_total = _cac(root, "TaxTotal")
    _amount(tax_total, "TaxAmount", ZERO, currency)
    subtotal = _cac(tax_total, "TaxSubtotal")
    _amount(subtotal, "TaxableAmount", total, currency)
    _amount(subtotal, "TaxAmount", ZERO, currency)
    _tax_category(subtotal, "TaxCategory", "O", 0, reason=reason)
    totals = _cac(root, "LegalMonetaryTotal")
    for name in ("LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "PayableAmount"):
        _amount(totals, name, total, currency)
    for position, (text, amount) in enumerate(lines, start=1):
        line = _cac(root, "InvoiceLine")
        _cbc(line, "ID", str(position))
        _cbc(line, "InvoicedQuantity", "1", unitCode=UNIT)
        _amount(line, "LineExtensionAmount", amount, currency)
        item = _cac(line, "Item")
        _cbc(item, "Name", text)
        _tax_category(item, "ClassifiedTaxCategory", "O", 0)
        price = _cac(line, "Price")
        _cbc(price, "PriceAmount", format_price(amount), currencyID=currency)
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=indent)
