"""E-fakturor: every transmission with its Swedish state, Pagero's messages and the buyer's
answer; Försök igen / Avbryt through the send queue; the status-bar indicator."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from kassa.invoicing import issue_invoice
from kassa.models import Customer, CustomerCategory, Transmission, utcnow
from kassa.money import LineInput
from kassa.outbox.interest import queue_interest
from kassa.ui.einvoices import EInvoiceStatusDialog, QueueIndicator
from tests.factories import QT_NOISE

pytestmark = QT_NOISE


@pytest.fixture
def transmissions(company):
    category = CustomerCategory.create(name="e-fakturakund", note="pagero")
    customer = Customer.create(number=1, name="Kunden AB", org_number="5560360793", street="Kundvägen 2",
                               postal_code="11122", city="Stockholm", reference="Anna", category=category)
    rows = {}
    for n, (state, extra) in enumerate([
        ("delivered", dict(document_id="doc-1", buyer_response="RecipientAccept", buyer_response_at=utcnow(),
                           messages=[{"at": "2026-03-02T10:00:00Z", "state": "delivered",
                                      "text": "Levererad till mottagarens åtkomstpunkt."}])),
        ("needs_attention", dict(last_error="Köparens PEPPOL-adress saknas.",
                                 messages=[{"at": "2026-03-02T10:01:00Z", "state": "needs_attention",
                                            "from": "queued", "text": "Köparens PEPPOL-adress saknas."}])),
        ("queued", {}),
    ]):
        invoice = issue_invoice(customer, [LineInput("Kaffe", Decimal("2"), Decimal("45.00"), 12)])
        rows[state] = Transmission.create(invoice=invoice, state=state, sender_reference=f"ref-{n}",
                                          payload="<Invoice/>", **extra)
    return rows


def cell(dialog, row: int, col: int) -> str:
    return dialog.model.data(dialog.model.index(row, col))


def row_of_state(dialog, label: str) -> int:
    return [cell(dialog, r, 2) for r in range(dialog.model.rowCount())].index(label)


def test_status_view_shows_swedish_states_and_answers(qtbot, transmissions, background_done):
    dialog = EInvoiceStatusDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)
    states = sorted(cell(dialog, r, 2) for r in range(3))
    assert states == ["Behöver åtgärd", "I kö", "Levererad till köparen"]
    delivered = row_of_state(dialog, "Levererad till köparen")
    number = str(transmissions["delivered"].invoice.number)
    assert cell(dialog, delivered, 0) == number and cell(dialog, delivered, 1) == "Kunden AB"
    assert cell(dialog, delivered, 5) == "Levererad till mottagarens åtkomstpunkt."
    assert cell(dialog, delivered, 6) == "Godkänd av köparen"
    assert "1 behöver åtgärdas" in dialog.status_label.text()

    dialog.table.selectRow(delivered)
    assert "Pageros dokument-id: doc-1" in dialog.details.toPlainText()
    assert not dialog.retry_button.isEnabled() and not dialog.cancel_button.isEnabled()

    # Försök igen on the one that needs attention puts it back in the queue.
    dialog.table.selectRow(row_of_state(dialog, "Behöver åtgärd"))
    assert "Senaste fel: Köparens PEPPOL-adress saknas." in dialog.details.toPlainText()
    assert dialog.retry_button.isEnabled()
    qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: Transmission.get_by_id(transmissions["needs_attention"].id).state == "queued")
    qtbot.waitUntil(lambda: sorted(cell(dialog, r, 2) for r in range(3)).count("I kö") == 2)

    # Avbryt on a queued one that never reached Pagero.
    queued_id = transmissions["queued"].id
    dialog.table.selectRow(dialog.model.row_of(queued_id))
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cell(dialog, dialog.model.row_of(queued_id), 2) == "Avbruten")
    assert Transmission.get_by_id(queued_id).state == "cancelled"


def test_times_are_the_computers_and_the_swedish_state_comes_before_pageros_words(
        qtbot, transmissions, background_done, india_time):
    delivered = transmissions["delivered"]
    Transmission.update(updated_at=dt.datetime(2026, 11, 29, 6, 35),
                        messages=[{"at": "2026-11-29T06:35:00Z", "state": "delivered",
                                   "text": "Delivered to the receiver over PEPPOL."}]
                        ).where(Transmission.id == delivered.id).execute()
    dialog = EInvoiceStatusDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)
    row = row_of_state(dialog, "Levererad till köparen")
    assert cell(dialog, row, 3) == "2026-11-29 12:05"  # 06:35 UTC in India
    headings = [dialog.model.headerData(c, Qt.Orientation.Horizontal) for c in range(dialog.model.columnCount())]
    assert headings.index("Status") < headings.index("Pageros meddelande")
    assert cell(dialog, row, 5) == "Delivered to the receiver over PEPPOL."  # Pagero's words, quoted as they came
    dialog.table.selectRow(row)
    details = dialog.details.toPlainText().splitlines()
    assert details[1] == "Status: Levererad till köparen"
    assert "senast ändrad: 2026-11-29 12:05" in details[2]
    assert details[-1] == "  • 2026-11-29 12:05 Delivered to the receiver over PEPPOL."


def test_view_refreshes_on_its_timer(qtbot, transmissions, background_done):
    dialog = EInvoiceStatusDialog(refresh_ms=50)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)
    Transmission.update(state="approved").where(Transmission.id == transmissions["delivered"].id).execute()
    qtbot.waitUntil(lambda: "Godkänd av köparen" in [cell(dialog, r, 2) for r in range(3)])


def test_queue_indicator(qtbot, transmissions, background_done):
    queue_interest({"companyName": "Hörnbutiken"})
    indicator = QueueIndicator(interval_ms=50)
    qtbot.addWidget(indicator)
    with qtbot.waitSignal(indicator.updated, timeout=5000):
        pass
    text = indicator.label.text()
    assert "1 i kö" in text and "1 problem" in text and "intresseanmälan väntar" in text
    # No tokens were ever stored: never shown as connected (unknown where there is no keyring).
    assert "Pagero: ansluten" not in text
    Transmission.update(state="delivered").where(Transmission.state == "needs_attention").execute()
    qtbot.waitUntil(lambda: "problem" not in indicator.label.text())
    with qtbot.waitSignal(indicator.clicked):
        qtbot.mouseClick(indicator, Qt.MouseButton.LeftButton)


def test_status_bar_says_what_the_last_contact_with_pagero_gave(qtbot, db, connected, outbox_sandbox,
                                                                 background_done):
    """Tokens in the keyring are not a connection: the status bar says what the last request got."""
    from kassa.pagero import contact
    from kassa.pagero.client import PageroClient, RetryPolicy
    from kassa.pagero.connector import PageroConnector
    from kassa.pagero.errors import TransientError
    from tests.outbox.fixtures import client_factory
    from tests.pagero.fixtures import free_port

    contact.forget()
    indicator = QueueIndicator(interval_ms=50, connector=PageroConnector(connected))
    qtbot.addWidget(indicator)
    qtbot.waitUntil(lambda: "Pagero: ansluten, ingen kontakt än" in indicator.label.text(), timeout=5000)

    # Pagero cannot be reached (nobody listens there): said, with the reason in the tooltip.
    nowhere = PageroClient(None, interest_url=f"http://127.0.0.1:{free_port()}/partner/v1/interest",
                           retry=RetryPolicy(attempts=1))
    with pytest.raises(TransientError):
        nowhere.send_interest({"companyName": "Hörnbutiken"})
    nowhere.close()
    qtbot.waitUntil(lambda: "går inte att nå sedan" in indicator.label.text(), timeout=5000)
    assert "ansluten" not in indicator.label.text()
    assert "Pagero gick inte att nå (ConnectionError)" in indicator.label.toolTip()

    # Reached again: the stand-in answers.
    client = client_factory(connected)()
    try:
        client.documents()
    finally:
        client.close()
    qtbot.waitUntil(lambda: "Pagero: nådd " in indicator.label.text(), timeout=5000)
    contact.forget()


def test_the_count_agrees_with_its_number(qtbot, company, background_done):
    category = CustomerCategory.create(name="e-fakturakund", note="pagero")
    customer = Customer.create(number=1, name="Kunden AB", org_number="5560360793", street="Kundvägen 2",
                               postal_code="11122", city="Stockholm", reference="Anna", category=category)
    invoice = issue_invoice(customer, [LineInput("Kaffe", Decimal("2"), Decimal("45.00"), 12)])
    Transmission.create(invoice=invoice, state="queued", sender_reference="ref-1", payload="<Invoice/>")
    dialog = EInvoiceStatusDialog(refresh_ms=60_000)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.status_label.text().startswith("1 e-faktura ·")
def test_a_file_waiting_in_pagero_is_restarted_and_cancelled_from_e_fakturor(qtbot, db, connected, outbox_control,
                                                                              background_done, tmp_path,
                                                                              monkeypatch):
    """Real stand-in: one file waits for interaction, one is in error; Försök igen (Alt+F) restarts the
    first in Pagero (fileparts action Restart), Avbryt sändningen (Alt+A) cancels the second (Cancel)."""
    from kassa.outbox.enqueue import enqueue_invoice
    from tests.outbox.fixtures import all_in, issue_e_invoices, make_sender, run_until, seller

    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules"))
    seller()
    waiting, failed = (enqueue_invoice(i.id) for i in issue_e_invoices(2))
    outbox_control.script(str(waiting.invoice.number), "awaiting_interaction", description="Check the buyer.")
    outbox_control.script(str(failed.invoice.number), "error", description="Receiver not reachable.")
    run_until(make_sender(connected), all_in(("awaiting_interaction", "error")), timeout=30)

    dialog = EInvoiceStatusDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    dialog.table.setFocus()
    dialog.table.selectRow(dialog.model.row_of(waiting.id))
    assert "Check the buyer." in dialog.details.toPlainText()
    qtbot.keyClick(dialog, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: Transmission.get_by_id(waiting.id).state == "processing")
    part = next(f for f in outbox_control.files()["items"] if f["documentIdentifier"] == str(waiting.invoice.number))
    assert part["partStatus"] in ("Processing", "Processed"), "restarted in Pagero"
    qtbot.waitUntil(lambda: cell(dialog, dialog.model.row_of(waiting.id), 2) == "Behandlas hos Pagero")

    dialog.table.selectRow(dialog.model.row_of(failed.id))
    qtbot.waitUntil(dialog.cancel_button.isEnabled)
    qtbot.keyClick(dialog, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: cell(dialog, dialog.model.row_of(failed.id), 2) == "Avbruten")
    part = next(f for f in outbox_control.files()["items"] if f["documentIdentifier"] == str(failed.invoice.number))
    assert part["partStatus"] == "Cancelled", "cancelled in Pagero, not only in Kassa"
