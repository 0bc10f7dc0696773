"""`kassa demo`: fills the configured database with demo data (kassa.demo); running it twice adds nothing."""
from __future__ import annotations

import argparse

from kassa.commands.base import EXIT_OK, open_database
from kassa.demo import create_demo


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "Använder databasen i KASSA_DATABASE_URL, annars SQLite i datakatalogen."


def run(args: argparse.Namespace) -> int:
    with open_database():
        added = create_demo()
    if not any(added.values()):
        print("Demodata fanns redan: inget lades till.")
    else:
        print(
            "Demodata skapad: {company} företag, {categories} kategorier, {customers} kunder, "
            "{articles} artiklar, {invoices} fakturor (varav en kreditfaktura), {receipts} kvitton från en "
            "stängd kassadag i kassa demo.".format(**added)
        )
    print("Kategorin e-fakturakund har noteringen \"pagero\": fakturor till dess kunder skickas som e-faktura.")
    return EXIT_OK
