"""Money, VAT and totals, as EN 16931 computes them.

Amounts are `Decimal` rounded half-up to öre per line. VAT is computed per rate on the
sum of the line amounts (and charges) of that rate, so the totals rules of the e-invoice
(BR-CO-10..17) hold to the öre. Prices entered with VAT are converted so that the total
with VAT is the one the cashier typed, wherever an öre allows it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ORE = Decimal("0.01")
KRONA = Decimal("1")
PRICE_QUANTUM = Decimal("0.0001")
ZERO = Decimal("0.00")
NBSP = "\u00a0"  # keeps "1 234,50" on one line


def to_decimal(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must be Decimal or str, not float")
    return Decimal(value)


def round_ore(value: Decimal) -> Decimal:
    return to_decimal(value).quantize(ORE, rounding=ROUND_HALF_UP)


def round_price(value: Decimal) -> Decimal:
    return to_decimal(value).quantize(PRICE_QUANTUM, rounding=ROUND_HALF_UP)


def round_krona(value: Decimal) -> Decimal:
    """Öresavrundning to whole kronor, half up."""
    return to_decimal(value).quantize(KRONA, rounding=ROUND_HALF_UP).quantize(ORE)


def vat_category(rate: int) -> str:
    """The category of a line that names none: S for the standard rates; E (exempt) for 0 %."""
    return "S" if rate else "E"


def format_sek(amount: Decimal) -> str:
    """Swedish form: 1 234,50 (no currency sign)."""
    q = round_ore(amount)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + NBSP.join(groups) + "," + frac


def format_price(price: Decimal) -> str:
    """A unit price in Swedish form with the decimals it has, two to four: 12,50, 0,1235, 49,0179."""
    exact = round_price(price)
    frac = f"{abs(exact):.4f}".split(".")[1].rstrip("0").ljust(2, "0")
    return ("-" if exact < 0 else "") + format_sek(Decimal(int(abs(exact)))).split(",")[0] + "," + frac


@dataclass
class LineInput:
    """A line as the cashier enters it.

    `vat_category` "" means S for a rate above 0 and E at 0 % (lines from before categories);
    `reason_code` / `reason_text` are the exemption's VATEX code and text (E, O); `vat_group_id`
    names the VAT group whose rate on the date of supply the line takes (kassa.vat.rates);
    `is_service`: a service, not goods (an article's flag), which decides K or AE for a buyer in
    another EU country (kassa.vat.categories.line_category).
    """

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: int
    price_includes_vat: bool = False
    discount_percent: Decimal = ZERO
    unit: str = "EA"
    article_number: str = ""
    credited_line_id: int | None = None
    vat_category: str = ""
    reason_code: str = ""
    reason_text: str = ""
    vat_group_id: int | None = None
    is_service: bool = False

    def __post_init__(self):
        self.quantity = to_decimal(self.quantity)
        self.unit_price = to_decimal(self.unit_price)
        self.discount_percent = to_decimal(self.discount_percent)

    @property
    def category(self) -> str:
        return self.vat_category or vat_category(self.vat_rate)

    @property
    def vat_key(self) -> tuple[str, int]:
        return self.category, self.vat_rate


@dataclass
class ComputedLine:
    kind: str  # item | fee
    description: str
    quantity: Decimal
    unit: str
    gross_price: Decimal  # excl. VAT, before discount
    discount_percent: Decimal
    net_price: Decimal  # excl. VAT, after discount
    line_amount: Decimal  # excl. VAT
    vat_rate: int
    article_number: str = ""
    credited_line_id: int | None = None
    category: str = ""
    reason_code: str = ""
    reason_text: str = ""

    @property
    def vat_category(self) -> str:
        return self.category or vat_category(self.vat_rate)

    @property
    def vat_key(self) -> tuple[str, int]:
        return self.vat_category, self.vat_rate


# The order of the VAT breakdown: highest rate first, then the zero categories in a fixed order.
_CATEGORY_ORDER = {code: i for i, code in enumerate(("S", "Z", "E", "AE", "K", "G", "O"))}


def key_order(key: tuple[str, int]) -> tuple[int, int]:
    return -key[1], _CATEGORY_ORDER.get(key[0], 99)


@dataclass
class VatSubtotal:
    rate: int
    taxable: Decimal
    tax: Decimal
    category: str = ""
    reason_code: str = ""
    reason: str = ""
    tax_sek: Decimal | None = None  # the VAT in kronor of an invoice in another currency (its share of BT-111)

    def __post_init__(self):
        self.category = self.category or vat_category(self.rate)

    def as_dict(self) -> dict:
        entry = {"rate": self.rate, "category": self.category, "taxable": str(self.taxable), "tax": str(self.tax),
                 "reason_code": self.reason_code, "reason": self.reason}
        if self.tax_sek is not None:
            entry["tax_sek"] = str(self.tax_sek)
        return entry


def merge_reasons(lines: list[ComputedLine]) -> tuple[str, str]:
    """One exemption reason for a breakdown (one per category, BR-E-01): the common code, if the lines
    share one, and their texts joined."""
    codes = {line.reason_code for line in lines if line.reason_code}
    texts: list[str] = []
    for line in lines:
        if line.reason_text and line.reason_text not in texts:
            texts.append(line.reason_text)
    return (codes.pop() if len(codes) == 1 else ""), "; ".join(texts)
@dataclass
class Totals:
    lines: list[ComputedLine]
    vat: list[VatSubtotal]
    line_extension: Decimal
    charge_total: Decimal
    tax_exclusive: Decimal
    tax_total: Decimal
    tax_inclusive: Decimal
    rounding: Decimal
    payable: Decimal
    fee_lines: list[ComputedLine] = field(default_factory=list)


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` (öre) in proportion to `weights`, the parts summing exactly to `total`."""
    if not weights:
        return []
    weight_sum = sum(weights)
    if weight_sum == 0:
        parts = [ZERO] * len(weights)
        parts[0] = total
        return parts
    parts = [round_ore(total * w / weight_sum) for w in weights]
    diff = total - sum(parts)
    # Put the öre left over on the largest weight, so small lines keep their exact share.
    biggest = max(range(len(weights)), key=lambda i: abs(weights[i]))
    parts[biggest] += diff
    return parts


def split_tax_sek(tax_total_sek: Decimal, vat: list[VatSubtotal]) -> None:
    """Set each breakdown's VAT in kronor: the invoice's VAT in kronor split in proportion to the VAT of
    each rate, so the rates add up to what the invoice states (BT-111)."""
    for subtotal, part in zip(vat, allocate(tax_total_sek, [v.tax for v in vat]), strict=True):
        subtotal.tax_sek = part


def _net_from_gross(gross_sum: Decimal, rate: int) -> Decimal:
    """The net amount whose VAT, rounded, brings it back to `gross_sum` where an öre allows it."""
    factor = Decimal(100 + rate) / 100
    candidate = round_ore(gross_sum / factor)
    for n in (candidate, candidate - ORE, candidate + ORE):
        if n + round_ore(n * rate / 100) == gross_sum:
            return n
    return candidate


def compute_lines(inputs: list[LineInput]) -> list[ComputedLine]:
    computed: list[ComputedLine | None] = [None] * len(inputs)
    incl_by_key: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, line in enumerate(inputs):
        factor = (100 - line.discount_percent) / 100
        if line.price_includes_vat:
            incl_by_key[line.vat_key].append(i)
            continue
        net_price = round_price(line.unit_price * factor)
        computed[i] = ComputedLine(
            "item", line.description, line.quantity, line.unit, round_price(line.unit_price),
            line.discount_percent, net_price, round_ore(line.quantity * line.unit_price * factor),
            line.vat_rate, line.article_number, line.credited_line_id, line.category, line.reason_code,
            line.reason_text,
        )
    for (category, rate), indexes in incl_by_key.items():
        vat_factor = Decimal(100 + rate) / 100
        gross_amounts = [
            round_ore(inputs[i].quantity * inputs[i].unit_price * (100 - inputs[i].discount_percent) / 100)
            for i in indexes
        ]
        nets = allocate(_net_from_gross(sum(gross_amounts, ZERO), rate), gross_amounts)
        for i, net in zip(indexes, nets, strict=True):
            line = inputs[i]
            gross_price = round_price(line.unit_price / vat_factor)
            net_price = round_price(net / line.quantity) if line.quantity else round_price(
                gross_price * (100 - line.discount_percent) / 100
            )
            computed[i] = ComputedLine(
                "item", line.description, line.quantity, line.unit, gross_price, line.discount_percent,
                net_price, net, rate, line.article_number, line.credited_line_id, category, line.reason_code,
                line.reason_text,
            )
    return computed  # type: ignore[return-value]


def split_fee(fee: Decimal, lines: list[ComputedLine]) -> list[ComputedLine]:
    """The invoice fee, its VAT following the main supply: one part per category and rate, in proportion."""
    fee = round_ore(fee)
    if fee <= 0 or not lines:
        return []
    base: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    reasons: dict[tuple[str, int], list[ComputedLine]] = defaultdict(list)
    for line in lines:
        base[line.vat_key] += line.line_amount
        reasons[line.vat_key].append(line)
    keys = sorted((k for k in base if base[k] > 0), key=key_order) or [min(base, key=key_order)]
    parts = allocate(fee, [base[k] for k in keys])
    fees = []
    for (category, rate), part in zip(keys, parts, strict=True):
        if part:
            code, text = merge_reasons(reasons[(category, rate)])
            fees.append(ComputedLine("fee", "Fakturaavgift", Decimal("1.000"), "EA", part, ZERO, part, part, rate,
                                     category=category, reason_code=code, reason_text=text))
    return fees


def vat_subtotals(lines: list[ComputedLine],
                  corrections: dict[tuple[str, int], Decimal] | None = None) -> list[VatSubtotal]:
    """The VAT breakdown of `lines` (items and fees): per category and rate, VAT on the sum (BR-CO-17),
    plus the öre of `corrections` (see `gross_corrections`)."""
    by_key: dict[tuple[str, int], list[ComputedLine]] = defaultdict(list)
    for line in lines:
        by_key[line.vat_key].append(line)
    subtotals = []
    for key in sorted(by_key, key=key_order):
        category, rate = key
        taxable = sum((line.line_amount for line in by_key[key]), ZERO)
        code, text = merge_reasons(by_key[key])
        tax = round_ore(taxable * rate / 100) + (corrections or {}).get(key, ZERO)
        subtotals.append(VatSubtotal(rate, taxable, tax, category, code, text))
    return subtotals


def gross_corrections(inputs: list[LineInput], items: list[ComputedLine]) -> dict[tuple[str, int], Decimal]:
    """Per category and rate whose lines were all entered with VAT: the öre by which VAT on the net sum,
    rounded, misses the sum of the prices the customer was shown.

    Some sums with VAT have no net amount whose rounded VAT gives them back (25,00 kr at 6 %: 23,58 + 1,41
    = 24,99, 23,59 + 1,42 = 25,01). The customer pays the prices on the shelf, so the VAT of such a rate is
    the sum with VAT minus its net sum (1,42: 25,00 × 6/106 rounded, as a receipt states it). That is an öre
    from taxable × rate, well within BR-CO-17's tolerance (less than one unit of the currency)."""
    gross: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    entered_without_vat = set()
    for line in inputs:
        if line.price_includes_vat:
            gross[line.vat_key] += round_ore(line.quantity * line.unit_price * (100 - line.discount_percent) / 100)
        else:
            entered_without_vat.add(line.vat_key)
    net: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for item in items:
        net[item.vat_key] += item.line_amount
    corrections = {}
    for key, total in gross.items():
        if key not in entered_without_vat:
            missed = total - net[key] - round_ore(net[key] * key[1] / 100)
            if missed:
                corrections[key] = missed
    return corrections


def compute_totals(
    inputs: list[LineInput] | None = None,
    *,
    lines: list[ComputedLine] | None = None,
    fee: Decimal = ZERO,
    fee_lines: list[ComputedLine] | None = None,
    round_to_krona: bool = False,
) -> Totals:
    """Totals of an invoice or a receipt. Pass `inputs` (entered lines) or already computed `lines`."""
    items = lines if lines is not None else compute_lines(inputs or [])
    fees = fee_lines if fee_lines is not None else split_fee(fee, items)
    corrections = gross_corrections(inputs, items) if inputs and lines is None else None
    vat = vat_subtotals(items + fees, corrections)
    line_extension = sum((line.line_amount for line in items), ZERO)
    charge_total = sum((line.line_amount for line in fees), ZERO)
    tax_exclusive = line_extension + charge_total
    tax_total = sum((v.tax for v in vat), ZERO)
    tax_inclusive = tax_exclusive + tax_total
    rounding = (round_krona(tax_inclusive) - tax_inclusive) if round_to_krona else ZERO
    return Totals(items, vat, line_extension, charge_total, tax_exclusive, tax_total, tax_inclusive,
                  rounding, tax_inclusive + rounding, fees)
