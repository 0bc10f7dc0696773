"""`kassa receipt show|copy NUMBER`: a stored receipt as it was printed; its one copy (KOPIA)."""
from __future__ import annotations

import argparse

from kassa.commands.base import EXIT_OK
from kassa.commands.tills import add_till, register_session, show, show_json, till_of
from kassa.register import receipts
from kassa.register.receipt_printout import receipt_printout
from kassa.register.service import Register


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "Visa ett sparat kvitto, eller ta fram dess enda kopia (märkt KOPIA)."
    parser.add_argument("action", choices=["show", "copy"], help="show: visa kvittot, copy: kvittokopia")
    parser.add_argument("number", metavar="NUMMER", help="kvittots nummer, eller koden på kvittot (kassa-1-000017)")
    add_till(parser)
    parser.add_argument("--json", action="store_true", help="kvittot som JSON")


def run(args: argparse.Namespace) -> int:
    with register_session():
        till = till_of(args)
        if args.action == "show":
            document = receipts.document_of(receipts.find_receipt(args.number, till))
            if args.json:
                show_json(document.to_data())
            else:
                show(receipt_printout(document))
            return EXIT_OK
        result = Register(till).copy(args.number)
        if args.json:
            show_json(result.document.to_data())
        else:
            show(result.printout)
    return EXIT_OK
