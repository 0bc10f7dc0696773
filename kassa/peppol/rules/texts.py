"""Short Swedish explanations of common validation findings, shown beside the official text.

Keyed by rule id. Each says in plain words what is wrong and, where a person can fix it,
where to fix it. Findings that only a faulty document builder can cause say so, so that a
cashier does not hunt for a mistake that is not theirs. A rule without an entry simply has
no explanation: the official text is always shown.
"""
from __future__ import annotations

# Said of findings that the cashier cannot fix: the document itself is built wrongly.
_BUILDER_FAULT = "Felet ligger i hur fakturafilen byggdes, inte i dina uppgifter; kontakta Kassas support."

RULE_TEXTS_SV: dict[str, str] = {
    # The UBL 2.1 schema (lxml); all schema errors share one id.
    "XSD": "Filen följer inte UBL 2.1-schemat (fel element, fel ordning eller ogiltigt värde). " + _BUILDER_FAULT,
    # Swedish national rules (Peppol BIS 3, SE-R-*).
    "SE-R-001": "Säljarens momsregistreringsnummer ska ha 14 tecken: SE, organisationsnumret och 01 "
    "(t.ex. SE556677889901). Rätta det under Inställningar → Företag.",
    "SE-R-002": "Efter SE får säljarens momsregistreringsnummer bara innehålla siffror (12 st). "
    "Ta bort bindestreck och mellanslag under Inställningar → Företag.",
    "SE-R-003": "Organisationsnumret får bara innehålla siffror, utan bindestreck eller mellanslag.",
    "SE-R-004": "Organisationsnumret ska ha exakt 10 siffror (utan sekelsiffror).",
    "SE-R-005": "När F-skatt anges ska texten vara exakt ”Godkänd för F-skatt”.",
    "SE-R-006": "Svenska säljare får bara använda momssatserna 25, 12 eller 6 % för vanlig moms. "
    "Kontrollera momssatsen på artiklarna.",
    "SE-R-007": "Plusgironumret får bara innehålla siffror. Ta bort bindestreck under Inställningar → Företag.",
    "SE-R-008": "Bankgironumret får bara innehålla siffror. Ta bort bindestreck under Inställningar → Företag.",
    "SE-R-009": "Bankgironumret ska ha 7 eller 8 siffror. Kontrollera det under Inställningar → Företag.",
    "SE-R-010": "Plusgironumret ska ha 2 till 8 siffror. Kontrollera det under Inställningar → Företag.",
    "SE-R-011": "Bankgiro och plusgiro ska anges som betalsätt 30 med SE:BANKGIRO eller SE:PLUSGIRO. " + _BUILDER_FAULT,
    "SE-R-012": "Mellan två svenska företag ska betalningen anges som kontoöverföring (betalsätt 30).",
    "SE-R-013": "Organisationsnumrets sista siffra (kontrollsiffran) stämmer inte. "
    "Jämför numret med registreringsbeviset, hos företaget eller kunden.",
    # Sums and VAT (EN 16931). A cashier cannot cause these; the builder can.
    "BR-CO-10": "Fakturans radsumma stämmer inte med summan av radbeloppen. " + _BUILDER_FAULT,
    "BR-CO-11": "Summan av rabatter på fakturanivå stämmer inte med rabatterna. " + _BUILDER_FAULT,
    "BR-CO-12": "Summan av avgifter på fakturanivå (t.ex. fakturaavgift) stämmer inte med avgifterna. "
    + _BUILDER_FAULT,
    "BR-CO-13": "Beloppet exklusive moms stämmer inte med raderna, rabatterna och avgifterna. " + _BUILDER_FAULT,
    "BR-CO-14": "Fakturans totala moms stämmer inte med summan av momsen per momssats. " + _BUILDER_FAULT,
    "BR-CO-15": "Beloppet inklusive moms är inte beloppet exklusive moms plus momsen. " + _BUILDER_FAULT,
    "BR-CO-16": "Belopp att betala stämmer inte med totalen, redan betalt och öresavrundningen. " + _BUILDER_FAULT,
    "BR-CO-17": "Momsbeloppet för en momssats är inte underlaget gånger satsen, avrundat till hela ören. "
    + _BUILDER_FAULT,
    "BR-CO-18": "Fakturan saknar momsspecifikation. " + _BUILDER_FAULT,
    "BR-CO-25": "När det finns ett belopp att betala måste förfallodag eller betalningsvillkor anges. "
    "Kontrollera betalningsvillkoren på fakturan eller kunden.",
    "BR-CO-26": "Säljaren måste identifieras med organisationsnummer eller momsregistreringsnummer. "
    "Fyll i dem under Inställningar → Företag.",
    "BR-S-08": "Underlaget för en momssats stämmer inte med summan av raderna med den satsen. " + _BUILDER_FAULT,
    "BR-S-09": "Momsen för en momssats är inte underlaget gånger satsen. " + _BUILDER_FAULT,
    "BR-E-10": "Momsfri försäljning (momskategori E) måste ange skälet till att moms inte tas ut.",
    "BR-CL-23": "En radenhet (t.ex. st, tim, kg) har ingen giltig kod enligt UN/ECE rek. 20. "
    "Kontrollera enheten på artikeln.",
    "BR-CL-25": "Den elektroniska adressens typ är okänd; den ska t.ex. vara 0007 (organisationsnummer) "
    "eller 0088 (GLN).",
    # Peppol rules.
    "PEPPOL-EN16931-R003": "Köparens referens saknas. Fyll i kundens referens (t.ex. beställarens namn "
    "eller referenskod) på fakturan eller under Register → Kundregister → Ändra.",
    "PEPPOL-EN16931-R008": "Fakturafilen innehåller ett tomt fält. " + _BUILDER_FAULT,
    "PEPPOL-EN16931-R010": "Kunden saknar elektronisk adress. Fyll i kundens organisationsnummer eller GLN "
    "under Register → Kundregister → Ändra.",
    "PEPPOL-EN16931-R020": "Säljaren saknar elektronisk adress. Fyll i företagets organisationsnummer "
    "under Inställningar → Företag.",
    "PEPPOL-EN16931-R120": "Ett radbelopp är inte antal gånger pris. " + _BUILDER_FAULT,
    "PEPPOL-COMMON-R040": "GLN-numret ska ha 13 siffror med rätt kontrollsiffra. Kontrollera kundens GLN "
    "under Register → Kundregister → Ändra.",
    "PEPPOL-COMMON-R041": "Ett norskt organisationsnummer har fel format (9 siffror med kontrollsiffra).",
    "PEPPOL-COMMON-R042": "Ett danskt CVR-nummer har fel format (DK och 8 siffror).",
    "PEPPOL-COMMON-R043": "Ett belgiskt företagsnummer har fel format (10 siffror med kontrollsiffror).",
    "PEPPOL-COMMON-R044": "En italiensk IPA-kod har fel format.",
    "PEPPOL-COMMON-R049": "Ett svenskt organisationsnummer (typ 0007) ska vara 10 siffror med rätt kontrollsiffra. "
    "Kontrollera numret under Register → Kundregister → Ändra eller Inställningar → Företag.",
}


def explain(rule_id: str) -> str | None:
    """The Swedish explanation of a rule, or None when there is none."""
    return RULE_TEXTS_SV.get(rule_id)
