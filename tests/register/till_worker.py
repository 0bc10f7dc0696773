"""A till in its own process, for the crash and several-tills tests: sells until the day has TARGET sales.

    python -m tests.register.till_worker URL TILL TARGET [--seed N] [--start-file F] [--unit scripted|settings]

Opens the day if none is open, then makes sales the way a cashier does: scans 1–4 articles, now and
then removes a line, parks and takes back, clears a sale, makes a return against an earlier receipt
or without one, a copy, a training receipt, cash in and out, the drawer without a sale; pays with
cash, card, Swish or split. Each receipt's serial is printed once it is committed. It can be killed
at any moment and started again: it counts what the database holds and carries on. The database
must hold the company and the test articles (tests.register.shop.make_articles).

`--unit settings` uses the control unit chosen in the settings (KASSA_DATA_DIR; its password in the
keyring), as the application does. When the unit gives no code the worker does what a cashier does:
presses Försök igen (the same payment again) or gives up the sale; a receipt that still gets no code
after 40 tries ends the worker with exit code 3 ("stuck": the till can no longer sell).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kassa.models import Receipt, connection, database
from kassa.register.control_unit.base import ControlUnitUnavailable
from kassa.register.payments import PaymentPart
from kassa.register.service import Register
from kassa.till import TillError
from tests.register.shop import ScriptedUnit

CODES = ["100", "101", "200", "300", "400", "401"]
STUCK = 3
TRIES = 40


class Stuck(Exception):
    """A receipt that never got a code: the till can no longer sell."""


def settle(register: Register, rng: random.Random, pay: Callable[[], Any]) -> None:
    """`pay` (anything that stores a receipt); when the unit gives no code, the same again (Försök igen)
    or, now and then, the sale given up (cleared), as a cashier would."""
    for _ in range(TRIES):
        try:
            pay()
            return
        except ControlUnitUnavailable:
            if rng.random() < 0.3:
                register.void()
                register.set_training(False)
                return
            time.sleep(0.01)
    raise Stuck()


def sales_so_far(till: str) -> int:
    return Receipt.select().where((Receipt.till == till) & (Receipt.kind == "sale")
                                  & (Receipt.training == False)).count()  # noqa: E712


def one_sale(register: Register, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 4)):
        register.add_code(f"{rng.randint(1, 3)}*{rng.choice(CODES)}" if rng.random() < 0.3 else rng.choice(CODES))
    if rng.random() < 0.15 and len(register.cart.lines) > 1:
        register.remove_line(rng.randrange(len(register.cart.lines)))
    if rng.random() < 0.1:
        register.set_quantity(0, str(rng.randint(1, 5)))
    if rng.random() < 0.05:
        register.void()
        return
    if rng.random() < 0.05:
        parked = register.park()
        register.resume(parked.id)
    total = register.cart.totals().tax_inclusive
    choice = rng.random()
    if choice < 0.4:
        tendered = str(int(total) + 1 + rng.choice([0, 1, 20, 100]))
        settle(register, rng, lambda: register.pay_cash(tendered))
    elif choice < 0.7:
        settle(register, rng, register.pay_card)
    elif choice < 0.85:
        settle(register, rng, register.pay_swish)
    else:
        card = min(total - 1, rng.randint(1, 50))
        settle(register, rng, lambda: register.pay([PaymentPart("card", str(card)),
                                                    PaymentPart("cash", tendered=str(int(total) + 10))]))


def something_else(register: Register, rng: random.Random) -> None:
    """Now and then a return, a copy, training, cash in or out, the drawer."""
    last = Receipt.select().where((Receipt.till == register.till) & (Receipt.kind == "sale")
                                  & (Receipt.training == False)).order_by(Receipt.id.desc()).first()  # noqa: E712
    pick = rng.random()
    try:
        if pick < 0.3 and last is not None:
            register.begin_return(str(last.serial))
            method = rng.choice(["cash", "card", "swish"])
            settle(register, rng, lambda: register.refund_to(method))
        elif pick < 0.4:
            register.begin_return()
            register.add_code(rng.choice(CODES))
            settle(register, rng, lambda: register.refund_to("cash"))
        elif pick < 0.55 and last is not None:
            settle(register, rng, lambda: register.copy(str(last.serial)))
        elif pick < 0.7:
            register.set_training(True)
            register.add_code(rng.choice(CODES))
            settle(register, rng, register.pay_card)
            register.void()
            register.set_training(False)
        elif pick < 0.8:
            register.cash_in(str(rng.randint(1, 200)), "Växel")
        elif pick < 0.9:
            register.cash_out(str(rng.randint(1, 50)), "Bank")
        else:
            register.open_drawer("Växla")
    except TillError:
        register.void()  # e.g. a copy already taken, everything already returned
        register.set_training(False)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("till")
    parser.add_argument("target", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start-file")
    parser.add_argument("--unit", choices=("scripted", "settings"), default="scripted")
    args = parser.parse_args()
    connection.connect(args.url)
    rng = random.Random(args.seed * 7919 + sales_so_far_safe(args.till))
    register = Register(args.till, ScriptedUnit() if args.unit == "scripted" else None)
    if register.day is None:
        register.open_day("500")
    print("ready", flush=True)
    if args.start_file:
        while not Path(args.start_file).exists():
            time.sleep(0.005)
    while sales_so_far(args.till) < args.target:
        try:
            if rng.random() < 0.12:
                something_else(register, rng)
            else:
                one_sale(register, rng)
        except Stuck:
            print("stuck: a receipt got no code from the control unit after "
                  f"{TRIES} tries", file=sys.stderr, flush=True)
            return STUCK
        print(sales_so_far(args.till), flush=True)
    database.close()
    return 0


def sales_so_far_safe(till: str) -> int:
    try:
        return sales_so_far(till)
    except Exception:  # the schema may not be there yet on a first start
        return 0


if __name__ == "__main__":
    sys.exit(main())
