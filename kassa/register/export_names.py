"""Every XML name of the journal export (SKVFS 2021:16), in one place, with where it comes from.

The regulation's full text (its element tables, chapters 4–) could not be reached when this was
written; only its chapter list could (faronline.se): 1 scope, 2 definitions, 3 transfer to XML,
4 opening elements, 5 common elements, 6 register an article, 7 change a registered article,
8 delete a registered article, 9 park a registered article, 10 open a parking, 11 delete a
parked article, 12 change a parked article, 13 move a parked article, 14 close a parking,
15 open the cash drawer at a zero sale, 16 use clear, 17 a price query, and further chapters.

So each name below carries its source:
  SKV   - used, with this spelling, nesting and order, by a published export that states it is
          validated against Skatteverket's XML schema of 2021-12-08 for SKVFS 2021:16
          (NaviPartner's NP Retail, "NPR SE CC Cash Reg. Exp. Mgt."); taken as the regulation's.
  SKV?  - the same source's earlier version (before its schema validation): likely, not certain.
  OURS  - named here, in the regulation's style, for a chapter title or for a registration the
          names above do not cover. Align these with the text when it is at hand.
Namespaces and the root element: SKV.

Searched again for the element tables (Skatteverket, lagen.nu, faronline, public exporters): only
NaviPartner's code has them. Its earlier version also names registrations Kassa does not produce:
StartAvKassaregister and StoppAvKassaregister (starting and stopping the register: Kassa journals
neither), InloggningIKassaregister / UtloggningUrKassaregister (Kassa has no cashier log-in), and
VerifieringAvKvittodataMellanKontrollprogramOchKontrollserver (the control system of SKVFS 2020:9,
not a control unit); and TillverkningsnummerForKontrollsystemet / Avstamningskod on receipts of a
register with a control system instead of a control unit.
"""
from __future__ import annotations

INSTANS = "http://xmls.skatteverket.se/se/skatteverket/td/instans/utredningsstod/1.0"  # SKV
KOMPONENT = "http://xmls.skatteverket.se/se/skatteverket/td/komponent/utredningsstod/1.0"  # SKV
PREFIXES = {"utrein": INSTANS, "utreko": KOMPONENT}  # SKV

# --- 4 kap. Opening elements (root, export, period, tills, company, register systems) ---------------
ROOT = "ExportAvDataFranJournalminneEnligtSKVFS2021-16"  # SKV, in INSTANS; all others in KOMPONENT
EXPORT_USER = "InloggadAnvandareVidExportAvDataFranJournalminnet"  # SKV (optional)
EXPORT_FROM_TILL = "BeteckningPaDetKassaregisterSomExportAvDataFranJournalminnetSkerIfran"  # SKV
EXPORT_TIME = "TidpunktForNarExportAvDataFranJournalminnetSker"  # SKV
PERIOD = "ValdPeriodForExportAvDataFranJournalminne"  # SKV
PERIOD_START = "ValdStarttidpunktForExportAvDataFranJournalminnet"  # SKV
PERIOD_END = "ValdSluttidpunktForExportAvDataFranJournalminnet"  # SKV
CHOSEN_TILLS = "BeteckningPaValdaKassaregisterForExportAvDataFranJournalminnenLISTA"  # SKV
CHOSEN_TILL = "BeteckningPaValtKassaregisterForExportAvDataFranJournalminnet"  # SKV
COMPANY = "InformationOmForetaget"  # SKV
ORG_NUMBER = "OrganisationsnummerEllerPersonnummer"  # SKV
COMPANY_NAME = "ForetagetsNamn"  # SKV
SALES_ADDRESS = "DenAdressDarForsaljningSker"  # SKV
SYSTEMS = "KassaregistersystemLISTA"  # SKV
SYSTEM = "Kassaregistersystemet"  # SKV
REGISTER_SERIAL = "TillverkningsnummerForKassaregistret"  # SKV
REGISTER_MODEL = "ModellbeteckningForKassaregistret"  # SKV
REGISTER_PROGRAM = "ModellEllerProgramForKassaregistret"  # SKV
REGISTER_VERSION = "VersionsnummerForKassaregistret"  # SKV
TILL = "Kassabeteckning"  # SKV
UNIT_SERIAL = "TillverkningsnummerForKontrollenheten"  # SKV (left out when the till has no unit: OURS)

# --- 5 kap. Common elements of every registration ----------------------------------------------------
REGISTRATIONS = "RegistreringLISTA"  # SKV
EVENT = "Handelse"  # SKV
USER = "InloggadAnvandare"  # SKV (optional; Kassa has no cashier log-in)
REGISTERED_AT = "Registreringstidpunkt"  # SKV

# --- an article (6–14 kap.) ----------------------------------------------------------------------------
ARTICLE_TYPE = "TypAvArtikel"  # SKV; values GOODS / SERVICE
GOODS, SERVICE = "VARA", "TJANST"  # SKV
ARTICLE_NUMBER = "Artikelnummer"  # SKV (optional)
ARTICLE_NAME = "Artikelnamn"  # SKV
UNIT = "EnhetForViktLangdTidEllerVolym"  # SKV (optional: only a unit of weight, length, time or volume)
UNIT_PRICE = "PrisPerEnhet"  # SKV
REG_QUANTITY = "AntalAvRegistreradArtikel"  # SKV
REG_PRICE = "PrisPaRegistreradArtikel"  # SKV
REG_DISCOUNTS = "RabatterPaRegistreradArtikelLISTA"  # SKV
REG_DISCOUNT = "RabattPaRegistreradArtikel"  # SKV
DISCOUNT_AMOUNT = "RabattensBelopp"  # SKV
REG_VAT_RATE = "MervardesskattesatsForRegistreradArtikel"  # SKV
REG_VAT = "MervardesskattPaRegistreradArtikel"  # SKV
ORIGINAL_TIME = "UrsprungligRegistreringstidpunkt"  # SKV?
PARKING_ID = "IdentitetsbeteckningPaParkering"  # SKV

REGISTER_ARTICLE = "RegistreraArtikel"  # SKV? (6 kap.)
CHANGE_ARTICLE = "AndraRegistreradArtikel"  # OURS (7 kap. title)
DELETE_ARTICLE = "RaderaRegistreradArtikel"  # SKV? (8 kap.)
PARK_ARTICLE = "ParkeraRegistreradArtikel"  # SKV (9 kap.)
OPEN_PARKING = "OppnaParkering"  # OURS (10 kap. title)
DELETE_PARKED = "RaderaParkeradArtikel"  # OURS (11 kap. title)
# 12 kap. (change a parked article), 13 kap. (move a parked article) and 14 kap. (close a parking):
# Kassa changes a parked sale only by opening it, so these are not produced.
ZERO_SALE_DRAWER = "OppnaKassaladaVidNollforsaljning"  # OURS (15 kap. title); text YES
USE_CLEAR = "AnvandaClear"  # OURS (16 kap. title)
CLEARED_COUNT = "AntalRaderadeArtiklar"  # OURS
CLEARED_AMOUNT = "TotaltBeloppSomRaderades"  # OURS
PRICE_QUERY = "StallaPrisfraga"  # OURS (17 kap. title)
YES = "JA"  # SKV (the value of a registration without content, as InloggningIKassaregister has it)

# --- receipts ----------------------------------------------------------------------------------------
SALE_RECEIPT = "Kassakvitto"  # SKV
RETURN_RECEIPT = "Returkvitto"  # SKV
COPY_RECEIPT = "KopiaAvKassakvitto"  # SKV
TRAINING_RECEIPT = "Ovningskvitto"  # SKV
PROFORMA_RECEIPT = "ProFormaKvitto"  # OURS
RECEIPT_TIME = "DatumOchKlockslagNarKvittoFramstalls"  # SKV
RETURN_TIME = "DatumOchKlockslagNarReturkvittoFramstalls"  # SKV
ORIGINAL_RECEIPT_TIME = "DatumOchKlockslagNarOriginalkvittoFramstalldes"  # SKV
RECEIPT_SERIAL = "LopnummerForKassakvitto"  # SKV (sale and return receipts)
COPY_SERIAL = "LopnummerForKvittokopia"  # SKV
ORIGINAL_SERIAL = "LopnummerPaOriginalkvitto"  # SKV
TRAINING_SERIAL = "LopnummerForOvningskvitto"  # SKV (optional)
PROFORMA_SERIAL = "LopnummerForProFormaKvitto"  # OURS
# A number the control unit holds from a sale that was not completed (kassa.register.unit_attempts):
# the regulation's chapters name no such registration.
VOID_RECEIPT = "MakuleratKvitto"  # OURS
VOID_SERIAL = "LopnummerForMakuleratKvitto"  # OURS
SOLD = "SaldaArtiklarLISTA"  # SKV
SOLD_ARTICLE = "SaldArtikel"  # SKV
SOLD_QUANTITY = "AntalAvSaldArtikel"  # SKV
SOLD_PRICE = "PrisPaSaldArtikel"  # SKV
SOLD_DISCOUNTS = "RabatterPaSaldArtikelLISTA"  # SKV
SOLD_DISCOUNT = "RabattPaSaldArtikel"  # SKV
SOLD_VAT_RATE = "MervardesskattesatsForSaldArtikel"  # SKV
SOLD_VAT = "MervardesskattPaSaldArtikel"  # SKV
ARTICLE_TIME = "ArtikelnsRegistreringstidpunkt"  # SKV
RECEIPT_TOTAL = "TotaltForsaljningsbeloppISvenskaKronor"  # SKV
RECEIPT_VAT = "MervardesskattPaForsaljningsbeloppet"  # SKV
PAYMENTS = "TotalaForsaljningssummorPerBetalningsmedelLISTA"  # SKV
PAYMENT = "TotalForsaljningssummaPerBetalningsmedel"  # SKV
MEANS = "Betalningsmedel"  # SKV; the values below are OURS
MEANS_AMOUNT = "ForsaljningssummaPerBetalningsmedel"  # SKV
VAT_RATES = "MervardesskattPaOlikaSkattesatserLISTA"  # SKV
VAT_RATE = "MervardesskattPerSkattesats"  # SKV
RATE = "Mervardesskattesats"  # SKV
RATE_VAT = "TotaltMervardesskattebeloppPerSkattesats"  # SKV
COPY_CODE = "KontrollkodPaKopiaAvKassakvitto"  # SKV (optional)
Z_ON_RECEIPT = "LopnummerForZDagrapportPaKvitto"  # SKV ("0" while the day is open)
CONTROL_CODE = "Kontrollkod"  # SKV (left out without a unit: OURS)
COPIED_CODE = "KontrollkodForKvittotSomKopianAvser"  # SKV
MEANS_VALUES = {"cash": "KONTANT", "card": "KORT", "swish": "SWISH"}  # OURS

# --- day reports ---------------------------------------------------------------------------------------
X_REPORT = "XDagrapport"  # SKV
Z_REPORT = "ZDagrapport"  # SKV
REPORT_TIME = "DatumOchKlockslagNarRapportFramstalls"  # SKV
Z_SERIAL = "LopnummerForZDagrapport"  # SKV
TOTAL_SALES = "TotalForsaljningssumma"  # SKV
FLOAT = "VaxelkassansBeloppISvenskaKronor"  # SKV
RECEIPT_COUNT = "AntalKassakvitton"  # SKV
DRAWER_COUNT = "AntalKassaladoppningar"  # SKV
COPY_COUNT = "AntalKvittokopior"  # SKV
COPY_AMOUNT = "TotaltBeloppPaKvittokopior"  # SKV
TRAINING_COUNT = "AntalKvittonSomTagitsFramIOvningslage"  # SKV
RETURN_COUNT = "AntalReturer"  # SKV
RETURN_AMOUNT = "ReturernasBelopp"  # SKV
DISCOUNT_TOTAL = "RabatternasBelopp"  # SKV
OTHER_COUNT = "AntalOvrigaRegistreringarSomMinskatDagensForsaljningsbelopp"  # SKV
OTHER_AMOUNT = "TotaltBeloppAvOvrigaRegistreringarSomMinskatDagensForsaljningsbelopp"  # SKV
UNFINISHED_COUNT = "AntalOavslutadeForsaljningar"  # SKV
UNFINISHED_AMOUNT = "TotaltBeloppAvOavslutadeForsaljningar"  # SKV
GT_SALES = "GrandTotalForsaljning"  # SKV
GT_RETURNS = "GrandTotalRetur"  # SKV
GT_NET = "GrandTotalNetto"  # SKV
GOODS_SOLD = "AntalSaldaVaror"  # OURS (7 kap. 3 § j)
SERVICES_SOLD = "AntalSaldaTjanster"  # OURS (k)
TRAINING_AMOUNT = "TotaltBeloppPaKvittonIOvningslage"  # OURS (o)
GROUPS = "TotalaForsaljningssummorForOlikaHuvudgrupperLISTA"  # SKV? (g)
GROUP = "TotalForsaljningssummaForOlikaHuvudgrupper"  # SKV? (its content there is unclear: the two below are OURS)
GROUP_NAME = "Huvudgrupp"  # OURS; values GOODS / SERVICE
GROUP_AMOUNT = "ForsaljningsbeloppForHuvudgrupp"  # OURS

# --- other registrations Kassa journals (OURS) -------------------------------------------------------
DAY_FLOAT = "Vaxelkassa"  # the day opened with its float; holds FLOAT
FLOAT_CHANGE = "ForandringAvVaxelkassa"
CASH_IN = "Insattning"
CASH_OUT = "Uttag"
REASON = "Orsak"
TRAINING_MODE = "Ovningslage"  # text ON / OFF
ON, OFF = "PA", "AV"
PRICE_CHANGE = "AndringAvPris"
OLD_UNIT_PRICE = "TidigarePrisPerEnhet"
SETTING_CHANGE = "AndringAvInstallning"
SETTING = "Installning"
OLD_VALUE = "TidigareVarde"
NEW_VALUE = "NyttVarde"
UNIT_FAILED = "KontrollenhetenSvaradeInte"
MESSAGE = "Meddelande"

TEXT_MAX = 72  # SKV: text elements hold at most 72 characters
