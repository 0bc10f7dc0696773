"""Fixtures for the send queue: issued e-invoices, the stand-in without duplicate control,
tokens in the real Secret Service keyring, and a sender with short timings.

Registered with ``pytest_plugins = ["tests.pagero.fixtures", "tests.outbox.fixtures"]``.
The stand-in's duplicate document control is off here on purpose: these tests count uploads per
invoice number at the stand-in, so that only the queue itself can keep an invoice from going twice.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from decimal import Decimal

import pytest

from kassa.invoicing import issue_invoice
from kassa.models import Customer, CustomerCategory, Invoice, Transmission
from kassa.money import LineInput
from kassa.outbox.sender import Sender, SendPolicy
from kassa.pagero.client import PageroClient, RetryPolicy
from kassa.pagero.credentials import CredentialStore, TokenManager
from kassa.pagero.oauth import OAuthClient
from kassa.pagero.sandbox.server import SandboxServer
from tests.factories import make_company, wait_until
from tests.pagero.fixtures import (
    CLIENT_ID,
    CLIENT_SECRET,
    COMPANY_ID,
    Control,
    free_port,
    login_tokens,
    sandbox_config,
)

FAST_POLICY = dict(
    poll_intervals=(0.02, 0.05, 0.1, 0.2), answer_intervals=(0.02, 0.05, 0.1, 0.2),
    retry_intervals=(0.02, 0.05, 0.1, 0.2), not_connected_delay=0.5, lease=5.0, reconcile_grace=1.5,
    batch=20, idle=0.2,
)
# The stand-in: processing and delivery take a little while, so polls see the steps in between.
TIMING = {"processing": 0.05, "delivery": 0.05, "answer": 0.05}


def fast_policy(**overrides) -> SendPolicy:
    return SendPolicy(**{**FAST_POLICY, **overrides})


def e_invoice_customer(number: int | None = None, **overrides) -> Customer:
    category, _ = CustomerCategory.get_or_create(name="e-fakturakund", defaults={"note": "pagero"})
    number = number or Customer.select().count() + 1
    values = dict(
        number=number, name=f"Kunden {number} AB", org_number="5560360793", vat_number="SE556036079301",
        street="Kundvägen 2", postal_code="11122", city="Stockholm", reference="Anna Andersson",
        email="faktura@kunden.se", category=category,
    )
    values.update(overrides)
    return Customer.create(**values)


def issue_e_invoices(count: int, customer: Customer | None = None) -> list[Invoice]:
    customer = customer or e_invoice_customer()
    return [
        issue_invoice(customer, [LineInput("Kaffe", Decimal("2"), Decimal("45.00"), 12),
                                 LineInput("Bulle", Decimal("1"), Decimal(f"{20 + i % 7}.50"), 12)])
        for i in range(count)
    ]


def seller(**overrides):
    """A complete seller that is connected to the stand-in's test account."""
    return make_company(**{"pagero_company_id": COMPANY_ID, "pagero_send_mode": "Test", **overrides})


def start_sandbox(monkeypatch, **config) -> SandboxServer:
    """The stand-in with control on and duplicate control off; Kassa's configuration points at it."""
    redirect_port = free_port()
    cfg = sandbox_config(redirect_port, duplicate_control=False, timing=dict(TIMING))
    cfg.update(config)
    server = SandboxServer(cfg, control=True).start()
    server.redirect_port = redirect_port
    for name, value in {
        "KASSA_PAGERO_SSO_BASE": server.url, "KASSA_PAGERO_API_BASE": server.url,
        "KASSA_INTEREST_URL": f"{server.url}/partner/v1/interest", "KASSA_PAGERO_CLIENT_ID": CLIENT_ID,
        # The vendor's secret from the environment: never written anywhere.
        "KASSA_PAGERO_CLIENT_SECRET": CLIENT_SECRET,
    }.items():
        monkeypatch.setenv(name, value)
    return server


@pytest.fixture
def outbox_sandbox(monkeypatch):
    server = start_sandbox(monkeypatch)
    yield server
    server.stop()


@pytest.fixture
def outbox_control(outbox_sandbox) -> Control:
    return Control(outbox_sandbox.url)


def connect(server: SandboxServer, backend) -> None:
    """Log in at the stand-in as a person would and keep the tokens in ``backend`` (the keyring)."""
    tokens = login_tokens(OAuthClient(client_secret=CLIENT_SECRET, redirect_port=server.redirect_port))
    CredentialStore(backend).save_tokens(tokens)


@pytest.fixture
def connected(outbox_sandbox, secret_service):
    """The stand-in's account connected: tokens in the Secret Service keyring."""
    connect(outbox_sandbox, secret_service)
    return secret_service


def client_factory(backend, *, attempts: int = 6, read_timeout: float = 2.0, api_base: str | None = None):
    """PageroClients as the application makes them (TokenManager over the keyring), with short retries;
    ``api_base`` points them elsewhere (the fault proxy)."""

    def make() -> PageroClient:
        store = CredentialStore(backend)
        store.check()
        tokens = TokenManager(store, OAuthClient(client_secret=CLIENT_SECRET))
        return PageroClient(tokens, api_base=api_base, timeout=(2.0, read_timeout),
                            retry=RetryPolicy(attempts=attempts, base_delay=0.01, max_delay=0.05))

    return make


def make_sender(backend, worker_id: str = "test-sender", **policy) -> Sender:
    return Sender(client_factory(backend), worker_id, policy=fast_policy(**policy),
                  interest_client_factory=lambda: PageroClient(None, retry=RetryPolicy(attempts=2, base_delay=0.01)))


def run_until(sender: Sender, done, timeout: float = 60.0) -> None:
    """Run the sender's rounds until ``done()``; fails the test on timeout."""

    def one_round() -> None:
        if not sender.run_once():
            time.sleep(min(0.05, sender.seconds_until_due()))

    wait_until(done, timeout, between=one_round,
               message=lambda: f"not done within {timeout} s: { {t.id: t.state for t in Transmission.select()} }")


def all_in(states: tuple[str, ...]):
    def done() -> bool:
        return not Transmission.select().where(Transmission.state.not_in(states)).exists()

    return done


SLOW_SECONDS = 1.0  # how late the stand-in answers a "slow" fault


def uploads_per_number(control: Control, settle: bool = True) -> dict[str, int]:
    """Uploads per invoice number at the stand-in, once the late ("slow") requests have landed too."""
    if settle and sum(control.injected().get(kind, 0) for kind in ("slow",)):
        time.sleep(SLOW_SECONDS + 0.5)
    return control.files()["counts"]


def _state_counts() -> dict[str, int]:
    return dict(Counter(str(t.state) for t in Transmission.select()))


def run_in_threads(senders: list[Sender], done, timeout: float = 120.0) -> None:
    """Several senders at once, each on its own thread (and database connection), until ``done()``.
    Each thread is named after its sender's ``worker_id``."""
    from kassa.models.database import db

    stop = threading.Event()
    errors: list[BaseException] = []

    def work(sender: Sender) -> None:
        try:
            while not stop.is_set():
                if not sender.run_once():
                    stop.wait(min(0.05, sender.seconds_until_due()))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            sender.close()
            db.close()

    threads = [threading.Thread(target=work, args=(s,), name=s.worker_id, daemon=True) for s in senders]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: done() or errors, timeout, interval=0.1,
                   message=lambda: f"not done within {timeout} s: {_state_counts()}")
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert not errors, errors


def fault_settings(seed: int, probability: float = 0.3) -> dict:
    """500, 429, timeouts (slower than the client waits) and dropped connections, before and after
    the request was handled."""
    return {"probability": probability, "kinds": ["500", "429", "slow", "drop", "drop_after"], "seed": seed,
            "retry_after": 0, "slow_seconds": SLOW_SECONDS}
