"""`kassa control-unit status|emulator|configure`: the control unit without the window.

- ``status`` asks the chosen unit how it is (exit 0 when it works, 1 when not, 2 when none is chosen);
- ``emulator`` runs the local XCCSP emulator (NOT certified) until Ctrl+C;
- ``configure`` chooses the unit: ``--url URL --user NAME --password-stdin`` for an XCCSP service
  (the password goes to the keyring), or ``--none`` for the 4-prisbasbelopp exemption.
"""
from __future__ import annotations

import argparse
import logging
import sys

from kassa import config
from kassa.commands.base import (
    EXIT_CANNOT_RUN,
    EXIT_FAILED,
    EXIT_OK,
    CommandError,
    open_database,
    seconds,
    whole_number,
)
from kassa.register.control_unit.base import ControlUnitUnavailable


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="control_unit_action", metavar="ÅTGÄRD", required=True)
    sub.add_parser("status", help="fråga den valda kontrollenheten hur den mår",
                   description="Frågar den valda kontrollenheten om dess status. Slutkod 0 när den fungerar, "
                               "1 när den inte gör det, 2 när ingen kontrollenhet är vald.")

    emulator = sub.add_parser(
        "emulator", help="starta den lokala kontrollenhetsemulatorn (INTE certifierad; för demo och test)",
        description="En lokal XCCSP-tjänst för demo och test. Den är INTE en certifierad kontrollenhet och får "
                    "aldrig användas i en butik. Standardinloggning: kassa / emulator.")
    emulator.add_argument("--host", default="127.0.0.1", help="adress att lyssna på (standard 127.0.0.1)")
    emulator.add_argument("--port", type=whole_number, default=8790, help="port (standard 8790)")
    emulator.add_argument("--user", action="append", metavar="NAMN:LÖSENORD",
                          help="inloggning (kan anges flera gånger; ersätter kassa:emulator)")
    emulator.add_argument("--control", action="store_true",
                          help="slå på styrgränssnittet /_control/… för tester (beteende, logg, nollställning)")
    emulator.add_argument("--mode", default="ok",
                          help="beteende för varje anrop: ok, busy, server_busy, down, drop, slow, garbage, "
                               "garbage_after_store, empty_code (standard ok)")
    emulator.add_argument("--fail-rate", type=float, default=0.0, metavar="ANDEL",
                          help="andel anrop (0–1) som får ett slumpat fel ur --fail-kinds")
    emulator.add_argument("--fail-kinds", metavar="SORTER",
                          help="kommaseparerade felsorter för --fail-rate (standard busy,server_busy,down,garbage,"
                               "garbage_after_store)")
    emulator.add_argument("--slow", type=seconds, default=0.0, metavar="SEKUNDER",
                          help="svarstid för beteendet slow (med --mode slow: varje anrop)")
    emulator.add_argument("--seed", type=whole_number, default=1, help="frö för de slumpade felen (standard 1)")
    emulator.add_argument("--unit-number", type=whole_number, default=1, help="emulatorns nummer (EMULATOR00000001)")

    setup = sub.add_parser("configure", help="välj kontrollenhet (XCCSP-tjänst, eller ingen enligt undantaget)")
    choice = setup.add_mutually_exclusive_group(required=True)
    choice.add_argument("--url", help="XCCSP-tjänstens adress, https://… (http:// bara till den här datorn)")
    choice.add_argument("--none", action="store_true",
                        help="ingen kontrollenhet: företaget säljer kontant och med kort för högst fyra "
                             "prisbasbelopp om året")
    setup.add_argument("--user", help="användarnamn hos XCCSP-tjänsten")
    setup.add_argument("--password-stdin", action="store_true",
                       help="läs lösenordet från standard in och spara det i nyckelringen")
    setup.add_argument("--read-timeout", type=seconds, default=10.0, metavar="SEKUNDER",
                       help="hur länge ett svar får dröja (standard 10)")


def run(args: argparse.Namespace) -> int:
    actions = {"status": _status, "emulator": _emulator, "configure": _configure}
    return actions[args.control_unit_action](args)


def _org_number() -> str:
    from kassa.models import Company

    with open_database():
        return Company.get_solo().org_number


def _status(args: argparse.Namespace) -> int:
    from kassa.register.control_unit.settings import build_control_unit, saved

    try:
        settings = saved()
        if settings is None:
            from kassa.register.control_unit.settings import NOT_CHOSEN

            raise CommandError(NOT_CHOSEN, EXIT_CANNOT_RUN)
        unit = build_control_unit(settings, org_number=_org_number() if settings.kind == "xccsp" else "")
    except ControlUnitUnavailable as exc:
        raise CommandError(str(exc), EXIT_CANNOT_RUN) from None
    status = unit.status()
    print(status.text)  # the status is the answer, good or bad: stdout either way
    return EXIT_OK if status.ok else EXIT_FAILED


def _emulator(args: argparse.Namespace) -> int:
    from kassa.register.control_unit.emulator import ControlUnitEmulator
    from kassa.register.control_unit.emulator_state import NOT_CERTIFIED, Behaviour

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    users = None
    if args.user:
        users = {}
        for spec in args.user:
            name, sep, password = spec.partition(":")
            if not sep or not name or not password:
                raise CommandError(f"--user ska vara NAMN:LÖSENORD, inte {spec!r}.", EXIT_CANNOT_RUN)
            users[name] = password
    try:
        behaviour = Behaviour(mode=args.mode, delay=args.slow, fail_rate=args.fail_rate, seed=args.seed)
        if args.fail_kinds:
            behaviour = Behaviour(mode=args.mode, delay=args.slow, fail_rate=args.fail_rate, seed=args.seed,
                                  fail_kinds=tuple(k.strip() for k in args.fail_kinds.split(",") if k.strip()))
    except ValueError as exc:
        raise CommandError(f"Ogiltigt beteende: {exc}", EXIT_CANNOT_RUN) from None
    try:
        emulator = ControlUnitEmulator(host=args.host, port=args.port, behaviour=behaviour, users=users,
                                       control=args.control, unit_number=args.unit_number)
    except OSError as exc:
        raise CommandError(f"Kunde inte starta emulatorn på {args.host}:{args.port}: {exc.strerror or exc}. "
                           "Välj en annan port med --port.", EXIT_CANNOT_RUN) from None
    print(f"*** {NOT_CERTIFIED}. Den får aldrig användas i en butik. ***")
    print(f"Kontrollenhetsemulatorn lyssnar på {emulator.url}" + (" (styrgränssnitt på)" if args.control else ""))
    first_user = next(iter(users)) if users else "kassa"
    print(f"  kassa control-unit configure --url {emulator.url} --user {first_user} --password-stdin", flush=True)
    try:
        emulator.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.close()
    return 0


def _configure(args: argparse.Namespace) -> int:
    from kassa.register.control_unit.settings import ControlUnitSettings, save

    try:
        if args.none:
            save(ControlUnitSettings(kind="none"))
            print("Ingen kontrollenhet vald (undantaget för högst fyra prisbasbelopp om året). Kvittona får ingen "
                  "kontrollkod.")
            return 0
        settings = ControlUnitSettings(kind="xccsp", url=args.url, username=args.user or "",
                                       read_timeout=args.read_timeout)
        password = None
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("Inget lösenord lästes från standard in.", EXIT_CANNOT_RUN)
        save(settings, password)
    except ControlUnitUnavailable as exc:
        raise CommandError(str(exc), EXIT_CANNOT_RUN) from None
    print(f"Kontrollenhet vald: {settings.url} som {settings.username}. Inställningarna finns i "
          f"{config.settings_path()}" + ("; lösenordet i nyckelringen." if password else "."))
    return 0
