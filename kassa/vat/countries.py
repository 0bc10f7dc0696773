"""Countries: the EU member states (for intra-EU supplies and exports), VAT number prefixes,
and country names in Swedish (pycountry's ISO 3166 data and its Swedish translation)."""
from __future__ import annotations

import functools
import gettext

import pycountry

# The member states of the European Union (a legal fact, not in ISO 3166).
EU_MEMBERS = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
    "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})


def is_eu(country: str) -> bool:
    return (country or "").upper() in EU_MEMBERS


def vat_prefix(country: str) -> str:
    """The prefix of a VAT number of `country`: its ISO code, except Greece's EL."""
    country = (country or "").upper()
    return "EL" if country == "GR" else country


def is_country(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code (every one of them is on EN 16931's list, BR-CL-14)."""
    return len(code or "") == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


@functools.lru_cache(maxsize=1)
def _swedish() -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["sv"])
    except OSError:  # a pycountry without its translations: English names then
        return gettext.NullTranslations()


def country_name(code: str) -> str:
    """The Swedish name of a country ("Norge"), or the code when it is unknown."""
    found = pycountry.countries.get(alpha_2=(code or "").upper())
    return _swedish().gettext(found.name) if found is not None else (code or "")
