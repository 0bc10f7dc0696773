"""`kassa export sie --from DATE --to DATE -o FILE`: the period's vouchers as SIE 4I (DESIGN.md, "Contracts").

Exit 0 when the file is written, 1 when the period's figures cannot be booked (a voucher that does
not balance, an account missing), 2 when it cannot run (no database, a bad date, an unwritable place).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from kassa.commands.base import EXIT_CANNOT_RUN, EXIT_FAILED, EXIT_OK, CommandError, date_argument, open_database


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="what", metavar="VAD", required=True)
    sie = sub.add_parser("sie", help="verifikationer som SIE 4I-fil till redovisningsprogrammet",
                         description="Dagsverifikationer (kassornas Z-rapporter), fakturor, kreditfakturor, "
                                     "inbetalningar och påminnelseavgifter för perioden, som en SIE 4I-fil "
                                     "(teckentabell 437, med #KSUMMA).")
    sie.add_argument("--from", dest="date_from", required=True, type=date_argument, metavar="DATUM",
                     help="första dagen")
    sie.add_argument("--to", dest="date_to", required=True, type=date_argument, metavar="DATUM", help="sista dagen")
    sie.add_argument("-o", "--output", required=True, type=Path, metavar="FIL", help="filen som skrivs, t.ex. KASSA.SI")


def run(args: argparse.Namespace) -> int:
    from kassa.bookkeeping.sie_export import SieExportError, export_sie
    from kassa.bookkeeping.vouchers import VoucherError

    with open_database():
        try:
            result = export_sie(args.output, args.date_from, args.date_to)
        except SieExportError as exc:
            raise CommandError(str(exc), EXIT_CANNOT_RUN) from None
        except VoucherError as exc:
            raise CommandError(f"Ingen fil skrevs: {exc}", EXIT_FAILED) from None
    print(result.summary())
    return EXIT_OK
