"""The rule pack in-process: discovery by pattern, findings, explanations, compile-once, threads."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from lxml import etree

from kassa.peppol.rules.errors import NOT_INSTALLED_MESSAGE, DocumentError, RulePackError
from kassa.peppol.rules.findings import has_fatal
from kassa.peppol.rules.pack import ENGINES, RulePack, get_rule_pack, rule_pack_location, warm_up
from kassa.peppol.rules.parts import find_parts
from kassa.peppol.rules.texts import RULE_TEXTS_SV
from tests.factories import example

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"


def _valid_invoice() -> etree._Element:
    return etree.fromstring(example("derived/se-invoice-valid.xml").read_bytes())


def _linked_pack(source, target, renames=None):
    """A pack in ``target`` whose release folders link to those in ``source`` (optionally renamed)."""
    target.mkdir()
    for versions in find_parts(source).values():
        for _, folder in versions:
            name = (renames or {}).get(folder.name, folder.name)
            (target / name).symlink_to(folder, target_is_directory=True)
    return target


def test_the_shared_pack_is_found_by_pattern_with_its_versions(rule_pack):
    assert rule_pack.versions == {"ubl": "2.1", "cen": "1.3.16", "peppol": "3.0.21"}
    assert rule_pack.peppol_xslt.name == "PEPPOL-EN16931-UBL.xslt"
    assert rule_pack.cen_xslt.parent.name == "cen-1.3.16"


def test_a_new_release_is_a_new_folder_not_a_code_change(rule_pack_path, tmp_path):
    pack = RulePack.load(_linked_pack(rule_pack_path, tmp_path / "pack", {"peppol-3.0.21": "peppol-3.0.22"}))
    assert pack.versions["peppol"] == "3.0.22"
    assert pack.peppol_xslt.parent.name == "peppol-3.0.22"


def test_with_two_releases_the_newest_is_used(rule_pack_path, tmp_path):
    pack_dir = _linked_pack(rule_pack_path, tmp_path / "pack")
    (pack_dir / "peppol-3.0.9").symlink_to(pack_dir / "peppol-3.0.21", target_is_directory=True)
    assert RulePack.load(pack_dir).versions["peppol"] == "3.0.21"  # 3.0.21 > 3.0.9 as versions


def test_kassa_rules_dir_selects_the_pack(rule_pack_path, tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KASSA_RULES_DIR", str(rule_pack_path))
    pack = get_rule_pack()
    assert pack is not None and pack.root == rule_pack_path
    assert rule_pack_location() == (rule_pack_path, "env")
    assert get_rule_pack() is pack  # cached: it compiles once per process


def test_without_a_pack_get_rule_pack_is_none_and_the_message_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KASSA_RULES_DIR", raising=False)
    assert get_rule_pack() is None
    assert rule_pack_location() == (tmp_path / "data" / "rules", "installed")
    assert "inte installerad" in NOT_INSTALLED_MESSAGE
    assert "kassa rules install" in NOT_INSTALLED_MESSAGE


def test_an_incomplete_pack_names_the_missing_part(rule_pack_path, tmp_path):
    pack_dir = _linked_pack(rule_pack_path, tmp_path / "pack")
    (pack_dir / "cen-1.3.16").unlink()
    with pytest.raises(RulePackError, match="CEN EN 16931-regler saknas"):
        RulePack.load(pack_dir)


def test_a_wrong_element_order_is_a_fatal_schema_finding(rule_pack):
    doc = _valid_invoice()
    issue_date = doc.find(f"{{{CBC}}}IssueDate")
    doc.remove(issue_date)
    doc.append(issue_date)  # IssueDate after the lines: the schema forbids it
    findings = rule_pack.validate(etree.tostring(doc))
    xsd = [f for f in findings if f.source == "xsd"]
    assert xsd and all(f.rule_id == "XSD" and f.flag == "fatal" for f in xsd)
    assert "IssueDate" in xsd[0].text and "rad" in xsd[0].location
    assert xsd[0].explanation_sv == RULE_TEXTS_SV["XSD"]


def test_a_bad_org_number_fires_se_r_013_with_its_swedish_explanation(rule_pack):
    doc = _valid_invoice()
    legal = doc.find(f"{{{CAC}}}AccountingSupplierParty/{{{CAC}}}Party/{{{CAC}}}PartyLegalEntity/{{{CBC}}}CompanyID")
    legal.text = "1234567890"  # fails the Luhn check
    findings = rule_pack.validate(etree.tostring(doc))
    [se013] = [f for f in findings if f.rule_id == "SE-R-013"]
    assert se013.flag == "fatal" and se013.source == "peppol"
    assert "PartyLegalEntity" in se013.location
    assert se013.text.startswith("[SE-R-013]")
    assert se013.explanation_sv == RULE_TEXTS_SV["SE-R-013"]
    assert has_fatal(findings)


def test_a_document_in_another_encoding_is_validated_as_it_reads(rule_pack):
    doc = _valid_invoice()
    name = doc.find(f".//{{{CAC}}}PartyLegalEntity/{{{CBC}}}RegistrationName")
    name.text = "Hörnbutiken & Söner AB"
    latin1 = etree.tostring(doc, encoding="ISO-8859-1", xml_declaration=True)
    assert "Hörnbutiken".encode("latin-1") in latin1
    assert [f.line() for f in rule_pack.validate(latin1)] == []


def test_text_that_is_not_xml_raises_a_swedish_document_error(rule_pack):
    with pytest.raises(DocumentError, match="inte giltig XML"):
        rule_pack.validate(b"<Invoice>")


def test_a_doctype_is_refused(rule_pack):
    with pytest.raises(DocumentError, match="DOCTYPE"):
        rule_pack.validate(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')


def _compiled_identity(pack):
    """What must not change if the pack never compiles again: the helpers' pids, or the executables."""
    if pack.engine == "worker":
        return pack.worker_pids()
    return {kind: id(executable) for kind, executable in pack._inline.items()}


@pytest.mark.parametrize("engine", ENGINES)
def test_it_compiles_once_from_a_background_thread_and_validates_from_others(rule_pack_path, engine):
    pack = RulePack.load(rule_pack_path, engine=engine)
    assert not pack.is_compiled
    warm = threading.Thread(target=pack.warm_up)
    warm.start()
    warm.join()
    assert pack.is_compiled
    compiled, seconds = _compiled_identity(pack), pack.warm_up()
    assert set(seconds) == {"xsd", "cen", "peppol"}
    documents = [example("derived/se-invoice-valid.xml").read_bytes(),
                 example("cen/ubl-tc434-example1.xml").read_bytes()]
    expected = [pack.validate(d) for d in documents]
    assert expected[0] == [] and len(expected[1]) >= 9
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(pack.validate, documents * 4))
    assert results == expected * 4
    assert _compiled_identity(pack) == compiled  # never compiled again
    assert pack.warm_up() == seconds
    pack.close()


def test_every_swedish_explanation_is_a_sentence_and_the_swedish_rules_all_have_one(rule_pack):
    stylesheet = rule_pack.peppol_xslt.read_text(encoding="utf-8")
    se_rules = {f"SE-R-{n:03d}" for n in range(1, 14)}
    assert all(f"[{rule_id}]" in stylesheet for rule_id in se_rules)
    assert se_rules <= set(RULE_TEXTS_SV)
    for rule_id, text in RULE_TEXTS_SV.items():
        assert text[0].isupper() and text.rstrip().endswith("."), rule_id


def test_module_warm_up_compiles_the_active_pack_or_says_none(rule_pack_path, tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "nowhere"))
    assert warm_up() is None
    monkeypatch.setenv("KASSA_RULES_DIR", str(rule_pack_path))
    pack = warm_up()
    assert pack is get_rule_pack() and pack.is_compiled
