"""PEPPOL BIS Billing 3.0 UBL for a stored invoice or credit note (swedish-invoicing.md, "the fields").

The document is built from what was stored when the invoice was issued: the seller and
buyer snapshots, the lines and the computed totals. Nothing is recomputed here, so the
e-invoice says exactly what the paper invoice says and the totals rules (BR-CO-10..17)
hold because money.compute_totals already made them hold.

The invoice fee (stored lines of kind 'fee', one per VAT category and rate) becomes document-level
charges (BG-21), so ChargeTotalAmount is their sum and the item lines stay what was sold. A credit
note that credits only the fee has no item line, and a document needs one (BR-16, the schema's
minimum of one CreditNoteLine): there the fee parts are its lines.
Credit notes carry positive amounts; the type code 381 says they credit.

VAT categories (kassa.vat.categories): each breakdown carries its category, rate (none for O,
BR-O-05) and, for the zero categories but Z, the VATEX reason code and text its invoice stored.
A document of category O carries neither party's VAT id (BR-O-02); an intra-EU supply (K) carries
its delivery date and deliver-to country (BR-IC-11/12). An invoice in another currency states its
VAT in SEK as a second TaxTotal (BT-6, BT-111, BR-53, PEPPOL-EN16931-R054).

Elements are appended in the order the UBL 2.1 schema demands; empty values are left out
(PEPPOL-EN16931-R008 forbids empty elements).
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from kassa.eas_schemes import scheme_form, vat_form
from kassa.identifiers import InvalidIdentifier, check_bankgiro, check_bic, check_iban, check_plusgiro
from kassa.invoicing import credit_reason
from kassa.models import Invoice, InvoiceLine

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_CAC = f"{{{NS_CAC}}}"
_CBC = f"{{{NS_CBC}}}"

F_SKATT_TEXT = "Godkänd för F-skatt"  # exactly what SE-R-005 checks
FEE_REASON = "Fakturaavgift"
# UNCL 7161 "IS", Invoicing: "the service of providing an invoice"; on the Peppol code list (CL003).
FEE_REASON_CODE = "IS"
UNNAMED_ITEM = "(utan benämning)"
# BR-E-10: an exempt (category E, 0 %) subtotal must say why.
EXEMPTION_REASON = "Undantag från skatteplikt enligt mervärdesskattelagen (2023:200)"

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

_ORE = Decimal("0.01")
_PRICE = Decimal("0.0001")
# PEPPOL-EN16931-R120 allows 0.02 between the line amount and quantity × price; stay within an öre.
_LINE_TOLERANCE = Decimal("0.01")


def format_amount(value: Decimal) -> str:
    """Two decimals, as BR-DEC-* demand of every amount."""
    return f"{Decimal(value).quantize(_ORE, rounding=ROUND_HALF_UP):f}"


def format_price(value: Decimal) -> str:
    """Up to four decimals, at least two: 12.50, 0.3333, 7.125."""
    text = f"{Decimal(value).quantize(_PRICE, rounding=ROUND_HALF_UP):f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    return f"{whole}.{frac.ljust(2, '0')}"


def format_quantity(value: Decimal) -> str:
    """1, 1.5, 0.125: no trailing zeros, no exponent."""
    return f"{Decimal(value).normalize():f}"


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _cbc(parent: etree._Element, name: str, value: object, **attrs: str) -> etree._Element | None:
    """A basic component, or nothing when the value is empty (R008)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return _el(parent, _CBC + name, text, **attrs)


def _cac(parent: etree._Element, name: str) -> etree._Element:
    return _el(parent, _CAC + name)


def _amount(parent: etree._Element, name: str, value: Decimal, currency: str) -> etree._Element:
    return _el(parent, _CBC + name, format_amount(value), currencyID=currency)


def _tax_scheme(parent: etree._Element, scheme: str = "VAT") -> None:
    _cbc(_cac(parent, "TaxScheme"), "ID", scheme)


def _tax_category(parent: etree._Element, name: str, category: str, rate: int, reason: dict | None = None) -> None:
    """A TaxCategory; `reason` (a stored breakdown entry) adds the exemption's code and text."""
    tc = _cac(parent, name)
    _cbc(tc, "ID", category)
    if category != "O":
        _cbc(tc, "Percent", str(rate))
    if reason is not None and category not in ("S", "Z"):
        code, text = (reason.get("reason_code") or "").strip(), (reason.get("reason") or "").strip()
        if category == "E" and not (code or text):
            text = EXEMPTION_REASON  # an invoice from before categories: every 0 % line was exempt
        _cbc(tc, "TaxExemptionReasonCode", code)
        _cbc(tc, "TaxExemptionReason", text)
    _tax_scheme(tc)


def _party_tax_scheme(party: etree._Element, company_id: str | None, scheme: str) -> None:
    if scheme == "VAT":
        company_id = vat_form(company_id or "")
    if (company_id or "").strip():
        pts = _cac(party, "PartyTaxScheme")
        _cbc(pts, "CompanyID", company_id)
        _tax_scheme(pts, scheme)


def _address(parent: etree._Element, party: dict) -> None:
    addr = _cac(parent, "PostalAddress")
    _cbc(addr, "StreetName", party.get("street"))
    _cbc(addr, "CityName", party.get("city"))
    _cbc(addr, "PostalZone", party.get("postal_code"))
    _cbc(_cac(addr, "Country"), "IdentificationCode", (party.get("country") or "SE").strip().upper())


def _contact(parent: etree._Element, party: dict) -> None:
    phone, email = (party.get("phone") or "").strip(), (party.get("email") or "").strip()
    if phone or email:
        contact = _cac(parent, "Contact")
        _cbc(contact, "Telephone", phone)
        _cbc(contact, "ElectronicMail", email)


def _seller(root: etree._Element, seller: dict, vat_ids: bool) -> None:
    party = _cac(_cac(root, "AccountingSupplierParty"), "Party")
    org_number = scheme_form("0007", seller.get("org_number") or "")
    _cbc(party, "EndpointID", org_number, schemeID="0007")
    _cbc(_cac(party, "PartyName"), "Name", seller.get("name"))
    _address(party, seller)
    if vat_ids:
        _party_tax_scheme(party, seller.get("vat_number"), "VAT")
    if seller.get("f_skatt"):
        _party_tax_scheme(party, F_SKATT_TEXT, "TAX")
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", seller.get("name"))
    _cbc(legal, "CompanyID", org_number, schemeID="0007")
    office = (seller.get("registered_office") or "").strip()
    if office:
        _cbc(legal, "CompanyLegalForm", f"Säte: {office}")
    _contact(party, seller)


def buyer_legal_id(buyer: dict) -> tuple[str, str]:
    """(scheme, id) of the buyer's legal registration (BT-47), or ("", "") when it has none to send.

    A snapshot from before foreign buyers has no scheme: a Swedish org. number (0007) then. The id is
    in its scheme's form (kassa.eas_schemes.scheme_form)."""
    if buyer.get("is_private"):
        return "", ""
    number = (buyer.get("org_number") or "").strip()
    scheme = buyer.get("legal_scheme")
    if scheme is None:
        scheme = "0007" if (buyer.get("country") or "SE") == "SE" else ""
    return (scheme, scheme_form(scheme, number)) if scheme and number else ("", "")


def _buyer(root: etree._Element, buyer: dict, vat_ids: bool) -> None:
    party = _cac(_cac(root, "AccountingCustomerParty"), "Party")
    scheme, endpoint = buyer.get("endpoint_scheme") or "", buyer.get("endpoint_id") or ""
    if scheme and endpoint:
        _cbc(party, "EndpointID", scheme_form(scheme, endpoint), schemeID=scheme)
    legal_scheme, legal_id = buyer_legal_id(buyer)
    if buyer.get("gln"):
        _cbc(_cac(party, "PartyIdentification"), "ID", scheme_form("0088", buyer["gln"]), schemeID="0088")
    elif legal_id:
        _cbc(_cac(party, "PartyIdentification"), "ID", legal_id, schemeID=legal_scheme)
    _cbc(_cac(party, "PartyName"), "Name", buyer.get("name"))
    _address(party, buyer)
    if vat_ids:
        _party_tax_scheme(party, buyer.get("vat_number"), "VAT")
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", buyer.get("name"))
    if legal_id:
        _cbc(legal, "CompanyID", legal_id, schemeID=legal_scheme)
    _contact(party, buyer)


def _in_form(check: Callable[[str], str], value: str) -> str:
    """A giro number's digits, an IBAN's or BIC's compact upper case, as the checks before sending read
    them (SE-R-007..010); as stored when it is no valid number (those checks refuse it then)."""
    try:
        return check(value)
    except InvalidIdentifier:
        return (value or "").strip()


def _payment_means(root: etree._Element, seller: dict, payment_id: str) -> None:
    """One PaymentMeans per account the seller has, bankgiro first as on the paper invoice.

    Bankgiro and plusgiro are code 30 with SE:BANKGIRO / SE:PLUSGIRO (SE-R-007..011). An IBAN
    alone is code 58 (SEPA credit transfer); beside a giro it is code 30 too, since all
    payment means codes of a document must be equal (UBL-SR-47).
    """
    accounts = []
    if seller.get("bankgiro"):
        accounts.append(("30", _in_form(check_bankgiro, seller["bankgiro"]), "SE:BANKGIRO"))
    if seller.get("plusgiro"):
        accounts.append(("30", _in_form(check_plusgiro, seller["plusgiro"]), "SE:PLUSGIRO"))
    if seller.get("iban"):
        code = "30" if accounts else "58"
        accounts.append((code, _in_form(check_iban, seller["iban"]), _in_form(check_bic, seller.get("bic") or "")))
    for code, account, branch in accounts:
        pm = _cac(root, "PaymentMeans")
        _cbc(pm, "PaymentMeansCode", code)
        _cbc(pm, "PaymentID", payment_id)
        fa = _cac(pm, "PayeeFinancialAccount")
        _cbc(fa, "ID", account)
        if branch:
            _cbc(_cac(fa, "FinancialInstitutionBranch"), "ID", branch)


def _line_price(line: InvoiceLine) -> tuple[Decimal, Decimal, Decimal | None]:
    """(net price, gross price, base quantity or None) for the line's Price.

    Normally the stored unit prices with base quantity 1. When the quantity is so large
    that quantity × the four-decimal net price drifts more than an öre from the line
    amount (R120), the price is stated per 10, 100 … units instead.
    """
    net, gross, qty = line.net_price, line.gross_price, line.quantity
    if qty == 0 or abs(qty * net - line.line_amount) <= _LINE_TOLERANCE:
        return net, gross, None
    base = Decimal(10)
    while True:
        price = (line.line_amount * base / qty).quantize(_PRICE, rounding=ROUND_HALF_UP)
        if abs(qty * price / base - line.line_amount) <= _LINE_TOLERANCE or base >= qty:
            break
        base *= 10
    if abs(qty * price / base - line.line_amount) > _LINE_TOLERANCE:
        base, price = qty, line.line_amount  # exact whatever the quantity's digits
    return price, (gross * base).quantize(_PRICE, rounding=ROUND_HALF_UP), base


def _line(root: etree._Element, line: InvoiceLine, credit: bool, currency: str) -> None:
    el = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
    _cbc(el, "ID", str(line.position))
    unit = (line.unit or "EA").strip() or "EA"
    _cbc(el, "CreditedQuantity" if credit else "InvoicedQuantity", format_quantity(line.quantity), unitCode=unit)
    _amount(el, "LineExtensionAmount", line.line_amount, currency)
    item = _cac(el, "Item")
    # BR-25: every item has a name; a line typed without one still gets a truthful one.
    _cbc(item, "Name", (line.description or "").strip() or line.article_number or UNNAMED_ITEM)
    if line.article_number:
        _cbc(_cac(item, "SellersItemIdentification"), "ID", line.article_number)
    _tax_category(item, "ClassifiedTaxCategory", line.vat_category or "S", line.vat_rate)
    net, gross, base = _line_price(line)
    price = _cac(el, "Price")
    _el(price, _CBC + "PriceAmount", format_price(net), currencyID=currency)
    if base is not None:
        _el(price, _CBC + "BaseQuantity", format_quantity(base), unitCode=unit)
    # A discount shows as the price allowance (BT-147/148); R046: net = gross − allowance exactly.
    if line.discount_percent > 0 and gross > net:
        ac = _cac(price, "AllowanceCharge")
        _cbc(ac, "ChargeIndicator", "false")
        _el(ac, _CBC + "Amount", format_price(gross - net), currencyID=currency)
        _el(ac, _CBC + "BaseAmount", format_price(gross), currencyID=currency)


def document_categories(invoice: Invoice) -> set[str]:
    return {str(entry.get("category") or "S") for entry in invoice.vat_breakdown or []}


def build_ubl(invoice: Invoice, *, indent: bool = False) -> bytes:
    """The UBL 2.1 Invoice (380) or CreditNote (381) of a stored invoice, as UTF-8 bytes with declaration.

    Compact by default: that is what is validated and sent (indentation costs the validation
    about 6 %). ``indent=True`` is for people reading it; the content is the same.
    """
    credit = invoice.is_credit_note
    currency = invoice.currency or "SEK"
    seller, buyer = invoice.seller or {}, invoice.buyer or {}
    lines = list(invoice.lines.order_by(InvoiceLine.position))
    items = [line for line in lines if line.kind != "fee"]
    fees = [line for line in lines if line.kind == "fee"]
    fees_as_lines = not items  # a credit note of the fee alone
    categories = document_categories(invoice)
    vat_ids = "O" not in categories
    tax_currency = invoice.exchange_rate is not None and invoice.tax_total_sek is not None and currency != "SEK"

    ns = NS_CREDIT_NOTE if credit else NS_INVOICE
    root = etree.Element(
        f"{{{ns}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: ns, "cac": NS_CAC, "cbc": NS_CBC},  # type: ignore[dict-item]  # None: the default namespace
    )
    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", str(invoice.number))
    _cbc(root, "IssueDate", invoice.issue_date.isoformat())
    if credit:
        _cbc(root, "CreditNoteTypeCode", "381")
        reason = credit_reason(invoice)
        if reason:
            _cbc(root, "Note", reason)  # BT-22: why the invoice is credited
    else:
        _cbc(root, "DueDate", invoice.due_date.isoformat())
        _cbc(root, "InvoiceTypeCode", "380")
    _cbc(root, "DocumentCurrencyCode", currency)
    if tax_currency:
        _cbc(root, "TaxCurrencyCode", "SEK")
    _cbc(root, "BuyerReference", invoice.buyer_reference)
    if credit and invoice.credited_invoice_id:
        credited = invoice.credited_invoice
        ref = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(ref, "ID", str(credited.number))
        _cbc(ref, "IssueDate", credited.issue_date.isoformat())
    _seller(root, seller, vat_ids)
    _buyer(root, buyer, vat_ids)
    if invoice.delivery_date or "K" in categories:
        delivery = _cac(root, "Delivery")
        if invoice.delivery_date:
            _cbc(delivery, "ActualDeliveryDate", invoice.delivery_date.isoformat())
        if "K" in categories:
            country = buyer.get("delivery_country") or buyer.get("country") or "SE"
            _cbc(_cac(_cac(_cac(delivery, "DeliveryLocation"), "Address"), "Country"), "IdentificationCode", country)
    _payment_means(root, seller, invoice.ocr)
    if (invoice.payment_terms or "").strip():
        _cbc(_cac(root, "PaymentTerms"), "Note", invoice.payment_terms)
    for fee in [] if fees_as_lines else fees:
        ac = _cac(root, "AllowanceCharge")
        _cbc(ac, "ChargeIndicator", "true")
        _cbc(ac, "AllowanceChargeReasonCode", FEE_REASON_CODE)
        _cbc(ac, "AllowanceChargeReason", FEE_REASON)
        _amount(ac, "Amount", fee.line_amount, currency)
        _tax_category(ac, "TaxCategory", fee.vat_category or "S", fee.vat_rate)

    tax_total = _cac(root, "TaxTotal")
    _amount(tax_total, "TaxAmount", invoice.tax_total, currency)
    for vat in invoice.vat_breakdown:
        sub = _cac(tax_total, "TaxSubtotal")
        _amount(sub, "TaxableAmount", Decimal(vat["taxable"]), currency)
        _amount(sub, "TaxAmount", Decimal(vat["tax"]), currency)
        _tax_category(sub, "TaxCategory", vat["category"], int(vat["rate"]), reason=vat)
    if tax_currency:
        _amount(_cac(root, "TaxTotal"), "TaxAmount", invoice.tax_total_sek, "SEK")

    totals = _cac(root, "LegalMonetaryTotal")
    line_extension = invoice.line_extension + (invoice.charge_total if fees_as_lines else 0)
    _amount(totals, "LineExtensionAmount", line_extension, currency)
    _amount(totals, "TaxExclusiveAmount", invoice.tax_exclusive, currency)
    _amount(totals, "TaxInclusiveAmount", invoice.tax_inclusive, currency)
    if not fees_as_lines and (fees or invoice.charge_total):
        _amount(totals, "ChargeTotalAmount", invoice.charge_total, currency)
    if invoice.rounding:
        _amount(totals, "PayableRoundingAmount", invoice.rounding, currency)
    _amount(totals, "PayableAmount", invoice.payable, currency)

    for line in items or fees:
        _line(root, line, credit, currency)
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=indent)
