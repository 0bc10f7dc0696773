"""OCR references, checked by an independent Luhn routine written here."""
import pytest

from kassa.ocr import is_valid_ocr, make_ocr


def independent_luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


@pytest.mark.parametrize("number", [1, 9, 10, 99, 100, 1234, 20260001, 99999999999, 10**20])
def test_ocr_has_length_and_check_digit(number):
    ocr = make_ocr(number)
    assert ocr.startswith(str(number))
    assert ocr.isdigit() and 2 <= len(ocr) <= 25
    assert int(ocr[-2]) == len(ocr) % 10  # the length digit
    assert independent_luhn_ok(ocr)
    assert is_valid_ocr(ocr)


def test_known_value():
    # 1234 + length digit 6 (6 digits in all) + Luhn check digit 3
    assert make_ocr(1234) == "123463"


@pytest.mark.parametrize("bad", ["123464", "123453", "1", "12a463", "", "1" * 26])
def test_wrong_references_are_refused(bad):
    assert not is_valid_ocr(bad)
