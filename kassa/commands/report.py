"""`kassa report x|z`: the X day report, the Z day report that closes the day, old Z reports."""
from __future__ import annotations

import argparse

from kassa.commands.base import EXIT_CANNOT_RUN, EXIT_OK, CommandError
from kassa.commands.tills import add_till, register_session, show, show_json, till_of
from kassa.register import reports
from kassa.register.clock import format_local
from kassa.register.report_printout import report_printout
from kassa.register.service import Register


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = ("X-dagrapporten när som helst; Z-dagrapporten stänger dagen (ange räknade kontanter). "
                          "Gamla Z-rapporter visas med --show NUMMER.")
    parser.add_argument("kind", choices=["x", "z"], help="x: X-dagrapport, z: Z-dagrapport")
    add_till(parser)
    parser.add_argument("--json", action="store_true", help="siffrorna som JSON (för andra program)")
    parser.add_argument("--counted", metavar="BELOPP", help="z: kontanterna som räknats i lådan, t.ex. 1234,50")
    parser.add_argument("--show", metavar="NUMMER", type=int, help="z: visa en sparad Z-rapport igen")
    parser.add_argument("--list", action="store_true", help="z: lista kassans Z-rapporter")


def run(args: argparse.Namespace) -> int:
    with register_session():
        till = till_of(args)
        if args.kind == "z" and args.list:
            for report in reports.z_reports(till):
                print(f"{report.number:>5}  {format_local(report.created_at)}  "
                      f"netto {report.figures['net_sales']}  differens {report.figures['cash_difference']}")
            return EXIT_OK
        if args.kind == "z" and args.show is not None:
            figures = reports.stored_z(till, args.show)
            if args.json:
                show_json(figures.to_data())
            else:
                show(report_printout(figures, reprint=True))
            return EXIT_OK
        register = Register(till)
        if args.kind == "x":
            figures = register.x_report()
        elif args.counted is None:
            raise CommandError("Ange räknade kontanter med --counted BELOPP för att stänga dagen "
                               "(eller --show NUMMER för en sparad Z-rapport).", EXIT_CANNOT_RUN)
        else:
            figures = register.z_report(args.counted)
        if args.json:
            show_json(figures.to_data())
        else:
            show(report_printout(figures))
    return EXIT_OK
