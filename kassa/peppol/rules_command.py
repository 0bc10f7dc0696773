"""`kassa rules status` and `kassa rules install SOURCE`: the validation rule pack."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kassa.peppol import rules


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="rules_action", metavar="ÅTGÄRD", required=True)
    sub.add_parser("status", help="visa vilket regelpaket som används och varifrån")
    install = sub.add_parser(
        "install",
        help="installera ett regelpaket från en mapp eller zip-fil (kontrolleras mot Kassas kontrollsummor)",
    )
    install.add_argument("source", metavar="KÄLLA", type=Path, help="mapp eller zip-fil med regelpaketet")


def run(args: argparse.Namespace) -> int:
    if args.rules_action == "install":
        return _install(args.source)
    return _status()


def _install(source: Path) -> int:
    try:
        pack = rules.install_rule_pack(source)
    except rules.RulePackError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Regelpaketet kunde inte installeras: {exc.strerror or exc} ({exc.filename}).", file=sys.stderr)
        return 1
    print(f"Regelpaketet är installerat i {pack.root}: {pack.describe()}.")
    location, origin = rules.rule_pack_location()
    if origin == "env":
        print(
            f"Observera: KASSA_RULES_DIR är satt ({location}), så det paketet används i stället "
            "så länge variabeln är satt."
        )
    return 0


def _status() -> int:
    location, origin = rules.rule_pack_location()
    where = (
        f"KASSA_RULES_DIR ({location})" if origin == "env" else f"installerat i datamappen ({location})"
    )
    try:
        pack = rules.load_rule_pack()
    except rules.RulePackError as exc:
        if origin == "env" or location.exists():
            print(f"Inget fungerande regelpaket i {where}.\n{exc}")
        else:
            print(rules.NOT_INSTALLED_MESSAGE)
        return 1
    print(f"Regelpaket: {where}")
    for kind in ("ubl", "cen", "peppol"):
        print(f"  {rules.PART_TITLES[kind]}: {pack.versions[kind]} ({pack.folders[kind].name})")
    problems = pack.check_pins()
    if problems:
        print("  Kontrollsummor: stämmer INTE med Kassas kända versioner:")
        for problem in problems:
            print(f"    {problem}")
    else:
        print("  Kontrollsummor: stämmer med Kassas kända versioner.")
    installed = rules.installed_rules_dir()
    if origin == "env" and installed.exists():
        print(f"Ett installerat regelpaket finns också i {installed}, men det används inte medan KASSA_RULES_DIR är satt.")
    return 0
