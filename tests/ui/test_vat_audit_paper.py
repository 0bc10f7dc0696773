"""The VAT audit's paper side (issue 12): every invoice and credit note of the matrix's buyers and
categories (tests/peppol/vat_audit.py), printed to PDF and read back with pdftotext, states in Swedish
what its VAT categories demand: the reason, both VAT numbers where the buyer accounts for the VAT, the
deliver-to country of an intra-EU supply, the VAT in kronor of another currency; and no VAT number where
the supply is outside the scope of VAT."""
from __future__ import annotations

from kassa.models import Invoice
from kassa.ui.printing import save_pdf
from tests.factories import pdf_text
from tests.peppol.vat_audit import build_matrix, run_case

SELLER_VAT = "SE556677889901"  # tests.factories.make_company

WORDS = {
    "AE": ["Omvänd betalningsskyldighet"],
    "K": ["Unionsintern leverans", "artikel 138", "Leveransland:"],
    "G": ["Export till land utanför EU"],
    "E": ["Undantag från skatteplikt"],
    "Z": ["Nollskattesats"],
    "O": ["utanför mervärdesskattens tillämpningsområde"],
}


def paper_problems(document: Invoice, text: str) -> list[str]:
    categories = {str(v["category"]) for v in document.vat_breakdown}
    buyer_vat = (document.buyer or {}).get("vat_number") or ""
    problems = [f"{code}: '{word}' missing" for code in categories for word in WORDS.get(code, []) if word not in text]
    if categories & {"AE", "K"}:
        for label, number in (("Säljarens", SELLER_VAT), ("Köparens", buyer_vat)):
            if f"{label} momsreg.nr: {number}" not in text:
                problems.append(f"{categories}: '{label} momsreg.nr: {number}' missing")
    if "O" in categories and (SELLER_VAT in text or (buyer_vat and buyer_vat in text)):
        problems.append("O with a VAT number on paper")
    if "O" not in categories and SELLER_VAT not in text:
        problems.append("the seller's VAT number missing")
    if (document.currency or "SEK") != "SEK" and "Moms i svenska kronor" not in text:
        problems.append(f"{document.currency}: the VAT in kronor missing")
    if document.is_credit_note and f"Krediterar faktura {document.credited_invoice.number}" not in text:
        problems.append("the credit note does not name its invoice")
    return problems


def test_every_category_of_the_matrix_on_paper(qapp, db, tmp_path):
    report: list[str] = []
    printed = 0
    for case in build_matrix():
        if case.expect_refusal or case.name.split("-", 1)[1].startswith(("random", "food")):
            continue
        outcome = run_case(case)
        for name, _xml, document in outcome.documents[:2]:
            text = " ".join(pdf_text(save_pdf(document.id, str(tmp_path / f"{name}.pdf"))).split())
            printed += 1
            report += [f"{name}: {p}" for p in paper_problems(document, text)]
    print(f"\n{printed} documents printed")
    assert printed >= 250
    assert report == [], "\n".join(report)
