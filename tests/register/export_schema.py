"""The schema written from SKVFS 2021:16's chapters (skvfs_2021_16/*.xsd) and reading an export."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from kassa.register import export_names as n

SCHEMA = Path(__file__).parent / "skvfs_2021_16" / "instans.xsd"
K = {"k": n.KOMPONENT, "i": n.INSTANS}


def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def assert_valid(path: Path) -> etree._ElementTree:
    """Parse `path` (streaming it back would be the same) and fail with the schema's findings."""
    tree = etree.parse(str(path))
    checker = schema()
    assert checker.validate(tree), "\n".join(str(e) for e in checker.error_log)
    return tree


def events(tree: etree._ElementTree) -> list[etree._Element]:
    """The registration inside each Handelse, in order."""
    return [h[-1] for h in tree.iterfind("k:RegistreringLISTA/k:Handelse", K)]


def local(element: etree._Element) -> str:
    return etree.QName(element).localname
