"""A till in its own process, for the crash and several-tills tests: sells until the day has TARGET sales.

    python -m tests.register.till_worker URL TILL TARGET [--seed N] [--start-file F]

Opens the day if none is open, then makes sales the way a cashier does: scans 1–4 articles, now and
then removes a line, parks and takes back, clears a sale, makes a return against an earlier receipt
or without one, a copy, a training receipt, cash in and out, the drawer without a sale; pays with
cash, card, Swish or split. Each receipt's serial is printed once it is committed. It can be killed
at any moment and started again: it counts what the database holds and carries on. The database
must hold the company and the test articles (tests.register.shop.make_articles).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from kassa.models import Receipt, connection, database
from kassa.register.payments import PaymentPart
from kassa.register.service import Register
from kassa.till import TillError
from tests.register.shop import ScriptedUnit

CODES = ["100", "101", "200", "300", "400", "401"]


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
        register.pay_cash(str(int(total) + 1 + rng.choice([0, 1, 20, 100])))
    elif choice < 0.7:
        register.pay_card()
    elif choice < 0.85:
        register.pay_swish()
    else:
        card = min(total - 1, rng.randint(1, 50))
        register.pay([PaymentPart("card", str(card)), PaymentPart("cash", tendered=str(int(total) + 10))])


def something_else(register: Register, rng: random.Random) -> None:
    """Now and then a return, a copy, training, cash in or out, the drawer."""
    last = Receipt.select().where((Receipt.till == register.till) & (Receipt.kind == "sale")
                                  & (Receipt.training == False)).order_by(Receipt.id.desc()).first()  # noqa: E712
    pick = rng.random()
    try:
        if pick < 0.3 and last is not None:
            register.begin_return(str(last.serial))
            register.refund_to(rng.choice(["cash", "card", "swish"]))
        elif pick < 0.4:
            register.begin_return()
            register.add_code(rng.choice(CODES))
            register.refund_to("cash")
        elif pick < 0.55 and last is not None:
            register.copy(str(last.serial))
        elif pick < 0.7:
            register.set_training(True)
            register.add_code(rng.choice(CODES))
            register.pay_card()
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
    args = parser.parse_args()
    connection.connect(args.url)
    rng = random.Random(args.seed * 7919 + sales_so_far_safe(args.till))
    register = Register(args.till, ScriptedUnit())
    if register.day is None:
        register.open_day("500")
    print("ready", flush=True)
    if args.start_file:
        while not Path(args.start_file).exists():
            time.sleep(0.005)
    while sales_so_far(args.till) < args.target:
        if rng.random() < 0.12:
            something_else(register, rng)
        else:
            one_sale(register, rng)
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
