"""VAT and totals as EN 16931 computes them; money is Decimal throughout."""
from decimal import Decimal as D

import pytest

from kassa.money import LineInput, compute_totals, format_price, format_sek, round_krona, round_ore, split_fee


def test_half_up_rounding_to_ore_per_line():
    assert round_ore(D("0.005")) == D("0.01")
    assert round_ore(D("2.675")) == D("2.68")  # a float would give 2.67
    t = compute_totals([LineInput("a", D("3"), D("0.335"), 25)])
    assert t.lines[0].line_amount == D("1.01")  # 1.005 rounds half up


def test_vat_is_computed_on_the_sum_per_rate_not_per_line():
    # Three lines of 0.10 at 25 %: per line VAT would be 3 x 0.03 = 0.09 (rounded up each time),
    # on the sum it is 0.30 x 25 % = 0.075 -> 0.08.
    t = compute_totals([LineInput("x", D("1"), D("0.10"), 25) for _ in range(3)])
    assert [(v.rate, v.taxable, v.tax) for v in t.vat] == [(25, D("0.30"), D("0.08"))]
    assert t.tax_inclusive == D("0.38")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        LineInput("a", 1.5, D("1"), 25)


def test_prices_with_vat_give_back_the_total_the_cashier_typed():
    t = compute_totals([
        LineInput("Kaffe", D("3"), D("39.90"), 12, price_includes_vat=True),
        LineInput("Bulle", D("2"), D("25.00"), 12, price_includes_vat=True),
        LineInput("Mugg", D("1"), D("149.00"), 25, price_includes_vat=True),
    ])
    assert t.tax_inclusive == D("3") * D("39.90") + D("50.00") + D("149.00")
    by_rate = {v.rate: v for v in t.vat}
    assert by_rate[25].taxable == D("119.20") and by_rate[25].tax == D("29.80")
    assert by_rate[12].taxable + by_rate[12].tax == D("169.70")
    for v in t.vat:  # BR-CO-17: tax = taxable x rate, rounded
        assert v.tax == round_ore(v.taxable * v.rate / 100)


@pytest.mark.parametrize(("price", "rate", "quantity"), [("25.00", 6, "1"), ("25.00", 6, "-1"), ("19.90", 25, "3"),
                                                         ("9.95", 12, "7"), ("0.05", 6, "1")])
def test_a_sum_with_vat_that_no_rounded_net_gives_back_is_still_what_the_customer_pays(price, rate, quantity):
    """25,00 kr at 6 %: 23,58 + 1,41 = 24,99 and 23,59 + 1,42 = 25,01 (found by a new user: one bun
    charged 24,99). The customer pays the shelf price; the VAT is the sum with VAT minus its net, an
    öre from taxable x rate (BR-CO-17 allows less than one krona)."""
    t = compute_totals([LineInput("Kanelbulle", D(quantity), D(price), rate, price_includes_vat=True)])
    gross = round_ore(D(quantity) * D(price))
    assert t.tax_inclusive == gross
    [v] = t.vat
    assert v.taxable + v.tax == gross
    assert abs(v.tax - round_ore(v.taxable * rate / 100)) <= D("0.01")
    assert abs(v.tax - round_ore(gross * rate / (100 + rate))) <= D("0.01")


def test_the_one_bun_a_new_user_bought_costs_25_kronor_with_1_42_vat():
    t = compute_totals([LineInput("Kanelbulle", D("1"), D("25.00"), 6, price_includes_vat=True),
                        LineInput("Presentinslagning", D("1"), D("20.00"), 25, price_includes_vat=True)])
    assert t.tax_inclusive == D("45.00")
    assert {v.rate: (v.taxable, v.tax) for v in t.vat} == {6: (D("23.58"), D("1.42")), 25: (D("16.00"), D("4.00"))}


def test_totals_identities_hold():
    t = compute_totals(
        [LineInput("a", D("1.5"), D("850.00"), 25), LineInput("b", D("7"), D("12.34"), 6),
         LineInput("c", D("2"), D("99.99"), 12, discount_percent=D("10"))],
        fee=D("29.00"), round_to_krona=True,
    )
    assert t.line_extension == sum(line.line_amount for line in t.lines)  # BR-CO-10
    assert t.tax_exclusive == t.line_extension + t.charge_total  # BR-CO-13
    assert t.tax_total == sum(v.tax for v in t.vat)  # BR-CO-14
    assert t.tax_inclusive == t.tax_exclusive + t.tax_total  # BR-CO-15
    assert t.payable == t.tax_inclusive + t.rounding  # BR-CO-16
    assert t.payable == t.payable.to_integral_value()
    assert sum(v.taxable for v in t.vat) == t.tax_exclusive


def test_discount_is_applied_to_the_price():
    t = compute_totals([LineInput("a", D("2"), D("100.00"), 25, discount_percent=D("15"))])
    line = t.lines[0]
    assert (line.gross_price, line.net_price, line.line_amount) == (D("100.0000"), D("85.0000"), D("170.00"))


def test_fee_split_over_25_and_12_percent_in_proportion():
    t = compute_totals(
        [LineInput("a", D("1"), D("300.00"), 25), LineInput("b", D("1"), D("100.00"), 12)], fee=D("30.00")
    )
    fees = {f.vat_rate: f.line_amount for f in t.fee_lines}
    assert fees == {25: D("22.50"), 12: D("7.50")}
    by_rate = {v.rate: (v.taxable, v.tax) for v in t.vat}
    assert by_rate == {25: (D("322.50"), D("80.63")), 12: (D("107.50"), D("12.90"))}
    assert t.charge_total == D("30.00")


def test_fee_split_always_sums_to_the_fee():
    lines = compute_totals([LineInput("a", D("1"), D("1.00"), 25), LineInput("b", D("1"), D("1.00"), 12),
                            LineInput("c", D("1"), D("1.00"), 6)]).lines
    fees = split_fee(D("10.00"), lines)
    assert sum(f.line_amount for f in fees) == D("10.00")
    assert sorted(f.vat_rate for f in fees) == [6, 12, 25]


def test_oresavrundning_is_a_separate_amount():
    t = compute_totals([LineInput("a", D("1"), D("10.40"), 25)], round_to_krona=True)
    assert t.tax_inclusive == D("13.00") and t.rounding == D("0.00")
    t = compute_totals([LineInput("a", D("1"), D("10.39"), 25)], round_to_krona=True)
    assert t.tax_inclusive == D("12.99") and t.rounding == D("0.01") and t.payable == D("13.00")
    assert t.lines[0].line_amount == D("10.39")  # the line is not changed
    assert round_krona(D("12.50")) == D("13.00") and round_krona(D("12.49")) == D("12.00")


def test_swedish_amount_format():
    assert format_sek(D("1234567.5")) == "1\u00a0234\u00a0567,50"
    assert format_sek(D("-12")) == "-12,00"


def test_format_price_keeps_the_decimals_a_unit_price_has():
    assert [format_price(D(v)) for v in ("0.1235", "79.9999", "12.5", "1234.5", "0", "-0.5")] == [
        "0,1235", "79,9999", "12,50", "1\u00a0234,50", "0,00", "-0,50"]
