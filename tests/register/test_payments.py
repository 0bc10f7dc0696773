"""Splitting a total over means of payment: exact card and Swish, cash rounded to whole kronor."""
from decimal import Decimal

import pytest

from kassa.register.payments import PaymentPart, plan
from kassa.till import Cart, TillError

D = Decimal


def test_cash_alone_rounds_the_total_as_the_till_always_has(shop):
    cart = Cart()
    cart.add_code("2*100")  # 109,80
    cart.add_code("3*200")  # 237,00 -> 346,80
    cash = plan(cart.totals().tax_inclusive, [PaymentPart("cash", tendered="400")])
    totals = cart.cash_totals()  # what the till charges in cash
    assert (cash.payable, cash.rounding) == (totals.payable, totals.rounding) == (D("347.00"), D("0.20"))
    assert cash.change == D("53.00")


def test_card_and_swish_pay_the_exact_amount():
    assert plan(D("346.80"), [PaymentPart("card")]).payments[0].amount == D("346.80")
    assert plan(D("346.80"), [PaymentPart("swish")]).rounding == 0


def test_split_card_then_cash_rounds_only_the_cash_part():
    paid = plan(D("84.45"), [PaymentPart("card", "50"), PaymentPart("cash", tendered="40")])
    assert [(p.method, p.amount) for p in paid.payments] == [("card", D("50")), ("cash", D("34.00"))]
    assert paid.rounding == D("-0.45") and paid.payable == D("84.00") and paid.change == D("6.00")


def test_the_last_non_cash_part_takes_the_rest():
    paid = plan(D("100.00"), [PaymentPart("swish", "30,50"), PaymentPart("card")])
    assert [p.amount for p in paid.payments] == [D("30.50"), D("69.50")]


@pytest.mark.parametrize("parts, message", [
    ([], "Välj betalningsmedel"),
    ([PaymentPart("check")], "Okänt betalningsmedel"),
    ([PaymentPart("cash"), PaymentPart("cash")], "bara vara ett"),
    ([PaymentPart("card", "120"), PaymentPart("cash")], "mer än summan"),
    ([PaymentPart("card"), PaymentPart("swish")], "Ange beloppet för kort"),
    ([PaymentPart("cash", tendered="50")], "räcker inte"),
    ([PaymentPart("card", "99.70"), PaymentPart("cash")], "avrundas till 0 kr"),
    ([PaymentPart("card", "12,345"), PaymentPart("cash")], "högst 2 decimaler"),
    ([PaymentPart("card", "40"), PaymentPart("swish", "50")], "stämmer inte"),
])
def test_what_does_not_add_up_is_refused_in_swedish(parts, message):
    with pytest.raises(TillError, match=message):
        plan(D("100.00"), parts)
