"""What the register's commands share: the till, printing a printout or its JSON, the register's errors."""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from typing import Any

from kassa import config
from kassa.commands.base import EXIT_FAILED, CommandError, open_database
from kassa.devices.printout import Printout
from kassa.register.control_unit.base import ControlUnitUnavailable
from kassa.register.layout import text_of
from kassa.till import TillError


def add_till(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--till", metavar="KASSA", help="kassans beteckning (standard: den här kassan, KASSA_TILL)")


def till_of(args: argparse.Namespace) -> str:
    return str(args.till or config.till_designation())


def show(printout: Printout) -> None:
    print(text_of(printout.lines))


def show_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()


@contextlib.contextmanager
def register_session() -> Iterator[None]:
    """The database open; what the cashier must fix (Swedish) ends the command with EXIT_FAILED."""
    with open_database():
        try:
            yield
        except (TillError, ControlUnitUnavailable) as exc:
            raise CommandError(str(exc), EXIT_FAILED) from None
