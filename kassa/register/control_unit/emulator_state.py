"""What the control-unit emulator knows and decides: registrations, codes, injected faults.

Not certified, and it says so: its manufacturing number begins with EMULATOR, its firmware reads
"KASSA-EMULATOR EJ CERTIFIERAD", and every answer carries a comment and a header saying it.

- Codes are deterministic: an HMAC of the receipt data, base-32, 32 + ";" + 26 characters like a
  CleanCash code. The same receipt data always get the same code.
- A receipt number is registered once per (PosId, OrgNo, ReceiptId), whatever its type: registers
  number every receipt, copies and training receipts included, from one series (as NaviPartner's
  CleanCash client does). A resent receipt (a retry with a new SerialNo) gets the code it already
  has; the same ReceiptId with other data, its type included, is fault 3.
- Every request is logged (`requests`), every registration kept (`registrations`), so a test can
  check that each receipt has exactly one code here.

Behaviour (`Behaviour`): a `mode` applied to every request, `next` (kinds for the next requests,
used once each), and `fail_rate` (each request, with that probability, gets one of `fail_kinds`,
drawn from a seeded generator). Kinds:

    busy                fault 5 (unit busy), nothing stored
    server_busy         fault 97 (server busy), nothing stored
    down                HTTP 503, nothing stored
    drop                the connection is closed without an answer, nothing stored
    slow                answers after `delay` seconds (the receipt is stored)
    garbage             HTTP 200 with a body that is not XCCSP, nothing stored
    garbage_after_store the receipt is stored, then the answer is garbage (an unknown outcome)
    empty_code          a RegisterReceiptResponse without a code, nothing stored
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import random
import threading
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from stdnum import luhn

from kassa.register.control_unit.receipt_format import (
    MAX_SERIAL,
    MAX_TILL_LENGTH,
    MAX_VAT_PAIRS,
    RECEIPT_KINDS,
    parse_amount,
    parse_date,
)
from kassa.register.control_unit.xccsp_messages import (
    FAULT_SERVER_BUSY,
    FAULT_UNIT_BUSY,
    Fault,
    RegisterResult,
    Request,
    StatusResult,
)

FAULT_KINDS = ("busy", "server_busy", "down", "drop", "slow", "garbage", "garbage_after_store", "empty_code")
MODES = ("ok",) + FAULT_KINDS
NOT_CERTIFIED = "Kassas kontrollenhetsemulator: INTE certifierad, endast för demo och test"
FIRMWARE = "KASSA-EMULATOR EJ CERTIFIERAD"
CODE_KEY = b"kassa-emulator-not-certified"
GARBAGE = b"<html><body>502 Bad Gateway?</body></html>"


@dataclass
class Behaviour:
    mode: str = "ok"
    delay: float = 0.0  # seconds, for "slow"
    fail_rate: float = 0.0
    fail_kinds: tuple[str, ...] = ("busy", "server_busy", "down", "garbage", "garbage_after_store")
    seed: int = 1
    next: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fail_kinds = tuple(self.fail_kinds)
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; one of {', '.join(MODES)}")
        unknown = [k for k in (*self.fail_kinds, *self.next) if k not in MODES]
        if unknown:
            raise ValueError(f"unknown kind(s) {', '.join(map(repr, unknown))}; one of {', '.join(MODES)}")
        if not 0.0 <= float(self.fail_rate) <= 1.0:
            raise ValueError("fail_rate must be between 0 and 1")
        if not 0.0 <= float(self.delay) <= 300.0:
            raise ValueError("delay must be between 0 and 300 seconds")


@dataclass(frozen=True)
class Outcome:
    """What the HTTP layer does: answer `status` with `body`, or `drop` the connection; after `delay`."""

    status: int = 200
    body: bytes = b""
    drop: bool = False
    delay: float = 0.0


@dataclass
class Registration:
    receipt_id: str
    pos_id: str
    org_no: str
    receipt_type: str
    code: str
    fingerprint: str
    serial_nos: list[int]
    registered_at: str


def control_code(fingerprint: str) -> str:
    """The emulator's control code for receipt data: deterministic, 32 + ';' + 26 base-32 characters."""
    digest = hmac.new(CODE_KEY, fingerprint.encode("utf-8"), hashlib.sha512).digest()
    text = base64.b32encode(digest).decode("ascii").rstrip("=")
    return f"{text[:32]};{text[32:58]}"


class EmulatorState:
    """Thread-safe: the HTTP handler threads call `handle` concurrently."""

    def __init__(self, behaviour: Behaviour | None = None, users: dict[str, str] | None = None,
                 unit_number: int = 1):
        self.behaviour = behaviour or Behaviour()
        self.users = dict(users or {"kassa": "emulator"})
        self.unit_id = f"EMULATOR{unit_number:08d}"
        self._lock = threading.Lock()
        self._random = random.Random(self.behaviour.seed)
        self.registrations: dict[tuple[str, str, str], Registration] = {}
        self.requests: list[dict[str, Any]] = []
        self.sessions = 0
        self.serial_nos_seen: dict[str, set[int]] = {}  # per PosId, since its last new session
        self.repeated_serial_nos = 0

    # -- control ----------------------------------------------------------------------------

    def set_behaviour(self, **changes: Any) -> Behaviour:
        with self._lock:
            values = asdict(self.behaviour)
            values.update(changes)
            behaviour = Behaviour(**values)
            if behaviour.seed != self.behaviour.seed or "seed" in changes:
                self._random = random.Random(behaviour.seed)
            self.behaviour = behaviour
            return behaviour

    def reset(self) -> None:
        with self._lock:
            self.registrations.clear()
            self.requests.clear()
            self.sessions = 0
            self.serial_nos_seen.clear()
            self.repeated_serial_nos = 0
            self.behaviour = Behaviour()
            self._random = random.Random(self.behaviour.seed)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            outcomes: dict[str, int] = {}
            for entry in self.requests:
                outcomes[entry["outcome"]] = outcomes.get(entry["outcome"], 0) + 1
            return {
                "certified": False,
                "notice": NOT_CERTIFIED,
                "unit_id": self.unit_id,
                "behaviour": asdict(self.behaviour),
                "registrations": [asdict(r) for r in self.registrations.values()],
                "requests": list(self.requests),
                "outcomes": outcomes,
                "sessions": self.sessions,
                "repeated_serial_nos": self.repeated_serial_nos,
            }

    def authorized(self, username: str, password: str) -> bool:
        expected = self.users.get(username)
        return expected is not None and hmac.compare_digest(expected.encode(), password.encode())

    # -- one request --------------------------------------------------------------------------

    def _kind_for_next_request(self) -> str:
        behaviour = self.behaviour
        if behaviour.next:
            return behaviour.next.pop(0)
        if behaviour.mode != "ok":
            return behaviour.mode
        if behaviour.fail_rate and behaviour.fail_kinds and self._random.random() < behaviour.fail_rate:
            return self._random.choice(behaviour.fail_kinds)
        return "ok"

    def handle(self, request: Request) -> tuple[str, Outcome, RegisterResult | StatusResult | Fault | None]:
        """Decide the answer to one parsed request: (outcome name for the log, Outcome, message)."""
        with self._lock:
            kind = self._kind_for_next_request()
            delay = self.behaviour.delay if kind == "slow" else 0.0
            entry: dict[str, Any] = {"type": request.type, "serial_no": request.fields.get("SerialNo"),
                                     "new_session": request.fields.get("IsNewSession"),
                                     "receipt_id": request.fields.get("ReceiptId"), "kind": kind}
            self.requests.append(entry)
            name, outcome, message = self._decide(kind, request, delay)
            entry["outcome"] = name
            return name, outcome, message

    def _decide(self, kind: str, request: Request,
                delay: float) -> tuple[str, Outcome, RegisterResult | StatusResult | Fault | None]:
        if kind == "down":
            return "down", Outcome(status=503, body=b"Service Unavailable"), None
        if kind == "drop":
            return "drop", Outcome(drop=True), None
        if kind == "garbage":
            return "garbage", Outcome(body=GARBAGE), None
        if kind in ("busy", "server_busy"):
            code = FAULT_UNIT_BUSY if kind == "busy" else FAULT_SERVER_BUSY
            fault = Fault(code, "Busy", "Kontrollenheten är upptagen" if kind == "busy" else "Servern är upptagen")
            return f"fault {code}", Outcome(), fault
        if request.type in ("RequestStatus", "StatusRequest"):
            return "status", Outcome(delay=delay), StatusResult(self.unit_id, FIRMWARE, 0, 0)
        if request.type != "RegisterReceipt":
            return "fault 2", Outcome(), Fault(2, "UnknownRequest", f"Okänd begäran: {request.type[:40]}")
        problem = _receipt_problem(request)
        if problem:
            return "fault 3", Outcome(), Fault(3, "Invalid", problem)
        if kind == "empty_code":
            return "empty_code", Outcome(), RegisterResult("", self.unit_id, 3, 0)
        name, result = self._register(request)
        if kind == "garbage_after_store":
            return f"{name}, then garbage", Outcome(body=GARBAGE), None
        return name, Outcome(delay=delay), result

    def _register(self, request: Request) -> tuple[str, RegisterResult | Fault]:
        f = request.fields
        serial_no = int(f["SerialNo"])
        if f.get("IsNewSession") == "1":
            self.sessions += 1
            self.serial_nos_seen[f["PosId"]] = set()
        seen = self.serial_nos_seen.setdefault(f["PosId"], set())
        if serial_no in seen:
            self.repeated_serial_nos += 1
        seen.add(serial_no)
        key = (f["PosId"], f["OrgNo"], f["ReceiptId"])
        fingerprint = "|".join([*key, f["ReceiptType"], f["Date"], f["ReceiptTotal"], f["NegativeTotal"],
                                *(f"{v.get('Class')}:{v.get('Percentage')}:{v.get('Amount')}" for v in request.vat)])
        known = self.registrations.get(key)
        if known is not None:
            if known.fingerprint != fingerprint:
                return "fault 3 (other data)", Fault(
                    3, "Invalid", f"Kvitto {f['ReceiptId']} ({f['ReceiptType']}) är redan registrerat med andra "
                                  "uppgifter")
            known.serial_nos.append(serial_no)
            return "repeat", RegisterResult(known.code, self.unit_id, 0, 0)
        code = control_code(fingerprint) if f["ReceiptType"] in ("normal", "kopia") else ""
        self.registrations[key] = Registration(
            receipt_id=f["ReceiptId"], pos_id=f["PosId"], org_no=f["OrgNo"], receipt_type=f["ReceiptType"],
            code=code, fingerprint=fingerprint, serial_nos=[serial_no],
            registered_at=dt.datetime.now().isoformat(timespec="seconds"))
        return "registered", RegisterResult(code, self.unit_id, 0, 0)


def _receipt_problem(request: Request) -> str:
    """Swedish text of what breaks SKVFS 2009:2's format in a RegisterReceipt, or ''."""
    f = request.fields
    if f.get("_element") != "Receipt":
        return "RegisterReceipt ska innehålla ett Receipt-element"
    missing = [n for n in ("IsNewSession", "SerialNo", "PosId", "OrgNo", "Date", "ReceiptId", "ReceiptType",
                           "ReceiptTotal", "NegativeTotal") if not f.get(n)]
    if missing:
        return f"Uppgifter saknas: {', '.join(missing)}"
    checks = [
        (f["IsNewSession"] in ("0", "1"), "IsNewSession ska vara 0 eller 1"),
        (f["SerialNo"].isdigit() and len(f["SerialNo"]) <= 12, "SerialNo ska vara ett heltal"),
        (len(f["PosId"]) <= MAX_TILL_LENGTH, f"PosId får vara högst {MAX_TILL_LENGTH} tecken"),
        (len(f["OrgNo"]) == 10 and f["OrgNo"].isdigit() and luhn.is_valid(f["OrgNo"]),
         "OrgNo ska vara tio siffror med rätt kontrollsiffra"),
        (f["ReceiptId"].isdigit() and 1 <= int(f["ReceiptId"]) <= MAX_SERIAL, "ReceiptId ska vara 1-12 siffror"),
        (f["ReceiptType"] in RECEIPT_KINDS, "ReceiptType ska vara normal, kopia, ovning eller profo"),
        (len(request.vat) <= MAX_VAT_PAIRS, f"Högst {MAX_VAT_PAIRS} momssatser"),
    ]
    for ok, text in checks:
        if not ok:
            return text
    try:
        parse_date(f["Date"])
        parse_amount(f["ReceiptTotal"])
        if parse_amount(f["NegativeTotal"]) < 0:
            return "NegativeTotal anges utan minustecken"
        for vat in request.vat:
            if not vat.get("Class", "").isdigit() or not 1 <= int(vat["Class"]) <= MAX_VAT_PAIRS:
                return "Vat/Class ska vara 1-4"
            if not Decimal(0) <= parse_amount(vat.get("Percentage", "")) <= Decimal(100):
                return "Vat/Percentage ska vara 0-100"
            parse_amount(vat.get("Amount", ""))
    except ValueError as exc:
        return f"Felaktigt format: {exc}"
    return ""
