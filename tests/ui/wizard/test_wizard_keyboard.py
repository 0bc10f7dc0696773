"""The settings wizard driven by keyboard as a new user drives it: Tab through the fields after the
first errors, Alt+N for Nästa on every page, Enter after connecting to Pagero, a count typed over
the interest form's "ange antal", and messages that are read whole."""
from __future__ import annotations

import json
import urllib.request

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QWizard

from kassa.models import InterestRequest, db_now
from kassa.outbox.interest import InterestJob, default_interest_client_factory
from kassa.pagero.client import PageroClient, RetryPolicy
from kassa.ui.wizard import PAGE_IDS
from tests.factories import QT_NOISE, type_into, type_text
from tests.pagero.fixtures import CLIENT_SECRET, Browser
from tests.ui.mnemonics import mnemonics, shared_mnemonics
from tests.ui.wizard.test_wizard import fill_company, wizard_at  # noqa: F401 - the fixture

pytestmark = QT_NOISE

ALT = Qt.KeyboardModifier.AltModifier
WIZARD_LETTERS = {"n", "t", "s"}  # &Nästa, &Tillbaka, &Slutför: no page may take them


def active(qtbot, wizard) -> None:
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)


def key(qtbot, wizard, k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(wizard.focusWidget(), k, modifier)
    # Alt+letter presses a button as a short animated click: wait until it has been let go.
    qtbot.waitUntil(lambda: not any(b.isDown() for b in wizard.findChildren(QAbstractButton)))


def test_tab_follows_the_fields_after_the_errors_appear(qtbot, wizard_at):  # noqa: F811
    wizard = wizard_at()
    page = wizard.company_page
    active(qtbot, wizard)
    key(qtbot, wizard, Qt.Key.Key_N, ALT)  # Nästa on the empty form: every field says what it needs
    assert wizard.currentId() == PAGE_IDS["company"]
    assert page.name_edit.error_text() == "Skriv företagets namn."
    assert page.org_edit.error_text() == "Skriv organisationsnumret."
    assert wizard.focusWidget() is page.name_edit.edit
    type_text(qtbot, wizard.focusWidget(), "Testbutiken AB")
    for field, text in ((page.org_edit, "556677-8899"), (page.vat_edit, ""), (page.street_edit, "Storgatan 1"),
                        (page.postal_edit, "411 01"), (page.city_edit, "Göteborg"), (page.office_edit, ""),
                        (page.email_edit, ""), (page.phone_edit, ""), (page.bankgiro_edit, "5050-1055")):
        key(qtbot, wizard, Qt.Key.Key_Tab)
        edit = getattr(field, "edit", field)
        assert wizard.focusWidget() is edit, f"Tab went to {wizard.focusWidget()!r}, not the next field"
        if text:
            type_text(qtbot, edit, text)
    assert (page.name_edit.text(), page.org_edit.text(), page.city_edit.text()) == (
        "Testbutiken AB", "556677-8899", "Göteborg")
    key(qtbot, wizard, Qt.Key.Key_N, ALT)
    assert wizard.currentId() == PAGE_IDS["database"]


def test_each_alt_letter_has_one_use_on_every_page_and_alt_n_goes_on(qtbot, wizard_at, company):  # noqa: F811
    wizard = wizard_at()
    active(qtbot, wizard)
    for name in ("company", "database", "interest", "connect", "finish"):
        assert wizard.currentId() == PAGE_IDS[name]
        qtbot.waitUntil(lambda: wizard.focusWidget() is not None)
        assert not shared_mnemonics(wizard), f"page {name}: {shared_mnemonics(wizard)}"
        taken = WIZARD_LETTERS & set(mnemonics(wizard.currentPage()))
        assert not taken, f"page {name} takes the wizard's own letters {taken}: {mnemonics(wizard.currentPage())}"
        if name != "finish":
            key(qtbot, wizard, Qt.Key.Key_N, ALT)
            if name == "interest":
                continue
    assert wizard.currentId() == PAGE_IDS["finish"]


def visible_cancels(wizard) -> list[str]:
    return sorted(b.text() for b in wizard.findChildren(QAbstractButton)
                  if b.isVisible() and b.text().replace("&", "").startswith("Avbryt"))


def test_after_connecting_enter_goes_on_and_the_login_link_is_gone(qtbot, wizard_at, sandbox,  # noqa: F811
                                                                    secret_service, monkeypatch):
    monkeypatch.setenv("KASSA_PAGERO_CLIENT_SECRET", CLIENT_SECRET)
    wizard = wizard_at("connect")
    connect = wizard.connect_page
    active(qtbot, wizard)
    assert visible_cancels(wizard) == ["Avbryt"]
    key(qtbot, wizard, Qt.Key.Key_A, ALT)  # &Anslut
    qtbot.waitUntil(lambda: connect.url_edit.text().startswith(sandbox.url), timeout=10000)
    assert visible_cancels(wizard) == ["Avbryt", "Avbryt &inloggningen"]  # the wizard's, and the login's own
    browser = Browser()
    browser.follow(browser.login(connect.url_edit.text()))
    qtbot.waitUntil(lambda: connect.status_label.text() == "Ansluten till Pagero.", timeout=15000)
    assert connect.url_edit.text() == "" and not connect.copy_button.isEnabled()  # that link is used up
    assert visible_cancels(wizard) == ["Avbryt"]
    assert not wizard.button(QWizard.WizardButton.BackButton).isDefault()
    key(qtbot, wizard, Qt.Key.Key_Return)
    assert wizard.currentId() == PAGE_IDS["finish"]  # on, not back


def run_interest_job(client_factory) -> None:
    job = InterestJob(client_factory, batch=5, lease=60, retry_delay=lambda attempt: 60)
    try:
        assert job.run_once() == 1
    finally:
        job.close()


def fill_interest(qtbot, wizard) -> None:
    page = wizard.interest_page
    type_into(qtbot, page.contact_edit, "Åsa Öberg")
    type_into(qtbot, page.phone_edit, "070-123 45 67")
    qtbot.mouseClick(page.invoices_spin.lineEdit(), Qt.MouseButton.LeftButton)  # as the trial user did
    qtbot.keyClicks(wizard.focusWidget(), "200")
    assert page.invoices_spin.value() == 200
    key(qtbot, wizard, Qt.Key.Key_K, ALT)  # S&kicka
    qtbot.waitUntil(lambda: bool(page.result_label.text()))


def test_a_count_typed_over_the_placeholder_counts_and_sent_says_sent(qtbot, wizard_at, company, sandbox):  # noqa: F811
    wizard = wizard_at("interest")
    page = wizard.interest_page
    active(qtbot, wizard)
    assert page.invoices_spin.text() == "ange antal"
    fill_interest(qtbot, wizard)
    assert page.invoices_error.text() == ""
    qtbot.waitUntil(lambda: page.result_label.text().startswith("Intresseanmälan är skickad till Pagero"),
                    timeout=10_000)
    received = json.loads(urllib.request.urlopen(f"{sandbox.url}/_control/interest").read())
    assert received["items"][0]["invoicesPerYear"] == 200


def test_the_interest_form_not_sent_at_once_is_sent_by_the_queue_and_the_page_says_so(qtbot, wizard_at,  # noqa: F811
                                                                                        company, sandbox):
    wizard = wizard_at("interest")
    page = wizard.interest_page
    # Pagero is not reached when Skicka is pressed (a closed port); the stand-in is there for the queue.
    page.client_factory = lambda: PageroClient(None, interest_url="http://127.0.0.1:9/partner/v1/interest",
                                               retry=RetryPolicy(attempts=1))
    active(qtbot, wizard)
    fill_interest(qtbot, wizard)
    qtbot.waitUntil(lambda: page.result_label.text().startswith("Pagero kunde inte nås just nu."), timeout=10_000)
    assert "skickas så snart Kassa når Pagero" in page.result_label.text()
    request = InterestRequest.get()
    assert request.state == "queued" and request.next_attempt_at > db_now()  # the queue's retry, not at once
    InterestRequest.update(next_attempt_at=db_now()).execute()  # its time has come
    run_interest_job(default_interest_client_factory)
    qtbot.waitUntil(lambda: page.result_label.text().startswith("Intresseanmälan är skickad till Pagero"),
                    timeout=10_000)
    received = json.loads(urllib.request.urlopen(f"{sandbox.url}/_control/interest").read())
    assert len(received["items"]) == 1


def test_a_long_message_wraps_and_a_wrong_field_shows_its_focus(qtbot, wizard_at):  # noqa: F811
    wizard = wizard_at()
    page = wizard.company_page
    active(qtbot, wizard)
    key(qtbot, wizard, Qt.Key.Key_N, ALT)
    label = page.bankgiro_edit.error_label
    message = "Fyll i bankgiro, plusgiro eller IBAN, så att kunderna vet vart de ska betala."
    assert label.text() == message
    qtbot.waitUntil(lambda: label.width() > 10)
    # What is painted is the whole message, over as many lines as it takes.
    shown = QLabel_text(label)
    assert shown == message and label.wordWrap()
    needed = label.heightForWidth(label.width())
    assert label.height() >= needed, f"{label.height()}px shows less than the {needed}px the message needs"
    # A wrong field looks different with the keyboard focus than without.
    field = page.street_edit.edit
    page.city_edit.edit.setFocus()
    qtbot.waitUntil(lambda: page.city_edit.edit.hasFocus())
    without = field.grab().toImage()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    assert field.grab().toImage() != without


def QLabel_text(label) -> str:  # noqa: N802 - what QLabel itself paints
    from PySide6.QtWidgets import QLabel

    return QLabel.text(label)
