"""Cash rounded to whole kronor with change, card to the öre, and the customer's bonus, paid through the
register (what the till's Cart.pay_cash and pay_card did before every sale needed a receipt)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kassa.models import Company, Customer, CustomerCategory, Sale
from kassa.till import TillError


def customer(category: CustomerCategory | None = None) -> Customer:
    return Customer.create(number=1001, name="Byggbolaget i Mölndal AB", org_number="5560160680",
                           street="Verkstadsgatan 3", postal_code="43130", city="Mölndal", category=category)


def bonus_rate(rate: str) -> None:
    company = Company.get_solo()
    company.bonus_rate = Decimal(rate)
    company.save()


def test_cash_rounds_to_krona_and_gives_change(register):
    register.add_code("7310865004703")  # 54,90 -> 55,00 in cash
    result = register.pay_cash("100")
    assert (result.plan.total, result.plan.rounding, result.plan.payable, result.change) == (
        Decimal("54.90"), Decimal("0.10"), Decimal("55.00"), Decimal("45.00"))
    assert register.cart.is_empty
    sale = Sale.get_by_id(result.receipt.sale_id)
    assert (sale.status, sale.total, sale.rounding) == ("paid", Decimal("54.90"), Decimal("0.10"))
    payment = sale.payments.get()
    assert (payment.method, payment.amount, payment.tendered, payment.change) == (
        "cash", Decimal("55.00"), Decimal("100.00"), Decimal("45.00"))
    assert [line.description for line in sale.lines] == ["Kaffe Mellanrost 450 g"]


def test_cash_rounds_down_below_half_krona(register):
    register.add_code("3*7310865004703")  # 164,70 -> 165,00
    register.set_price(0, "54,80")  # 164,40 -> 164,00
    result = register.pay_cash("164")
    assert (result.plan.payable, result.plan.rounding, result.change) == (
        Decimal("164.00"), Decimal("-0.40"), Decimal("0.00"))


def test_cash_not_enough_stores_nothing(register):
    register.add_code("7350053850019")
    with pytest.raises(TillError, match="räcker inte"):
        register.pay_cash("50")
    assert Sale.select().count() == 0 and len(register.cart.lines) == 1


def test_card_pays_exact_amount_and_earns_bonus(register):
    bonus_rate("2.00")
    buyer = customer()
    register.set_customer(buyer)
    register.add_code("7310865004703")
    result = register.pay_card()
    assert (result.plan.payable, result.plan.rounding) == (Decimal("54.90"), Decimal("0.00"))
    assert Sale.get_by_id(result.receipt.sale_id).bonus_earned == Decimal("1.10")
    assert Customer.get_by_id(buyer.id).bonus_balance == Decimal("1.10")


def test_no_bonus_category_earns_nothing(register):
    bonus_rate("2.00")
    buyer = customer(CustomerCategory.create(name="Personal", no_bonus=True))
    register.set_customer(buyer)
    register.add_code("7310865004703")
    result = register.pay_cash("55")
    assert Sale.get_by_id(result.receipt.sale_id).bonus_earned == Decimal("0.00")
    assert Customer.get_by_id(buyer.id).bonus_balance == Decimal("0.00")
