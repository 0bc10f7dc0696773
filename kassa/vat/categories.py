"""The VAT categories of EN 16931 (UNCL 5305) as a Swedish seller uses them.

Each category says what the e-invoice must carry (rate, VATEX reason code, which VAT ids)
and what the paper invoice must say, in Swedish (ML 17 kap. 24 §; Skatteverket accepts other
words of the same meaning, "undantag från skatteplikt", "omvänd betalningsskyldighet"). The
rules are those of BR-S, BR-Z, BR-E, BR-AE, BR-IC, BR-G and BR-O in the CEN rule set.
"""
from __future__ import annotations

from dataclasses import dataclass

# SE-R-006: a Swedish seller's standard-rated lines carry one of these.
STANDARD_RATES = (25, 12, 6)


@dataclass(frozen=True)
class Category:
    code: str
    name: str  # Swedish, for forms
    invoice_text: str  # what the paper invoice states (empty: nothing beyond the rate)
    reason_code: str = ""  # VATEX code sent as TaxExemptionReasonCode (BT-121)
    reason_text: str = ""  # sent as TaxExemptionReason (BT-120) unless a group gives its own
    has_rate: bool = True  # O carries no rate at all (BR-O-05)
    zero: bool = True  # 0 % (everything but S)
    needs_seller_vat: bool = True  # BR-S/Z/E/AE/IC/G-02
    needs_buyer_vat: bool = False  # BR-AE-02, BR-IC-02 (vat.md: K and AE need both VAT numbers)
    no_vat_ids: bool = False  # BR-O-02: neither party's VAT id on the document
    alone: bool = False  # BR-O-11..14: no other category beside it
    needs_delivery: bool = False  # BR-IC-11/12: delivery date and deliver-to country

    @property
    def in_sentence(self) -> str:
        """The name inside a sentence: lower-case first letter, abbreviations kept ("export utanför EU")."""
        return self.name[:1].lower() + self.name[1:]


CATEGORIES: dict[str, Category] = {c.code: c for c in (
    Category("S", "Moms (25, 12 eller 6 %)", "", zero=False),
    Category("Z", "Nollskattesats (0 %)", "Nollskattesats: momsen är 0 %."),
    Category("E", "Undantag från skatteplikt", "Undantag från skatteplikt",
             reason_text="Undantag från skatteplikt enligt mervärdesskattelagen (2023:200)"),
    Category("AE", "Omvänd betalningsskyldighet", "Omvänd betalningsskyldighet: köparen redovisar och betalar momsen.",
             "VATEX-EU-AE", "Omvänd betalningsskyldighet", needs_buyer_vat=True),
    Category("K", "Unionsintern leverans (EU)",
             "Unionsintern leverans, undantagen från skatteplikt (artikel 138 i mervärdesskattedirektivet).",
             "VATEX-EU-IC", "Unionsintern leverans", needs_buyer_vat=True, needs_delivery=True),
    Category("G", "Export utanför EU", "Export till land utanför EU, undantagen från skatteplikt.",
             "VATEX-EU-G", "Export utanför EU"),
    Category("O", "Utanför momsens tillämpningsområde",
             "Omsättningen ligger utanför mervärdesskattens tillämpningsområde.",
             "VATEX-EU-O", "Utanför mervärdesskattens tillämpningsområde", has_rate=False, needs_seller_vat=False,
             no_vat_ids=True, alone=True),
)}

# What a customer can make of its invoices (Customer.vat_treatment): "" leaves each line as its article has it.
TREATMENTS = {
    "": "Normal (momsen följer artikelns momsgrupp)",
    "AE": "Omvänd betalningsskyldighet (t.ex. byggtjänster, EU-tjänster)",
    "K": "Momsregistrerad köpare i annat EU-land (varor: unionsintern leverans, tjänster: omvänd "
         "betalningsskyldighet)",
    "G": "Export utanför EU",
}

# VATEX codes an exempt (E) group may name (BR-CL-22 subset that fits Swedish exemptions).
EXEMPTION_CODES = {
    "": "(ingen kod, bara texten)",
    "VATEX-EU-132": "Artikel 132: sjukvård, social omsorg, utbildning, kultur m.m.",
    "VATEX-EU-135-1": "Artikel 135.1: bank, finans, försäkring, fastighetsupplåtelse m.m.",
    "VATEX-EU-143": "Artikel 143: import",
    "VATEX-EU-148": "Artikel 148: fartyg och luftfartyg",
    "VATEX-EU-151": "Artikel 151: diplomatiska och internationella organ",
}


def category(code: str) -> Category:
    return CATEGORIES[code]


def legacy_category(rate: int) -> str:
    """The category a line without one gets: S when it carries VAT, else E (what Kassa did before)."""
    return "S" if rate else "E"


def line_category(line_category: str, treatment: str, service: bool = False) -> str:
    """The category a line ends up with on an invoice to a customer with VAT `treatment`.

    A reverse-charge, intra-EU or export customer turns the taxable lines (S, Z) into its category;
    exempt (E) and out-of-scope (O) lines stay what they are, and a line that names AE, K or G
    itself keeps it. A VAT-registered buyer in another EU country (K) buys goods as an intra-EU
    supply, but services under reverse charge: the buyer accounts for their VAT (ML 6 kap. 33 §,
    article 196 of the VAT directive), so a service line becomes AE, not K (article 138 is goods)."""
    if treatment and line_category in ("S", "Z"):
        return "AE" if treatment == "K" and service else treatment
    return line_category
