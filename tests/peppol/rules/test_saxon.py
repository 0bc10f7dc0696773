"""SaxonC for the rule helpers: the prepared stylesheets find exactly what the official ones find, and
a processor with a bounded heap validates as the default one does (each in a fresh process, since a
process has one SaxonC)."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from lxml import etree

from tests.factories import EXAMPLES, REPO

pytestmark = pytest.mark.rules

SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def official_examples(folder) -> list:
    """Every UBL invoice and credit note of the shared examples, the unit tests' documents (inside their
    VEFA testSets) included, each written to its own file in ``folder``."""
    documents = []
    for path in sorted(EXAMPLES.rglob("*.xml")):
        root = etree.parse(str(path)).getroot()
        kinds = ("Invoice", "CreditNote")
        found = [root] if etree.QName(root).localname in kinds else [
            el for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname in kinds]
        for index, element in enumerate(found):
            target = folder / f"{path.stem}-{index}.xml"
            target.write_bytes(etree.tostring(element, encoding="UTF-8", xml_declaration=True))
            documents.append(target)
    return documents


def findings(svrl: str) -> list[tuple]:
    root = etree.fromstring(svrl.encode("utf-8"))
    return [(el.tag, el.get("id"), el.get("flag"), el.get("location"),
             " ".join((el.findtext(f"{SVRL}text") or "").split()))
            for el in root.iter(f"{SVRL}failed-assert", f"{SVRL}successful-report")]


def run_python(code: str) -> dict:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_prepared_stylesheets_find_exactly_what_the_official_ones_find(rule_pack_path, tmp_path):
    documents = official_examples(tmp_path)
    assert len(documents) >= 60
    outcome = run_python(f"""
        import json
        from pathlib import Path
        from kassa.peppol.rules.saxon import compile_for_validation, new_processor
        pack = Path({str(rule_pack_path)!r})
        processor, _ = new_processor(None)
        xslt = processor.new_xslt30_processor()
        out = {{}}
        stylesheets = (("cen", "cen-*/EN16931-UBL-validation.xslt"), ("peppol", "peppol-*/PEPPOL-EN16931-UBL.xslt"))
        for kind, pattern in stylesheets:
            path = next(pack.glob(pattern))
            official = xslt.compile_stylesheet(stylesheet_file=str(path))
            prepared = compile_for_validation(processor, path)
            for document in {[str(d) for d in documents]!r}:
                node = processor.parse_xml(xml_text=Path(document).read_text(encoding="utf-8"))
                out[kind + " " + document] = [official.transform_to_string(xdm_node=node),
                                              prepared.transform_to_string(xdm_node=node)]
        print(json.dumps(out))
    """)
    assert len(outcome) == 2 * len(documents)
    found_any = 0
    for key, (official, prepared) in outcome.items():
        assert findings(prepared) == findings(official), key
        assert "fired-rule" in official and "fired-rule" not in prepared
        assert len(prepared) < len(official)
        found_any += bool(findings(official))
    assert found_any >= 20, "the examples include documents with findings (the unit tests of the Swedish rules)"


def test_a_processor_with_a_bounded_heap_validates_like_the_default_one(rule_pack_path, tmp_path):
    cases = [str(d) for d in official_examples(tmp_path) if d.name.startswith("UBL-CN_SE-R-001")]
    code = f"""
        import json
        from pathlib import Path
        from kassa.peppol.rules.saxon import compile_for_validation, new_processor
        processor, tuned = new_processor(YOUNG)
        path = next(Path({str(rule_pack_path)!r}).glob("peppol-*/PEPPOL-EN16931-UBL.xslt"))
        executable = compile_for_validation(processor, path)
        svrl = []
        for _ in range(20):
            svrl = [executable.transform_to_string(xdm_node=processor.parse_xml(xml_text=Path(case).read_text()))
                    for case in {cases!r}]
        print(json.dumps({{"tuned": tuned, "svrl": svrl}}))
    """
    bounded = run_python(code.replace("YOUNG", "16"))
    default = run_python(code.replace("YOUNG", "None"))

    assert bounded["tuned"] is True, "saxonche of a tested release takes the heap bound"
    assert default["tuned"] is False
    assert [findings(r) for r in bounded["svrl"]] == [findings(r) for r in default["svrl"]]
    assert any(f[1] == "SE-R-001" for report in bounded["svrl"] for f in findings(report))


def test_an_untried_saxonche_release_keeps_its_own_heap(rule_pack_path):
    outcome = run_python("""
        import json, logging
        logging.basicConfig(level=logging.INFO)
        from kassa.peppol.rules import saxon as saxon_runtime
        saxon_runtime.TESTED_SAXONCHE = ("0.0.",)
        processor, tuned = saxon_runtime.new_processor(16)
        print(json.dumps({"tuned": tuned, "version": processor.version}))
    """)
    assert outcome["tuned"] is False
    assert "Saxon" in outcome["version"]
