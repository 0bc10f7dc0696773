"""The command line: `kassa` and `python main.py` (the commands: docs/architecture.md, README).

Each subcommand lives in its own module under kassa/commands/, which exposes
`configure(parser)` and `run(args) -> int`. A module is imported only for the command that
runs, so `kassa --help` and the headless commands never import Qt. A command that stops
raises `kassa.commands.base.CommandError`; its message and exit code are handled here, once.

Everything is Swedish, argparse's own words too ("användning:", "flaggor", "följande argument
krävs"): argparse's messages go through gettext, and i18nparse supplies their Swedish translation.
Output piped into `head` or `less` that stops reading ends the command quietly, as for any tool.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

import i18nparse  # type: ignore[import-untyped]  # no type information shipped

from kassa import __version__
from kassa.logging_setup import log_location

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
    ("report", "kassa.commands.report", "X-dagrapport; Z-dagrapport som stänger dagen (x, z)"),
    ("receipt", "kassa.commands.receipt", "visa ett sparat kvitto eller ta fram dess kopia (show, copy)"),
    ("journal", "kassa.commands.journal", "journalminnet: XML-export enligt SKVFS 2021:16, kontroll (export, verify)"),
]


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The parser, and each command's own subparser (its arguments are added when it runs)."""
    parser = argparse.ArgumentParser(
        prog="kassa",
        description="Kassa – kassasystem med fakturering och e-faktura via Pagero.\n"
        "Utan kommando startar programfönstret.",
        epilog=log_location(),
        formatter_class=argparse.RawDescriptionHelpFormatter,  # a path cut at its hyphens cannot be copied
    )
    parser.add_argument("--version", action="version", version=f"kassa {__version__}",
                        help="visa Kassas versionsnummer och avsluta")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO")
    subparsers = {}
    for name, module, help_text in COMMANDS:
        subparsers[name] = sub.add_parser(name, help=help_text, description=help_text)
        subparsers[name].set_defaults(_module=module)
    return parser, subparsers


def main(argv: list[str] | None = None) -> int:
    i18nparse.activate("sv")  # argparse's own texts in Swedish, whatever the terminal's language
    try:
        try:
            code = _main(argv)
        finally:  # also when argparse ends with SystemExit (--help, a wrong argument)
            sys.stdout.flush()  # a reader that went away shows here, not at interpreter exit
    except BrokenPipeError:
        # The reader (head, less) stopped reading: end quietly. Further writes go nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return code


EXIT_BROKEN_PIPE = 141  # what a shell shows for a writer stopped by SIGPIPE (128 + 13)


def _main(argv: list[str] | None) -> int:
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
