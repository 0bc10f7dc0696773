"""Settings changed from the window are journalled: the till's designation (refused while its day is
open, or when KASSA_TILL decides it) and the company's details."""
from __future__ import annotations

import socket

import pytest

from kassa import config
from kassa.models import Company, JournalEntry
from kassa.register import events
from kassa.register.setting_changes import (
    COMPANY_PREFIX,
    change_till,
    check_till_change,
    company_values,
    journal_changes,
)
from kassa.till import TillError


def settings_of(till: str) -> list[tuple[str, str | None, str]]:
    rows = (JournalEntry.select().where((JournalEntry.till == till) & (JournalEntry.event == events.SETTING_CHANGED))
            .order_by(JournalEntry.seq))
    return [(r.data["setting"], r.data["old"], r.data["new"]) for r in rows]


def test_the_designation_is_saved_and_journalled_in_both_tills(register, monkeypatch):
    monkeypatch.delenv("KASSA_TILL", raising=False)
    config.save_settings(till="kassa-1")
    with pytest.raises(TillError, match="Dag 1 är öppen i kassa kassa-1"):
        change_till("kassa-7")
    register.z_report("500")
    assert change_till("kassa-7") == "kassa-1"
    assert config.till_designation() == "kassa-7" and config.till_source() == "saved"
    assert settings_of("kassa-1") == [("kassabeteckning", "kassa-1", "kassa-7")]
    assert settings_of("kassa-7") == [("kassabeteckning", "kassa-1", "kassa-7")]
    assert change_till("kassa-7") == "kassa-7"  # the same again: nothing new
    assert len(settings_of("kassa-7")) == 1


def test_the_designation_is_refused_in_swedish(db, monkeypatch):
    monkeypatch.delenv("KASSA_TILL", raising=False)
    with pytest.raises(TillError, match="längre än 16 tecken"):
        check_till_change("Kassan vid entrén 2")
    with pytest.raises(TillError, match="saknar beteckning"):
        check_till_change("  ")
    monkeypatch.setenv("KASSA_TILL", "kassa-1")
    with pytest.raises(TillError, match="styrs av miljövariabeln KASSA_TILL"):
        change_till("kassa-2")
    assert "till" not in config.saved_settings()


def test_the_computers_name_made_to_stay_writes_no_journal_for_it(db, monkeypatch):
    monkeypatch.delenv("KASSA_TILL", raising=False)
    name = socket.gethostname()
    assert config.till_source() == "computer"
    change_till(name)
    assert config.saved_settings()["till"] == name and config.till_source() == "saved"
    assert settings_of(name) == [("kassabeteckning", None, name)]


def test_another_till_with_a_day_open_under_the_name_is_refused(register, monkeypatch):
    monkeypatch.delenv("KASSA_TILL", raising=False)
    config.save_settings(till="kassa-2")
    with pytest.raises(TillError, match="används redan av en kassa med öppen dag"):
        change_till("kassa-1")


def test_company_changes_are_journalled_one_by_one(shop, monkeypatch):
    monkeypatch.setenv("KASSA_TILL", "kassa-1")
    company = Company.get_solo()
    before = company_values(company)
    company.phone, company.f_skatt = "031-999999", False
    company.save()
    assert journal_changes(COMPANY_PREFIX, before, company_values(company)) == ["f_skatt", "phone"]
    assert settings_of("kassa-1") == [("företag.f_skatt", "True", "False"), ("företag.phone", "031-123456",
                                                                             "031-999999")]
    assert journal_changes(COMPANY_PREFIX, company_values(company), company_values(company)) == []
