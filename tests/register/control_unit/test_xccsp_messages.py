"""XCCSP messages as bytes: what is sent, and which answers are read (every other shape is refused)."""
from __future__ import annotations

import pytest
from lxml import etree

from kassa.register.control_unit.receipt_format import receipt_fields
from kassa.register.control_unit.xccsp_messages import (
    NS,
    Fault,
    RegisterResult,
    StatusResult,
    UnreadableAnswer,
    parse_request,
    parse_response,
    register_request,
    status_request,
)
from tests.register.control_unit.units import receipt

CODE = "WKZQUH56H7X3DVQEJPHOYNWDV7HS223N;BA7WNV7ODW6RCY4ZLNLF4J66IM"


def test_a_register_request_is_iso_8859_1_xml_in_the_xccsp_namespace():
    body = register_request(receipt_fields(receipt(3, till="Kassa Ö")), serial_no=500, new_session=True)
    assert body.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?>")
    assert "Kassa Ö".encode("iso-8859-1") in body
    root = etree.fromstring(body)
    assert root.tag == f"{{{NS}}}request"
    ns = {"x": NS}
    assert root.findtext("x:type", namespaces=ns) == "RegisterReceipt"
    receipt_element = root.find("x:data/x:Receipt", ns)
    assert [etree.QName(c).localname for c in receipt_element] == [
        "IsNewSession", "SerialNo", "PosId", "OrgNo", "Date", "ReceiptId", "ReceiptType", "ReceiptTotal",
        "NegativeTotal", "VatList"]
    assert [c.text for c in receipt_element][:9] == [
        "1", "500", "Kassa Ö", "5566778899", "202605041230", "3", "normal", "125,00", "0,00"]
    vat = receipt_element.find("x:VatList/x:Vat", ns)
    assert [(etree.QName(c).localname, c.text) for c in vat] == [
        ("Class", "1"), ("Percentage", "25,00"), ("Amount", "25,00")]


def test_a_status_request():
    root = etree.fromstring(status_request("KASSA-1", "5566778899"))
    ns = {"x": NS}
    assert root.findtext("x:type", namespaces=ns) == "RequestStatus"
    assert root.findtext("x:data/x:StatusRequest/x:PosId", namespaces=ns) == "KASSA-1"
    assert root.findtext("x:data/x:StatusRequest/x:OrgNo", namespaces=ns) == "5566778899"
    assert parse_request(status_request("KASSA-1", "5566778899")).fields["PosId"] == "KASSA-1"


def _response(message_type: str, data: str, ns: str = f' xmlns="{NS}"') -> bytes:
    return (f'<?xml version="1.0" encoding="iso-8859-1"?>\n<response{ns}><type>{message_type}</type>'
            f"<data>{data}</data></response>").encode("iso-8859-1")


def test_the_three_answers_are_read():
    assert parse_response(_response(
        "RegisterReceiptResponse", f"<RegisterResult><Code>{CODE}</Code><UnitId>RIHTT131550010466</UnitId>"
        "<UnitMainStatus>0</UnitMainStatus><UnitStorageStatus>0</UnitStorageStatus></RegisterResult>"),
    ) == RegisterResult(CODE, "RIHTT131550010466", 0, 0)
    assert parse_response(_response(
        "StatusResponse", "<Status><Id>RIHTT131550010466</Id><Firmware>2.1</Firmware><MainStatus>1</MainStatus>"
        "<StorageStatus>0</StorageStatus></Status>")) == StatusResult("RIHTT131550010466", "2.1", 1, 0)
    assert parse_response(_response(
        "Fault", "<FaultInfo><Code>97</Code><ShortMessage>Busy</ShortMessage><Message>Servern är upptagen"
        "</Message></FaultInfo>")) == Fault(97, "Busy", "Servern är upptagen")
    # The namespace may be missing; a comment or processing instruction changes nothing.
    assert parse_response(_response(
        "Fault", "<!-- x --><FaultInfo><Code>5</Code></FaultInfo>", ns="")).code == 5


@pytest.mark.parametrize("body, why", [
    (b"", "empty"),
    (b"<html><body>502 Bad Gateway</body></html>", "root element"),
    (b"Service Unavailable", "not XML"),
    (b"<response", "not XML"),
    (_response("RegisterReceiptResponse", "").replace(b"<data></data>", b""), "no data"),
    (_response("Mystery", "<X/>"), "unknown answer type"),
    (_response("RegisterReceiptResponse", "<Other/>"), "no RegisterResult"),
    (_response("RegisterReceiptResponse", "<RegisterResult><Code>A</Code></RegisterResult>"), "no UnitId"),
    (_response("RegisterReceiptResponse", "<RegisterResult><Code>A</Code><UnitId>ABC-123</UnitId>"
                                          "</RegisterResult>"), "UnitId"),
    (_response("RegisterReceiptResponse", "<RegisterResult><Code>A</Code><UnitId>A123456789012345678</UnitId>"
                                          "</RegisterResult>"), "UnitId"),
    (_response("RegisterReceiptResponse", "<RegisterResult><Code>A</Code><Code>B</Code><UnitId>U1</UnitId>"
                                          "</RegisterResult>"), "2 times"),
    (_response("RegisterReceiptResponse", "<RegisterResult><Code>A</Code><UnitId>U1</UnitId>"
                                          "<UnitMainStatus>ok</UnitMainStatus></RegisterResult>"), "integer"),
    (_response("Fault", "<FaultInfo><Message>x</Message></FaultInfo>"), "no Code"),
    (_response("Fault", "<FaultInfo><Code>5</Code></FaultInfo>", ns=' xmlns="urn:other"'), "root element"),
    (b"<response xmlns='" + NS.encode() + b"'><type>Fault</type><data>" + b"x" * 70000 + b"</data></response>",
     "more than"),
])
def test_unknown_shapes_are_refused(body, why):
    with pytest.raises(UnreadableAnswer) as caught:
        parse_response(body)
    assert why in str(caught.value)


def test_a_doctype_with_entities_is_refused_not_expanded():
    body = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b'<response xmlns="' + NS.encode() + b'"><type>Fault</type><data><FaultInfo><Code>5</Code>'
            b"<Message>&b;</Message></FaultInfo></data></response>")
    with pytest.raises(UnreadableAnswer, match="DOCTYPE"):
        parse_response(body)
