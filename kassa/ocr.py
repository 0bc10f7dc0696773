"""OCR payment references for Bankgirot's hard check: number + length digit + Luhn check digit."""
from __future__ import annotations

from stdnum import luhn


def make_ocr(invoice_number: int) -> str:
    base = str(invoice_number)
    length_digit = str((len(base) + 2) % 10)
    body = base + length_digit
    return body + luhn.calc_check_digit(body)


def is_valid_ocr(reference: str) -> bool:
    """Digits only, 2–25 long, a valid Luhn check digit and a matching length digit."""
    if not reference.isdigit() or not 2 <= len(reference) <= 25:
        return False
    return luhn.is_valid(reference) and int(reference[-2]) == len(reference) % 10
