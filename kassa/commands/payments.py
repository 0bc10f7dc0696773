"""`kassa payments import FILE` and `kassa payments list` (DESIGN.md, "Contracts").

import: a Bankgirot BgMax file; payments matched to invoices by OCR and amount, the rest listed.
Exit 0 when read (or already read before: nothing changes), 1 when the file is refused (line and
reason said; nothing stored), 2 when it cannot run (no database).
list: the payments a person must still place, oldest first.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from kassa.commands.base import EXIT_FAILED, EXIT_OK, CommandError, open_database


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    imp = sub.add_parser("import", help="läs in en BgMax-fil från Bankgirot",
                         description="Läser in en BgMax-fil (Bankgiro Inbetalningar). Betalningar med rätt OCR och "
                                     "belopp placeras på sina fakturor; resten listas för att placeras för hand.")
    imp.add_argument("file", type=Path, metavar="FIL")
    sub.add_parser("list", help="inbetalningar som behöver placeras för hand")


def run(args: argparse.Namespace) -> int:
    from kassa import config
    with open_database():
        if args.action == "import":
            return _import(args.file, config.till_designation())
        return _list()


def _import(path: Path, actor: str) -> int:
    from kassa.bookkeeping.payment_import import PaymentImportError, import_bgmax_file

    try:
        result = import_bgmax_file(path, actor=actor)
    except PaymentImportError as exc:
        raise CommandError(str(exc), EXIT_FAILED) from None
    print(result.summary())
    return EXIT_OK


def _list() -> int:
    from kassa.bookkeeping.payment_placing import unplaced_payments
    from kassa.money import format_sek

    rows = unplaced_payments()
    if not rows:
        print("Alla inbetalningar är placerade.")
        return EXIT_OK
    print(f"{'Id':>6}  {'Datum':10}  {'Belopp':>12}  {'Kvar':>12}  {'Referens':25}  Betalare · Varför")
    for row in rows:
        print(f"{row.id:>6}  {row.pay_date}  {format_sek(row.amount):>12}  {format_sek(row.remaining):>12}  "
              f"{row.reference[:25]:25}  {row.payer} · {row.reason}")
    print(f"{len(rows)} inbetalningar att placera (Fakturor → Inbetalningar från Bankgirot i Kassa).")
    return EXIT_OK
