"""The control unit: every receipt's data goes to it before the receipt is stored; without a code,
no sale (SKVFS 2014:9 4 kap.), nothing lost, no number used."""
from decimal import Decimal

import pytest

from kassa.models import JournalEntry, Receipt, Sale
from kassa.register.control_unit.base import ControlUnitUnavailable
from kassa.register.control_unit.exempt import NoControlUnit
from kassa.register.control_unit.settings import ControlUnitSettings, save
from kassa.register.service import Register
from kassa.till import TillError


def test_the_receipt_data_of_skvfs_2009_2_reach_the_unit_and_its_answer_is_stored(register, unit):
    register.add_code("2*100")
    register.add_code("200")
    result = register.pay_cash("200")
    data = unit.received[-1]
    assert (data.org_number, data.till, data.serial, data.kind) == ("5566778899", "kassa-1", 1, "normal")
    assert data.sale_amount == Decimal("189.00") and data.return_amount == 0
    assert dict(data.vat) == {Decimal(25): Decimal("15.80"), Decimal(12): Decimal("11.76")}
    stored = Receipt.get_by_id(result.receipt.id)
    assert stored.control_unit_id == unit.unit_id and stored.control_code == result.document.control_code != ""


def test_copies_training_pro_forma_and_returns_have_their_kinds(register, unit):
    register.add_code("100")
    register.pay_card()
    register.copy("1")
    register.add_code("100")
    register.proforma()
    register.void()
    register.begin_return("1")
    register.refund_to("card")
    register.set_training(True)
    register.add_code("101")
    register.pay_card()
    kinds = [(d.kind, d.sale_amount, d.return_amount) for d in unit.received]
    assert kinds == [("normal", Decimal("54.90"), 0), ("kopia", Decimal("54.90"), 0), ("profo", Decimal("54.90"), 0),
                     ("normal", 0, Decimal("54.90")), ("ovning", Decimal("25.00"), 0)]
    assert unit.received[3].vat == ((Decimal(12), Decimal("-5.88")),)  # a return reduces VAT


def test_no_code_no_sale_the_cart_stays_and_no_number_is_used(register, unit):
    register.add_code("2*100")
    unit.failing = True
    with pytest.raises(ControlUnitUnavailable, match="Kontrollenheten svarar inte"):
        register.pay_cash("200")
    assert [line.quantity for line in register.cart.lines] == [Decimal("2")]  # nothing lost
    assert Receipt.select().count() == 0 and Sale.select().count() == 0
    failure = JournalEntry.get(JournalEntry.event == "control_unit_failed")
    assert "svarar inte" in failure.data["message"]
    unit.failing = False
    assert register.pay_cash("200").receipt.serial == 1  # the number was not used up


def test_without_a_unit_receipts_carry_no_code(shop):
    till = Register("kassa-1", NoControlUnit())
    till.open_day("0")
    till.add_code("100")
    receipt = till.pay_card().receipt
    assert (receipt.control_code, receipt.control_unit_id) == ("", "")


def test_the_unit_comes_from_the_settings_and_none_chosen_means_no_sale(shop):
    till = Register("kassa-1")  # no unit given: the one chosen in the settings
    till.open_day("0")
    till.add_code("101")
    with pytest.raises(ControlUnitUnavailable, match="Ingen kontrollenhet är vald"):
        till.pay_card()
    assert Receipt.select().count() == 0 and len(till.cart.lines) == 1
    save(ControlUnitSettings("none"))  # the exemption, chosen explicitly
    again = Register("kassa-1")
    again.cart.lines = till.cart.lines
    assert again.pay_card().receipt.control_code == ""


def test_a_designation_too_long_for_the_receipt_data_is_refused(shop, unit):
    with pytest.raises(TillError, match="längre än 16 tecken"):
        Register("kassan-vid-entren-2", unit)
