"""XCCSP messages (Retail Innovation's XML CleanCash Signature Protocol): build and read them.

Both ends live here, so the driver and the emulator cannot drift apart:

    <request xmlns="http://www.retailinnovation.se/xccsp">
      <type>RegisterReceipt</type>
      <data><Receipt><IsNewSession>1</IsNewSession><SerialNo>…</SerialNo><PosId>…</PosId>
        <OrgNo>…</OrgNo><Date>YYYYMMDDhhmm</Date><ReceiptId>…</ReceiptId><ReceiptType>normal</ReceiptType>
        <ReceiptTotal>10,00</ReceiptTotal><NegativeTotal>0,00</NegativeTotal>
        <VatList><Vat><Class>1</Class><Percentage>25,00</Percentage><Amount>2,00</Amount></Vat></VatList>
      </Receipt></data>
    </request>

A status question is ``<type>RequestStatus</type>`` with ``<StatusRequest><PosId/><OrgNo/></StatusRequest>``.
Answers are ``<response>`` with ``type`` RegisterReceiptResponse (``RegisterResult``: Code, UnitId,
UnitMainStatus, UnitStorageStatus), StatusResponse (``Status``: Id, Firmware, MainStatus,
StorageStatus) or Fault (``FaultInfo``: Code, ShortMessage, Message). Everything is ISO-8859-1.

Answers come from outside: `parse_response` accepts only these shapes and raises
`UnreadableAnswer` (English, for the log) for anything else.

Source of the names: ../shared/docs/kassaregister.md (from Retail Innovation's protocol), checked
against a CleanCash client in production use, NaviPartner's NP Retail (github.com/navipartner/
npcore-partners, "[SE] CleanCash": CleanCashReceiptMsg, CleanCashStatusMsg, CleanCashXCCSPProtocol),
which sends ``RequestStatus`` with ``StatusRequest`` {PosId, OrgNo}, reads ``StatusResponse`` as
Status/{Id, Firmware, InstalledLicenses, MainStatus, StorageStatus, Type}, reads
RegisterResult/{Code, UnitId, UnitMainStatus, UnitStorageStatus} and FaultInfo/{Code, ShortMessage,
Message}. Its fault codes: 2, 3, 6, 7, 8, 9, 10, 98 and 99 (no contact with the unit); 5 and 97
(busy) are from the protocol description only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

NS = "http://www.retailinnovation.se/xccsp"
ENCODING = "ISO-8859-1"
MAX_MESSAGE_BYTES = 64 * 1024

# The unit's manufacturing number: at most 17 letters and digits (e.g. RIHTT131550010466).
_UNIT_ID = re.compile(r"[A-Za-z0-9]{1,17}")
# A control code: base-32 groups separated by ';' (59 characters on CleanCash units). A little
# wider here, so that another make's code is not refused, but never blank, spaced or markup.
_CODE = re.compile(r"[A-Za-z0-9;:=+/_-]{8,120}")
_SMALL_INT = re.compile(r"-?\d{1,4}")

FAULT_UNIT_BUSY = 5
FAULT_SERVER_BUSY = 97
BUSY_FAULTS = (FAULT_UNIT_BUSY, FAULT_SERVER_BUSY)


class UnreadableAnswer(ValueError):
    """The answer is not an XCCSP message this driver knows. The text is English, for the log."""


@dataclass(frozen=True)
class RegisterResult:
    code: str
    unit_id: str
    main_status: int
    storage_status: int


@dataclass(frozen=True)
class StatusResult:
    unit_id: str
    firmware: str
    main_status: int
    storage_status: int


@dataclass(frozen=True)
class Fault:
    code: int
    short: str
    message: str


@dataclass(frozen=True)
class Request:
    """A request as the emulator reads it: its type and the fields of its data element."""

    type: str
    fields: dict[str, str]
    vat: list[dict[str, str]]


# -- building --------------------------------------------------------------------------


def _element(parent: etree._Element, name: str, text: object = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        child.text = str(text)
    return child


def _message(root_name: str, message_type: str) -> tuple[etree._Element, etree._Element]:
    root = etree.Element(f"{{{NS}}}{root_name}", nsmap={None: NS})  # type: ignore[dict-item]  # the default namespace
    _element(root, "type", message_type)
    return root, _element(root, "data")


def _serialize(root: etree._Element, comment: str = "") -> bytes:
    if comment:
        root.insert(0, etree.Comment(f" {comment} "))
    data = etree.tostring(root, encoding=ENCODING, xml_declaration=True)
    assert isinstance(data, bytes)  # an encoding was given
    return data


def register_request(fields: dict[str, object], serial_no: int, new_session: bool) -> bytes:
    """A RegisterReceipt request from `receipt_format.receipt_fields` output."""
    root, data = _message("request", "RegisterReceipt")
    receipt = _element(data, "Receipt")
    _element(receipt, "IsNewSession", 1 if new_session else 0)
    _element(receipt, "SerialNo", serial_no)
    for name in ("PosId", "OrgNo", "Date", "ReceiptId", "ReceiptType", "ReceiptTotal", "NegativeTotal"):
        _element(receipt, name, fields[name])
    vat_list = _element(receipt, "VatList")
    for vat_class, percentage, amount in fields["VatList"]:  # type: ignore[attr-defined]
        vat = _element(vat_list, "Vat")
        _element(vat, "Class", vat_class)
        _element(vat, "Percentage", percentage)
        _element(vat, "Amount", amount)
    return _serialize(root)


def status_request(pos_id: str, org_no: str) -> bytes:
    root, data = _message("request", "RequestStatus")
    status = _element(data, "StatusRequest")
    _element(status, "PosId", pos_id)
    _element(status, "OrgNo", org_no)
    return _serialize(root)


def _response(message_type: str, element: str, values: list[tuple[str, object]], comment: str) -> bytes:
    root, data = _message("response", message_type)
    out = _element(data, element)
    for name, value in values:
        _element(out, name, value)
    return _serialize(root, comment)


def register_response(result: RegisterResult, comment: str = "") -> bytes:
    return _response("RegisterReceiptResponse", "RegisterResult", [
        ("Code", result.code), ("UnitId", result.unit_id), ("UnitMainStatus", result.main_status),
        ("UnitStorageStatus", result.storage_status)], comment)


def status_response(result: StatusResult, comment: str = "") -> bytes:
    return _response("StatusResponse", "Status", [
        ("Id", result.unit_id), ("Firmware", result.firmware), ("MainStatus", result.main_status),
        ("StorageStatus", result.storage_status)], comment)


def fault_response(fault: Fault, comment: str = "") -> bytes:
    return _response("Fault", "FaultInfo", [
        ("Code", fault.code), ("ShortMessage", fault.short), ("Message", fault.message)], comment)


# -- reading ---------------------------------------------------------------------------


def _parse(body: bytes) -> etree._Element:
    if not isinstance(body, bytes) or not body.strip():
        raise UnreadableAnswer("empty body")
    if len(body) > MAX_MESSAGE_BYTES:
        raise UnreadableAnswer(f"{len(body)} bytes, more than {MAX_MESSAGE_BYTES}")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise UnreadableAnswer(f"not XML ({exc})") from None
    if root is None:
        raise UnreadableAnswer("no root element")
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr]  # (missing from lxml-stubs)
        raise UnreadableAnswer("a DOCTYPE is not accepted")  # XCCSP has none; entities are a risk
    return root


def _name(element: etree._Element) -> str:
    """The local name of an element in the XCCSP namespace (or none); '' for another namespace."""
    if not isinstance(element.tag, str):
        return ""
    qname = etree.QName(element)
    return qname.localname if qname.namespace in (NS, None) else ""


def _child(element: etree._Element, name: str) -> etree._Element | None:
    found = [c for c in element if _name(c) == name]
    if len(found) > 1:
        raise UnreadableAnswer(f"{name} appears {len(found)} times")
    return found[0] if found else None


def _text(element: etree._Element, name: str, required: bool = True) -> str:
    child = _child(element, name)
    if child is None:
        if required:
            raise UnreadableAnswer(f"{_name(element)} has no {name}")
        return ""
    if len(child):
        raise UnreadableAnswer(f"{name} has child elements")
    return (child.text or "").strip()


def _int(element: etree._Element, name: str, required: bool = True) -> int:
    text = _text(element, name, required)
    if not text and not required:
        return 0
    if not _SMALL_INT.fullmatch(text):
        raise UnreadableAnswer(f"{name} is not a small integer: {text[:40]!r}")
    return int(text)


def _envelope(root: etree._Element, expected_root: str) -> tuple[str, etree._Element]:
    if _name(root) != expected_root:
        raise UnreadableAnswer(f"root element is {etree.QName(root).text!r}, not {expected_root}")
    message_type = _text(root, "type")
    data = _child(root, "data")
    if data is None:
        raise UnreadableAnswer(f"{message_type or 'message'} has no data element")
    return message_type, data


def unit_id_or_raise(unit_id: str) -> str:
    if not _UNIT_ID.fullmatch(unit_id):
        raise UnreadableAnswer(f"UnitId is not 1-17 letters and digits: {unit_id[:40]!r}")
    return unit_id


def parse_response(body: bytes) -> RegisterResult | StatusResult | Fault:
    """The answer of an XCCSP service; UnreadableAnswer for any other shape."""
    message_type, data = _envelope(_parse(body), "response")
    if message_type == "RegisterReceiptResponse":
        result = _child(data, "RegisterResult")
        if result is None:
            raise UnreadableAnswer("RegisterReceiptResponse has no RegisterResult")
        return RegisterResult(
            code=_text(result, "Code", required=False),
            unit_id=unit_id_or_raise(_text(result, "UnitId")),
            main_status=_int(result, "UnitMainStatus", required=False),
            storage_status=_int(result, "UnitStorageStatus", required=False),
        )
    if message_type == "StatusResponse":
        status = _child(data, "Status")
        if status is None:
            raise UnreadableAnswer("StatusResponse has no Status")
        return StatusResult(
            unit_id=unit_id_or_raise(_text(status, "Id")),
            firmware=_text(status, "Firmware", required=False)[:60],
            main_status=_int(status, "MainStatus"),
            storage_status=_int(status, "StorageStatus", required=False),
        )
    if message_type == "Fault":
        info = _child(data, "FaultInfo")
        if info is None:
            raise UnreadableAnswer("Fault has no FaultInfo")
        return Fault(code=_int(info, "Code"), short=_text(info, "ShortMessage", required=False)[:80],
                     message=_text(info, "Message", required=False)[:300])
    raise UnreadableAnswer(f"unknown answer type {message_type[:60]!r}")


def code_or_raise(code: str) -> str:
    if not _CODE.fullmatch(code):
        raise UnreadableAnswer(f"Code is not a control code: {code[:40]!r}")
    return code


def parse_request(body: bytes) -> Request:
    """A request as the emulator reads it; UnreadableAnswer for anything that is not one."""
    message_type, data = _envelope(_parse(body), "request")
    element = next((c for c in data if _name(c)), None)
    if element is None:
        raise UnreadableAnswer(f"{message_type} has an empty data element")
    fields: dict[str, str] = {}
    vat: list[dict[str, str]] = []
    for child in element:
        name = _name(child)
        if name == "VatList":
            vat = [{_name(f): (f.text or "").strip() for f in entry if _name(f)} for entry in child if _name(entry)]
        elif name:
            fields[name] = (child.text or "").strip()
    fields["_element"] = _name(element)
    return Request(type=message_type, fields=fields, vat=vat)
