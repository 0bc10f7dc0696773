"""Foreign buyers' Peppol identifiers: the scheme of their country, checked with python-stdnum."""
from __future__ import annotations

import pytest

from kassa.eas_schemes import check_scheme_value, derived_endpoint
from kassa.identifiers import InvalidIdentifier
from kassa.peppol.checks import check_customer
from kassa.peppol.ubl import build_ubl
from tests.peppol.ubl_documents import NS, issue, line, make_customer, parse


@pytest.mark.parametrize("country, org, vat, endpoint", [
    ("SE", "5560360793", "SE556036079301", ("0007", "5560360793")),
    ("NO", "974760673", "NO974760673MVA", ("0192", "974760673")),
    ("DK", "13585628", "DK13585628", ("0184", "13585628")),
    ("FI", "20774740", "FI20774740", ("0216", "003720774740")),
    ("DE", "", "DE136695976", ("9930", "DE136695976")),
    ("BE", "0403019261", "BE0403019261", ("0208", "0403019261")),
    ("NL", "12345678", "NL004495445B01", ("0106", "12345678")),
])
def test_each_country_gets_its_own_scheme(country, org, vat, endpoint):
    assert derived_endpoint(country, org, "", "", vat, False) == endpoint


def test_a_gln_routes_a_buyer_anywhere():
    assert derived_endpoint("NO", "974760673", "", "7350053850019", "", False) == ("0088", "7350053850019")


@pytest.mark.parametrize("scheme, value, country, words", [
    ("0192", "974760674", "NO", "inte ett giltigt norskt organisationsnummer"),
    ("0007", "974760673", "NO", r"schemat 0007 \(Organisationsnummer \(Sverige\)\) gäller inte köpare i NO"),
    ("0184", "1358562", "DK", "inte ett giltigt danskt CVR-nummer"),
    ("9930", "DE136695977", "DE", "inte ett giltigt tyskt momsregistreringsnummer"),
    ("0208", "0403019262", "BE", "inte ett giltigt belgiskt företagsnummer"),
    ("0216", "003720774741", "FI", "inte en giltig finsk OVT-kod"),
])
def test_wrong_numbers_are_refused_in_swedish(scheme, value, country, words):
    with pytest.raises(InvalidIdentifier, match=words):
        check_scheme_value(scheme, value, country)


def test_norwegian_buyer_is_sent_on_0192_and_german_on_9930(company):
    norwegian = make_customer(name="Bergen Import AS", country="NO", org_number="974760673",
                              vat_number="NO974760673MVA", postal_code="5003", city="Bergen")
    german = make_customer(name="Berliner Handel GmbH", country="DE", org_number="", vat_number="DE136695976",
                           postal_code="10117", city="Berlin")
    assert check_customer(norwegian) == [] and check_customer(german) == []
    no_root = parse(build_ubl(issue([line()], norwegian)))
    assert no_root.xpath("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID/@schemeID", namespaces=NS) == ["0192"]
    assert no_root.xpath("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID/@schemeID",
                         namespaces=NS) == ["0192"]
    de_root = parse(build_ubl(issue([line()], german)))
    assert de_root.xpath("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", namespaces=NS)[0].text == "DE136695976"
    assert de_root.xpath("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID/@schemeID", namespaces=NS) == ["9930"]
    # 9930 is no ISO 6523 code: it is never used as the legal id (BR-CL-11)
    assert de_root.xpath("//cac:PartyLegalEntity/cbc:CompanyID[@schemeID='9930']", namespaces=NS) == []
