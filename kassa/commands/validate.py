"""`kassa validate FILE…`: the official validation of UBL files.

One line a finding, ``RULE-ID flag location: text``, followed by " — På svenska: …" where Kassa
explains the rule (prefixed with ``FILE: `` when several files are given, as grep does); a
summary per file on stderr. Exit 0 with no fatal finding, 1 with one, 2 when it cannot run (no
rule pack, an unreadable or non-XML file).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kassa.commands.base import EXIT_CANNOT_RUN, EXIT_FAILED, EXIT_OK, CommandError
from kassa.peppol.rules.errors import NOT_INSTALLED_MESSAGE, DocumentError, RulePackError
from kassa.peppol.rules.findings import Finding
from kassa.peppol.rules.pack import RulePack, get_rule_pack, load_rule_pack


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", metavar="FIL", nargs="+", type=Path, help="UBL-fil (Invoice eller CreditNote)")
    parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")


def run(args: argparse.Namespace) -> int:
    pack = get_rule_pack()
    if pack is None:
        try:
            load_rule_pack()
            message = NOT_INSTALLED_MESSAGE
        except RulePackError as exc:
            message = str(exc)
        raise CommandError(message, EXIT_CANNOT_RUN)

    results = []
    exit_code = EXIT_OK
    for path in args.files:
        result = _validate_file(pack, path)
        results.append(result)
        if "error" in result:
            exit_code = EXIT_CANNOT_RUN
        elif result["fatal"] and exit_code == EXIT_OK:
            exit_code = EXIT_FAILED

    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2, default=_default))
    else:
        prefix_files = len(args.files) > 1
        for result in results:
            if "error" in result:
                continue
            for finding in result["findings"]:
                line = finding.explained_line()
                print(f"{result['file']}: {line}" if prefix_files else line)
    for result in results:
        print(_summary(result), file=sys.stderr)
    return exit_code


def _validate_file(pack: RulePack, path: Path) -> dict:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return {"file": str(path), "error": f"Filen {path} kunde inte läsas: {_os_reason(exc)}."}
    try:
        findings = pack.validate(data)
    except DocumentError as exc:
        return {"file": str(path), "error": f"{path}: {exc}"}
    except RulePackError as exc:  # the rule pack itself failed; nothing else can run
        raise CommandError(str(exc), EXIT_CANNOT_RUN) from None
    fatal = sum(f.is_fatal for f in findings)
    return {"file": str(path), "fatal": fatal, "warnings": len(findings) - fatal, "findings": findings}


def _summary(result: dict) -> str:
    if "error" in result:
        return result["error"]
    fatal, warnings = result["fatal"], result["warnings"]
    if not fatal and not warnings:
        return f"{result['file']}: inga fel eller varningar."
    verdict = "kan inte skickas" if fatal else "kan skickas"
    return f"{result['file']}: {fatal} fel och {warnings} {'varning' if warnings == 1 else 'varningar'} ({verdict})."


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "den finns inte"
    if isinstance(exc, IsADirectoryError):
        return "det är en mapp"
    if isinstance(exc, PermissionError):
        return "behörighet saknas"
    return exc.strerror or str(exc)


def _default(value: object) -> object:
    if isinstance(value, Finding):
        return value.as_dict()
    raise TypeError(type(value).__name__)
