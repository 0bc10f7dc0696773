"""The command line: `kassa` and `python main.py` (the commands: docs/architecture.md, README).

Each subcommand lives in its own module under kassa/commands/, which exposes
`configure(parser)` and `run(args) -> int`. A module is imported only for the command that
runs, so `kassa --help` and the headless commands never import Qt. A command that stops
raises `kassa.commands.base.CommandError`; its message and exit code are handled here, once.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from kassa import __version__

# (command, module, one-line help).
COMMANDS: list[tuple[str, str, str]] = [
    ("demo", "kassa.commands.demo", "fyll databasen med demodata (körs den två gånger läggs inget till)"),
    ("validate", "kassa.commands.validate", "validera UBL-filer med de officiella reglerna"),
    ("ubl", "kassa.commands.ubl", "skriv ut PEPPOL-UBL för en lagrad faktura eller kreditfaktura"),
    ("outbox", "kassa.commands.outbox", "sändkön för e-fakturor (list, run, retry, cancel)"),
    ("sandbox", "kassa.commands.sandbox", "starta den lokala Pagero-attrappen (SSO + fil- och dokument-API)"),
    ("pagero", "kassa.commands.pagero", "anslutningen till Pagero (connect, status, disconnect)"),
    ("rules", "kassa.commands.rules", "valideringsregelpaketet (status, install)"),
    ("install-shortcut", "kassa.commands.install_shortcut", "skapa genväg på skrivbordet och i programmenyn"),
    ("backup", "kassa.commands.backup", "gör en konsekvent kopia av databasen"),
    ("control-unit", "kassa.commands.control_unit", "kontrollenheten (status, emulator, configure)"),
    ("export", "kassa.commands.export", "verifikationer till redovisningsprogrammet (sie)"),
    ("payments", "kassa.commands.payments", "inbetalningar från Bankgirot (import, list)"),
]


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The parser, and each command's own subparser (its arguments are added when it runs)."""
    parser = argparse.ArgumentParser(
        prog="kassa",
        description="Kassa – kassasystem med fakturering och e-faktura via Pagero. "
        "Utan kommando startar programfönstret.",
    )
    parser.add_argument("--version", action="version", version=f"kassa {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO")
    subparsers = {}
    for name, module, help_text in COMMANDS:
        subparsers[name] = sub.add_parser(name, help=help_text, description=help_text)
        subparsers[name].set_defaults(_module=module)
    return parser, subparsers


def main(argv: list[str] | None = None) -> int:
    from kassa.commands.base import CommandError

    argv = list(sys.argv[1:] if argv is None else argv)
    parser, subparsers = build_parser()
    # Let the chosen module add its own arguments before the full parse.
    command = next((a for a in argv if not a.startswith("-")), None)
    if command in subparsers:
        module = importlib.import_module({name: path for name, path, _ in COMMANDS}[command])
        module.configure(subparsers[command])
    args = parser.parse_args(argv)
    if args.command is None:
        from kassa.ui.app import run_application

        return run_application()
    module = importlib.import_module(args._module)
    try:
        return int(module.run(args))
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
