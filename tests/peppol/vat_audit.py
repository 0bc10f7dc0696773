"""The VAT audit's matrix (issue 12): invoices and credit-note sequences across categories, dated rates,
fees, öresavrundning, discounts, decimals, currencies, buyers of eight kinds and strange text, issued
through kassa.invoicing as the till does. Each case says what it is; `run_case` issues it, builds every
document and returns what the audit judges: the documents, the refusals and the sums.

Kept apart from the test so that a second validator can be pointed at the very same files
(KASSA_AUDIT_DIR: every document is written there, with a manifest).
"""
from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kassa.invoicing import InvoicingError, credit_invoice, issue_invoice
from kassa.models import Invoice, VatGroup
from kassa.money import LineInput
from kassa.peppol.checks import check_invoice
from kassa.peppol.ubl import build_ubl
from tests.factories import make_company
from tests.peppol.ubl_documents import make_customer

D = Decimal

# Buyers: country, identifiers, and whether they are a public body that gives a reference code.
BUYERS: dict[str, dict] = {
    "SE": dict(country="SE", org_number="5560360793", vat_number="SE556036079301", postal_code="11122",
               city="Stockholm"),
    "SE-GLN": dict(country="SE", org_number="5560360793", vat_number="SE556036079301", gln="7350053850019",
                   postal_code="11122", city="Stockholm"),
    "SE-public": dict(country="SE", org_number="2120001355", vat_number="SE212000135501", postal_code="40482",
                      city="Göteborg", reference="ABC123-ref 4711"),
    "NO": dict(country="NO", org_number="974760673", vat_number="NO974760673MVA", postal_code="5003", city="Bergen"),
    "DK": dict(country="DK", org_number="13585628", vat_number="DK13585628", postal_code="1050", city="København K"),
    "DK-GLN": dict(country="DK", org_number="13585628", vat_number="DK13585628", gln="5790000436057",
                   postal_code="1050", city="København K"),
    "FI": dict(country="FI", org_number="20774740", vat_number="FI20774740", postal_code="00100", city="Helsinki"),
    "DE": dict(country="DE", org_number="", vat_number="DE136695976", postal_code="10117", city="Berlin"),
    "DE-public": dict(country="DE", org_number="", vat_number="DE136695976", endpoint_scheme="0204",
                      endpoint_id="991-33333TEST-33", postal_code="10117", city="Berlin",
                      reference="991-33333TEST-33"),
    "NL": dict(country="NL", org_number="12345678", vat_number="NL004495445B01", postal_code="1011",
               city="Amsterdam"),
    "NL-public": dict(country="NL", org_number="00000001003214345000", legal_scheme="0190",
                      vat_number="NL004495445B01", postal_code="2511", city="Den Haag", reference="OIN-ref 9"),
    "BE": dict(country="BE", org_number="0403019261", vat_number="BE0403019261", postal_code="1000",
               city="Bruxelles"),
    "SE-soletrader": dict(country="SE", org_number="8112189876", vat_number="SE811218987601", postal_code="83131",
                          city="Östersund"),
    "FI-OVT": dict(country="FI", org_number="20774740", vat_number="FI20774740", endpoint_scheme="0216",
                   endpoint_id="00372077474000123", postal_code="00100", city="Helsinki"),
    "GB-GLN": dict(country="GB", org_number="", vat_number="GB980780684", gln="5000000000005", postal_code="SW1A 1AA",
                   city="London"),
    "US-GLN": dict(country="US", org_number="", vat_number="", gln="0012345000003", postal_code="10001",
                   city="New York"),
}
# Every other buyer is in the EU: "", "AE" (services) or "K".
TREATMENTS = {"SE": ["", "AE"], "NO": ["", "G"], "GB": ["", "G"], "US": ["G"]}
DAYS = [dt.date(2026, 3, 31), dt.date(2026, 4, 1), dt.date(2027, 12, 31), dt.date(2028, 1, 1)]
CURRENCIES = {"SEK": None, "EUR": D("11.4523"), "NOK": D("0.9512"), "DKK": D("1.5349")}

STRANGE = [
    "Kaffe ☕ & bullar 🥐 <färska> \"idag\" 'ja'",
    "שלום עולם — مرحبا بالعالم",  # right to left
    "e\u0301 a\u030a o\u0308 Ångström (kombinerande tecken)",
    "<![CDATA[x]]> &amp; </Invoice> ]]>",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟘𝟙 Ω≈ç√∫ 漢字 👨‍👩‍👧",
    "Rad ett\nrad två\ttab",
    ("Lång text åäö " * 19)[:255],  # exactly 255
    "\u00a0 Hårt mellanslag \u200b noll-bredd",
    "x",
]
REFUSED_TEXT = {"lång": "y" * 256, "styrtecken": "Klocka\x07", "escape": "Färg\x1b[0m", "nul": "a\x00b",
                "c1": "Ne\x85l", "icke-tecken": "x\ufffe"}


@dataclass
class LineSpec:
    how: str  # group | category | rate
    what: str | int  # group key, category code or rate
    quantity: Decimal
    price: Decimal
    discount: Decimal = D(0)
    incl_vat: bool = False
    unit: str = "EA"
    description: str = "Vara"
    article: str = ""
    service: bool = False  # a service (the article's is_service): AE, not K, for a buyer in another EU country

    def line(self) -> LineInput:
        fields = dict(description=self.description, quantity=self.quantity, unit_price=self.price,
                      discount_percent=self.discount, price_includes_vat=self.incl_vat, unit=self.unit,
                      article_number=self.article, is_service=self.service)
        if self.how == "group":
            return LineInput(vat_rate=0, vat_group_id=VatGroup.get(VatGroup.key == self.what).id, **fields)
        if self.how == "category":
            return LineInput(vat_rate=0, vat_category=str(self.what), **fields)
        return LineInput(vat_rate=int(self.what), **fields)


@dataclass
class Case:
    name: str
    buyer: str
    lines: list[LineSpec]
    treatment: str = ""
    day: dt.date = DAYS[1]
    currency: str = "SEK"
    fee: Decimal = D(0)
    rounds: bool = False
    credits: str = "none"  # none | all | halves | units | fee_first | lines_reversed | thirds
    reference: str | None = None
    name_text: str = "Kunden AB"
    expect_refusal: str = ""  # a field prefix the issue must be refused at, "" when it must be accepted
    customer_extra: dict = field(default_factory=dict)


@dataclass
class Outcome:
    case: Case
    refused: tuple[str, str] | None = None  # (field, message) at issue
    send_refused: list[str] = field(default_factory=list)  # check_invoice's problems of a document
    documents: list[tuple[str, bytes, Invoice]] = field(default_factory=list)
    credit_problems: list[str] = field(default_factory=list)


def credit_plan(invoice: Invoice, how: str) -> list[dict | None]:
    """The pieces to credit, decided on the invoice's lines (None: everything left)."""
    lines = list(invoice.lines.order_by("position"))
    items = [ln for ln in lines if ln.kind != "fee"]
    fees = [ln for ln in lines if ln.kind == "fee"]
    if how == "all":
        return [None]
    if how == "halves":
        return [{ln.id: (ln.quantity / 2).quantize(D("0.001")) for ln in lines
                 if (ln.quantity / 2).quantize(D("0.001")) > 0}, None]
    if how == "units":  # one unit (or what is left of the last) at a time, last line first
        pieces: list[dict | None] = []
        for ln in reversed(items):
            left = ln.quantity
            while left > 0 and len(pieces) < 12:
                step = min(D(1), left)
                pieces.append({ln.id: step})
                left -= step
        return pieces + [None]
    if how == "fee_first":
        return ([{f.id: f.quantity for f in fees}] if fees else []) + [None]
    if how == "lines_reversed":
        return [{ln.id: ln.quantity} for ln in reversed(lines)]
    if how == "thirds":
        third = {ln.id: (ln.quantity / 3).quantize(D("0.001")) for ln in lines}
        third = {k: v for k, v in third.items() if v > 0}
        return [third, third, None]
    return []


def sums(invoice: Invoice) -> dict:
    credits = list(Invoice.select().where(Invoice.credited_invoice == invoice.id))
    vat: dict = {}
    for credit in credits:
        for entry in credit.vat_breakdown:
            key = (entry["category"], int(entry["rate"]))
            vat[key] = vat.get(key, D(0)) + D(entry["tax"])
            vat[key, "SEK"] = vat.get((key, "SEK"), D(0)) + D(entry.get("tax_sek") or 0)
    return {"net": sum((c.tax_exclusive for c in credits), D(0)), "vat": vat,
            "rounding": sum((c.rounding for c in credits), D(0)),
            "payable": sum((c.payable for c in credits), D(0)),
            "sek": sum((c.tax_total_sek or D(0) for c in credits), D(0))}


def whole(invoice: Invoice) -> dict:
    vat = {(e["category"], int(e["rate"])): D(e["tax"]) for e in invoice.vat_breakdown}
    vat.update({((e["category"], int(e["rate"])), "SEK"): D(e.get("tax_sek") or 0) for e in invoice.vat_breakdown})
    return {"net": invoice.tax_exclusive, "vat": vat,
            "rounding": invoice.rounding, "payable": invoice.payable, "sek": invoice.tax_total_sek or D(0)}


def run_case(case: Case) -> Outcome:
    outcome = Outcome(case)
    make_company(invoice_fee=case.fee, round_invoices=case.rounds)
    buyer = dict(BUYERS[case.buyer], vat_treatment=case.treatment, name=case.name_text, street="Gatan 1 ”B”")
    buyer.setdefault("reference", "Anna Andersson")
    buyer.update(case.customer_extra)
    rate = CURRENCIES.get(case.currency, D("10"))
    try:
        invoice = issue_invoice(make_customer(**buyer), [spec.line() for spec in case.lines], issue_date=case.day,
                                buyer_reference=case.reference, currency=case.currency, exchange_rate=rate,
                                exchange_rate_date=case.day - dt.timedelta(days=1) if rate else None)
    except InvoicingError as exc:
        outcome.refused = (exc.field, str(exc))
        return outcome
    outcome.documents.append((f"{case.name}-invoice", build_ubl(invoice), invoice))
    outcome.send_refused += [p.message_sv for p in check_invoice(invoice)]
    for n, piece in enumerate(credit_plan(invoice, case.credits), start=1):
        if piece is None and Invoice.get_by_id(invoice.id).status == "credited":
            break  # the pieces took everything
        try:
            note = credit_invoice(invoice, piece, reason=f"Kreditering {n} <&>")
        except InvoicingError as exc:
            outcome.credit_problems.append(f"piece {n} {piece} refused: {exc}")
            break
        outcome.documents.append((f"{case.name}-credit{n}", build_ubl(note), note))
        outcome.send_refused += [f"credit {n}: {p.message_sv}" for p in check_invoice(note)]
        done, all_of = sums(invoice), whole(invoice)
        over = [k for k in ("net", "payable", "sek") if done[k] > all_of[k]]
        over += [f"vat {k}" for k in done["vat"] if done["vat"][k] > all_of["vat"].get(k, D(0))]
        if over:
            outcome.credit_problems.append(f"after piece {n} ({piece}) credited more than invoiced: {over} "
                                           f"{done} > {all_of}")
    if case.credits != "none":
        invoice = Invoice.get_by_id(invoice.id)
        if sums(invoice) != whole(invoice):
            outcome.credit_problems.append(f"crediting all does not sum to the invoice: {sums(invoice)} != "
                                           f"{whole(invoice)}")
        if invoice.status != "credited":
            outcome.credit_problems.append(f"status {invoice.status} after crediting all")
    return outcome


def _lines_for(rng: random.Random, kind: str, text: str) -> list[LineSpec]:
    """Lines of one kind of invoice; `text` is the first line's description."""
    quantity = rng.choice([D(1), D(3), D("2.5"), D("0.125"), D("7.333"), D("10000"), D("1234.567")])
    price = rng.choice([D("100"), D("10.10"), D("0.1235"), D("19.9999"), D("0.0001"), D("45.50"), D("1499.95")])
    discount = rng.choice([D(0), D(0), D("33.33"), D(100), D("12.5")])
    unit = rng.choice(["EA", "C62", "HUR", "KGM", "XPK", "MTK", "LTR"])
    first = dict(quantity=quantity, price=price, discount=discount, unit=unit, description=text,
                 incl_vat=rng.random() < 0.3, article=rng.choice(["", "100", "A-7/å"]))
    if kind == "S":
        return [LineSpec("group", rng.choice(["standard", "food", "restaurant", "culture"]), **first),  # type: ignore[arg-type]
                LineSpec("group", "food", D("3"), D("45.55"), D("33.33"), description="Kanelbulle"),
                LineSpec("group", "standard", D("1.5"), D("149.9999"), description="Termos"),
                LineSpec("group", "standard", D("2.25"), D("950"), unit="HUR", description="Konsulttimme",
                         service=True)]
    if kind == "mixed":
        return [LineSpec("group", "standard", **first),  # type: ignore[arg-type]
                LineSpec("group", "food", D("2.125"), D("33.3333"), description="Kaffe"),
                LineSpec("group", "zero", D("1"), D("80"), description="Läkemedel"),
                LineSpec("group", rng.choice(["exempt_care", "exempt_finance"]), D("1"), D("500"),
                         description="Tandvård")]
    if kind == "Z":
        return [LineSpec("group", "zero", **first)]  # type: ignore[arg-type]
    if kind == "E":
        return [LineSpec("group", rng.choice(["exempt_care", "exempt_finance"]), **first),  # type: ignore[arg-type]
                LineSpec("category", "E", D("2"), D("250"), description="Hyra")]
    if kind == "O":
        return [LineSpec("group", "outside", **first), LineSpec("group", "outside", D(1), D("99.99"))]  # type: ignore[arg-type]
    if kind == "manual-AE":
        return [LineSpec("category", "AE", **first), LineSpec("category", "AE", D("8"), D("650"), unit="HUR",
                                                              description="Byggtjänst")]  # type: ignore[arg-type]
    raise KeyError(kind)


def build_matrix(seed: int = 12) -> list[Case]:
    rng = random.Random(seed)
    cases: list[Case] = []
    n = 0

    def add(**kw) -> None:
        nonlocal n
        n += 1
        kw.setdefault("name", f"c{n:03d}")
        kw["name"] = f"c{n:03d}-{kw['name']}"
        cases.append(Case(**kw))

    credits = ["none", "all", "halves", "units", "fee_first", "lines_reversed", "thirds"]
    # Every buyer × its treatments × a kind of invoice, on the four dates, in turn.
    for buyer, fields in BUYERS.items():
        country = fields["country"]
        for treatment in TREATMENTS.get(country, ["", "AE", "K"]):
            for kind in ["S", "mixed", "Z", "E", "O"]:
                if kind == "O" and (treatment or rng.random() < 0.5):
                    continue
                currency = "SEK" if country == "SE" and rng.random() < 0.6 else rng.choice(list(CURRENCIES))
                add(name=f"{buyer}-{treatment or 'normal'}-{kind}", buyer=buyer, treatment=treatment,
                    lines=_lines_for(rng, kind, rng.choice(STRANGE)), day=rng.choice(DAYS), currency=currency,
                    fee=rng.choice([D(0), D("29.00"), D("0.01"), D("49.50")]), rounds=rng.random() < 0.5,
                    credits=rng.choice(credits), name_text=rng.choice(["Kunden AB", *STRANGE[:5]]),
                    reference=rng.choice([None, "Er ref ✓", STRANGE[1]]),
                    customer_extra={"vat_number": ""} if kind == "O" else {})
    # Domestic construction under reverse charge, and manual AE lines.
    for day in DAYS:
        add(name="SE-construction", buyer="SE", treatment="AE", day=day, lines=_lines_for(rng, "manual-AE", "Rivning"),
            fee=D("29.00"), rounds=True, credits=rng.choice(credits))
    # The dates of the food rate: the same article on each day, each currency.
    for day in DAYS:
        for currency in CURRENCIES:
            add(name=f"food-{day}-{currency}", buyer="SE", day=day, currency=currency,
                lines=[LineSpec("group", "food", D("3"), D("10.10"), description="Kaffe"),
                       LineSpec("group", "food", D("10000"), D("0.1235"), description="Bulle", incl_vat=True)],
                fee=D("19.00"), rounds=currency == "SEK", credits=rng.choice(credits))
    # The issue's concrete credit cases.
    add(name="halves-10000", buyer="SE", lines=[LineSpec("rate", 25, D("10000"), D("0.1235"))], credits="halves")
    add(name="units-3x10.10", buyer="SE", lines=[LineSpec("rate", 25, D("3"), D("10.10"))], rounds=True,
        credits="units")
    add(name="one-krona-thirds", buyer="SE", lines=[LineSpec("rate", 25, D("3"), D("0.27"))], rounds=True,
        credits="units")
    add(name="fee-only", buyer="SE-public", lines=[LineSpec("group", "standard", D("2"), D("50"))],
        fee=D("29.00"), credits="fee_first", reference="REF-42")
    add(name="discount-100", buyer="SE", lines=[LineSpec("group", "standard", D("1"), D("100"), D(100)),
                                                 LineSpec("group", "food", D("1"), D("100"))], credits="units")
    add(name="all-100", buyer="SE", lines=[LineSpec("group", "standard", D("1"), D("100"), D(100))],
        fee=D("29.00"), credits="fee_first")
    add(name="zero-price", buyer="DE", treatment="K", lines=[LineSpec("group", "standard", D("2"), D("0"))],
        currency="EUR", credits="all")
    # Random combinations over every dimension.
    for i in range(90):
        buyer = rng.choice(list(BUYERS))
        country = BUYERS[buyer]["country"]
        treatment = rng.choice(TREATMENTS.get(country, ["", "AE", "K"]))
        kind = rng.choice(["S", "mixed", "Z", "E"] + ([] if treatment else ["O"]))
        add(name=f"random{i}", buyer=buyer, treatment=treatment, lines=_lines_for(rng, kind, rng.choice(STRANGE)),
            day=rng.choice(DAYS + [dt.date(2026, 11, 2)]), currency=rng.choice(list(CURRENCIES)),
            fee=rng.choice([D(0), D("29.00"), D("0.01")]), rounds=rng.random() < 0.5, credits=rng.choice(credits),
            name_text=rng.choice(["Kunden AB", *STRANGE]), reference=rng.choice([None, *STRANGE]),
            customer_extra={"vat_number": ""} if kind == "O" else {})
    # Inputs that must be refused, each at its field.
    base = [LineSpec("group", "standard", D("1"), D("100"))]

    def refused(name: str, field_prefix: str, **kw) -> None:
        kw.setdefault("buyer", "SE")
        kw.setdefault("lines", base)
        add(name=f"refuse-{name}", expect_refusal=field_prefix, **kw)

    refused("discount-150", "lines[1].discount", lines=[LineSpec("group", "standard", D(1), D(100), D(150))])
    refused("discount-negative", "lines[1].discount", lines=[LineSpec("group", "standard", D(1), D(100), D(-1))])
    refused("discount-3-decimals", "lines[1].discount",
            lines=[LineSpec("group", "standard", D(1), D(100), D("33.333"))])
    refused("quantity-4-decimals", "lines[1].quantity", lines=[LineSpec("group", "standard", D("1.2345"), D(100))])
    refused("quantity-zero", "lines[1].quantity", lines=[LineSpec("group", "standard", D("0"), D(100))])
    refused("price-5-decimals", "lines[1].unit_price", lines=[LineSpec("group", "standard", D(1), D("0.00001"))])
    refused("price-negative", "lines[1].unit_price", lines=[LineSpec("group", "standard", D(1), D("-5"))])
    refused("unit-PK", "lines[1].unit", lines=[LineSpec("group", "standard", D(1), D(1), unit="PK")])
    refused("rate-20", "lines[1].vat", lines=[LineSpec("rate", 20, D(1), D(1))])
    for label, text in REFUSED_TEXT.items():
        refused(f"description-{label}", "lines[1].description",
                lines=[LineSpec("group", "standard", D(1), D(1), description=text)])
        refused(f"reference-{label}", "buyer_reference", reference=text)
        refused(f"buyer-name-{label}", "buyer.name", name_text=text)
    refused("K-to-norway", "buyer.country", buyer="NO", treatment="K")
    refused("G-to-germany", "buyer.country", buyer="DE", treatment="G")
    refused("K-to-sweden", "buyer.country", buyer="SE", treatment="K")
    refused("K-without-vat", "buyer.vat_number", buyer="DK", treatment="K", customer_extra={"vat_number": ""})
    refused("AE-without-vat", "buyer.vat_number", buyer="SE", treatment="AE", customer_extra={"vat_number": ""})
    refused("O-beside-S", "lines", lines=[LineSpec("group", "outside", D(1), D(1)), *base],
            customer_extra={"vat_number": ""})
    refused("K-on-manual-line-to-sweden", "buyer.country", lines=[LineSpec("category", "K", D(1), D(100))])
    refused("currency-USD", "currency", currency="USD")
    refused("buyer-vat-wrong-country", "buyer.vat_number", buyer="DK", treatment="K",
            customer_extra={"vat_number": "DE136695976"})
    return cases


def write_documents(outcomes: list[Outcome], folder: Path) -> None:
    """Every document and a manifest, for a second validator (KASSA_AUDIT_DIR)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = []
    for outcome in outcomes:
        for name, xml, _ in outcome.documents:
            (folder / f"{name}.xml").write_bytes(xml)
            manifest.append({"file": f"{name}.xml", "case": outcome.case.name,
                             "kassa_send_refused": outcome.send_refused})
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
