"""`kassa ubl NUMBER [-o FILE]` against a real database file, run as the user runs it."""
from __future__ import annotations

from kassa.peppol.ubl import build_ubl
from tests.factories import run_kassa
from tests.peppol.ubl_documents import credit, issue, line, make_customer


def test_prints_the_invoice(company, isolated_data_dir):
    invoice = issue([line("Kaffe & kaka", "2", "45", 12)])
    result = run_kassa("ubl", str(invoice.number), data_dir=isolated_data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.encode("utf-8") == build_ubl(invoice)
    assert "<cbc:Name>Kaffe &amp; kaka</cbc:Name>" in result.stdout
    assert result.stderr == ""


def test_writes_a_credit_note_to_a_file(company, isolated_data_dir, tmp_path):
    invoice = issue([line()])
    note = credit(invoice)
    target = tmp_path / "kredit.xml"
    result = run_kassa("ubl", str(note.number), "-o", str(target), data_dir=isolated_data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert target.read_bytes() == build_ubl(note)
    assert b"<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>" in target.read_bytes()
    assert f"Kreditfaktura {note.number} skrevs till {target}." in result.stderr


def test_unknown_number(company, isolated_data_dir):
    issue([line()])
    result = run_kassa("ubl", "4711", data_dir=isolated_data_dir)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == "Det finns ingen faktura eller kreditfaktura med nummer 4711."


def test_not_a_number(db, isolated_data_dir):
    result = run_kassa("ubl", "abc", data_dir=isolated_data_dir)
    assert result.returncode == 2
    assert "'abc' är inget fakturanummer" in result.stderr


def test_problems_are_said_beside_the_document(company, isolated_data_dir):
    invoice = issue([line()], make_customer(reference=""))
    result = run_kassa("ubl", str(invoice.number), data_dir=isolated_data_dir)
    assert result.returncode == 0
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "Obs: Köparens referens (”Er referens”) saknas." in result.stderr


def test_unwritable_output(company, isolated_data_dir, tmp_path):
    invoice = issue([line()])
    target = tmp_path / "saknas" / "faktura.xml"
    result = run_kassa("ubl", str(invoice.number), "-o", str(target), data_dir=isolated_data_dir)
    assert result.returncode == 2
    assert f"Kunde inte skriva {target}" in result.stderr


def test_indent_for_reading(company, isolated_data_dir):
    invoice = issue([line()])
    result = run_kassa("ubl", str(invoice.number), "--indent", data_dir=isolated_data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.encode("utf-8") == build_ubl(invoice, indent=True)
    assert "\n  <cbc:ID>" in result.stdout
