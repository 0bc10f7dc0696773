"""The official examples and unit tests, run through the project's rule pack.

- every Peppol 3.0.21 example and every derived Swedish example: no fatal finding;
- the 48 Swedish unit-test documents (VEFA testSets): exactly the outcome each states;
- the CEN examples (valid EN 16931, not Peppol on purpose): reported with their Peppol findings.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tests.factories import EXAMPLES

VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"


def _files(folder: str) -> list[Path]:
    return sorted((EXAMPLES / folder).glob("*.xml"))


def _params(folder: str) -> list:
    files = _files(folder)
    if not files:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no examples under {EXAMPLES / folder}"))]
    return [pytest.param(path, id=f"{folder}/{path.name}") for path in files]


@pytest.mark.parametrize("path", _params("peppol-3.0.21") + _params("derived"))
def test_official_and_derived_examples_have_no_fatal_finding(rule_pack, path):
    findings = rule_pack.validate(path.read_bytes())
    fatal = [f.line() for f in findings if f.flag == "fatal"]
    assert fatal == []


@pytest.mark.parametrize("path", _params("derived"))
def test_derived_swedish_examples_have_no_finding_at_all(rule_pack, path):
    assert [f.line() for f in rule_pack.validate(path.read_bytes())] == []


def _unit_cases() -> list:
    """One case per <test> of each testSet: (document bytes, ids that fire, ids that do not)."""
    cases = []
    for path in _files("peppol-unit-se"):
        test_set = etree.parse(str(path)).getroot()
        for number, test in enumerate(test_set.iter(VEFA + "test"), start=1):
            expected = {"success": set(), "error": set(), "warning": set()}
            for outcome, ids in expected.items():
                for el in test.findall(f"{VEFA}assert/{VEFA}{outcome}"):
                    ids.update(el.text.split())
            [document] = [child for child in test if isinstance(child.tag, str) and not child.tag.startswith(VEFA)]
            outcome = "-".join(sorted(k for k, v in expected.items() if v))
            cases.append(pytest.param(
                etree.tostring(document), expected, id=f"{path.stem}#{number}-{outcome}"
            ))
    if not cases:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"no unit tests under {EXAMPLES}"))]
    return cases


UNIT_CASES = _unit_cases()


def test_all_48_swedish_unit_test_documents_are_collected():
    if EXAMPLES.is_dir():
        assert len(UNIT_CASES) == 48


@pytest.mark.parametrize("document, expected", UNIT_CASES)
def test_swedish_unit_test_gives_the_stated_outcome(rule_pack, document, expected):
    findings = rule_pack.validate(document)
    fired = {(f.rule_id, f.flag) for f in findings}
    fired_ids = {rule_id for rule_id, _ in fired}
    for rule_id in expected["error"]:
        assert (rule_id, "fatal") in fired, f"{rule_id} should fail as an error; fired: {sorted(fired)}"
    for rule_id in expected["warning"]:
        assert (rule_id, "warning") in fired, f"{rule_id} should fire as a warning; fired: {sorted(fired)}"
    for rule_id in expected["success"]:
        assert rule_id not in fired_ids, f"{rule_id} should not fire; fired: {sorted(fired)}"


@pytest.mark.parametrize("path", _params("cen"))
def test_cen_examples_are_reported_with_their_peppol_findings(rule_pack, path):
    findings = rule_pack.validate(path.read_bytes())
    # Valid EN 16931: the schema and the CEN rules find no error ...
    assert [f.line() for f in findings if f.source in ("xsd", "cen") and f.flag == "fatal"] == []
    # ... but they are not Peppol documents, and the Peppol rules say why.
    peppol = [f for f in findings if f.source == "peppol"]
    assert peppol
    assert any(f.flag == "fatal" for f in peppol)
    for f in peppol:
        assert f.rule_id and f.flag in ("fatal", "warning") and f.location.startswith("/") and f.text
        assert f.rule_id in f.text  # the official text names its rule: "[PEPPOL-EN16931-R004]-…"
