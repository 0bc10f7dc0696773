"""`kassa pagero connect|status|disconnect`: the Pagero connection without the window.

connect prints the login URL (and tries to open a browser), waits for the callback on the
loopback port, keeps the tokens in the OS keyring, and stores the company's Pagero id and
send mode in the Company row. status never shows a token. disconnect revokes and deletes.
"""
from __future__ import annotations

import argparse
import sys
import uuid
import webbrowser
from datetime import datetime

from kassa import config
from kassa.commands.base import (
    EXIT_CANNOT_RUN,
    EXIT_CODES_HELP,
    EXIT_FAILED,
    EXIT_NOT_CONNECTED,
    EXIT_OK,
    CommandError,
    seconds,
    start_logging,
)
from kassa.models import Company
from kassa.pagero.credentials import CredentialStore, TokenManager, client_secret_or_raise
from kassa.pagero.errors import PageroError
from kassa.pagero.oauth import OAuthClient

SEND_MODES = ("Test", "Certification", "Production")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXIT_CODES_HELP
    sub = parser.add_subparsers(dest="pagero_action", metavar="ÅTGÄRD", required=True)
    connect = sub.add_parser("connect", help="anslut Kassa till ditt Pagero-konto (inloggning i webbläsaren)",
                             description="Skriver ut inloggningsadressen, öppnar webbläsaren och väntar på svaret "
                                         f"på http://127.0.0.1:{config.pagero_redirect_port()}/callback. Loggar i "
                                         "samma roterande kassa.log som programfönstret; kassa --help visar "
                                         "var den ligger.",
                             epilog="Avslutskoder: 0 ansluten; 1 inloggningen gick inte (avbruten, för sen, "
                                    "nekad); 2 kunde inte köras (klienthemlighet eller företags-id saknas).")
    connect.add_argument("--company-id", metavar="UUID",
                         help="företagets id hos Pagero (sendingCompanyId); förifylls där Pagero anger det")
    connect.add_argument("--send-mode", choices=SEND_MODES, default="Test",
                         help="sändläge: Test (standard för en ny anslutning), Certification eller Production")
    connect.add_argument("--timeout", type=seconds, default=300.0, metavar="SEKUNDER",
                         help="hur länge inloggningen får ta (standard 300)")
    connect.add_argument("--no-browser", action="store_true", help="öppna ingen webbläsare, skriv bara ut adressen")
    connect.add_argument("--client-secret-stdin", action="store_true",
                         help="läs Kassas klienthemlighet från standard in och spara den i nyckelringen")
    sub.add_parser("status", help="visa om Kassa är ansluten till Pagero (aldrig några nycklar)",
                   epilog="Avslutskoder: 0 ansluten; 3 inte ansluten; 1 nyckelringen gick inte att läsa.")
    sub.add_parser("disconnect", help="återkalla anslutningen hos Pagero och ta bort nycklarna")


def run(args: argparse.Namespace) -> int:
    actions = {"connect": _connect, "status": _status, "disconnect": _disconnect}
    if args.pagero_action == "connect":
        start_logging()
    try:
        return actions[args.pagero_action](args)
    except PageroError as exc:
        raise CommandError(str(exc), EXIT_FAILED) from None


def _company() -> Company:
    from kassa.models import connection

    connection.connect()
    return Company.get_solo()


def _valid_company_id(value: str) -> str | None:
    try:
        return str(uuid.UUID(value.strip()))
    except (ValueError, AttributeError):
        return None


def _connect(args: argparse.Namespace) -> int:
    store = CredentialStore()
    store.check()  # before any login: no keyring, no connection
    if args.client_secret_stdin:
        secret = sys.stdin.readline().strip()
        if not secret:
            raise CommandError("Ingen klienthemlighet lästes från standard in.", EXIT_CANNOT_RUN)
        store.save_client_secret(secret)
    oauth = OAuthClient(client_secret=client_secret_or_raise(store))
    company = _company()

    pending = oauth.begin()
    print("Logga in hos Pagero i webbläsaren. Öppnas den inte, kopiera adressen:")
    print(f"  {pending.url}", flush=True)
    if not args.no_browser:
        try:
            webbrowser.open(pending.url)
        except webbrowser.Error:
            pass
    print(f"Väntar på inloggningen (högst {args.timeout:.0f} s, avbryt med Ctrl+C) …", flush=True)
    try:
        tokens = pending.wait(timeout=args.timeout)
    except KeyboardInterrupt:
        raise CommandError("Avbrutet. Kassa är inte ansluten.", EXIT_FAILED) from None

    manager = TokenManager(store, oauth)
    prefill = args.company_id or tokens.sending_company_id or company.pagero_company_id
    if not args.company_id and sys.stdin.isatty():
        answer = input(f"Företagets id hos Pagero (sendingCompanyId) [{prefill or ''}]: ").strip()
        prefill = answer or prefill
    company_id = _valid_company_id(prefill or "")
    if company_id is None:
        _revoke_quietly(oauth, tokens.refresh_token)  # a connection without a company id could send nothing
        raise CommandError("Företagets id hos Pagero saknas eller är inte ett giltigt id (UUID, t.ex. "
                           "7a4f1c2e-3b5d-4e6f-8a9b-0c1d2e3f4a5b). Du hittar det i Pagero Online under "
                           "företagsinställningarna. Anslut igen med --company-id.", EXIT_CANNOT_RUN)

    previous = store.load_tokens()
    manager.save_new_connection(tokens)
    if previous is not None:
        _revoke_quietly(oauth, previous.refresh_token)  # the replaced connection should not linger
    company.pagero_company_id = company_id
    company.pagero_send_mode = args.send_mode
    company.save()
    print(f"Kassa är ansluten till Pagero. Företags-id {company_id}, sändläge {args.send_mode}.")
    if args.send_mode != "Production":
        print("E-fakturor skickas som test tills du byter till Production (kassa pagero connect --send-mode "
              "Production, eller i inställningarna).")
    return EXIT_OK


def _revoke_quietly(oauth: OAuthClient, token: str) -> None:
    try:
        oauth.revoke(token)
    except PageroError:
        pass


def _status(args: argparse.Namespace) -> int:
    store = CredentialStore()
    tokens = store.load_tokens()
    company = _company()
    print(f"Pagero: {'ansluten' if tokens else 'inte ansluten'} ({config.pagero_sso_base()})")
    print(f"Företags-id: {company.pagero_company_id or '(saknas)'}")
    print(f"Sändläge: {company.pagero_send_mode}")
    if tokens is None:
        print("Anslut med `kassa pagero connect`.")
        return EXIT_NOT_CONNECTED
    expiry = datetime.fromtimestamp(tokens.expires_at).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    note = "förnyas automatiskt" if not tokens.expires_within(0) else "har gått ut, förnyas vid nästa anrop"
    print(f"Åtkomsttoken giltig till: {expiry} ({note})")
    return EXIT_OK


def _disconnect(args: argparse.Namespace) -> int:
    store = CredentialStore()
    if store.load_tokens() is None:
        print("Kassa var inte ansluten till Pagero.")
        return EXIT_OK
    secret = store.client_secret()
    if not secret:
        store.delete_tokens()
        print("Nycklarna är borttagna, men anslutningen kunde inte återkallas hos Pagero eftersom Kassas "
              "klienthemlighet saknas. Återkalla åtkomsten i Pagero Online.")
        return EXIT_FAILED
    revoked = TokenManager(store, OAuthClient(client_secret=secret)).disconnect()
    if revoked:
        print("Anslutningen till Pagero är återkallad och nycklarna är borttagna.")
        return EXIT_OK
    print("Nycklarna är borttagna, men Pagero kunde inte nås för att återkalla anslutningen. "
          "Återkalla åtkomsten i Pagero Online.")
    return EXIT_FAILED
