"""The SHA-256 pins of the rule pack releases Kassa knows (resources/rulepacks/, data, not code)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from kassa import config

# SHA-256 pins of the known releases, one file per release folder (data, not code).
PINS_DIR = config.resources_dir() / "rulepacks"


def read_pins(release: str) -> dict[str, str] | None:
    """relative path -> sha256 for a known release folder (e.g. 'peppol-3.0.21'), None if unknown."""
    path = PINS_DIR / f"{release}.sha256"
    if not path.is_file():
        return None
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            digest, rel = line.split(maxsplit=1)
            pins[rel.lstrip("*").removeprefix("./")] = digest.lower()
    return pins


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_pins(root: Path, releases: list[str]) -> list[str]:
    problems = []
    for release in releases:
        pins = read_pins(release)
        if pins is None:
            problems.append(f"{release} är en version som Kassa inte känner till (inga kontrollsummor finns för den).")
            continue
        for rel, digest in pins.items():
            path = root / rel
            if not path.is_file():
                problems.append(f"{rel} saknas.")
            elif sha256_file(path) != digest:
                problems.append(f"{rel} stämmer inte med kontrollsumman (filen är ändrad eller skadad).")
    return problems
