"""`kassa outbox list | run [--once] | retry ID | cancel ID`: the send queue without the window.

`kassa outbox run` is the headless sender, for a server beside a shared PostgreSQL database
(or a till without a screen). SIGTERM and SIGINT stop it cleanly after the current step; a
step cut short by a harder stop is reconciled with Pagero by the next sender. It logs to the
same rotating kassa.log as the window, and to stderr. Exit codes: kassa.commands.base.
"""
from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from kassa.commands.base import (
    EXIT_CODES_HELP,
    EXIT_FAILED,
    EXIT_NEEDS_ATTENTION,
    EXIT_NOT_CONNECTED,
    EXIT_OK,
    CommandError,
    open_database,
    seconds,
    start_logging,
    whole_number,
)
from kassa.models import Transmission
from kassa.outbox import actions, summary
from kassa.outbox.sender import Sender, SendPolicy, default_client_factory
from kassa.outbox.states import NOT_CONNECTED_TEXT, state_text
from kassa.pagero.client import PageroClient, RetryPolicy
from kassa.pagero.errors import NotConnectedError, PageroError

log = logging.getLogger(__name__)


def _seconds_list(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' är inte en lista med sekunder, t.ex. 5,10,30,60") from None
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError("ange minst ett värde, inget negativt")
    return values


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXIT_CODES_HELP
    sub = parser.add_subparsers(dest="outbox_command", metavar="ÅTGÄRD", required=True)
    listing = sub.add_parser("list", help="visa e-fakturorna i sändkön")
    listing.add_argument("--state", action="append", metavar="STATUS",
                         help="bara denna status (queued, delivered, error …); kan anges flera gånger")
    listing.add_argument("--limit", type=whole_number, default=200, help="högst så många rader (standard 200)")

    run = sub.add_parser(
        "run", help="skicka och följ upp e-fakturor tills processen stoppas (SIGTERM/Ctrl+C)",
        description="Skickar och följer upp e-fakturor. Loggar i samma roterande kassa.log som programfönstret "
                    "(och på standard error); kassa --help visar var den ligger.",
        epilog="Avslutskoder: 0 klart (med --once: inget väntar på en människa); 3 inte ansluten till Pagero, "
               "inget kunde skickas; 4 klart, men e-fakturor behöver åtgärd (kassa outbox list); "
               "2 databasen kunde inte användas.")
    run.add_argument("--once", action="store_true", help="skicka det som väntar nu och avsluta")
    run.add_argument("--worker-id", help="namn på denna sändare i databasen (standard värd:pid)")
    defaults = SendPolicy()
    run.add_argument("--intervals", type=_seconds_list, default=defaults.poll_intervals, metavar="S,S,…",
                     help="sekunder mellan uppföljningar hos Pagero, växande; det sista upprepas")
    run.add_argument("--answer-intervals", type=_seconds_list, default=defaults.answer_intervals, metavar="S,S,…",
                     help="sekunder mellan frågor om köparens svar efter leverans")
    run.add_argument("--retry-intervals", type=_seconds_list, default=defaults.retry_intervals, metavar="S,S,…",
                     help="sekunder före nytt försök efter nätverks- eller serverfel")
    run.add_argument("--lease", type=seconds, default=defaults.lease, metavar="S",
                     help="hur länge en sändare håller en faktura innan en annan får ta över")
    run.add_argument("--grace", type=seconds, default=defaults.reconcile_grace, metavar="S",
                     help="hur länge en avbruten uppladdning får ta att synas hos Pagero innan den skickas igen")
    run.add_argument("--batch", type=whole_number, default=defaults.batch, help="fakturor per omgång")
    run.add_argument("--idle", type=seconds, default=defaults.idle, metavar="S",
                     help="längsta väntan när inget är på tur")
    run.add_argument("--timeout", type=seconds, default=30.0, metavar="S",
                     help="hur länge ett svar från Pagero får dröja (standard 30)")
    run.add_argument("--tries", type=whole_number, default=RetryPolicy.attempts, metavar="N",
                     help="försök per läsning hos Pagero innan fakturan väntar till nästa omgång (standard 6)")

    retry = sub.add_parser("retry", help="försök igen med en e-faktura som fått fel eller behöver åtgärd",
                           epilog="En fil som väntar hos Pagero startas om där (Restart). " + EXIT_CODES_HELP)
    retry.add_argument("id", type=whole_number, metavar="ID", help="sändköns id (se kassa outbox list)")
    cancel = sub.add_parser("cancel", help="avbryt en e-faktura som inte har levererats",
                            epilog="En fil som väntar hos Pagero avbryts där (Cancel). " + EXIT_CODES_HELP)
    cancel.add_argument("id", type=whole_number, metavar="ID", help="sändköns id (se kassa outbox list)")


def _cell(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _list(args: argparse.Namespace) -> int:
    rows = summary.list_transmissions(args.state, args.limit)
    if not rows:
        print("Sändkön är tom." if not args.state else "Inga e-fakturor med den statusen.")
        return 0
    # Times in the computer's time zone, as E-fakturor shows them; the heading names the zone.
    header = ("Id", "Faktura", "Kund", "Status", f"Ändrad ({summary.local_zone()})", "Senaste meddelande")
    table = [header] + [
        (str(row.id), summary.label_of(row), _cell(row.invoice.customer.name, 28),
         state_text(row.state), summary.local_time(row.updated_at),
         _cell(summary.last_message(row), 70))
        for row in rows
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(header) - 1)]
    for row in table:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])) + "  " + row[-1])
    print(f"\n{summary.queue_summary().text}.")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    policy = SendPolicy(
        poll_intervals=args.intervals, answer_intervals=args.answer_intervals, retry_intervals=args.retry_intervals,
        lease=args.lease, reconcile_grace=args.grace, batch=args.batch, idle=args.idle,
    )
    sender = Sender(_client_factory(args.timeout, args.tries), args.worker_id, policy=policy)
    if args.once:
        worked = sender.run_until_idle()
        if sender.status.connected:
            sender.check_connection()  # nothing may have been due: not connected is still not exit 0
        sender.close()
        queue = summary.queue_summary()
        print(f"{worked} steg utförda. {queue.text}.")
        if not sender.status.connected:
            print(sender.status.message)
            return EXIT_NOT_CONNECTED
        return EXIT_NEEDS_ATTENTION if queue.problems else EXIT_OK
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    print(f"Sändkön körs som {sender.worker_id}. Stoppa med Ctrl+C eller SIGTERM.", flush=True)
    log.info("send queue started as %s", sender.worker_id)
    sender.run(stop)
    log.info("send queue stopped")
    print("Sändkön stoppad.")
    return EXIT_OK


def _client_factory(timeout: float, tries: int) -> Callable[[], PageroClient]:
    """The application's client (tokens from the keyring), waiting ``timeout`` s for an answer."""

    def make() -> PageroClient:
        client = default_client_factory()
        client.timeout = (min(5.0, timeout), timeout)
        client.retry = RetryPolicy(attempts=max(1, tries))
        return client

    return make


def _act(action: Callable[..., Transmission], args: argparse.Namespace) -> int:
    try:
        row = action(args.id, actor="kassa outbox")
    except actions.OutboxError as exc:
        raise CommandError(str(exc), EXIT_FAILED) from None
    except NotConnectedError as exc:
        raise CommandError(f"{NOT_CONNECTED_TEXT}: {exc}", EXIT_NOT_CONNECTED) from None
    except PageroError as exc:
        raise CommandError(f"Pagero: {exc}", EXIT_FAILED) from None
    print(f"E-faktura {row.id} (faktura {row.invoice.number}): {state_text(row.state)}.")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    start_logging(console=args.outbox_command == "run")
    with open_database():
        if args.outbox_command == "list":
            return _list(args)
        if args.outbox_command == "run":
            return _run(args)
        if args.outbox_command == "retry":
            return _act(actions.retry, args)
        return _act(actions.cancel, args)
