"""The conditions each VAT category puts on an invoice, checked before it is issued and again
before an e-invoice is sent (BR-AE-02, BR-IC-02/11/12, BR-G-02, BR-O-02/11..14, BR-CO-09; vat.md).

They work on the seller and buyer snapshots (kassa.invoicing.seller_snapshot / buyer_snapshot),
the set of categories on the invoice and its delivery date, and return problems with Swedish
messages that say where to fix them.
"""
from __future__ import annotations

import datetime as dt
import re

from stdnum.exceptions import ValidationError

from kassa.identifiers import InvalidIdentifier, check_vat
from kassa.invoice_input import InputProblem
from kassa.vat.categories import CATEGORIES
from kassa.vat.countries import country_name, is_country, is_eu, vat_prefix

CUSTOMER_PLACE = "kundregistret (Register → Kundregister)"
COMPANY_PLACE = "Inställningar → Företag"


def buyer_vat_problem(vat_number: str, country: str) -> str | None:
    """Why `vat_number` is not a usable VAT number of a buyer in `country` (Swedish), or None."""
    vat = re.sub(r"[\s\-.]", "", vat_number or "").upper()
    country = (country or "SE").upper()
    if country == "SE":
        try:
            check_vat(vat, "Kundens momsregistreringsnummer")
        except InvalidIdentifier as exc:
            return str(exc)
        return None
    if is_eu(country):
        if not vat.startswith(vat_prefix(country)):
            return (f"Kundens momsregistreringsnummer {vat} ska börja med {vat_prefix(country)} "
                    f"när kunden finns i {country_name(country)}.")
        # Imported here: stdnum.eu.vat loads every member state's module (some 9 MB), which a till
        # at rest, selling to Swedish customers, need not hold.
        from stdnum.eu import vat as eu_vat

        try:
            eu_vat.validate(vat)
        except ValidationError:
            return f"Kundens momsregistreringsnummer {vat} är inte ett giltigt momsnummer i {country_name(country)}."
        return None
    if country == "NO":
        from stdnum.no import mva

        try:
            mva.validate(vat)
        except ValidationError:
            return f"Kundens norska momsnummer {vat} stämmer inte (NO + 9 siffror + MVA, t.ex. NO974760673MVA)."
        return None
    if not (len(vat) > 2 and is_country(vat[:2]) and re.fullmatch(r"[A-Z0-9]+", vat)):
        return f"Kundens momsregistreringsnummer {vat} ska börja med landskoden, t.ex. {country}… (BR-CO-09)."
    return None


def check_categories(seller: dict, buyer: dict, categories: set[str],
                     delivery_date: dt.date | None) -> list[InputProblem]:
    """What the categories on an invoice demand of its parties and delivery."""
    problems: list[InputProblem] = []
    country = (buyer.get("country") or "SE").upper()
    name = buyer.get("name") or "Kunden"
    seller_vat = (seller.get("vat_number") or "").strip()
    buyer_vat = (buyer.get("vat_number") or "").strip()
    if "O" in categories and len(categories) > 1:
        others = ", ".join(CATEGORIES[c].in_sentence for c in sorted(categories - {"O"}) if c in CATEGORIES)
        problems.append(InputProblem("lines", "Rader utanför momsens tillämpningsområde (O) kan inte stå på samma "
                                              f"faktura som rader med {others} (BR-O-11). Gör två fakturor."))
    if any(CATEGORIES[c].needs_seller_vat for c in categories if c in CATEGORIES) and not seller_vat:
        problems.append(InputProblem("company.vat_number", "Företaget saknar momsregistreringsnummer, som fakturan "
                                                           f"måste ha. Fyll i det under {COMPANY_PLACE}."))
    needs_vat = sorted(c for c in categories if c in CATEGORIES and CATEGORIES[c].needs_buyer_vat)
    if needs_vat:
        what = " och ".join(CATEGORIES[c].in_sentence for c in needs_vat)
        if not buyer_vat:
            problems.append(InputProblem("buyer.vat_number", f"{name} saknar momsregistreringsnummer. Vid {what} ska "
                                                             "fakturan ha både säljarens och köparens momsnummer. "
                                                             f"Fyll i det i {CUSTOMER_PLACE}."))
    if buyer_vat and "O" not in categories:
        problem = buyer_vat_problem(buyer_vat, country)
        if problem:
            problems.append(InputProblem("buyer.vat_number", f"{problem} Rätta det i {CUSTOMER_PLACE}."))
    if "K" in categories:
        if country == "SE" or not is_eu(country):
            problems.append(InputProblem("buyer.country", f"Unionsintern leverans gäller köpare i ett annat EU-land, "
                                                          f"men {name} finns i {country_name(country)}. Välj rätt "
                                                          f"momsbehandling eller land i {CUSTOMER_PLACE}."))
        if delivery_date is None:
            problems.append(InputProblem("delivery_date", "En unionsintern leverans ska ha leveransdatum "
                                                          "(BR-IC-11). Ange leveransdatum."))
    if "G" in categories and (country == "SE" or is_eu(country)):
        problems.append(InputProblem("buyer.country", f"Export gäller köpare utanför EU, men {name} finns i "
                                                      f"{country_name(country)}. För en köpare i ett annat EU-land: "
                                                      f"välj unionsintern leverans i {CUSTOMER_PLACE}."))
    if not is_country(country):
        problems.append(InputProblem("buyer.country", f"Landskoden {country} för {name} finns inte (ISO 3166). "
                                                      f"Rätta den i {CUSTOMER_PLACE}."))
    return problems
