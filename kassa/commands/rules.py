"""`kassa rules status` and `kassa rules install SOURCE`: the validation rule pack."""
from __future__ import annotations

import argparse
from pathlib import Path

from kassa.commands.base import EXIT_FAILED, EXIT_OK, CommandError
from kassa.peppol.rules.errors import NOT_INSTALLED_MESSAGE, RulePackError
from kassa.peppol.rules.install import install_rule_pack
from kassa.peppol.rules.pack import installed_rules_dir, load_rule_pack, rule_pack_location
from kassa.peppol.rules.parts import PART_TITLES


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
        pack = install_rule_pack(source)
    except RulePackError as exc:
        raise CommandError(str(exc), EXIT_FAILED) from None
    except OSError as exc:
        raise CommandError(f"Regelpaketet kunde inte installeras: {exc.strerror or exc} ({exc.filename}).",
                           EXIT_FAILED) from None
    print(f"Regelpaketet är installerat i {pack.root}: {pack.describe()}.")
    location, origin = rule_pack_location()
    if origin == "env":
        print(
            f"Observera: KASSA_RULES_DIR är satt ({location}), så det paketet används i stället "
            "så länge variabeln är satt."
        )
    return EXIT_OK


def _status() -> int:
    location, origin = rule_pack_location()
    where = {
        "env": f"KASSA_RULES_DIR ({location})",
        "system": f"installerat för alla användare ({location})",
    }.get(origin, f"installerat i datamappen ({location})")
    try:
        pack = load_rule_pack()
    except RulePackError as exc:
        if origin == "env" or location.exists():
            print(f"Inget fungerande regelpaket i {where}.\n{exc}")
        else:
            print(NOT_INSTALLED_MESSAGE)
        return EXIT_FAILED
    print(f"Regelpaket: {where}")
    for kind in ("ubl", "cen", "peppol"):
        print(f"  {PART_TITLES[kind]}: {pack.versions[kind]} ({pack.folders[kind].name})")
    problems = pack.check_pins()
    if problems:
        print("  Kontrollsummor: stämmer INTE med Kassas kända versioner:")
        for problem in problems:
            print(f"    {problem}")
    else:
        print("  Kontrollsummor: stämmer med Kassas kända versioner.")
    installed = installed_rules_dir()
    if origin == "env" and installed.exists():
        print(f"Ett installerat regelpaket finns också i {installed}, "
              "men det används inte medan KASSA_RULES_DIR är satt.")
    return EXIT_OK
