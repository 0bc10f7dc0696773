"""Every identifier rule with a good and a bad example, and a Swedish message naming the field."""
import pytest

from kassa import identifiers as ids


@pytest.mark.parametrize(
    "check, good, stored",
    [
        (ids.check_orgnr, "556677-8899", "5566778899"),
        (ids.check_orgnr, "2120000142", "2120000142"),
        (ids.check_personnummer, "811218-9876", "8112189876"),
        (ids.check_vat, "SE556677889901", "SE556677889901"),
        (ids.check_vat, "se 5566778899 01", "SE556677889901"),
        (ids.check_bankgiro, "5050-1055", "50501055"),
        (ids.check_bankgiro, "991-2346", "9912346"),
        (ids.check_plusgiro, "90 20 03-3", "9020033"),
        (ids.check_gln, "7300010000001", "7300010000001"),
        (ids.check_ean13, "7310865004703", "7310865004703"),
        (ids.check_postal_code, "411 01", "41101"),
        (ids.check_email, "info@example.se", "info@example.se"),
        (ids.check_iban, "SE45 5000 0000 0583 9825 7466", "SE4550000000058398257466"),
        (ids.check_bic, "ESSESESS", "ESSESESS"),
    ],
)
def test_good_numbers_are_accepted_in_stored_form(check, good, stored):
    assert check(good) == stored


@pytest.mark.parametrize(
    "check, bad, field, words",
    [
        (ids.check_orgnr, "556677-8898", "Organisationsnummer", "kontrollsiffran"),
        (ids.check_orgnr, "55667788", "Organisationsnummer", "10 siffror"),
        (ids.check_orgnr, "811218-9876", "Organisationsnummer", "personnummer"),
        (ids.check_personnummer, "811218-9875", "Personnummer", "inte giltigt"),
        (ids.check_vat, "SE556677889801", "Momsregistreringsnummer", "stämmer inte"),
        (ids.check_vat, "SE5566778899", "Momsregistreringsnummer", "SE556677889901"),
        (ids.check_bankgiro, "5050-1056", "Bankgiro", "kontrollsiffran"),
        (ids.check_bankgiro, "123", "Bankgiro", "7–8 siffror"),
        (ids.check_plusgiro, "90 20 03-4", "Plusgiro", "kontrollsiffran"),
        (ids.check_gln, "7300010000002", "GLN", "kontrollsiffran"),
        (ids.check_gln, "73000100", "GLN", "13 siffror"),
        (ids.check_ean13, "7310865004704", "Streckkod", "kontrollsiffran"),
        (ids.check_postal_code, "4110", "Postnummer", "fem siffror"),
        (ids.check_email, "info@", "E-post", "inte en giltig"),
        (ids.check_iban, "SE45 5000 0000 0583 9825 7467", "IBAN", "stämmer inte"),
        (ids.check_bic, "ESSE", "BIC", "stämmer inte"),
    ],
)
def test_bad_numbers_get_a_swedish_message_naming_the_field(check, bad, field, words):
    with pytest.raises(ids.InvalidIdentifier) as err:
        check(bad)
    assert err.value.field == field
    assert field in str(err.value)
    assert words in str(err.value)


def test_a_sole_trader_may_use_a_personnummer_as_org_number():
    assert ids.check_orgnr("811218-9876", allow_personnummer=True) == "8112189876"


def test_vat_number_is_derived_from_the_org_number():
    assert ids.vat_from_orgnr("556677-8899") == "SE556677889901"
    assert ids.check_vat(ids.vat_from_orgnr("2120000142")) == "SE212000014201"


def test_formats_for_paper():
    assert ids.format_orgnr("5566778899") == "556677-8899"
    assert ids.format_bankgiro("50501055") == "5050-1055"
    assert ids.format_plusgiro("9020033") == "902003-3"
    assert ids.format_postal_code("41101") == "411 01"
