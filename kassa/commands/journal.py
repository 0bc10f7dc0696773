"""`kassa journal export|verify`: the journal as SKVFS 2021:16 XML; its hash chain checked."""
from __future__ import annotations

import argparse
import sys

from kassa.commands.base import EXIT_CANNOT_RUN, EXIT_FAILED, EXIT_OK, CommandError, date_argument
from kassa.commands.tills import register_session
from kassa.register import journal
from kassa.register.export import export_journal


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "Journalminnet: export som XML enligt SKVFS 2021:16, och kontroll av kedjan."
    sub = parser.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    export = sub.add_parser("export", help="skriv journalen för en period som XML (SKVFS 2021:16)")
    export.add_argument("--from", dest="first", type=date_argument, required=True, metavar="DATUM", help="första dagen")
    export.add_argument("--to", dest="last", type=date_argument, required=True, metavar="DATUM", help="sista dagen")
    export.add_argument("-o", "--output", required=True, metavar="FIL", help="XML-filen som skrivs")
    export.add_argument("--till", action="append", metavar="KASSA", help="bara denna kassa (kan upprepas)")
    verify = sub.add_parser("verify", help="kontrollera att ingen journalrad är ändrad eller borttagen")
    verify.add_argument("--till", metavar="KASSA", help="bara denna kassa")


def run(args: argparse.Namespace) -> int:
    with register_session():
        if args.action == "export":
            if args.last < args.first:
                raise CommandError("Sista dagen (--to) ligger före första dagen (--from).", EXIT_CANNOT_RUN)
            try:
                count = export_journal(args.output, args.first, args.last, tills=args.till)
            except OSError as exc:
                raise CommandError(f"Filen {args.output} kunde inte skrivas: {exc.strerror or exc}.",
                                   EXIT_CANNOT_RUN) from None
            print(f"{count} registreringar skrivna till {args.output}.")
            return EXIT_OK
        known = journal.tills()
        if args.till and args.till not in known:  # a typo must not read as "the chain is whole"
            raise CommandError(f"Kassa {args.till} har ingen journal i databasen. Kassor med journal: "
                               f"{', '.join(known) or 'inga'}.", EXIT_CANNOT_RUN)
        results = journal.verify(args.till)
        if not results:
            print("Det finns ingen journal att kontrollera.")
        bad = 0
        for result in results:
            if result.ok:
                print(f"Kassa {result.till}: {result.rows} journalrader, kedjan är hel.")
            else:
                bad += 1
                where = f" (databasens rad-id {result.bad_id})" if result.bad_id is not None else ""
                print(f"Kassa {result.till}: FEL vid journalrad {result.bad_seq}{where}: {result.problem}",
                      file=sys.stderr)
    return EXIT_FAILED if bad else EXIT_OK
