"""Fixtures for the Pagero connection: the stand-in on a free loopback port, a browser
driven with requests, the real Secret Service keyring (skipped where there is none).

Registered with ``pytest_plugins = ["tests.pagero.fixtures"]`` in the test modules.
"""
from __future__ import annotations

import socket
import threading
import uuid
from html.parser import HTMLParser
from typing import Any

import pytest
import requests

from kassa.pagero.oauth import OAuthClient, TokenSet
from kassa.pagero.sandbox.server import SandboxServer
from kassa.pagero.sandbox.state import DEFAULT_COMPANY_ID

CLIENT_ID = f"kassa-test-{uuid.uuid4().hex[:8]}"  # per process: xdist workers share one keyring
CLIENT_SECRET = "test-client-secret-" + uuid.uuid4().hex
USERNAME, PASSWORD = "anna", "hemligt-lösen"
COMPANY_ID = DEFAULT_COMPANY_ID

SECRET_SERVICE_SKIP = (
    "needs a Secret Service keyring: run under `dbus-run-session` with `gnome-keyring-daemon --unlock "
    "--components=secrets` (see the project conventions)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Control:
    """The stand-in's /_control/ endpoints."""

    def __init__(self, url: str):
        self.url = url

    def _post(self, path: str, body: dict | None = None) -> Any:
        response = requests.post(f"{self.url}/_control/{path}", json=body or {}, timeout=10)
        response.raise_for_status()
        return response.json()

    def script(self, match: str, outcome: str = "delivered", **more: Any) -> dict:
        return self._post("script", {"match": match, "outcome": outcome, **more})

    def faults(self, **settings: Any) -> dict:
        return self._post("faults", settings)

    def injected(self) -> dict:
        return requests.get(f"{self.url}/_control/faults", timeout=10).json()["injected"]

    def clear_faults(self) -> None:
        requests.delete(f"{self.url}/_control/faults", timeout=10).raise_for_status()

    def expire_tokens(self, refresh: bool = False) -> None:
        self._post("expire-tokens", {"refresh": refresh})

    def advance(self, seconds: float) -> None:
        self._post("advance", {"seconds": seconds})

    def flush(self) -> None:
        self._post("flush")

    def files(self) -> dict:
        return requests.get(f"{self.url}/_control/files", timeout=10).json()

    def interest(self) -> list[dict]:
        return requests.get(f"{self.url}/_control/interest", timeout=10).json()["items"]


def sandbox_config(redirect_port: int, **overrides: Any) -> dict:
    cfg = {
        "client": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                   "redirect_uri": f"http://127.0.0.1:{redirect_port}/callback"},
        "accounts": [{"username": USERNAME, "password": PASSWORD, "company_id": COMPANY_ID,
                      "company_name": "Testbolaget AB", "vat": "SE556036079301"}],
        "timing": {"processing": 0, "delivery": 0, "answer": 0},
    }
    cfg.update(overrides)
    return cfg


@pytest.fixture
def redirect_port() -> int:
    return free_port()


@pytest.fixture
def sandbox(redirect_port, monkeypatch):
    """The stand-in with control endpoints; Kassa's configuration points at it."""
    with SandboxServer(sandbox_config(redirect_port), control=True) as server:
        for name, value in {
            "KASSA_PAGERO_SSO_BASE": server.url, "KASSA_PAGERO_API_BASE": server.url,
            "KASSA_INTEREST_URL": f"{server.url}/partner/v1/interest", "KASSA_PAGERO_CLIENT_ID": CLIENT_ID,
            "KASSA_PAGERO_REDIRECT_PORT": str(redirect_port),
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("KASSA_PAGERO_CLIENT_SECRET", raising=False)
        yield server


@pytest.fixture
def control(sandbox) -> Control:
    return Control(sandbox.url)


@pytest.fixture
def oauth(sandbox) -> OAuthClient:
    return OAuthClient(client_secret=CLIENT_SECRET)


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.action = attributes.get("action") or ""
        if tag == "input" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append(data.strip())


def read_page(html: str) -> _FormReader:
    reader = _FormReader()
    reader.feed(html)
    return reader


class Browser:
    """Does what a person's browser does with the login page, with requests."""

    def __init__(self) -> None:
        self.session = requests.Session()
        self.last_page: _FormReader | None = None

    def login(self, url: str, username: str = USERNAME, password: str = PASSWORD) -> requests.Response:
        """Open the login page, post the form; returns the answer to the form (a redirect on success)."""
        page = self.session.get(url, timeout=10)
        page.raise_for_status()
        form = read_page(page.text)
        self.last_page = form
        fields = dict(form.fields, username=username, password=password)
        action = requests.compat.urljoin(page.url, form.action)
        return self.session.post(action, data=fields, allow_redirects=False, timeout=10)

    def follow(self, response: requests.Response) -> requests.Response:
        assert response.status_code == 302, response.text
        return self.session.get(response.headers["Location"], timeout=20)


@pytest.fixture
def browser() -> Browser:
    return Browser()


def connect_in_background(pending, browser: Browser) -> tuple[threading.Thread, dict]:
    """Drive the browser in a thread while the caller waits on ``pending``."""
    outcome: dict = {}

    def drive() -> None:
        outcome["page"] = browser.follow(browser.login(pending.url))

    thread = threading.Thread(target=drive, daemon=True)
    thread.start()
    return thread, outcome


def login_tokens(oauth: OAuthClient, browser: Browser | None = None) -> TokenSet:
    """A full connect flow against the stand-in; the tokens it gave."""
    browser = browser or Browser()
    pending = oauth.begin()
    thread, _ = connect_in_background(pending, browser)
    tokens = pending.wait(timeout=20)
    thread.join(10)
    return tokens


class MemoryTokens:
    """A token holder in memory, refreshing for real at the stand-in; for client tests that
    are not about the keyring (those use TokenManager with the Secret Service)."""

    def __init__(self, oauth: OAuthClient, tokens: TokenSet):
        self.oauth = oauth
        self.tokens = tokens
        self.refreshes = 0

    def access_token(self) -> str:
        return self.tokens.access_token

    def refresh_after_rejection(self, rejected: str) -> str:
        self.tokens = self.oauth.refresh(self.tokens.refresh_token)
        self.refreshes += 1
        return self.tokens.access_token


@pytest.fixture
def memory_tokens(oauth) -> MemoryTokens:
    return MemoryTokens(oauth, login_tokens(oauth))


@pytest.fixture
def secret_service():
    """The real Secret Service keyring backend, emptied of Kassa's entries afterwards."""
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    try:
        if backend.priority <= 0:
            pytest.skip(SECRET_SERVICE_SKIP)
        probe = f"probe-{uuid.uuid4().hex}"
        backend.set_password("kassa-pagero-probe", probe, "x")
        backend.delete_password("kassa-pagero-probe", probe)
    except Exception as exc:  # no D-Bus session, no daemon, locked collection
        pytest.skip(f"{SECRET_SERVICE_SKIP} ({type(exc).__name__})")
    yield backend
    for key in (f"tokens:{CLIENT_ID}@", f"client-secret:{CLIENT_ID}"):
        for cred_key in _matching_keys(backend, key):
            try:
                backend.delete_password("kassa-pagero", cred_key)
            except Exception:
                pass


def _matching_keys(backend, prefix: str) -> list[str]:
    """Usernames of this process's entries; other xdist workers may delete theirs meanwhile."""
    names = []
    for item in backend.get_preferred_collection().search_items({"service": "kassa-pagero"}):
        try:
            name = item.get_attributes().get("username", "")
        except Exception:  # deleted by another worker between search and read
            continue
        if name.startswith(prefix):
            names.append(name)
    return names


def ubl_invoice(number: str, issue_date: str = "2026-03-02", total: str = "1250.00",
                buyer_orgnr: str = "5560360793") -> bytes:
    """A small UBL invoice with what the stand-in reads (not a complete PEPPOL document)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
 <cbc:ID>{number}</cbc:ID><cbc:IssueDate>{issue_date}</cbc:IssueDate><cbc:DueDate>2026-04-01</cbc:DueDate>
 <cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>
 <cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="0007">5566778899</cbc:EndpointID>
  <cac:PartyTaxScheme><cbc:CompanyID>SE556677889901</cbc:CompanyID></cac:PartyTaxScheme>
  <cac:PartyLegalEntity><cbc:RegistrationName>Testbolaget AB</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="0007">{buyer_orgnr}</cbc:EndpointID>
  <cac:PartyLegalEntity><cbc:RegistrationName>Köparen AB</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingCustomerParty>
 <cac:TaxTotal><cbc:TaxAmount currencyID="SEK">250.00</cbc:TaxAmount></cac:TaxTotal>
 <cac:LegalMonetaryTotal><cbc:TaxExclusiveAmount currencyID="SEK">1000.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="SEK">{total}</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="SEK">{total}</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>""".encode()
