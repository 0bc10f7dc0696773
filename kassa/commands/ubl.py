"""`kassa ubl NUMBER [-o FILE]`: the PEPPOL UBL of a stored invoice or credit note.

The document goes to stdout (or FILE) exactly as the send queue would build it (``--indent``
adds line breaks and indentation for reading). What the
checks before sending find is said on stderr, without stopping the output. Exit 0 when
the document was written, 2 when it cannot be (no such number, no database, unwritable file).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kassa.commands.base import EXIT_CANNOT_RUN, EXIT_OK, CommandError, open_database
from kassa.models import Invoice
from kassa.peppol.checks import check_invoice
from kassa.peppol.ubl import build_ubl


def _number(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} är inget fakturanummer (ange siffror, t.ex. 1042)") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{text} är inget fakturanummer (numren börjar på 1)")
    return number


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="NUMMER", type=_number, help="fakturans eller kreditfakturans nummer")
    parser.add_argument("-o", "--output", metavar="FIL", type=Path, help="skriv till FIL i stället för till skärmen")
    parser.add_argument(
        "--indent", action="store_true",
        help="med radbrytningar och indrag (för att läsa; samma innehåll som skickas)",
    )


def run(args: argparse.Namespace) -> int:
    with open_database():
        invoice = Invoice.get_or_none(Invoice.number == args.number)
        if invoice is None:
            raise CommandError(f"Det finns ingen faktura eller kreditfaktura med nummer {args.number}.",
                               EXIT_CANNOT_RUN)
        xml = build_ubl(invoice, indent=args.indent)
        problems = check_invoice(invoice)

    if args.output:
        try:
            args.output.write_bytes(xml)
        except OSError as exc:
            raise CommandError(f"Kunde inte skriva {args.output}: {exc.strerror or exc}.", EXIT_CANNOT_RUN) from None
        print(f"{invoice} skrevs till {args.output}.", file=sys.stderr)
    else:
        sys.stdout.buffer.write(xml)
        sys.stdout.flush()
    for problem in problems:
        print(f"Obs: {problem.message_sv}", file=sys.stderr)
    return EXIT_OK
