"""`kassa sandbox [--host 127.0.0.1] [--port 8765]`: the local Pagero stand-in (kassa.pagero.sandbox).

The stand-in itself, its defaults, its config file and its control endpoints are described in
kassa/pagero/sandbox/server.py.
"""
from __future__ import annotations

import argparse
import json

from kassa.commands.base import EXIT_CANNOT_RUN, CommandError, start_logging, whole_number
from kassa.pagero.sandbox.server import SandboxServer
from kassa.pagero.sandbox.state import merge_config


def configure(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = (
        "Standardvärden för demo: klient kassa-desktop / hemlighet sandbox-secret, "
        "redirect_uri http://127.0.0.1:8766/callback, testkonto demo / demo (företags-id "
        "7a4f1c2e-3b5d-4e6f-8a9b-0c1d2e3f4a5b, Demobolaget AB).\n"
        "Peka Kassa hit med KASSA_PAGERO_SSO_BASE och KASSA_PAGERO_API_BASE = http://HOST:PORT och "
        "KASSA_INTEREST_URL = http://HOST:PORT/partner/v1/interest.\n"
        "Konfigurationsfilen (JSON) och styrgränssnittet (/_control/…) beskrivs i modulen "
        "kassa/pagero/sandbox/server.py.\n"
        "Loggar i samma roterande kassa.log som programfönstret (och på standard error).\n"
        "Avslutskoder: 0 stoppad med Ctrl+C; 2 kunde inte starta (porten upptagen, konfigurationen oläslig)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="adress att lyssna på (standard 127.0.0.1)")
    parser.add_argument("--port", type=whole_number, default=8765, help="port (standard 8765)")
    parser.add_argument("--config", metavar="FIL", help="JSON-fil med klientregistrering, testkonton och tider")
    parser.add_argument("--state", metavar="FIL", help="spara tillståndet i denna JSON-fil (överlever omstart)")
    parser.add_argument("--control", action="store_true",
                        help="slå på styrgränssnittet /_control/… för tester (scenarier, fel, klocka)")
    parser.add_argument("--client-id", help="klientens client_id")
    parser.add_argument("--client-secret", help="klientens client_secret (bara för attrappen)")
    parser.add_argument("--redirect-uri", help="registrerad redirect_uri")
    parser.add_argument("--user", action="append", metavar="NAMN:LÖSENORD[:FÖRETAGS-ID]",
                        help="testkonto (kan anges flera gånger; ersätter standardkontot)")


def config_from_args(args: argparse.Namespace) -> dict:
    cfg: dict = {}
    if args.config:
        with open(args.config, encoding="utf-8") as fh:
            cfg = json.load(fh)
    client = {k: v for k, v in (("client_id", args.client_id), ("client_secret", args.client_secret),
                                ("redirect_uri", args.redirect_uri)) if v}
    if client:
        cfg = merge_config(cfg, {"client": client})
    if args.user:
        accounts = []
        for spec in args.user:
            name, _, rest = spec.partition(":")
            password, _, company = rest.partition(":")
            accounts.append({"username": name, "password": password,
                             "company_id": company or "7a4f1c2e-3b5d-4e6f-8a9b-0c1d2e3f4a5b",
                             "company_name": name, "vat": ""})
        cfg["accounts"] = accounts
    return cfg


def run(args: argparse.Namespace) -> int:
    start_logging(console=True)
    try:
        server = SandboxServer(config_from_args(args), host=args.host, port=args.port,
                               state_path=args.state, control=args.control)
    except OSError as exc:
        raise CommandError(f"Kunde inte starta Pagero-attrappen på {args.host}:{args.port}: {exc.strerror or exc}. "
                           "Välj en annan port med --port.", EXIT_CANNOT_RUN) from None
    except (ValueError, KeyError) as exc:
        raise CommandError(f"Konfigurationen kunde inte läsas: {exc}", EXIT_CANNOT_RUN) from None
    print(f"Pagero-attrappen lyssnar på {server.url}" + (" (styrgränssnitt på)" if args.control else ""))
    print(f"  export KASSA_PAGERO_SSO_BASE={server.url} KASSA_PAGERO_API_BASE={server.url} "
          f"KASSA_INTEREST_URL={server.url}/partner/v1/interest")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.state.save_if_dirty()
    return 0
