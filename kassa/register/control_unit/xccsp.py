"""A control unit reached over XCCSP: XML over HTTPS POST, ISO-8859-1, HTTP Basic authentication.

`XccspControlUnit.register(data)` answers with the unit's control code or raises
`ControlUnitUnavailable` whose text says in Swedish what is wrong and what to do. It never
returns a code it did not get:

- the receipt data are checked first (`receipt_format`); bad data are refused before sending;
- ``IsNewSession`` is 1 until the first receipt of this driver's session is registered;
- every attempt carries a new ``SerialNo``; the ``ReceiptId`` (the receipt's serial number) stays
  the same over retries, so the unit can tell a resent receipt from a new one;
- faults 5 (unit busy) and 97 (server busy) are retried after a second with a new SerialNo;
- a timeout, or a 502/503/504 from the service's gateway, is retried a couple of times;
- a refused connection, a rejected login, any other fault and an answer that is not XCCSP are
  not retried: the register tries the same receipt again later, and gets the same answer for it.

The password comes from the OS keyring (`credentials`), read once per driver (or is given, to test
settings before they are saved). Plain ``http://`` is
allowed only to this computer (the emulator); anything else must be ``https://``.
"""
from __future__ import annotations

import itertools
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable

import keyring.backend
import requests
import requests.auth
import urllib3

from kassa.register.control_unit import credentials
from kassa.register.control_unit.address import check_url
from kassa.register.control_unit.base import ControlCode, ControlUnitUnavailable, ReceiptData, UnitStatus
from kassa.register.control_unit.receipt_format import check_org_number, check_till, receipt_fields
from kassa.register.control_unit.xccsp_messages import (
    BUSY_FAULTS,
    ENCODING,
    MAX_MESSAGE_BYTES,
    Fault,
    RegisterResult,
    StatusResult,
    UnreadableAnswer,
    code_or_raise,
    parse_response,
    register_request,
    status_request,
)

log = logging.getLogger(__name__)

EMULATOR_HEADER = "X-Kassa-Emulator"
RETRY_STATUSES = (502, 503, 504)
KINDS_WITHOUT_CODE = ("ovning", "profo")  # CleanCash units give codes for normal and kopia only

FAULT_TEXTS = {
    2: "kontrollenheten känner inte igen frågan (okänd begäran)",
    3: "kontrollenheten godtar inte kvittodatan (ogiltiga uppgifter)",
    5: "kontrollenheten är upptagen",
    6: "kontrollenheten är inte i drift",
    7: "kontrollenheten känner inte igen kassans beteckning (PosId)",
    8: "kontrollenheten har ett internt fel",
    9: "kontrollenhetens licens räcker inte till fler kassor",
    10: "kontrollenhetens minne är fullt",
    97: "kontrollenhetens server är upptagen",
    98: "kontrollenhetens server har ett internt fel",
    99: "kontrollenhetens server har ingen kontakt med själva kontrollenheten",
}
FAULT_ADVICE = {
    3: "Kontrollera företagets organisationsnummer och kassans beteckning under Inställningar.",
    7: "Kassans beteckning måste vara registrerad hos leverantören av kontrollenheten. Kontrollera den under "
       "Inställningar → Kassa, eller kontakta leverantören.",
    9: "Kontakta leverantören av kontrollenheten.",
    10: "Kontakta leverantören av kontrollenheten.",
}
MAIN_STATUS_TEXTS = {
    0: "i drift", 1: "i drift med varning", 2: "protokollfel", 3: "fel (inte allvarligt)", 4: "allvarligt fel",
    5: "upptagen", 99: "ingen kontakt med själva enheten",
}
STORAGE_STATUS_TEXTS = {0: "minnet räcker", 1: "minnet är nästan fullt", 2: "minnet är fullt"}
_AGAIN = ("Försök igen om en stund. Fungerar det inte, kontrollera internetanslutningen och kontrollenhetens "
          "inställningar under Inställningar → Kontrollenhet.")


class _Retry(Exception):
    """One attempt ended in a way that may be retried (timeout, gateway 5xx)."""

    def __init__(self, swedish: str, reason: str):
        super().__init__(reason)
        self.swedish = swedish
        self.reason = reason  # English, for the log


class XccspControlUnit:
    """The `ControlUnit` of an XCCSP service (GreenGate Online and other CleanCash-based services)."""

    def __init__(self, url: str, username: str, *, org_number: str, till: str,
                 keyring_backend: keyring.backend.KeyringBackend | None = None, password: str | None = None,
                 connect_timeout: float = 3.0, read_timeout: float = 10.0, timeout_retries: int = 2,
                 busy_retries: int = 3, busy_wait: float = 1.0,
                 session: requests.Session | None = None, sleep: Callable[[float], None] = time.sleep):
        self.url = check_url(url)
        self.host = urllib.parse.urlsplit(self.url).netloc
        if not username:
            raise ControlUnitUnavailable("Användarnamnet till kontrollenheten saknas. Ange det under "
                                         "Inställningar → Kontrollenhet.")
        self.username = username
        self.org_number = org_number
        self.till = till
        self.timeout = (connect_timeout, read_timeout)
        self.timeout_retries = timeout_retries
        self.busy_retries = busy_retries
        self.busy_wait = busy_wait
        self._keyring_backend = keyring_backend
        self._given_password = password  # for a test before the settings are saved; else the keyring
        self._password: str | None = password
        self._session = session or requests.Session()
        self._sleep = sleep
        self._lock = threading.Lock()
        self._serial_numbers = itertools.count(1)
        self._new_session = True
        self._warned_emulator = False

    # -- the ControlUnit protocol ----------------------------------------------------------

    def register(self, data: ReceiptData) -> ControlCode:
        fields = receipt_fields(data)
        with self._lock:
            what = f"receipt {data.till}/{data.serial} ({data.kind})"
            answer = self._exchange(lambda: register_request(fields, next(self._serial_numbers), self._new_session),
                                    what=what)
            if isinstance(answer, Fault):
                log.warning("control unit: fault %s for %s: %s", answer.code, what, answer.message[:200])
                raise ControlUnitUnavailable(self._fault_text(answer))
            if not isinstance(answer, RegisterResult):
                log.warning("control unit: %s answered a receipt with %s", self.host, type(answer).__name__)
                raise ControlUnitUnavailable(self._garbage_text())
            code = answer.code
            if not code and data.kind in KINDS_WITHOUT_CODE and not answer.main_status:
                # Registered without a code, as such receipts are; an empty answer with an error status
                # stored nothing, and is refused below like any answer without a code.
                self._new_session = False
                return ControlCode(code="", unit_id=answer.unit_id)
            try:
                code = code_or_raise(code)
            except UnreadableAnswer as exc:
                log.warning("control unit: %s answered receipt %s/%s without a usable code: %s",
                            self.host, data.till, data.serial, exc)
                raise ControlUnitUnavailable(
                    f"Kontrollenheten ({self.host}) svarade utan kontrollkod "
                    f"({_main_status_text(answer.main_status)}). {_AGAIN}") from None
            if answer.main_status or answer.storage_status:
                log.warning("control unit %s reports main status %s, storage status %s", answer.unit_id,
                            answer.main_status, answer.storage_status)
            self._new_session = False
            log.info("control unit: receipt %s/%s (%s) registered by %s", data.till, data.serial, data.kind,
                     answer.unit_id)
            return ControlCode(code=code, unit_id=answer.unit_id)

    def status(self) -> UnitStatus:
        try:
            org_no, pos_id = check_org_number(self.org_number), check_till(self.till)
            with self._lock:
                answer = self._exchange(lambda: status_request(pos_id, org_no), what="status", busy_retries=0)
        except ControlUnitUnavailable as exc:
            return UnitStatus(ok=False, text=str(exc))
        if isinstance(answer, Fault):
            return UnitStatus(ok=False, text=self._fault_text(answer))
        if not isinstance(answer, StatusResult):
            return UnitStatus(ok=False, text=self._garbage_text())
        ok = answer.main_status in (0, 1) and answer.storage_status in (0, 1)
        text = (f"Kontrollenhet {answer.unit_id} på {self.host}: {_main_status_text(answer.main_status)}, "
                f"{STORAGE_STATUS_TEXTS.get(answer.storage_status, f'minnesstatus {answer.storage_status}')}.")
        if answer.firmware:
            text += f" Programversion {answer.firmware}."
        if self._warned_emulator:
            text += " OBS: detta är Kassas emulator, INTE en certifierad kontrollenhet; den får inte användas i en " \
                    "butik."
        return UnitStatus(ok=ok, unit_id=answer.unit_id, text=text)

    def close(self) -> None:
        self._session.close()

    # -- one exchange, with its retries -------------------------------------------------------

    def _exchange(self, build: Callable[[], bytes], what: str,
                  busy_retries: int | None = None) -> RegisterResult | StatusResult | Fault:
        """Post a fresh message (new SerialNo) per attempt; retry busy faults and timeouts.

        Returns the last answer, a fault included; raises ControlUnitUnavailable when none came."""
        busy_left = self.busy_retries if busy_retries is None else busy_retries
        timeouts_left = self.timeout_retries
        while True:
            body = build()
            try:
                answer = self._post(body)
            except _Retry as exc:
                if timeouts_left > 0:
                    timeouts_left -= 1
                    log.warning("control unit: %s for %s; trying again", exc.reason, what)
                    continue
                raise ControlUnitUnavailable(f"{exc.swedish} {_AGAIN}") from None
            if isinstance(answer, Fault) and answer.code in BUSY_FAULTS and busy_left > 0:
                busy_left -= 1
                log.info("control unit: fault %s (busy) for %s; trying again in %s s", answer.code, what,
                         self.busy_wait)
                self._sleep(self.busy_wait)
                continue
            return answer

    def _post(self, body: bytes) -> RegisterResult | StatusResult | Fault:
        if self._password is None:
            self._password = credentials.load_password(self.url, self.username, self._keyring_backend)
        auth = requests.auth.HTTPBasicAuth(_auth_bytes(self.username), _auth_bytes(self._password))
        try:
            response = self._session.post(
                self.url, data=body, auth=auth, timeout=self.timeout, stream=True,
                headers={"Content-Type": f"text/xml; charset={ENCODING}", "Accept": "text/xml",
                         "Accept-Charset": ENCODING})
        except requests.Timeout:
            raise _Retry(f"Kontrollenheten ({self.host}) svarade inte inom {self.timeout[1]:g} sekunder.",
                         f"no answer from {self.host} in time") from None
        except requests.ConnectionError as exc:
            log.warning("control unit: no connection to %s (%s)", self.host, type(exc).__name__)
            raise ControlUnitUnavailable(
                f"Kontrollenheten ({self.host}) kan inte nås: ingen anslutning. Kontrollera internetanslutningen "
                "och kontrollenhetens adress under Inställningar → Kontrollenhet, och försök igen.") from None
        except requests.RequestException as exc:
            log.warning("control unit: request to %s failed (%s)", self.host, type(exc).__name__)
            raise ControlUnitUnavailable(f"Kontrollenheten ({self.host}) kan inte nås. {_AGAIN}") from None
        with response:
            if response.headers.get(EMULATOR_HEADER) and not self._warned_emulator:
                self._warned_emulator = True
                log.warning("control unit at %s is Kassa's emulator: NOT a certified control unit", self.host)
            if response.status_code in (401, 403):
                self._password = self._given_password  # read again next time: it may have been corrected
                raise ControlUnitUnavailable(
                    f"Kontrollenheten ({self.host}) godtog inte inloggningen (HTTP {response.status_code}). "
                    "Kontrollera användarnamn och lösenord under Inställningar → Kontrollenhet.")
            if response.status_code in RETRY_STATUSES:
                raise _Retry(f"Kontrollenhetens tjänst ({self.host}) svarade med fel (HTTP {response.status_code}).",
                             f"HTTP {response.status_code} from {self.host}")
            if response.status_code != 200:
                log.warning("control unit: %s answered HTTP %s", self.host, response.status_code)
                raise ControlUnitUnavailable(
                    f"Kontrollenhetens tjänst ({self.host}) svarade med fel (HTTP {response.status_code}). {_AGAIN}")
            try:
                raw = response.raw.read(MAX_MESSAGE_BYTES + 1, decode_content=True)
            except urllib3.exceptions.ReadTimeoutError:
                raise _Retry(f"Kontrollenheten ({self.host}) svarade inte färdigt i tid.",
                             f"the answer of {self.host} stalled") from None
            except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
                log.warning("control unit: reading the answer of %s failed (%s)", self.host, type(exc).__name__)
                raise ControlUnitUnavailable(f"Kontrollenhetens svar ({self.host}) bröts av. {_AGAIN}") from None
        try:
            return parse_response(raw)
        except UnreadableAnswer as exc:
            log.warning("control unit: unreadable answer from %s: %s", self.host, exc)
            raise ControlUnitUnavailable(self._garbage_text()) from None

    # -- Swedish texts ------------------------------------------------------------------------

    def _garbage_text(self) -> str:
        return (f"Kontrollenheten ({self.host}) svarade med något som inte är ett giltigt svar, så kvittot fick "
                "ingen kontrollkod. Försök igen om en stund. Händer det igen, kontrollera att adressen under "
                "Inställningar → Kontrollenhet går till en XCCSP-tjänst, eller kontakta leverantören av "
                "kontrollenheten.")

    def _fault_text(self, fault: Fault) -> str:
        what = FAULT_TEXTS.get(fault.code, f"kontrollenheten svarade med felkod {fault.code}")
        advice = FAULT_ADVICE.get(fault.code, _AGAIN)
        detail = f" ({fault.message})" if fault.message else ""
        return f"Ingen kontrollkod: {what}{detail}. {advice}"


def _auth_bytes(text: str) -> bytes:
    """Basic credentials as ISO-8859-1 (the protocol's charset), UTF-8 for what that cannot hold."""
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _main_status_text(status: int) -> str:
    return MAIN_STATUS_TEXTS.get(status, f"status {status}")
