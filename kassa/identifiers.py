"""Swedish identifiers, checked with python-stdnum, with Swedish messages that name the field.

Every `check_*` returns the number in its stored form (digits only, or `SE…01` for VAT) and
raises `InvalidIdentifier` with a message a cashier can act on.
"""
from __future__ import annotations

import re

from stdnum import ean, luhn
from stdnum.exceptions import ValidationError
from stdnum.se import orgnr, personnummer, postnummer
from stdnum.se import vat as se_vat


class InvalidIdentifier(ValueError):
    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def _digits(value: str) -> str:
    return re.sub(r"[\s\-+]", "", value or "")


def check_orgnr(value: str, field: str = "Organisationsnummer", allow_personnummer: bool = False) -> str:
    """A legal entity's organisationsnummer (third digit 2 or more), or with
    `allow_personnummer` a sole trader's 10-digit personnummer used as org. number."""
    number = _digits(value)
    if not number.isdigit() or len(number) != 10:
        raise InvalidIdentifier(field, f"{field} ska ha 10 siffror, t.ex. 556677-8899.")
    try:
        orgnr.validate(number)
    except ValidationError:
        raise InvalidIdentifier(
            field, f"{field} {orgnr.format(number)} stämmer inte: kontrollsiffran är fel.") from None
    if int(number[2]) < 2 and not allow_personnummer:
        raise InvalidIdentifier(
            field,
            f"{field} {orgnr.format(number)} ser ut som ett personnummer. "
            "Markera kunden som privatperson, eller kontrollera numret.",
        )
    return number


def check_personnummer(value: str, field: str = "Personnummer") -> str:
    """Stored as 10 digits YYMMDDNNNN (the century is implied by the '+' separator for 100+ year olds)."""
    raw = (value or "").strip()
    try:
        personnummer.validate(raw)
    except ValidationError:
        raise InvalidIdentifier(field, f"{field} {raw} är inte giltigt (ÅÅMMDD-NNNN).") from None
    compact = personnummer.compact(raw)
    return compact[-10:] if len(compact) == 12 else _digits(compact)


def vat_from_orgnr(org_number: str) -> str:
    return f"SE{_digits(org_number)}01"


def check_vat(value: str, field: str = "Momsregistreringsnummer") -> str:
    raw = (value or "").strip().upper().replace(" ", "").replace("-", "")
    if not raw.startswith("SE") or len(raw) != 14:
        raise InvalidIdentifier(field, f"{field} ska ha formen SE + organisationsnummer + 01, t.ex. SE556677889901.")
    try:
        se_vat.validate(raw)
    except ValidationError:
        raise InvalidIdentifier(field, f"{field} {raw} stämmer inte: organisationsnumret i det är fel.") from None
    return raw


def _check_giro(value: str, field: str, lengths: range, example: str) -> str:
    number = _digits(value)
    if not number.isdigit() or len(number) not in lengths:
        raise InvalidIdentifier(field, f"{field} ska ha {lengths.start}–{lengths.stop - 1} siffror, t.ex. {example}.")
    if not luhn.is_valid(number):
        raise InvalidIdentifier(field, f"{field} {value.strip()} stämmer inte: kontrollsiffran är fel.")
    return number


def check_bankgiro(value: str, field: str = "Bankgiro") -> str:
    return _check_giro(value, field, range(7, 9), "5050-1055")


def check_plusgiro(value: str, field: str = "Plusgiro") -> str:
    return _check_giro(value, field, range(2, 9), "90 20 03-3")


def format_bankgiro(number: str) -> str:
    return f"{number[:-4]}-{number[-4:]}" if number else ""


def format_plusgiro(number: str) -> str:
    return f"{number[:-1]}-{number[-1]}" if number else ""


def format_orgnr(number: str) -> str:
    return f"{number[:6]}-{number[6:]}" if len(number) == 10 else number


def _check_gtin13(value: str, field: str) -> str:
    """13 digits with a GS1 check digit: a GLN and an EAN-13 barcode share the form."""
    number = _digits(value)
    if not number.isdigit() or len(number) != 13:
        raise InvalidIdentifier(field, f"{field} ska ha 13 siffror.")
    try:
        ean.validate(number)
    except ValidationError:
        raise InvalidIdentifier(field, f"{field} {number} stämmer inte: kontrollsiffran är fel.") from None
    return number


def check_gln(value: str, field: str = "GLN") -> str:
    return _check_gtin13(value, field)


def check_ean13(value: str, field: str = "Streckkod") -> str:
    return _check_gtin13(value, field)


def check_postal_code(value: str, field: str = "Postnummer") -> str:
    try:
        return postnummer.validate(value or "")
    except ValidationError:
        raise InvalidIdentifier(field, f"{field} ska ha fem siffror, t.ex. 411 01.") from None


def format_postal_code(code: str) -> str:
    return f"{code[:3]} {code[3:]}" if len(code) == 5 else code


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")


def check_email(value: str, field: str = "E-post") -> str:
    value = (value or "").strip()
    if not _EMAIL.match(value):
        raise InvalidIdentifier(field, f"{field} '{value}' är inte en giltig e-postadress.")
    return value


def check_iban(value: str, field: str = "IBAN") -> str:
    from stdnum import iban

    try:
        return iban.validate(value or "")
    except ValidationError:
        raise InvalidIdentifier(field, f"{field} {value} stämmer inte.") from None


def check_bic(value: str, field: str = "BIC") -> str:
    from stdnum import bic

    try:
        return bic.validate(value or "")
    except ValidationError:
        raise InvalidIdentifier(field, f"{field} {value} stämmer inte (8 eller 11 tecken, t.ex. ESSESESS).") from None
