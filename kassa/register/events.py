"""The kinds of journal rows (JournalEntry.event) and their Swedish names.

Every registration is one of these. kassa.register.export_names maps each to the element
of SKVFS 2021:16 that exports it.
"""
from __future__ import annotations

DAY_OPENED = "day_opened"  # the day opened with its cash float (växelkassa)
LINE_ADDED = "line_added"  # an article registered in the open sale
LINE_CHANGED = "line_changed"  # quantity, price or discount of a registered article changed
LINE_REMOVED = "line_removed"  # a registered article deleted before payment
PARKED = "parked"  # the open sale parked (one event; the export writes one element per article)
RESUMED = "resumed"  # a parked sale opened again
PARKED_DELETED = "parked_deleted"  # a parked sale given up
VOIDED = "voided"  # the open sale cleared before payment (unfinished)
PRICE_LOOKUP = "price_lookup"  # a price query
DRAWER_OPENED = "drawer_opened"  # the cash drawer opened without a sale
CASH_IN = "cash_in"  # money put into the drawer (change to the float)
CASH_OUT = "cash_out"  # money taken out of the drawer
TRAINING = "training"  # training mode switched on or off
RECEIPT = "receipt"  # a receipt stored: sale, return, copy, training, pro forma (data = the document)
X_REPORT = "x_report"
Z_REPORT = "z_report"
PRICE_CHANGED = "price_changed"  # an article created or its price, VAT, name or kind changed
SETTING_CHANGED = "setting_changed"
CONTROL_UNIT_FAILED = "control_unit_failed"  # a receipt refused because the unit gave no code

LABELS = {
    DAY_OPENED: "Dagen öppnad med växelkassa",
    LINE_ADDED: "Artikel registrerad",
    LINE_CHANGED: "Registrerad artikel ändrad",
    LINE_REMOVED: "Registrerad artikel raderad",
    PARKED: "Försäljning parkerad",
    RESUMED: "Parkering öppnad",
    PARKED_DELETED: "Parkerad försäljning raderad",
    VOIDED: "Försäljning avbruten (clear)",
    PRICE_LOOKUP: "Prisfråga",
    DRAWER_OPENED: "Kassalåda öppnad utan försäljning",
    CASH_IN: "Insättning i växelkassan",
    CASH_OUT: "Uttag ur växelkassan",
    TRAINING: "Övningsläge",
    RECEIPT: "Kvitto",
    X_REPORT: "X-dagrapport",
    Z_REPORT: "Z-dagrapport",
    PRICE_CHANGED: "Prisändring",
    SETTING_CHANGED: "Ändrad inställning",
    CONTROL_UNIT_FAILED: "Kontrollenheten svarade inte",
}
