"""A receipt the control unit holds although the register stored nothing (kassa.register.unit_attempts).

The emulator over real HTTP stores the receipt and then answers garbage (the answer is lost). The
register has recorded the data it sent in the database, so the next receipt under that number,
in a new Register (as after a restart: cart and memory gone) as well as in the same one, sends what
the unit holds: the same receipt completes with the code the unit has; anything else first closes
the number as a voided receipt with that code, then takes the next. The unit never answers "already
registered with other data" and the series never stops. The SIGKILL test is in test_crash.py.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kassa.models import Company, JournalEntry, Receipt, Sale, UnitAttempt
from kassa.models.database import write_transaction
from kassa.register import journal, receipts, unit_attempts
from kassa.register.control_unit.base import ControlUnitUnavailable
from kassa.register.control_unit.exempt import NoControlUnit
from kassa.register.export import export_journal
from kassa.register.figures import CountAmount
from kassa.register.service import Register
from tests.register.control_unit.units import outcomes, registrations
from tests.register.export_schema import K, assert_valid, events, local
from tests.register.printed import doubled, text

TILL = "KASSA-1"
COFFEE, MUG = "7310865004703", "7350053850019"  # 54,90 kr and 79,00 kr
REFUSED = "fault 3 (other data)"


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


def lose_the_next_answer(emulator) -> None:
    emulator.state.set_behaviour(next=["garbage_after_store"])  # stored at the unit, the answer garbled


def coffee_held(emulator, unit) -> Register:
    """A till whose first receipt (a coffee by card) the unit stored without the answer arriving."""
    till = Register(TILL, unit)
    till.open_day("500")
    till.add_code(COFFEE)
    lose_the_next_answer(emulator)
    with pytest.raises(ControlUnitUnavailable):
        till.pay_card()
    return till


def test_the_same_sale_after_a_restart_completes_with_the_code_the_unit_holds(shop, emulator, make_unit):
    clock = Clock(dt.datetime(2026, 5, 4, 10, 0, 50))
    till = Register(TILL, make_unit(busy_wait=0.0), now=clock)
    till.open_day("500")
    till.add_code(COFFEE)
    lose_the_next_answer(emulator)
    with pytest.raises(ControlUnitUnavailable):
        till.pay_card()
    assert Receipt.select().count() == 0 and UnitAttempt.select().count() == 1

    # Kassa restarts: a new Register and driver, the cart scanned again, in the next minute.
    clock.now = dt.datetime(2026, 5, 4, 10, 1, 40)
    again = Register(TILL, make_unit(busy_wait=0.0), now=clock)
    again.add_code(COFFEE)
    result = again.pay_card()

    held = registrations(emulator)
    assert list(held) == ["1"] and [r["code"] for r in held["1"]] == [result.receipt.control_code]
    assert outcomes(emulator)[-1] == "repeat" and REFUSED not in outcomes(emulator)
    assert result.receipt.serial == 1 and result.receipt.created_at == dt.datetime(2026, 5, 4, 10, 0, 50)
    assert UnitAttempt.select().count() == 0


@pytest.mark.parametrize("restart", [False, True])
@pytest.mark.parametrize("change", ["one more article", "sale cleared, next customer"])
def test_another_sale_closes_the_held_number_as_voided_and_takes_the_next(shop, emulator, make_unit, tmp_path,
                                                                          change, restart):
    till = coffee_held(emulator, make_unit(busy_wait=0.0))
    if restart:
        till = Register(TILL, make_unit(busy_wait=0.0))
        till.add_code(COFFEE)
    if change == "one more article":
        till.add_code(MUG)
    else:
        till.void()
        till.add_code(MUG)
    result = till.pay_cash("200")  # one press: the held number is closed, the sale takes the next

    assert REFUSED not in outcomes(emulator)
    void, sale = Receipt.select().order_by(Receipt.serial)
    held = registrations(emulator)
    assert sorted(held) == ["1", "2"]
    assert (void.serial, void.kind, void.sale_id, void.payable) == (1, "void", None, Decimal("54.90"))
    assert [r["code"] for r in held["1"]] == [void.control_code] and void.control_unit_id == "EMULATOR00000001"
    assert sale == result.receipt and (sale.serial, sale.kind) == (2, "sale")
    assert [r["code"] for r in held["2"]] == [sale.control_code]
    assert Sale.select().count() == 1 and UnitAttempt.select().count() == 0

    shown = till.receipt_printout(void)  # looked up later, it says what it is
    assert doubled(shown) == ["MAKULERAT", "MAKULERAT"] and "MAKULERAT KVITTO" in text(shown)
    assert "Kaffe Mellanrost 450 g" in text(shown) and void.control_code in text(shown).replace("\n", "")

    expected_cash = till.x_report().expected_cash
    figures = till.z_report(expected_cash)
    cleared = 1 if change == "sale cleared, next customer" else 0
    assert figures.receipts == 1 and figures.sales == sale.total and expected_cash - 500 == sale.payable
    assert figures.unfinished == CountAmount(1 + cleared, Decimal("54.90") + cleared * Decimal("54.90"))
    assert all(r.ok for r in journal.verify(TILL))

    path = tmp_path / "journal.xml"
    today = dt.date.today()
    export_journal(path, today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    voided = [e for e in events(assert_valid(path)) if local(e) == "MakuleratKvitto"]
    assert [e.findtext("k:LopnummerForMakuleratKvitto", namespaces=K) for e in voided] == ["1"]
    assert voided[0].findtext("k:Kontrollkod", namespaces=K) == void.control_code
    assert voided[0].findtext("k:TotaltForsaljningsbeloppISvenskaKronor", namespaces=K) == "54.90"


def test_a_return_that_was_held_is_voided_with_its_minus(shop, emulator, make_unit):
    till = Register(TILL, make_unit(busy_wait=0.0))
    till.open_day("500")
    till.add_code(MUG)
    sold = till.pay_card().receipt
    till.begin_return(str(sold.serial))
    lose_the_next_answer(emulator)
    with pytest.raises(ControlUnitUnavailable):
        till.refund_to("card")
    till.void()  # the customer changes their mind
    till.add_code(COFFEE)
    till.pay_card()
    void = Receipt.get(Receipt.serial == 2)
    assert void.kind == "void" and void.payable == Decimal("79.00")
    assert "-79,00" in text(till.receipt_printout(void))
    assert REFUSED not in outcomes(emulator) and sorted(registrations(emulator), key=int) == ["1", "2", "3"]


def test_a_day_closed_with_a_held_number_voids_it_on_the_next_day(shop, emulator, make_unit):
    till = coffee_held(emulator, make_unit(busy_wait=0.0))
    till.void()
    first = till.z_report("500")
    assert first.receipts == 0 and first.unfinished.count == 1  # the cleared sale; the number still open
    till.open_day("500")
    till.add_code(COFFEE)  # the same goods, but another day: not the held receipt
    result = till.pay_card()
    void = Receipt.get(Receipt.serial == 1)
    assert void.kind == "void" and void.day_id == till.day.id and result.receipt.serial == 2
    assert REFUSED not in outcomes(emulator)


def test_data_refused_before_sending_are_dropped_and_the_number_used(shop, emulator, make_unit):
    till = Register(TILL, make_unit(busy_wait=0.0))
    till.open_day("500")
    Company.update(org_number="5566778890").execute()  # a wrong check digit: refused before sending
    till.add_code(COFFEE)
    with pytest.raises(ControlUnitUnavailable, match="Organisationsnumret 5566778890 har fel kontrollsiffra"):
        till.pay_card()
    Company.update(org_number="5566778899").execute()  # corrected in the settings
    till.add_code(MUG)
    result = till.pay_card()
    assert result.receipt.serial == 1 and Receipt.select().count() == 1
    assert list(registrations(emulator)) == ["1"] and UnitAttempt.select().count() == 0


def test_a_unit_that_still_cannot_answer_stores_nothing(shop, emulator, make_unit):
    till = coffee_held(emulator, make_unit(busy_wait=0.0, timeout_retries=0))
    till.add_code(MUG)
    emulator.state.set_behaviour(mode="down")
    with pytest.raises(ControlUnitUnavailable):  # closing the held number needs the unit too
        till.pay_card()
    assert Receipt.select().count() == 0 and len(till.cart.lines) == 2
    failed = JournalEntry.select().where(JournalEntry.event == "control_unit_failed").order_by(JournalEntry.seq)
    assert [row.data["serial"] for row in failed] == [1, 1]
    assert failed[-1].data["receipt_data"]["sale_amount"] == "54.90"  # the held data were resent
    emulator.state.set_behaviour(mode="ok")
    assert till.pay_card().receipt.serial == 2


def test_without_a_unit_an_attempt_left_by_a_crash_is_dropped(shop):
    till = Register(TILL, NoControlUnit())
    day = till.open_day("0")
    till.add_code(COFFEE)
    draft = receipts.draft("sale", TILL, till.cart, till.cart.totals(), None, training=False, electronic=False)
    with write_transaction():  # what a till stopped before its commit leaves
        unit_attempts.reserve(draft, day, "5566778899", dt.datetime(2026, 5, 4, 10, 0), lambda moment: moment)
    till.add_code(MUG)
    result = till.pay_card()
    assert result.receipt.serial == 1 and Receipt.select().count() == 1 and UnitAttempt.select().count() == 0
