"""Checks before an e-invoice is built: each problem a cashier can fix, with its Swedish message."""
from __future__ import annotations

import pytest

from kassa.peppol.checks import Problem, check_customer, check_invoice
from tests.factories import make_company
from tests.peppol.ubl_documents import BUYER_GLN, credit, issue, line, make_customer


def fields(problems: list[Problem]) -> list[str]:
    return [p.field for p in problems]


def only(problems: list[Problem], field: str) -> str:
    assert fields(problems) == [field], [p.message_sv for p in problems]
    return problems[0].message_sv


def test_complete_customer_and_company_pass(company):
    assert check_customer(make_customer()) == []
    assert check_customer(make_customer(org_number="", vat_number="", gln=BUYER_GLN)) == []


def test_private_customer(company):
    customer = make_customer(name="Sven Svensson", org_number="8112189876", is_private=True, vat_number="")
    message = only(check_customer(customer), "buyer.is_private")
    assert message.startswith("Ett personnummer är ingen PEPPOL-adress: Sven Svensson är en privatperson")
    assert "Skriv ut fakturan" in message and "Privatperson" in message


def test_neither_org_number_nor_gln(company):
    customer = make_customer(name="Namnlösa AB", org_number="", vat_number="")
    message = only(check_customer(customer), "buyer.endpoint")
    assert message == (
        "Namnlösa AB saknar både organisationsnummer och GLN, så e-fakturan kan inte adresseras (den har "
        "ingen PEPPOL-adress). Fyll i organisationsnummer eller GLN i kundregistret (Register → Kundregister → Ändra)."
    )


def test_org_number_with_wrong_check_digit(company):
    customer = make_customer(org_number="5560360794", vat_number="")
    message = only(check_customer(customer), "buyer.endpoint")
    assert "556036-0794 stämmer inte: kontrollsiffran är fel" in message
    assert message.endswith("Rätta det i kundregistret (Register → Kundregister → Ändra).")


def test_gln_with_wrong_check_digit(company):
    customer = make_customer(gln="7350053850018")
    message = only(check_customer(customer), "buyer.endpoint")
    assert "GLN 7350053850018 stämmer inte" in message


def test_endpoint_scheme_that_cannot_be_used(company):
    customer = make_customer(endpoint_scheme="9955", endpoint_id="SE556036079301")
    message = only(check_customer(customer), "buyer.endpoint")
    assert "9955:SE556036079301" in message and "0007 (organisationsnummer) eller 0088 (GLN)" in message


def test_no_buyer_reference(company):
    customer = make_customer(reference="")
    message = only(check_customer(customer), "buyer_reference")
    assert message.startswith("Köparens referens (”Er referens”) saknas.")
    assert "PEPPOL-regel R003" in message
    assert "fältet Er referens när fakturan skapas i kassan" in message


def test_reference_entered_at_the_till_counts(company):
    assert check_customer(make_customer(reference=""), buyer_reference="Lisa 4711") == []
    # An explicit empty answer at the till is not replaced by the saved reference.
    assert fields(check_customer(make_customer(reference="Anna"), buyer_reference="  ")) == ["buyer_reference"]


@pytest.mark.parametrize("blank, named", [
    (dict(street="", postal_code="", city=""), "gatuadress, postnummer, ort"),
    (dict(city=""), "ort"),
    (dict(street="", postal_code=""), "gatuadress, postnummer"),
])
def test_no_buyer_address(company, blank, named):
    message = only(check_customer(make_customer(name="Adresslösa AB", **blank)), "buyer.address")
    assert message == (
        f"Adresslösa AB saknar adress ({named}). En e-faktura ska ha köparens adress. "
        "Fyll i den i kundregistret (Register → Kundregister → Ändra)."
    )


def test_buyer_vat_number_wrong(company):
    message = only(check_customer(make_customer(vat_number="SE123")), "buyer.vat_number")
    assert message.startswith("Momsregistreringsnummer ska ha formen SE + organisationsnummer + 01")


def test_company_details_missing(db):
    company = make_company(org_number="", vat_number="", street="", city="")
    message = only(check_customer(make_customer(), company=company), "company.details")
    assert message == (
        "Företagets uppgifter är inte ifyllda (organisationsnummer, momsregistreringsnummer, gatuadress, ort). "
        "Fyll i dem under Inställningar → Företag."
    )


def test_company_without_payment_account(db):
    make_company(bankgiro="", plusgiro="", iban="")
    message = only(check_customer(make_customer()), "company.payment_account")
    assert "saknar bankgiro, plusgiro och IBAN" in message and "Inställningar → Företag" in message


@pytest.mark.parametrize("settings, field, text", [
    (dict(bankgiro="50501056"), "company.bankgiro", "Bankgiro 50501056 stämmer inte"),
    (dict(plusgiro="9020034"), "company.plusgiro", "Plusgiro 9020034 stämmer inte"),
    (dict(iban="SE4550000000058398257467"), "company.iban", "IBAN SE4550000000058398257467 stämmer inte"),
    (dict(iban="SE4550000000058398257466", bic="XX"), "company.bic", "BIC XX stämmer inte"),
    (dict(vat_number="SE556677889801"), "company.vat_number", "stämmer inte"),
])
def test_company_identifiers_wrong(db, settings, field, text):
    make_company(**settings)
    message = only(check_customer(make_customer()), field)
    assert text in message and message.endswith("Rätta det i Inställningar → Företag.")


def test_several_problems_at_once(db):
    make_company(bankgiro="", plusgiro="", iban="")
    customer = make_customer(org_number="", vat_number="", reference="", city="")
    assert fields(check_customer(customer)) == [
        "company.payment_account", "buyer.endpoint", "buyer.address", "buyer_reference"]


def test_issued_invoice_passes(company):
    assert check_invoice(issue([line()])) == []


def test_issued_invoice_without_reference(company):
    invoice = issue([line()], make_customer(reference=""))
    message = only(check_invoice(invoice), "buyer_reference")
    assert message.startswith("Köparens referens (”Er referens”) saknas.")
    assert message.endswith(
        f"Fakturan {invoice.number} är redan utfärdad och kan inte ändras: rätta uppgiften, "
        "kreditera fakturan och utfärda en ny, eller skriv ut den här."
    )


def test_issued_invoice_reads_its_snapshot(company):
    """Fixing the customer afterwards does not change what the issued invoice carries."""
    customer = make_customer(name="Privat Person", org_number="8112189876", is_private=True, vat_number="")
    invoice = issue([line()], customer)
    customer.is_private, customer.org_number = False, "5561234567"
    customer.save()
    assert check_customer(customer) == []
    assert fields(check_invoice(invoice)) == ["buyer.is_private"]


def test_credit_note_message(company):
    invoice = issue([line()], make_customer(street=""))
    note = credit(invoice)
    message = only(check_invoice(note), "buyer.address")
    assert f"Kreditfakturan {note.number} är redan utfärdad" in message
    assert "gör en ny kreditfaktura" in message


def test_problem_reads_as_its_message():
    assert str(Problem("buyer_reference", "Köparens referens saknas.")) == "Köparens referens saknas."
