"""`kassa rules install SOURCE` and `kassa rules status`, run as a user runs them."""
from __future__ import annotations

import zipfile

from kassa.peppol.rules.pack import RulePack
from kassa.peppol.rules.parts import find_parts
from kassa.peppol.rules.pins import read_pins
from tests.factories import example, run_kassa


def _pinned_files(pack_root):
    """relative path -> bytes of every file the pack uses, per the project's pins."""
    files = {}
    for versions in find_parts(pack_root).values():
        for _, folder in versions:
            for rel in read_pins(folder.name) or {}:
                files[rel] = (pack_root / rel).read_bytes()
    return files


def _write_tree(files, root):
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def _zip(files, path, top=""):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, data in files.items():
            zf.writestr(top + rel, data)
    return path


def test_status_without_a_pack_says_it_is_not_installed(tmp_path):
    result = run_kassa("rules", "status", data_dir=tmp_path / "data")
    assert result.returncode == 1
    assert "inte installerad" in result.stdout and "kassa rules install" in result.stdout


def test_install_from_a_directory_then_status_and_validate_use_it(rule_pack_path, tmp_path):
    data = tmp_path / "data"
    result = run_kassa("rules", "install", rule_pack_path, data_dir=data)
    assert result.returncode == 0, result.stderr
    assert "installerat" in result.stdout and "Peppol 3.0.21" in result.stdout
    installed = data / "rules"
    # Only the files the pack uses, each as pinned.
    assert sorted(p.relative_to(installed).as_posix() for p in installed.rglob("*") if p.is_file()) == sorted(
        _pinned_files(rule_pack_path)
    )
    assert not list(data.glob(".rules-install-*"))  # no staging left behind

    status = run_kassa("rules", "status", data_dir=data)
    assert status.returncode == 0
    assert f"installerat i datamappen ({installed})" in status.stdout
    assert "3.0.21" in status.stdout and "1.3.16" in status.stdout
    assert "stämmer med Kassas kända versioner" in status.stdout

    validated = run_kassa("validate", example("derived/se-invoice-valid.xml"), data_dir=data)
    assert validated.returncode == 0, validated.stderr


def test_install_from_a_zip_with_a_top_folder(rule_pack_path, tmp_path):
    archive = _zip(_pinned_files(rule_pack_path), tmp_path / "regler.zip", top="peppol-regler/")
    result = run_kassa("rules", "install", archive, data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert RulePack.load(tmp_path / "data" / "rules").describe() == "UBL 2.1, CEN 1.3.16, Peppol 3.0.21"


def test_a_tampered_file_is_refused_and_nothing_is_installed(rule_pack_path, tmp_path):
    files = _pinned_files(rule_pack_path)
    files["peppol-3.0.21/PEPPOL-EN16931-UBL.xslt"] = files["peppol-3.0.21/PEPPOL-EN16931-UBL.xslt"].replace(
        b"Godk\xc3\xa4nd f\xc3\xb6r F-skatt", b"Godk\xc3\xa4nd for F-skatt", 1
    )
    data = tmp_path / "data"
    for source in (_write_tree(files, tmp_path / "tampered"), _zip(files, tmp_path / "tampered.zip")):
        result = run_kassa("rules", "install", source, data_dir=data)
        assert result.returncode == 1
        assert "installerades inte" in result.stderr
        assert "peppol-3.0.21/PEPPOL-EN16931-UBL.xslt stämmer inte med kontrollsumman" in result.stderr
        assert sorted(p.name for p in data.iterdir()) == []  # no rules/, no staging


def test_a_refused_install_leaves_the_installed_pack_as_it_was(rule_pack_path, tmp_path):
    data = tmp_path / "data"
    assert run_kassa("rules", "install", rule_pack_path, data_dir=data).returncode == 0
    before = {p: p.read_bytes() for p in (data / "rules").rglob("*") if p.is_file()}
    files = _pinned_files(rule_pack_path)
    del files["ubl-2.1-xsd/common/UBL-CommonBasicComponents-2.1.xsd"]
    result = run_kassa("rules", "install", _write_tree(files, tmp_path / "incomplete"), data_dir=data)
    assert result.returncode == 1
    assert "ubl-2.1-xsd/common/UBL-CommonBasicComponents-2.1.xsd saknas" in result.stderr
    assert {p: p.read_bytes() for p in (data / "rules").rglob("*") if p.is_file()} == before


def test_an_unknown_release_is_refused(rule_pack_path, tmp_path):
    files = {
        rel.replace("peppol-3.0.21/", "peppol-3.0.22/"): data for rel, data in _pinned_files(rule_pack_path).items()
    }
    result = run_kassa("rules", "install", _write_tree(files, tmp_path / "next"), data_dir=tmp_path / "data")
    assert result.returncode == 1
    assert "peppol-3.0.22 är en version som den här versionen av Kassa inte känner till" in result.stderr
    assert not (tmp_path / "data" / "rules").exists()


def test_a_zip_with_a_path_outside_is_refused(rule_pack_path, tmp_path):
    files = _pinned_files(rule_pack_path)
    files["../utanfor.txt"] = b"x"
    result = run_kassa("rules", "install", _zip(files, tmp_path / "elak.zip"), data_dir=tmp_path / "data")
    assert result.returncode == 1
    assert "otillåten sökväg" in result.stderr
    assert not (tmp_path / "utanfor.txt").exists() and not (tmp_path / "data" / "rules").exists()


def test_a_source_that_does_not_exist_is_refused(tmp_path):
    result = run_kassa("rules", "install", tmp_path / "finns-inte", data_dir=tmp_path / "data")
    assert result.returncode == 1
    assert "finns inte" in result.stderr


def test_status_reports_kassa_rules_dir_and_its_versions(rule_pack_path, tmp_path):
    result = run_kassa("rules", "status", data_dir=tmp_path / "data", rules_dir=rule_pack_path)
    assert result.returncode == 0
    assert f"KASSA_RULES_DIR ({rule_pack_path})" in result.stdout
    assert "Peppol BIS Billing 3.0-regler: 3.0.21" in result.stdout
