"""The parts of a rule pack on disk: one folder per release of each kind, found by pattern."""
from __future__ import annotations

import re
from pathlib import Path

# Kind -> (folder pattern with the version as group 1, files inside that folder).
PARTS: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "ubl": (re.compile(r"^ubl-(\d+(?:\.\d+)*)-xsd$"), ("maindoc/UBL-Invoice-*.xsd", "maindoc/UBL-CreditNote-*.xsd")),
    "cen": (re.compile(r"^cen-(\d+(?:\.\d+)*)$"), ("EN16931-UBL-validation.xslt",)),
    "peppol": (re.compile(r"^peppol-(\d+(?:\.\d+)*)$"), ("PEPPOL-EN16931-UBL.xslt",)),
}
PART_TITLES = {"ubl": "UBL-scheman", "cen": "CEN EN 16931-regler", "peppol": "Peppol BIS Billing 3.0-regler"}


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def find_parts(root: Path) -> dict[str, list[tuple[str, Path]]]:
    """Every release folder of each kind under ``root``: kind -> [(version, folder)], newest first."""
    found: dict[str, list[tuple[str, Path]]] = {kind: [] for kind in PARTS}
    if not root.is_dir():
        return found
    for child in root.iterdir():
        for kind, (pattern, _) in PARTS.items():
            m = pattern.match(child.name)
            if m and child.is_dir():
                found[kind].append((m.group(1), child))
    for versions in found.values():
        versions.sort(key=lambda v: _version_key(v[0]), reverse=True)
    return found


def one_file(folder: Path, pattern: str) -> Path | None:
    matches = sorted(folder.glob(pattern))
    return matches[0] if len(matches) == 1 else None


def example_folder(kind: str) -> str:
    return {"ubl": "ubl-2.1-xsd", "cen": "cen-1.3.16", "peppol": "peppol-3.0.21"}[kind]
