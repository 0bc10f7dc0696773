"""`kassa validate FILE…` as a user runs it: output lines, --json and exit codes."""
from __future__ import annotations

import json
import re

from tests.factories import example, run_kassa

LINE = re.compile(r"^(?P<id>\S+) (?P<flag>fatal|warning) (?P<location>/\S*): (?P<text>.+)$")


def test_a_valid_invoice_exits_0_without_findings(rule_pack_path, tmp_path):
    result = run_kassa("validate", example("derived/se-invoice-valid.xml"), data_dir=tmp_path, rules_dir=rule_pack_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "inga fel eller varningar" in result.stderr


def test_a_document_with_fatal_findings_exits_1_one_line_a_finding(rule_pack_path, tmp_path):
    result = run_kassa("validate", example("cen/ubl-tc434-example1.xml"), data_dir=tmp_path, rules_dir=rule_pack_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(LINE.match(line) for line in lines), lines
    ids = {LINE.match(line)["id"] for line in lines}
    assert {"PEPPOL-EN16931-R003", "PEPPOL-EN16931-R010"} <= ids
    assert "fel" in result.stderr and "kan inte skickas" in result.stderr


def test_json_carries_every_field_and_the_swedish_explanation(rule_pack_path, tmp_path):
    path = example("cen/ubl-tc434-example1.xml")
    result = run_kassa("validate", "--json", path, data_dir=tmp_path, rules_dir=rule_pack_path)
    assert result.returncode == 1
    [report] = json.loads(result.stdout)
    assert report["file"] == str(path) and report["fatal"] >= 1
    by_id = {f["rule_id"]: f for f in report["findings"]}
    r003 = by_id["PEPPOL-EN16931-R003"]
    assert set(r003) == {"rule_id", "flag", "location", "text", "explanation_sv", "source"}
    assert r003["flag"] == "fatal" and r003["source"] == "peppol"
    assert "referens" in r003["explanation_sv"]


def test_several_files_prefix_each_line_with_its_file(rule_pack_path, tmp_path):
    valid, invalid = example("derived/se-invoice-valid.xml"), example("cen/ubl-tc434-creditnote1.xml")
    result = run_kassa("validate", valid, invalid, data_dir=tmp_path, rules_dir=rule_pack_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(f"{invalid}: ") for line in lines)
    assert all(LINE.match(line.removeprefix(f"{invalid}: ")) for line in lines)


def test_a_file_that_is_not_xml_exits_2_with_a_swedish_message(rule_pack_path, tmp_path):
    not_xml = tmp_path / "faktura.xml"
    not_xml.write_text("det här är ingen faktura", encoding="utf-8")
    result = run_kassa("validate", not_xml, data_dir=tmp_path, rules_dir=rule_pack_path)
    assert result.returncode == 2
    assert f"{not_xml}: Filen är inte XML (den börjar inte med <)." in result.stderr
    assert "<string>" not in result.stderr  # the parser's name for its input is not the user's business


def test_a_broken_xml_file_says_where(rule_pack_path, tmp_path):
    broken = tmp_path / "faktura.xml"
    broken.write_text("<Invoice><a></Invoice>", encoding="utf-8")
    result = run_kassa("validate", broken, data_dir=tmp_path, rules_dir=rule_pack_path)
    assert result.returncode == 2
    assert "Filen är inte giltig XML (rad 1, kolumn 22)" in result.stderr and "<string>" not in result.stderr


def test_findings_carry_the_swedish_explanation_on_their_line(rule_pack_path, tmp_path):
    result = run_kassa("validate", example("cen/ubl-tc434-example1.xml"), data_dir=tmp_path, rules_dir=rule_pack_path)
    [r003] = [line for line in result.stdout.splitlines() if line.startswith("PEPPOL-EN16931-R003 ")]
    assert r003.endswith(" — På svenska: Köparens referens saknas. Fyll i kundens referens (t.ex. beställarens "
                         "namn eller referenskod) på fakturan eller under Register → Kundregister → Ändra.")


def test_a_missing_file_exits_2_even_beside_a_valid_one(rule_pack_path, tmp_path):
    missing = tmp_path / "saknas.xml"
    result = run_kassa(
        "validate", example("derived/se-invoice-valid.xml"), missing, data_dir=tmp_path, rules_dir=rule_pack_path
    )
    assert result.returncode == 2
    assert f"Filen {missing} kunde inte läsas: den finns inte." in result.stderr


def test_a_root_that_is_not_ubl_is_a_fatal_schema_finding(rule_pack_path, tmp_path):
    other = tmp_path / "order.xml"
    other.write_text('<Order xmlns="urn:example:order"/>', encoding="utf-8")
    result = run_kassa("validate", other, data_dir=tmp_path, rules_dir=rule_pack_path)
    assert result.returncode == 1
    assert result.stdout.startswith("XSD fatal /{urn:example:order}Order: ")


def test_without_a_rule_pack_it_exits_2_and_says_how_to_install_one(tmp_path):
    result = run_kassa("validate", tmp_path / "any.xml", data_dir=tmp_path)
    assert result.returncode == 2
    assert "inte installerad" in result.stderr
    assert "kassa rules install" in result.stderr
    assert result.stdout == ""


def test_an_incomplete_pack_exits_2_and_names_what_is_missing(tmp_path):
    pack = tmp_path / "pack"
    (pack / "cen-1.3.16").mkdir(parents=True)
    result = run_kassa("validate", tmp_path / "any.xml", data_dir=tmp_path, rules_dir=pack)
    assert result.returncode == 2
    assert "ofullständigt" in result.stderr and "UBL-scheman" in result.stderr
