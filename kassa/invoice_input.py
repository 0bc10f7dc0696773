"""What an invoice may contain, checked before it is issued (and again before it is sent).

Every check here returns problems with a Swedish message and the field it concerns, so a
dialog can point at the place to fix. Together with kassa.vat.conditions they cover what the
UBL builder can produce: text XML cannot carry (control characters), lengths the database and
the document hold, decimals the stored fields keep, discounts of 0–100 % (BR-27), unit codes
of UN/ECE rec. 20 (BR-CL-23), rates per category (SE-R-006, BR-x-05).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kassa.vat.categories import CATEGORIES, STANDARD_RATES

MAX_TEXT = 255  # a CharField on PostgreSQL; the longest text a field of an invoice keeps
MAX_QUANTITY = Decimal("9999999.999")
MAX_UNIT_PRICE = Decimal("99999999.9999")
QUANTITY_DECIMALS = 3
PRICE_DECIMALS = 4
DISCOUNT_DECIMALS = 2
# Sums stay far below what a BIGINT of öre holds.
MAX_TOTAL = Decimal("1000000000000.00")

# UN/ECE recommendation 20 codes Kassa offers, with the Swedish word the paper invoice uses.
UNITS = {
    "EA": "st", "C62": "st", "H87": "st", "HUR": "tim", "DAY": "dag", "MON": "mån", "KGM": "kg", "GRM": "g",
    "TNE": "ton", "LTR": "l", "MLT": "ml", "MTR": "m", "MTK": "m²", "MTQ": "m³", "KMT": "km", "XPK": "förp",
    "SET": "sats", "PR": "par", "KWH": "kWh",
}

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; surrogates; the
# two non-characters XML 1.0 excludes.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class InputProblem:
    field: str
    message_sv: str

    def __str__(self) -> str:
        return self.message_sv


def control_characters(text: str) -> list[str]:
    """The forbidden characters in `text`, as U+XXXX."""
    return sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(text or "")})


def check_text(value: str | None, what: str, field: str, *, max_length: int = MAX_TEXT,
               place: str = "") -> list[InputProblem]:
    """Control characters are refused (not removed: the text would silently change), and so is text
    longer than the field holds."""
    text = value or ""
    where = f" Rätta det i {place}." if place else ""
    problems = []
    found = control_characters(text)
    if found:
        problems.append(InputProblem(field, f"{what} innehåller osynliga styrtecken ({', '.join(found)}) som inte "
                                            f"kan stå på en faktura. Texten ändras inte av Kassa: ta bort tecknen och "
                                            f"försök igen.{where}"))
    if len(text) > max_length:
        problems.append(InputProblem(field, f"{what} får vara högst {max_length} tecken; den har {len(text)}.{where}"))
    return problems


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def fmt(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def check_line(index: int, description: str, quantity: Decimal, unit_price: Decimal, discount: Decimal, unit: str,
               article_number: str = "", category: str = "S", rate: int = 25) -> list[InputProblem]:
    """One line of an invoice (index counts from 1, as the cashier sees it)."""
    row = f"Rad {index}"
    key = f"lines[{index}]"
    problems = check_text(description, f"Beskrivningen på rad {index}", f"{key}.description")
    problems += check_text(article_number, f"Artikelnumret på rad {index}", f"{key}.article_number")
    for value, what, name in ((quantity, "antalet", "quantity"), (unit_price, "à-priset", "unit_price"),
                              (discount, "rabatten", "discount")):
        if not isinstance(value, Decimal) or not value.is_finite():
            problems.append(InputProblem(f"{key}.{name}", f"{row}: {what} är inget tal."))
    if problems:
        return problems
    if quantity <= 0:
        problems.append(InputProblem(f"{key}.quantity", f"{row}: antalet måste vara större än noll."))
    elif quantity > MAX_QUANTITY:
        problems.append(InputProblem(f"{key}.quantity", f"{row}: antalet får vara högst {fmt(MAX_QUANTITY)}."))
    if _decimals(quantity) > QUANTITY_DECIMALS:
        problems.append(InputProblem(f"{key}.quantity", f"{row}: antalet {fmt(quantity)} har för många decimaler; "
                                                        f"högst {QUANTITY_DECIMALS} får anges."))
    if unit_price < 0:
        problems.append(InputProblem(f"{key}.unit_price", f"{row}: priset kan inte vara negativt. Gör en "
                                                          "kreditfaktura för det som ska dras av."))
    elif unit_price > MAX_UNIT_PRICE:
        problems.append(InputProblem(f"{key}.unit_price", f"{row}: priset får vara högst {fmt(MAX_UNIT_PRICE)}."))
    if _decimals(unit_price) > PRICE_DECIMALS:
        problems.append(InputProblem(f"{key}.unit_price", f"{row}: priset {fmt(unit_price)} har för många decimaler; "
                                                          f"högst {PRICE_DECIMALS} får anges."))
    if discount < 0 or discount > 100:
        problems.append(InputProblem(f"{key}.discount", f"{row}: rabatten {fmt(discount)} % går inte: en rabatt är "
                                                        "mellan 0 och 100 %."))
    if _decimals(discount) > DISCOUNT_DECIMALS:
        problems.append(InputProblem(f"{key}.discount", f"{row}: rabatten {fmt(discount)} % har för många "
                                                        f"decimaler; högst {DISCOUNT_DECIMALS} får anges."))
    if unit not in UNITS:
        problems.append(InputProblem(f"{key}.unit", f"{row}: enheten '{unit}' är ingen enhetskod som Kassa kan "
                                                    "skicka (UN/ECE rek. 20). Välj t.ex. st, tim, kg eller förp."))
    problems += check_rate(index, category, rate)
    return problems


def check_rate(index: int, category: str, rate: int) -> list[InputProblem]:
    key, row = f"lines[{index}].vat", f"Rad {index}"
    if category not in CATEGORIES:
        return [InputProblem(key, f"{row}: momskategorin '{category}' finns inte.")]
    if category == "S" and rate not in STANDARD_RATES:
        return [InputProblem(key, f"{row}: momssatsen {rate} % finns inte i Sverige; välj 25, 12 eller 6 %, eller "
                                  "en momsfri grupp.")]
    if category != "S" and rate != 0:
        return [InputProblem(key, f"{row}: {CATEGORIES[category].name} har momssatsen 0 %, inte {rate} %.")]
    return []


# Texts of the seller and buyer snapshots that go on the invoice: key -> Swedish label, in the indefinite
# form that follows a genitive ("Kundens namn", "Företagets säte").
PARTY_TEXTS = {
    "name": "namn", "street": "gatuadress", "postal_code": "postnummer", "city": "ort", "email": "e-postadress",
    "phone": "telefonnummer", "reference": "referens", "registered_office": "säte", "late_interest_text":
    "text om dröjsmålsränta", "org_number": "organisationsnummer", "vat_number": "momsregistreringsnummer",
    "endpoint_id": "Peppol-adress", "gln": "GLN",
}


def check_party(party: dict, who: str, prefix: str, place: str) -> list[InputProblem]:
    """The texts of a seller or buyer snapshot; `who` is "Kundens"/"Företagets"."""
    problems = []
    if not (party.get("name") or "").strip():
        problems.append(InputProblem(f"{prefix}.name", f"{who} namn saknas; en faktura ska ha båda parternas namn. "
                                                       f"Fyll i det i {place}."))
    for key, label in PARTY_TEXTS.items():
        value = party.get(key)
        if isinstance(value, str):
            problems += check_text(value, f"{who} {label}", f"{prefix}.{key}", place=place)
    return problems

