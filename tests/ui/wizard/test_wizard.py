"""The settings wizard: the company checked as typed, the database test against a real
PostgreSQL, the interest form stored for the queue, and the whole wizard against the Pagero
stand-in with the login done as a browser does it (real keyring)."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from kassa import config
from kassa.models import Company, CustomerCategory, InterestRequest
from kassa.pagero.oauth import SUCCESS_TEXT
from kassa.ui.wizard import PAGE_IDS, SettingsWizard
from tests.factories import QT_NOISE, type_into
from tests.pagero.fixtures import CLIENT_SECRET, COMPANY_ID, Browser

pytestmark = QT_NOISE


@pytest.fixture
def wizard_at(qtbot, db, background_done):
    def make(start_page=None) -> SettingsWizard:
        wizard = SettingsWizard(start_page=start_page)
        qtbot.addWidget(wizard)
        wizard.show()
        return wizard
    return make


def click(qtbot, wizard, which) -> None:
    qtbot.mouseClick(wizard.button(which), Qt.MouseButton.LeftButton)


def fill_company(qtbot, page) -> None:
    type_into(qtbot, page.name_edit, "Hörnbutiken & Söner AB")
    type_into(qtbot, page.org_edit, "556677-8899")
    type_into(qtbot, page.street_edit, "Storgatan 1")
    type_into(qtbot, page.postal_edit, "411 01")
    type_into(qtbot, page.city_edit, "Göteborg")
    type_into(qtbot, page.email_edit, "info@hornbutiken.se")
    type_into(qtbot, page.bankgiro_edit, "5050-1055")
    qtbot.keyClick(page.f_skatt_check, Qt.Key.Key_Space)
    type_into(qtbot, page.fee_edit, "29")
    type_into(qtbot, page.till_edit, "Kassa 1")


def test_company_page_refuses_what_is_wrong(qtbot, wizard_at):
    wizard = wizard_at()
    page = wizard.company_page
    fill_company(qtbot, page)
    type_into(qtbot, page.org_edit, "556677-8890")
    type_into(qtbot, page.bankgiro_edit, "")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == PAGE_IDS["company"]
    assert page.org_edit.error_text() == "Organisationsnummer 556677-8890 stämmer inte: kontrollsiffran är fel."
    type_into(qtbot, page.org_edit, "556677-8899")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert page.bankgiro_edit.error_text().startswith("Fyll i bankgiro, plusgiro eller IBAN")
    type_into(qtbot, page.iban_edit, "SE45 5000 0000 0583 9825 7467")
    assert page.iban_edit.error_text() == "IBAN SE45 5000 0000 0583 9825 7467 stämmer inte."
    type_into(qtbot, page.iban_edit, "")
    type_into(qtbot, page.bankgiro_edit, "5050-1055")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == PAGE_IDS["database"]
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    company = Company.get_solo()
    assert (company.name, company.org_number, company.vat_number, company.postal_code, company.bankgiro) == (
        "Hörnbutiken & Söner AB", "5566778899", "SE556677889901", "41101", "50501055")
    assert company.f_skatt and company.invoice_fee == 29 and company.is_configured
    assert "database_url" not in config.saved_settings()  # this computer: the default SQLite


def test_interest_form_is_stored_for_the_queue(qtbot, wizard_at, company):
    wizard = wizard_at("interest")
    page = wizard.interest_page
    assert wizard.currentId() == PAGE_IDS["interest"]
    assert page.company_edit.text() == "Hörnbutiken & Söner AB"  # from the company settings
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    assert page.contact_edit.error_text() == "Fältet behöver fyllas i."
    assert InterestRequest.select().count() == 0
    type_into(qtbot, page.contact_edit, "Åsa Öberg")
    type_into(qtbot, page.phone_edit, "070-123 45 67")
    page.invoices_spin.setFocus()
    qtbot.keyClick(page.invoices_spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.invoices_spin, "1200")
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    request = InterestRequest.get()
    assert request.form == {
        "companyName": "Hörnbutiken & Söner AB", "address": "Storgatan 1", "orgNumber": "5566778899",
        "postalCode": "41101", "city": "Göteborg", "invoicesPerYear": 1200, "contactName": "Åsa Öberg",
        "email": "info@hornbutiken.se", "phone": "070-123 45 67"}
    assert page.result_label.text().startswith("Intresseanmälan är sparad och skickas till Pagero")
    assert not page.send_button.isEnabled()
    # Sent at once; no Pagero here (a closed port), so it stays in the send queue for later.
    qtbot.waitUntil(lambda: page.result_label.text().startswith("Pagero kunde inte nås just nu."), timeout=10_000)
    request = InterestRequest.get()
    assert request.state == "queued" and request.attempts == 1 and request.last_error


def type_count(qtbot, page, text: str) -> None:
    """The number of invoices a year, typed over what the spin box shows."""
    page.invoices_spin.setFocus()
    qtbot.keyClick(page.invoices_spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.invoices_spin, text)


def test_company_page_shows_every_problem_at_once_and_holds_still(qtbot, wizard_at):
    wizard = wizard_at()
    page = wizard.company_page
    qtbot.waitExposed(wizard)
    inputs = [page.name_edit, page.org_edit, page.street_edit, page.city_edit, page.office_edit, page.phone_edit,
              page.bankgiro_edit, page.iban_edit, page.f_skatt_check, page.terms_spin, page.fee_edit]
    before = [w.mapTo(wizard, w.rect().topLeft()) for w in inputs]
    type_into(qtbot, page.name_edit, "Hörnbutiken AB")
    type_into(qtbot, page.org_edit, "556677-8890")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == PAGE_IDS["company"]
    # One press of Nästa: the org. number, the empty address fields and the missing payment account.
    assert page.org_edit.error_text() == "Organisationsnummer 556677-8890 stämmer inte: kontrollsiffran är fel."
    assert page.street_edit.error_text() == "Skriv gatuadressen."
    assert page.city_edit.error_text() == "Skriv orten."
    assert page.bankgiro_edit.error_text().startswith("Fyll i bankgiro, plusgiro eller IBAN")
    assert wizard.focusWidget() is page.org_edit.edit  # the first of them
    assert [w.mapTo(wizard, w.rect().topLeft()) for w in inputs] == before  # nothing moved


def test_interest_form_asks_for_the_city_and_refuses_no_invoices(qtbot, wizard_at, company):
    wizard = wizard_at("interest")
    page = wizard.interest_page
    assert page.city_edit.text() == "Göteborg"  # from the company settings
    type_into(qtbot, page.contact_edit, "Åsa Öberg")
    type_into(qtbot, page.phone_edit, "070-123 45 67")
    type_into(qtbot, page.city_edit, "")
    assert page.invoices_spin.value() == 0 and page.invoices_spin.text() == "ange antal"
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    assert page.city_edit.error_text() == "Fältet behöver fyllas i."
    assert page.invoices_error.text() == "Ange ungefär hur många fakturor ni skickar per år (minst 1)."
    assert wizard.focusWidget() is page.city_edit.edit
    assert InterestRequest.select().count() == 0


def test_interest_page_says_when_the_form_has_reached_pagero(qtbot, wizard_at, company, sandbox):
    wizard = wizard_at("interest")
    page = wizard.interest_page
    type_into(qtbot, page.contact_edit, "Åsa Öberg")
    type_into(qtbot, page.phone_edit, "070-123 45 67")
    type_count(qtbot, page, "300")
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    # Sent at once from the page, with no send queue running: the page says it went.
    qtbot.waitUntil(lambda: page.result_label.text().startswith("Intresseanmälan är skickad till Pagero"),
                    timeout=10_000)
    assert InterestRequest.get().state == "sent"
    received = json.loads(__import__("urllib.request").request.urlopen(f"{sandbox.url}/_control/interest").read())
    assert [item["city"] for item in received["items"]] == ["Göteborg"]
    assert received["items"][0]["invoicesPerYear"] == 300


def test_database_page_says_a_new_database_is_used_from_the_next_start(qtbot, wizard_at):
    wizard = wizard_at("database")
    page = wizard.database_page
    assert not page.restart_note.isVisibleTo(page)  # this computer, as now
    qtbot.keyClick(page.shared_radio, Qt.Key.Key_Space)
    type_into(qtbot, page.host_edit, "kassaserver.lokalt")
    assert page.restart_note.isVisibleTo(page)
    assert page.restart_note.text() == ("Kassa använder den nya databasen från nästa start. Välj Slutför och "
                                        "starta sedan om Kassa.")
    qtbot.keyClick(page.local_radio, Qt.Key.Key_Space)
    assert not page.restart_note.isVisibleTo(page)  # back to the one in use


@pytest.mark.postgres
def test_database_page_tests_a_real_postgresql(qtbot, wizard_at, pg_url):
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(pg_url)
    socket_dir = parse_qs(parts.query)["host"][0]
    wizard = wizard_at("database")
    page = wizard.database_page
    qtbot.keyClick(page.shared_radio, Qt.Key.Key_Space)
    assert page.server_box.isEnabled()
    type_into(qtbot, page.host_edit, socket_dir)
    type_into(qtbot, page.name_edit, "finns_inte")
    type_into(qtbot, page.user_edit, parts.username)
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.test_button.isEnabled() and "finns" in page.test_result.text(), timeout=15000)
    assert page.test_result.text().startswith("Databasen finns_inte finns inte på servern.")
    type_into(qtbot, page.name_edit, parts.path.lstrip("/"))
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.test_button.isEnabled() and "fungerar" in page.test_result.text(), timeout=15000)
    assert page.test_result.text().startswith("Anslutningen fungerar (PostgreSQL 1")
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    saved = config.saved_settings()["database_url"]
    assert saved.startswith("postgresql://") and parts.path in saved
    assert config.database_url() == saved  # no env var: the saved database is the one used


def test_whole_wizard_against_the_stand_in(qtbot, wizard_at, sandbox, secret_service, monkeypatch):
    monkeypatch.setenv("KASSA_PAGERO_CLIENT_SECRET", CLIENT_SECRET)
    wizard = wizard_at()
    fill_company(qtbot, wizard.company_page)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)  # this computer
    page = wizard.interest_page
    assert wizard.currentId() == PAGE_IDS["interest"]
    type_into(qtbot, page.contact_edit, "Anna Andersson")
    type_into(qtbot, page.phone_edit, "031-123456")
    type_count(qtbot, page, "50")
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    assert InterestRequest.select().count() == 1
    click(qtbot, wizard, QWizard.WizardButton.NextButton)

    connect = wizard.connect_page
    assert wizard.currentId() == PAGE_IDS["connect"]
    assert connect.mode_combo.currentData() == "Test"
    assert connect.category_check.isChecked()
    qtbot.mouseClick(connect.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: connect.url_edit.text().startswith(sandbox.url), timeout=10000)
    assert connect.url_edit.isReadOnly() and connect.copy_button.isEnabled()
    qtbot.mouseClick(connect.copy_button, Qt.MouseButton.LeftButton)
    from PySide6.QtGui import QGuiApplication
    assert QGuiApplication.clipboard().text() == connect.url_edit.text()

    # Next is refused while Kassa waits for the login.
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == PAGE_IDS["connect"]

    # The person's browser: open the link shown, log in, follow the redirect to Kassa.
    browser = Browser()
    answer = browser.follow(browser.login(connect.url_edit.text()))
    assert answer.status_code == 200 and SUCCESS_TEXT in answer.text
    qtbot.waitUntil(lambda: connect.status_label.text() == "Ansluten till Pagero.", timeout=15000)
    assert connect.company_id_edit.text() == COMPANY_ID  # from the token answer

    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == PAGE_IDS["finish"]
    wizard.finish_page.shortcut_check.setChecked(False)
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert not wizard.isVisible()

    company = Company.get_solo()
    assert (company.name, company.pagero_company_id, company.pagero_send_mode) == (
        "Hörnbutiken & Söner AB", COMPANY_ID, "Test")
    category = CustomerCategory.get(CustomerCategory.name == "e-fakturakund")
    assert category.note == "pagero" and category.sends_via_pagero
    from kassa.pagero.credentials import CredentialStore
    assert CredentialStore(secret_service).load_tokens() is not None
    # Nothing secret was written next to the database.
    settings = config.settings_path()
    assert not settings.exists() or CLIENT_SECRET not in settings.read_text()
    assert json.dumps(company.__data__, default=str).find(CLIENT_SECRET) == -1


def test_cancel_ends_the_wait(qtbot, wizard_at, sandbox, secret_service, monkeypatch):
    monkeypatch.setenv("KASSA_PAGERO_CLIENT_SECRET", CLIENT_SECRET)
    wizard = wizard_at("connect")
    connect = wizard.connect_page
    qtbot.mouseClick(connect.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(connect.url_edit.text()), timeout=10000)
    qtbot.mouseClick(connect.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: connect.connect_button.isEnabled(), timeout=5000)
    assert connect.status_label.text() == "Anslutningen avbröts. Kassa är inte ansluten till Pagero."


# --- the till's designation, and the history of the settings -------------------------------------

def journal_settings(till: str) -> list[tuple[str, str | None, str]]:
    from kassa.models import JournalEntry

    rows = JournalEntry.select().where((JournalEntry.till == till) & (JournalEntry.event == "setting_changed"))
    return [(row.data["setting"], row.data["old"], row.data["new"]) for row in rows.order_by(JournalEntry.seq)]


def test_the_wizard_asks_the_till_designation_and_journals_the_settings(qtbot, wizard_at):
    import socket

    wizard = wizard_at()
    page = wizard.company_page
    assert page.till_edit.text() == socket.gethostname()  # the computer's name until one is saved
    fill_company(qtbot, page)
    type_into(qtbot, page.till_edit, "Kassa nummer sjutton")  # 20 characters
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == PAGE_IDS["company"]
    assert page.till_edit.error_text() == ("Kassabeteckningen 'Kassa nummer sjutton' är längre än 16 tecken. Ange en "
                                           "kortare under Inställningar → Kassa (eller KASSA_TILL).")
    assert wizard.focusWidget() is page.till_edit.edit
    type_into(qtbot, page.till_edit, "Kassa 2")
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert not wizard.isVisible()
    assert config.saved_settings()["till"] == "Kassa 2" and config.till_designation() == "Kassa 2"
    changes = journal_settings("Kassa 2")
    assert changes[0] == ("kassabeteckning", socket.gethostname(), "Kassa 2")
    assert journal_settings(socket.gethostname()) == []  # the computer's name never registered anything
    assert ("företag.name", "", "Hörnbutiken & Söner AB") in changes
    assert ("företag.invoice_fee", "0.00", "29.00") in changes
    assert ("företag.f_skatt", "False", "True") in changes
    assert not any(setting == "företag.city" and new != "Göteborg" for setting, _old, new in changes)


def test_a_company_change_is_journalled_once_and_an_unchanged_value_not_at_all(qtbot, wizard_at, company,
                                                                              monkeypatch):
    monkeypatch.setenv("KASSA_TILL", "Kassa 1")
    wizard = wizard_at()
    page = wizard.company_page
    assert page.till_edit.edit.isReadOnly() and page.till_edit.text() == "Kassa 1"
    assert "KASSA_TILL" in page.till_note.text()
    type_into(qtbot, page.phone_edit, "031-654321")
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert journal_settings("Kassa 1") == [("företag.phone", "031-123456", "031-654321")]
    assert "till" not in config.saved_settings()  # KASSA_TILL decides; nothing saved beside it


def test_the_designation_is_not_changed_while_the_day_is_open(qtbot, wizard_at, company):
    from tests.factories import open_day

    config.save_settings(till="Kassa 1")
    open_day("Kassa 1")
    wizard = wizard_at()
    page = wizard.company_page
    type_into(qtbot, page.till_edit, "Kassa 9")
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert wizard.isVisible() and wizard.currentId() == PAGE_IDS["company"]
    assert page.till_edit.error_text() == ("Dag 1 är öppen i kassa Kassa 1. Stäng dagen med en Z-dagrapport innan "
                                           "du byter kassabeteckning.")
    assert config.till_designation() == "Kassa 1"
    assert journal_settings("Kassa 9") == []
