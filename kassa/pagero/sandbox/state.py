"""What the local Pagero stand-in knows and decides (no HTTP here; see sandbox.py).

Accounts and the client registration, authorization codes, tokens (stored as SHA-256
hashes only), uploaded files and their parts, documents and their progress, scripted
fates, injected faults, and "Anmäl intresse" requests. Everything is a JSON-able dict so
it can live in a state file that survives a restart; uploaded payloads go beside it.

Progress is lazy: each call to ``advance()`` moves files and documents whose time has
come (processing → document created → delivered → the buyer's answer). The clock is
the wall clock plus an offset that the control API can move forward.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import random
import secrets
import tempfile
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kassa import config

DEFAULT_COMPANY_ID = "7a4f1c2e-3b5d-4e6f-8a9b-0c1d2e3f4a5b"

DEFAULT_CONFIG: dict[str, Any] = {
    "client": {
        "client_id": config.DEFAULT_CLIENT_ID,
        "client_secret": "sandbox-secret",
        "redirect_uri": f"http://127.0.0.1:{config.DEFAULT_REDIRECT_PORT}/callback",
    },
    "accounts": [
        {
            "username": "demo",
            "password": "demo",
            "company_id": DEFAULT_COMPANY_ID,
            "company_name": "Demobolaget AB",
            "vat": "SE556036079301",
        }
    ],
    "token_ttl": 600,  # seconds an access token lives (Pagero: 600)
    "code_ttl": 60,  # seconds an authorization code lives
    "timing": {"processing": 2.0, "delivery": 3.0, "answer": 5.0},
    "default_outcome": "delivered",  # delivered | accepted | processing | error | awaiting_interaction
    "default_answer": None,  # None | RecipientAccept | RecipientReject
    "duplicate_control": True,
    # How a duplicate shows: "part" (its file part in Error) or "document" (a document is made and put in an
    # error state, as pagero-api.md describes Pagero's duplicate document control), with this distribution status.
    "duplicate_as": "part",
    "duplicate_status": "Undeliverable",
}

DOCUMENT_TYPES = ("Invoice", "PaymentReminder", "ApplicationResponse")
SEND_MODES = ("Production", "Test", "Certification")
OUTCOMES = ("delivered", "accepted", "processing", "error", "awaiting_interaction")
ANSWERS = ("RecipientAccept", "RecipientReject", "RecipientRejectWithClearanceRemoval")
FAULT_KINDS = ("500", "503", "429", "slow", "drop", "drop_after")
DEFAULT_FAULT_PATHS = ["/file/", "/document/", "/partner/"]

_NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


class OAuthFailure(Exception):
    """An RFC 6749 error answer: ``error`` code, English description, HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


class ApiFailure(Exception):
    def __init__(self, status: int, message: str, code: str = "invalid_request"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def merge_config(base: dict, override: dict | None) -> dict:
    result = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge_config(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _empty_data() -> dict:
    return {
        "clock_offset": 0.0,
        "codes": {},
        "access": {},
        "refresh": {},
        "families": {},
        "files": {},
        "parts": {},
        "documents": {},
        "progress": {},  # document id -> {"deliver_at", "answer_at", "answer", "reason"}
        "duplicates": {},  # "company|number|year" -> document id
        "scripts": {},
        "faults": {"probability": 0.0, "kinds": list(FAULT_KINDS[:5]), "next": [], "seed": None,
                   "retry_after": 1, "slow_seconds": 2.0, "paths": list(DEFAULT_FAULT_PATHS),
                   "injected": {}},
        "interest": [],
    }


def read_ubl(xml_bytes: bytes) -> dict:
    """The fields Pagero shows in documentInfo, read from a UBL Invoice or CreditNote."""
    root = ET.fromstring(xml_bytes)
    kind = root.tag.rsplit("}", 1)[-1]

    def text(path: str, node: ET.Element = root) -> str | None:
        found = node.find(path, _NS)
        return found.text.strip() if found is not None and found.text else None

    def party(path: str) -> dict:
        node = root.find(path, _NS)
        if node is None:
            return {"name": None, "ids": []}
        ids = []
        endpoint = node.find("cbc:EndpointID", _NS)
        if endpoint is not None and endpoint.text:
            scheme = endpoint.get("schemeID")
            id_type = {"0088": "GLN", "0007": "UNDEFINED_ORGNR"}.get(scheme or "", "UNDEFINED_ORGNR")
            ids.append({"idType": id_type, "value": endpoint.text.strip()})
        vat = text("cac:PartyTaxScheme/cbc:CompanyID", node)
        if vat:
            ids.append({"idType": "UNDEFINED_VAT", "value": vat})
        name = text("cac:PartyLegalEntity/cbc:RegistrationName", node) or text("cac:PartyName/cbc:Name", node)
        return {"name": name, "ids": ids}

    amounts = {}
    for tag, key in (("TaxExclusiveAmount", "taxExclusiveAmount"), ("TaxInclusiveAmount", "taxInclusiveAmount"),
                     ("PayableAmount", "payableAmount")):
        value = text(f"cac:LegalMonetaryTotal/cbc:{tag}")
        if value is not None:
            amounts[key] = value  # strings, as Pagero gives them
    tax = text("cac:TaxTotal/cbc:TaxAmount")
    if tax is not None:
        amounts["taxAmount"] = tax
    return {
        "documentSubType": kind,
        "documentIdentifier": text("cbc:ID"),
        "issueDate": text("cbc:IssueDate"),
        "dueDate": text("cbc:DueDate") or text("cac:PaymentMeans/cbc:PaymentDueDate"),
        "currency": text("cbc:DocumentCurrencyCode"),
        "amounts": amounts,
        "senderParty": party("cac:AccountingSupplierParty/cac:Party"),
        "receiverParty": party("cac:AccountingCustomerParty/cac:Party"),
    }


def _application_response_xml(invoice_number: str, sub_type: str, reason: str | None, when: float) -> bytes:
    code = "AP" if sub_type == "RecipientAccept" else "RE"
    note = f"<cbc:Description>{_xml_escape(reason)}</cbc:Description>" if reason else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ApplicationResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2" '
        f'xmlns:cac="{_NS["cac"]}" xmlns:cbc="{_NS["cbc"]}">'
        "<cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:invoice_response:3</cbc:CustomizationID>"
        f"<cbc:ID>AR-{_xml_escape(invoice_number)}</cbc:ID>"
        f"<cbc:IssueDate>{_iso(when)[:10]}</cbc:IssueDate>"
        "<cac:DocumentResponse><cac:Response>"
        f"<cbc:ResponseCode>{code}</cbc:ResponseCode>{note}"
        "</cac:Response><cac:DocumentReference>"
        f"<cbc:ID>{_xml_escape(invoice_number)}</cbc:ID>"
        "</cac:DocumentReference></cac:DocumentResponse></ApplicationResponse>"
    ).encode()


def _xml_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SandboxState:
    """All of the stand-in's state behind one lock; every public method takes it."""

    def __init__(self, cfg: dict | None = None, state_path: str | os.PathLike | None = None):
        self.config = merge_config(DEFAULT_CONFIG, cfg)
        self.lock = threading.RLock()
        self.state_path = Path(state_path) if state_path else None
        self.data = _empty_data()
        self._payloads: dict[str, bytes] = {}  # in memory when there is no state file
        if self.state_path and self.state_path.exists():
            self.data = merge_config(_empty_data(), json.loads(self.state_path.read_text("utf-8")))
        self._rng = random.Random(self.data["faults"].get("seed"))
        self._dirty = False

    # -- persistence ------------------------------------------------------------------

    def _payload_dir(self) -> Path:
        assert self.state_path is not None
        path = self.state_path.with_name(self.state_path.name + ".files")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _store_payload(self, key: str, payload: bytes) -> None:
        if self.state_path is None:
            self._payloads[key] = payload
        else:
            _atomic_write(self._payload_dir() / f"{key}.xml", payload)

    def payload(self, key: str) -> bytes | None:
        if self.state_path is None:
            return self._payloads.get(key)
        path = self._payload_dir() / f"{key}.xml"
        return path.read_bytes() if path.exists() else None

    def save_if_dirty(self) -> None:
        with self.lock:
            if self._dirty and self.state_path is not None:
                _atomic_write(self.state_path, json.dumps(self.data, separators=(",", ":")).encode())
            self._dirty = False

    def _changed(self) -> None:
        self._dirty = True

    # -- clock ------------------------------------------------------------------------

    def now(self) -> float:
        return time.time() + self.data["clock_offset"]

    # -- accounts and client ------------------------------------------------------------

    def account(self, username: str, password: str) -> dict | None:
        for acc in self.config["accounts"]:
            if acc["username"] == username and secrets.compare_digest(acc["password"].encode(), password.encode()):
                return acc
        return None

    def _account_by_name(self, username: str) -> dict:
        return next(a for a in self.config["accounts"] if a["username"] == username)

    def check_authorize_params(self, params: dict[str, str]) -> str | None:
        """Raise OAuthFailure for what must not redirect; return an error code to send back
        to the (valid) redirect_uri, or None when all is well."""
        client = self.config["client"]
        if params.get("client_id") != client["client_id"]:
            raise OAuthFailure("invalid_client", "Unknown client_id.")
        if params.get("redirect_uri") != client["redirect_uri"]:
            raise OAuthFailure("invalid_request", "redirect_uri does not match the one registered for this client.")
        if params.get("response_type") != "code":
            return "unsupported_response_type"
        if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
            return "invalid_request"
        if not params.get("state"):
            return "invalid_request"
        return None

    def issue_code(self, params: dict[str, str], username: str) -> str:
        with self.lock:
            code = secrets.token_urlsafe(32)
            self.data["codes"][_hash(code)] = {
                "client_id": params["client_id"], "redirect_uri": params["redirect_uri"],
                "challenge": params["code_challenge"], "username": username,
                "expires": self.now() + self.config["code_ttl"], "used": False, "family": None,
            }
            self._changed()
            return code

    def authenticate_client(self, client_id: str | None, client_secret: str | None) -> None:
        client = self.config["client"]
        if client_id != client["client_id"] or not secrets.compare_digest(
            (client_secret or "").encode(), client["client_secret"].encode()
        ):
            raise OAuthFailure("invalid_client", "Client authentication failed.", 401)

    def _new_tokens(self, username: str, family: str) -> dict:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        acc = self._account_by_name(username)
        ttl = self.config["token_ttl"]
        self.data["access"][_hash(access)] = {"username": username, "company_id": acc["company_id"],
                                              "family": family, "expires": self.now() + ttl}
        self.data["refresh"][_hash(refresh)] = {"username": username, "family": family, "used": False}
        self._changed()
        return {"token_type": "bearer", "access_token": access, "refresh_token": refresh, "scope": "",
                "expires_in": ttl, "sending_company_id": acc["company_id"]}

    def _revoke_family(self, family: str | None) -> None:
        if not family:
            return
        self.data["families"][family] = {"revoked": True}
        for store in (self.data["access"], self.data["refresh"]):
            for key in [k for k, v in store.items() if v["family"] == family]:
                del store[key]
        self._changed()

    def grant_code(self, form: dict[str, str], client_id: str) -> dict:
        with self.lock:
            code = form.get("code") or ""
            entry = self.data["codes"].get(_hash(code))
            if entry is None:
                raise OAuthFailure("invalid_grant", "Unknown authorization code.")
            if entry["used"]:
                # RFC 6749 §4.1.2: a code used twice revokes what it gave.
                self._revoke_family(entry["family"])
                raise OAuthFailure("invalid_grant", "Authorization code has already been used.")
            if entry["expires"] < self.now():
                raise OAuthFailure("invalid_grant", "Authorization code has expired.")
            if entry["client_id"] != client_id:
                raise OAuthFailure("invalid_grant", "Authorization code was issued to another client.")
            if form.get("redirect_uri") != entry["redirect_uri"]:
                raise OAuthFailure("invalid_grant", "redirect_uri does not match the authorization request.")
            verifier = form.get("code_verifier") or ""
            if not verifier:
                raise OAuthFailure("invalid_request", "code_verifier is required (PKCE).")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if not secrets.compare_digest(challenge, entry["challenge"]):
                raise OAuthFailure("invalid_grant", "PKCE verification failed: code_verifier does not match.")
            entry["used"] = True
            entry["family"] = uuid.uuid4().hex
            return self._new_tokens(entry["username"], entry["family"])

    def grant_refresh(self, form: dict[str, str]) -> dict:
        with self.lock:
            key = _hash(form.get("refresh_token") or "")
            entry = self.data["refresh"].get(key)
            if entry is None:
                raise OAuthFailure("invalid_grant", "Refresh token is invalid, expired or revoked.")
            if entry["used"]:
                # A refresh token used twice means it leaked or a client lost track: end the whole grant.
                self._revoke_family(entry["family"])
                raise OAuthFailure("invalid_grant",
                                   "Refresh token has already been used; the grant has been revoked.")
            entry["used"] = True
            return self._new_tokens(entry["username"], entry["family"])

    def revoke(self, token: str) -> None:
        with self.lock:
            key = _hash(token)
            entry = self.data["access"].get(key) or self.data["refresh"].get(key)
            if entry:
                self._revoke_family(entry["family"])

    def bearer(self, token: str) -> dict:
        """The access token's entry, or ApiFailure 401."""
        with self.lock:
            entry = self.data["access"].get(_hash(token))
            if entry is None or entry["expires"] < self.now():
                raise ApiFailure(401, "The access token is invalid or has expired.", "invalid_token")
            return entry

    def expire_tokens(self, refresh_too: bool = False) -> None:
        with self.lock:
            for entry in self.data["access"].values():
                entry["expires"] = 0
            if refresh_too:
                self.data["refresh"].clear()
            self._changed()

    # -- files and documents ----------------------------------------------------------

    def upload(self, company_id: str, parts: dict[str, str], filename: str, payload: bytes) -> str:
        with self.lock:
            file_id, part_id = str(uuid.uuid4()), str(uuid.uuid4())
            now = self.now()
            try:
                info = read_ubl(payload)
                parse_error = None
            except ET.ParseError as exc:
                info, parse_error = {}, f"The payload is not well-formed XML: {exc}"
            number = info.get("documentIdentifier")
            self.data["files"][file_id] = {
                "id": file_id, "companyId": company_id, "documentType": parts["documentType"],
                "sendMode": parts["sendMode"], "senderReference": parts.get("senderReference", ""),
                "filename": filename, "uploadedAt": _iso(now), "uploadedAtTs": now,
                "documentIdentifier": number, "year": (info.get("issueDate") or _iso(now))[:4],
                "partId": part_id, "parseError": parse_error, "info": info,
            }
            self.data["parts"][part_id] = {"id": part_id, "fileId": file_id, "status": "Processing",
                                           "error": None, "dueAt": now + self.config["timing"]["processing"]}
            self._store_payload(file_id, payload)
            self._changed()
            return file_id

    def _take_script(self, file: dict) -> dict | None:
        for key in (file.get("documentIdentifier"), file.get("senderReference")):
            script = self.data["scripts"].get(key or "")
            if script:
                if not script.get("sticky"):
                    del self.data["scripts"][key]
                return script
        return None

    def _process_part(self, part: dict, now: float) -> None:
        file = self.data["files"][part["fileId"]]
        script = self._take_script(file) or {}
        outcome = script.get("outcome") or self.config["default_outcome"]
        part["dueAt"] = None
        if file["parseError"]:
            part.update(status="Error", error={"description": [file["parseError"]]})
        elif outcome == "processing":
            return  # stays in Processing until restarted or cancelled
        elif outcome == "error":
            part.update(status="Error", error={"description": [script.get("description") or "Processing failed."]})
        elif outcome == "awaiting_interaction":
            text = script.get("description") or "The document is waiting for manual interaction in Pagero Online."
            part.update(status="AwaitingInteraction", error={"description": [text]})
        else:
            dup_key = f'{file["companyId"]}|{file["documentIdentifier"]}|{file["year"]}'
            duplicate = self.config["duplicate_control"] and dup_key in self.data["duplicates"]
            text = (f'Duplicate document: document number {file["documentIdentifier"]} has already been '
                    f'received for fiscal year {file["year"]}.')
            if duplicate and self.config.get("duplicate_as") == "document":
                part.update(status="Processed", error=None)
                doc = self.data["documents"][self._create_sent_document(file, now)]
                doc["distribution"]["status"] = self.config.get("duplicate_status") or "Undeliverable"
                doc["eventDetails"].append({"eventType": "Error", "eventTime": _iso(now), "description": text})
            elif duplicate:
                part.update(status="Error", error={"description": [text]})
            else:
                part.update(status="Processed", error=None)
                doc_id = self._create_sent_document(file, now)
                self.data["duplicates"][dup_key] = doc_id
                timing = self.config["timing"]
                answer = script.get("answer") or self.config["default_answer"]
                self.data["progress"][doc_id] = {
                    "deliver_at": now + timing["delivery"] if outcome == "delivered" else None,
                    "answer": answer if outcome == "delivered" else None,
                    "reason": script.get("reason") or script.get("description"),
                    "answer_at": None,
                }

    def _create_sent_document(self, file: dict, now: float) -> str:
        doc_id = str(uuid.uuid4())
        info = dict(file["info"])
        self.data["documents"][doc_id] = {
            "id": doc_id, "fileId": file["id"], "companyId": file["companyId"], "createTime": _iso(now),
            "sendMode": file["sendMode"], "isFetched": False,
            "distribution": {"channel": "PEPPOL", "status": "WaitingToBeDelivered"},
            "senderReference": file["senderReference"],
            "documentInfo": {"direction": "Sent", "documentType": file["documentType"], **info},
            "eventDetails": [{"eventType": "Created", "eventTime": _iso(now),
                              "description": "Document received and processed by Pagero."}],
            "validationErrors": {"noOfErrors": 0},
        }
        return doc_id

    def _deliver(self, doc_id: str, now: float) -> None:
        doc, progress = self.data["documents"][doc_id], self.data["progress"][doc_id]
        doc["distribution"]["status"] = "Done"
        doc["eventDetails"].append({"eventType": "Delivered", "eventTime": _iso(now),
                                    "description": "Delivered to the receiver over PEPPOL."})
        progress["deliver_at"] = None
        if progress["answer"]:
            progress["answer_at"] = now + self.config["timing"]["answer"]

    def _answer(self, doc_id: str, now: float) -> None:
        invoice, progress = self.data["documents"][doc_id], self.data["progress"][doc_id]
        sub_type, reason = progress["answer"], progress["reason"]
        number = invoice["documentInfo"]["documentIdentifier"] or ""
        answer_id = str(uuid.uuid4())
        self.data["documents"][answer_id] = {
            "id": answer_id, "fileId": None, "companyId": invoice["companyId"], "createTime": _iso(now),
            "sendMode": invoice["sendMode"], "isFetched": False, "distribution": {"channel": "PEPPOL"},
            "senderReference": None,
            "documentInfo": {
                "direction": "Received", "documentType": "ApplicationResponse", "documentSubType": sub_type,
                "documentIdentifier": f"AR-{number}", "referenceDocumentIdentifier": number,
                "issueDate": _iso(now)[:10], "amounts": {},
                "senderParty": invoice["documentInfo"].get("receiverParty"),
                "receiverParty": invoice["documentInfo"].get("senderParty"),
            },
            "eventDetails": [{"eventType": "Received", "eventTime": _iso(now), "description": reason or sub_type}],
            "validationErrors": {"noOfErrors": 0},
        }
        self._store_payload(answer_id, _application_response_xml(number, sub_type, reason, now))
        progress.update(answer=None, answer_at=None)

    def advance(self, force: bool = False) -> None:
        """Move everything whose time has come; with force, everything as far as it goes."""
        with self.lock:
            now = self.now()
            for _ in range(3 if force else 1):
                for part in self.data["parts"].values():
                    if part["status"] == "Processing" and part["dueAt"] is not None and (force or part["dueAt"] <= now):
                        self._process_part(part, now)
                        self._changed()
                for doc_id, progress in list(self.data["progress"].items()):
                    if progress["deliver_at"] is not None and (force or progress["deliver_at"] <= now):
                        self._deliver(doc_id, now)
                        self._changed()
                    if progress["answer_at"] is not None and (force or progress["answer_at"] <= now):
                        self._answer(doc_id, now)
                        self._changed()
                    if progress["deliver_at"] is None and progress["answer_at"] is None:
                        del self.data["progress"][doc_id]

    def move_clock(self, seconds: float) -> None:
        with self.lock:
            self.data["clock_offset"] += float(seconds)
            self._changed()

    def file(self, file_id: str, company_id: str) -> dict:
        file = self.data["files"].get(file_id)
        if file is None or file["companyId"] != company_id:
            raise ApiFailure(404, f"File {file_id} was not found.", "not_found")
        return file

    def fileparts(self, file_id: str, company_id: str, statuses: list[str] | None) -> dict:
        with self.lock:
            self.advance()
            file = self.file(file_id, company_id)
            part = self.data["parts"][file["partId"]]
            wanted = statuses or ["Processing", "Error", "AwaitingInteraction"]
            items = [_public_part(part)] if part["status"] in wanted else []
            return {"items": items, "meta": {"offset": 0, "total": len(items)}}

    def part_action(self, part_id: str, company_id: str, action: str) -> dict:
        with self.lock:
            self.advance()
            part = self.data["parts"].get(part_id)
            if part is None or self.data["files"][part["fileId"]]["companyId"] != company_id:
                raise ApiFailure(404, f"File part {part_id} was not found.", "not_found")
            if action not in ("Restart", "Cancel"):
                raise ApiFailure(400, "action must be Restart or Cancel.")
            if part["status"] not in ("Error", "AwaitingInteraction", "Processing"):
                raise ApiFailure(409, f"File part {part_id} is {part['status']} and cannot be changed.", "conflict")
            if action == "Restart":
                part.update(status="Processing", error=None,
                            dueAt=self.now() + self.config["timing"]["processing"])
            else:
                part.update(status="Cancelled", dueAt=None)
            self._changed()
            return _public_part(part)

    def documents(self, company_id: str, query: dict[str, list[str]]) -> dict:
        with self.lock:
            self.advance()

            def one(name: str) -> str | None:
                values = query.get(name)
                return values[-1] if values else None

            if one("companyId") and one("companyId") != company_id:
                items: list[dict] = []
            else:
                items = [d for d in self.data["documents"].values() if d["companyId"] == company_id]
            checks = {
                "fileId": lambda d, v: d["fileId"] == v,
                "senderReference": lambda d, v: d["senderReference"] == v,
                "referenceDocumentIdentifier": lambda d, v: d["documentInfo"].get("referenceDocumentIdentifier") == v,
                "direction": lambda d, v: d["documentInfo"]["direction"] == v,
            }
            for name, check in checks.items():
                value = one(name)
                if value is not None:
                    items = [d for d in items if check(d, value)]
            types = [t for v in query.get("documentType", []) for t in v.split(",") if t]
            if types:
                items = [d for d in items if d["documentInfo"]["documentType"] in types]
            if one("showFetchedOnly") == "true":
                items = [d for d in items if d["isFetched"]]
            items.sort(key=lambda d: d["createTime"], reverse=True)
            try:
                limit, offset = int(one("limit") or 100), int(one("offset") or 0)
            except ValueError:
                raise ApiFailure(400, "limit and offset must be integers.") from None
            page = items[offset:offset + limit]
            return {"items": page, "meta": {"count": len(page), "limit": limit, "offset": offset, "total": len(items)}}

    def document(self, doc_id: str, company_id: str) -> dict:
        with self.lock:
            self.advance()
            doc = self.data["documents"].get(doc_id)
            if doc is None or doc["companyId"] != company_id:
                raise ApiFailure(404, f"Document {doc_id} was not found.", "not_found")
            return doc

    def target_document(self, doc_id: str, company_id: str) -> bytes:
        with self.lock:
            doc = self.document(doc_id, company_id)
            doc["isFetched"] = True
            self._changed()
            return self.payload(doc["fileId"] or doc_id) or b""

    # -- control ----------------------------------------------------------------------

    def set_script(self, body: dict) -> dict:
        match = body.get("match") or body.get("documentIdentifier") or body.get("senderReference")
        if not match:
            raise ApiFailure(400, "match (document number or senderReference) is required.")
        if body.get("outcome", "delivered") not in OUTCOMES:
            raise ApiFailure(400, f"outcome must be one of {', '.join(OUTCOMES)}.")
        if body.get("answer") not in (None, *ANSWERS):
            raise ApiFailure(400, f"answer must be one of {', '.join(ANSWERS)}.")
        with self.lock:
            script = {k: body.get(k) for k in ("outcome", "answer", "description", "reason", "sticky")}
            self.data["scripts"][match] = script
            self._changed()
            return script

    def set_faults(self, body: dict) -> dict:
        with self.lock:
            faults = self.data["faults"]
            for key in ("probability", "kinds", "next", "seed", "retry_after", "slow_seconds", "paths"):
                if key in body:
                    faults[key] = body[key]
            bad = [k for k in faults["kinds"] + faults["next"] if k not in FAULT_KINDS]
            if bad:
                raise ApiFailure(400, f"unknown fault kinds {bad}; known: {', '.join(FAULT_KINDS)}.")
            if "seed" in body:
                self._rng = random.Random(body["seed"])
            self._changed()
            return faults

    def clear_faults(self) -> None:
        with self.lock:
            injected = self.data["faults"]["injected"]
            self.data["faults"] = _empty_data()["faults"]
            self.data["faults"]["injected"] = injected
            self._changed()

    def pick_fault(self, path: str) -> str | None:
        with self.lock:
            faults = self.data["faults"]
            if not any(path.startswith(p) for p in faults["paths"]):
                return None
            kind = None
            if faults["next"]:
                kind = faults["next"].pop(0)
            elif faults["probability"] and self._rng.random() < faults["probability"]:
                kind = self._rng.choice(faults["kinds"])
            if kind:
                faults["injected"][kind] = faults["injected"].get(kind, 0) + 1
                self._changed()
            return kind

    def uploaded_files(self) -> dict:
        with self.lock:
            self.advance()
            items: list[dict] = []
            counts: dict[str, int] = {}
            for f in self.data["files"].values():
                part = self.data["parts"][f["partId"]]
                items.append({k: f[k] for k in ("id", "companyId", "documentType", "sendMode", "senderReference",
                                                 "filename", "uploadedAt", "documentIdentifier")}
                             | {"partId": part["id"], "partStatus": part["status"]})
                key = f["documentIdentifier"] or ""
                counts[key] = counts.get(key, 0) + 1
            return {"items": items, "counts": counts, "total": len(items)}

    def add_interest(self, body: dict) -> dict:
        with self.lock:
            entry = dict(body, id=str(uuid.uuid4()), receivedAt=_iso(self.now()))
            self.data["interest"].append(entry)
            self._changed()
            return entry

    def reset(self) -> None:
        with self.lock:
            self.data = _empty_data()
            self._payloads.clear()
            self._rng = random.Random()
            self._changed()


def _public_part(part: dict) -> dict:
    return {"id": part["id"], "fileId": part["fileId"], "status": part["status"], "error": part["error"]}


def _atomic_write(path: Path, data: bytes) -> None:
    """Write beside the target and rename over it, so a crash leaves the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
