"""The command line of DESIGN.md: `kassa` and `python main.py`.

Each subcommand lives in its own module, which exposes `configure(parser)` and
`run(args) -> int`. Modules are imported only for the command that runs, so
`kassa --help` and the headless commands never import Qt.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from kassa import __version__

# (command, module, one-line help). A command whose module is not present is not listed.
COMMANDS: list[tuple[str, str, str]] = [
    ("demo", "kassa.demo", "fyll databasen med demodata (körs den två gånger läggs inget till)"),
    ("validate", "kassa.peppol.validate_command", "validera UBL-filer med de officiella reglerna"),
    ("ubl", "kassa.peppol.ubl_command", "skriv ut PEPPOL-UBL för en lagrad faktura eller kreditfaktura"),
    ("outbox", "kassa.peppol.outbox_command", "sändkön för e-fakturor (list, run, retry, cancel)"),
    ("sandbox", "kassa.peppol.sandbox", "starta den lokala Pagero-attrappen (SSO + fil- och dokument-API)"),
    ("pagero", "kassa.peppol.pagero_command", "anslutningen till Pagero (connect, status, disconnect)"),
    ("rules", "kassa.peppol.rules_command", "valideringsregelpaketet (status, install)"),
    ("install-shortcut", "kassa.shortcut", "skapa genväg på skrivbordet och i programmenyn"),
    ("backup", "kassa.backup", "gör en konsekvent kopia av databasen"),
    ("export", "kassa.commands.export", "verifikationer till redovisningsprogrammet (sie)"),
    ("payments", "kassa.commands.payments", "inbetalningar från Bankgirot (import, list)"),
]


def _available() -> list[tuple[str, str, str]]:
    found = []
    for name, module, help_text in COMMANDS:
        try:
            if importlib.util.find_spec(module) is not None:
                found.append((name, module, help_text))
        except ModuleNotFoundError:
            pass
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kassa",
        description="Kassa – kassasystem med fakturering och e-faktura via Pagero. "
        "Utan kommando startar programfönstret.",
    )
    parser.add_argument("--version", action="version", version=f"kassa {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO")
    for name, module, help_text in _available():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        sp.set_defaults(_module=module)
        sp.set_defaults(_configure_pending=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # Let the chosen module add its own arguments before the full parse.
    command = next((a for a in argv if not a.startswith("-")), None)
    modules = {name: module for name, module, _ in _available()}
    if command in modules:
        mod = importlib.import_module(modules[command])
        sub_action = next(a for a in parser._subparsers._actions if isinstance(a, argparse._SubParsersAction))
        if hasattr(mod, "configure"):
            mod.configure(sub_action.choices[command])
    args = parser.parse_args(argv)
    if args.command is None:
        from kassa.app import run_application

        return run_application()
    mod = importlib.import_module(args._module)
    return int(mod.run(args) or 0)
