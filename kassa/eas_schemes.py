"""Buyers' Peppol identifiers by country: endpoint (EAS) and legal registration (ICD) schemes.

vat.md, "Foreign buyers": NO 0192, DK 0184, FI 0216 (OVT) or 0037, DE 9930 (VAT number) or 0204
(Leitweg-ID), NL 0106 (KvK) or 0190 (OIN), BE 0208, anywhere 0088 (GLN); 0007 only for Swedish
organisation numbers. Each number is checked with python-stdnum where it has the scheme, else
with the form the Peppol rules check (PEPPOL-COMMON-R040..R057). Messages are Swedish and name
the field. A scheme used as the legal id (BT-47) must also be an ISO 6523 ICD (BR-CL-11): 9930
is an electronic address only.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from stdnum import ean
from stdnum.be import vat as be_vat
from stdnum.de import leitweg
from stdnum.de import vat as de_vat
from stdnum.dk import cvr
from stdnum.exceptions import ValidationError
from stdnum.fi import ytunnus
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr

from kassa.identifiers import InvalidIdentifier


def _compact(value: str) -> str:
    return re.sub(r"[\s\-.]", "", value or "").upper()


def _stdnum(module, label: str, example: str) -> Callable[[str, str], str]:
    def check(value: str, field: str) -> str:
        try:
            return module.compact(module.validate(module.compact(value or "")))
        except ValidationError:
            raise InvalidIdentifier(field, f"{field}: {value.strip()} är inte ett giltigt {label} "
                                           f"(t.ex. {example}).") from None
    return check


def _check_se(value: str, field: str) -> str:
    number = _compact(value)
    if not number.isdigit() or len(number) != 10 or not se_orgnr.is_valid(number):
        raise InvalidIdentifier(field, f"{field}: {value.strip()} är inte ett giltigt svenskt organisationsnummer "
                                       "(10 siffror, t.ex. 556677-8899).")
    return number


def _check_dk(value: str, field: str) -> str:
    number = _compact(value)
    number = number[2:] if number.startswith("DK") else number
    try:
        return cvr.validate(number)
    except ValidationError:
        raise InvalidIdentifier(field, f"{field}: {value.strip()} är inte ett giltigt danskt CVR-nummer "
                                       "(8 siffror, t.ex. 13585628).") from None


def _check_fi_business(value: str, field: str) -> str:
    number = _compact(value)
    try:
        return ytunnus.compact(ytunnus.validate(number))
    except ValidationError:
        raise InvalidIdentifier(field, f"{field}: {value.strip()} är inte ett giltigt finskt FO-nummer "
                                       "(Y-tunnus, t.ex. 2077474-0).") from None


def _check_fi_ovt(value: str, field: str) -> str:
    """OVT: 0037 + the 8-digit business id + up to 5 characters of the buyer's own."""
    number = _compact(value)
    if not re.fullmatch(r"0037\d{8}[0-9A-Z]{0,5}", number) or not ytunnus.is_valid(number[4:12]):
        raise InvalidIdentifier(field, f"{field}: {value.strip()} är inte en giltig finsk OVT-kod "
                                       "(0037 + FO-numret utan bindestreck, t.ex. 003720774740).")
    return number


def _pattern(regex: str, label: str, example: str) -> Callable[[str, str], str]:
    def check(value: str, field: str) -> str:
        number = _compact(value)
        if not re.fullmatch(regex, number):
            raise InvalidIdentifier(field, f"{field}: {value.strip()} är inte ett giltigt {label} (t.ex. {example}).")
        return number
    return check


def _check_be(value: str, field: str) -> str:
    number = _compact(value)
    number = number[2:] if number.startswith("BE") else number
    if not re.fullmatch(r"[01]\d{9}", number) or not be_vat.is_valid(number):
        raise InvalidIdentifier(field, f"{field}: {value.strip()} är inte ett giltigt belgiskt företagsnummer "
                                       "(10 siffror, t.ex. 0403019261).")
    return number


def _check_de_vat(value: str, field: str) -> str:
    number = _compact(value)
    try:
        return "DE" + de_vat.validate(number)
    except ValidationError:
        raise InvalidIdentifier(field, f"{field}: {value.strip()} är inte ett giltigt tyskt momsregistreringsnummer "
                                       "(DE + 9 siffror, t.ex. DE136695976).") from None


def _check_gln(value: str, field: str) -> str:
    number = _compact(value)
    if not re.fullmatch(r"\d{13}", number) or not ean.is_valid(number):
        raise InvalidIdentifier(field, f"{field}: {value.strip()} är inte ett giltigt GLN "
                                       "(13 siffror med kontrollsiffra).")
    return number


@dataclass(frozen=True)
class Scheme:
    code: str
    label: str  # Swedish, for the form
    check: Callable[[str, str], str]
    countries: tuple[str, ...]  # () = any country
    legal: bool  # also an ISO 6523 ICD, so usable as legal registration id (BT-47, BR-CL-11)
    from_vat: bool = False  # the value is the buyer's VAT number
    endpoint: bool = True  # on Peppol's list of electronic address schemes (PEPPOL-EN16931-CL008)


SCHEMES: dict[str, Scheme] = {s.code: s for s in (
    Scheme("0007", "Organisationsnummer (Sverige)", _check_se, ("SE",), True),
    Scheme("0192", "Organisationsnummer (Norge, Enhetsregisteret)",
           _stdnum(no_orgnr, "norskt organisationsnummer", "974760673"), ("NO",), True),
    Scheme("0184", "CVR-nummer (Danmark)", _check_dk, ("DK",), True),
    Scheme("0216", "OVT-kod (Finland)", _check_fi_ovt, ("FI",), True),
    Scheme("0037", "FO-nummer, Y-tunnus (Finland)", _check_fi_business, ("FI",), True, endpoint=False),
    Scheme("9930", "Momsregistreringsnummer (Tyskland)", _check_de_vat, ("DE",), False, True),
    Scheme("0204", "Leitweg-ID (Tyskland, offentlig köpare)",
           _stdnum(leitweg, "Leitweg-ID", "991-33333TEST-33"), ("DE",), True),
    Scheme("0106", "KvK-nummer (Nederländerna)", _pattern(r"\d{8}", "KvK-nummer", "12345678"), ("NL",), True),
    Scheme("0190", "OIN (Nederländerna)", _pattern(r"\d{20}", "OIN", "00000001003214345000"), ("NL",), True),
    Scheme("0208", "Företagsnummer (Belgien)", _check_be, ("BE",), True),
    Scheme("0088", "GLN", _check_gln, (), True),
)}

# The legal-id scheme a buyer of each country has when none is chosen.
DEFAULT_LEGAL_SCHEME = {"SE": "0007", "NO": "0192", "DK": "0184", "FI": "0037", "NL": "0106", "BE": "0208"}
# The scheme its Peppol address is derived from, when the legal id cannot serve (DE: the VAT number).
DEFAULT_ENDPOINT_SCHEME = {"DE": "9930"}


def schemes_for(country: str, *, legal: bool = False) -> list[Scheme]:
    """The schemes a buyer in `country` can use: as a legal id only ICD schemes, else Peppol addresses."""
    country = (country or "SE").upper()
    return [s for s in SCHEMES.values()
            if (not s.countries or country in s.countries) and (s.legal if legal else s.endpoint)]


def legal_scheme_of(country: str, chosen: str) -> str:
    """The legal-id scheme of a buyer: the chosen one, else its country's default ("" = none)."""
    return chosen or DEFAULT_LEGAL_SCHEME.get((country or "SE").upper(), "")


def check_scheme_value(scheme: str, value: str, country: str, field: str = "Peppol-adressen") -> str:
    """`value` checked as an identifier of `scheme` for a buyer in `country`; its stored form."""
    found = SCHEMES.get(scheme)
    country = (country or "SE").upper()
    if found is None:
        raise InvalidIdentifier(field, f"{field}: schemat {scheme} stöds inte. Välj ett av: "
                                       + ", ".join(f"{s.code} ({s.label})" for s in schemes_for(country)) + ".")
    if found.countries and country not in found.countries:
        allowed = ", ".join(f"{s.code} ({s.label})" for s in schemes_for(country))
        raise InvalidIdentifier(field, f"{field}: schemat {scheme} ({found.label}) gäller inte köpare i {country}. "
                                       f"Välj ett av: {allowed}.")
    return found.check(value, field)


def scheme_form(scheme: str, value: str) -> str:
    """`value` in the form its scheme defines (digits of an org. number, a VAT number's compact upper
    case), as the e-invoice carries it; as it is, stripped, when it is no valid identifier of the scheme
    (the checks before sending refuse it then)."""
    found = SCHEMES.get(scheme)
    if found is None:
        return (value or "").strip()
    try:
        return found.check(value or "", "")
    except InvalidIdentifier:
        return (value or "").strip()


def vat_form(value: str) -> str:
    """A VAT number without spaces, hyphens or dots, in upper case ("se 5560360793 01" -> SE556036079301),
    as EN 16931 compares its prefix with the country codes (BR-CO-09)."""
    return _compact(value)


def derived_endpoint(country: str, org_number: str, legal_scheme: str, gln: str, vat_number: str,
                     is_private: bool) -> tuple[str, str] | None:
    """The Peppol address a buyer is routed on when none is set explicitly, or None."""
    country = (country or "SE").upper()
    if gln:
        return "0088", gln
    if is_private:
        return None
    scheme = legal_scheme_of(country, legal_scheme)
    if org_number and scheme == "0037":  # a Finnish business id is reached through its OVT code
        return "0216", "0037" + org_number
    if org_number and scheme in SCHEMES and SCHEMES[scheme].endpoint:
        return scheme, org_number
    if DEFAULT_ENDPOINT_SCHEME.get(country) == "9930" and vat_number:
        return "9930", vat_number
    return None
