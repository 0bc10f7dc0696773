"""What the register's commands share: the database, the till, printing a printout, errors."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from kassa import config
from kassa.devices.printout import Printout
from kassa.models import database
from kassa.register.control_unit.base import ControlUnitUnavailable
from kassa.register.layout import text_of
from kassa.till import TillError


def add_till(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--till", metavar="KASSA", help="kassans beteckning (standard: den här kassan, KASSA_TILL)")


def till_of(args: argparse.Namespace) -> str:
    return args.till or config.till_designation()


def show(printout: Printout) -> None:
    print(text_of(printout.lines))


def show_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()


def run_register_command(action: Callable[[], int]) -> int:
    """Connect, run, close; a cashier's error (Swedish) goes to stderr with exit code 1."""
    database.connect()
    try:
        return action()
    except (TillError, ControlUnitUnavailable) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        database.close()
