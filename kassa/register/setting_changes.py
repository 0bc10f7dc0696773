"""Settings the window changes, each change journalled (SKVFS 2014:9: the register shows its
settings and their history): the till's designation (kassabeteckning), the company's details.

The designation names the register to Skatteverket (with the org. number it makes the
manufacturing number, kassa.register.identity) and the receipt series, so it is not changed
while the till's day is open: the open day would be left behind under the old name.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kassa import config
from kassa.models import Company, JournalEntry
from kassa.models.database import write_transaction
from kassa.register import reports
from kassa.register.prices import journal_setting
from kassa.register.service import MAX_TILL, check_till
from kassa.till import TillError

TILL_SETTING = "kassabeteckning"
COMPANY_PREFIX = "företag"


def company_values(company: Company) -> dict[str, Any]:
    """The company's settings (every field but its id and time stamp), journalled as "företag.<field>"."""
    return {name: getattr(company, name) for name in Company._meta.sorted_field_names
            if name not in ("id", "updated_at")}


def journal_changes(prefix: str, before: Mapping[str, Any], after: Mapping[str, Any],
                    till: str | None = None) -> list[str]:
    """Journal every value that differs (as "<prefix>.<key>"), in one transaction; the keys changed."""
    changed = [key for key in after if before.get(key) != after[key]]
    if not changed:
        return []
    till = till or config.till_designation()
    if len(till) > MAX_TILL:
        return []  # no register runs under an unusable designation, so it has no journal to write in
    with write_transaction():
        for key in changed:
            journal_setting(f"{prefix}.{key}", before.get(key), after[key], till=till)
    return changed


def check_designation(text: str) -> str:
    """The designation as it will be saved; TillError (Swedish) when it cannot be one."""
    return check_till(text)


def check_till_change(new: str) -> str:
    """The designation `new` would be saved as; TillError (Swedish) when it may not be: KASSA_TILL
    decides it, it is empty or too long, the till's day is open, or another till has a day open
    under it."""
    if config.till_source() == "env":
        raise TillError("Kassabeteckningen styrs av miljövariabeln KASSA_TILL och kan inte ändras här. "
                        "Ta bort variabeln för att ändra den under Inställningar → Kassa.")
    new = check_designation(new)
    old = config.till_designation()
    if new == old:
        return new
    day = reports.current_day(old)
    if day is not None:
        raise TillError(f"Dag {day.number} är öppen i kassa {old}. Stäng dagen med en Z-dagrapport innan du byter "
                        "kassabeteckning.")
    busy = reports.current_day(new)
    if busy is not None:
        raise TillError(f"Kassabeteckningen {new} används redan av en kassa med öppen dag (dag {busy.number}). "
                        "Välj en annan beteckning.")
    return new


def change_till(new: str) -> str:
    """Save `new` as this computer's till designation (checked by check_till_change); returns the old one.

    The change is journalled in the new till's journal and, if the old designation ever registered
    anything, in the old one's too: the old register says what it became, the new one where it came
    from. Saving the designation the till already has (the computer's name) only makes it stay."""
    new = check_till_change(new)
    old = config.till_designation()
    if new == old and config.till_source() == "saved":
        return old
    with write_transaction():
        if old != new and _has_journal(old):
            journal_setting(TILL_SETTING, old, new, till=old)
        journal_setting(TILL_SETTING, old if old != new else None, new, till=new)
        config.save_settings(till=new)  # last: a failed journal leaves the setting as it was
    return old


def _has_journal(till: str) -> bool:
    return JournalEntry.select().where(JournalEntry.till == till).exists()
