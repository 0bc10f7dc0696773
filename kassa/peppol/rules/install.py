"""`kassa rules install SOURCE`: a pack from a directory or a zip file, every file checked against the pins."""
from __future__ import annotations

import hashlib
import tempfile
import zipfile
from pathlib import Path

from kassa.peppol.rules.errors import RulePackError
from kassa.peppol.rules.pack import RulePack, installed_rules_dir
from kassa.peppol.rules.parts import PART_TITLES, example_folder, find_parts
from kassa.peppol.rules.pins import read_pins


def install_rule_pack(source: Path) -> RulePack:
    """Install a pack from a directory or a zip file into the data directory's rules/.

    Only the files the pack uses are copied, each checked against the project's pins while it
    is copied into a staging directory beside the target; the staging directory replaces the
    target only when every file matched. On any problem RulePackError (Swedish) is raised and
    the installed pack, if any, is left as it was.
    """
    source = Path(source)
    target = installed_rules_dir()
    parent = target.parent
    with tempfile.TemporaryDirectory(prefix=".rules-install-", dir=parent) as work:
        work_dir = Path(work)
        if source.is_dir():
            source_root = _pack_root(source)
        elif source.is_file() and zipfile.is_zipfile(source):
            unpacked = work_dir / "unpacked"
            _safe_extract(source, unpacked)
            source_root = _pack_root(unpacked)
        elif source.exists():
            raise RulePackError(f"{source} är varken en mapp eller en zip-fil. "
                                "Ange mappen eller zip-filen med regelpaketet.")
        else:
            raise RulePackError(f"{source} finns inte. Ange mappen eller zip-filen med regelpaketet.")

        parts = find_parts(source_root)
        releases = []
        for kind, versions in parts.items():
            if not versions:
                raise RulePackError(
                    f"{source} innehåller inga {PART_TITLES[kind]} (en mapp som {example_folder(kind)}). "
                    "Inget installerades."
                )
            releases += [folder.name for _, folder in versions]
        staging = work_dir / "rules"
        problems = []
        for release in releases:
            pins = read_pins(release)
            if pins is None:
                problems.append(
                    f"{release} är en version som den här versionen av Kassa inte känner till; "
                    "uppdatera Kassa för att kunna installera den."
                )
                continue
            for rel, digest in pins.items():
                problem = _copy_checked(source_root / rel, staging / rel, digest, rel)
                if problem:
                    problems.append(problem)
        if problems:
            raise RulePackError(
                "Regelpaketet installerades inte, eftersom det inte stämmer med Kassas kontrollsummor:\n  "
                + "\n  ".join(problems)
            )
        RulePack.load(staging)  # every part present and findable
        old = work_dir / "previous"
        if target.exists():
            target.rename(old)
        try:
            staging.rename(target)
        except OSError:
            if old.exists():
                old.rename(target)
            raise
        # `old` goes with the temporary directory.
    return RulePack.load(target)


def _pack_root(folder: Path) -> Path:
    """The folder holding the release folders: ``folder`` itself or its single subfolder (a zip's top folder)."""
    if any(find_parts(folder).values()):
        return folder
    subfolders = [c for c in folder.iterdir() if c.is_dir()] if folder.is_dir() else []
    if len(subfolders) == 1 and any(find_parts(subfolders[0]).values()):
        return subfolders[0]
    return folder


def _safe_extract(archive: Path, dest: Path) -> None:
    dest.mkdir(parents=True)
    try:
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                # Refuse paths that would land outside the staging directory.
                resolved = (dest / name).resolve()
                if not resolved.is_relative_to(dest.resolve()):
                    raise RulePackError(f"Zip-filen {archive} innehåller en otillåten sökväg ({name}). "
                                        "Inget installerades.")
            zf.extractall(dest)
    except zipfile.BadZipFile as exc:
        raise RulePackError(f"Zip-filen {archive} är skadad ({exc}). Inget installerades.") from None


def _copy_checked(src: Path, dst: Path, digest: str, rel: str) -> str | None:
    """Copy ``src`` to ``dst`` if its SHA-256 is ``digest``; otherwise a Swedish problem."""
    try:
        data = src.read_bytes()
    except OSError:
        return f"{rel} saknas."
    if hashlib.sha256(data).hexdigest() != digest:
        return f"{rel} stämmer inte med kontrollsumman (filen är ändrad eller skadad)."
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(data)
    return None
