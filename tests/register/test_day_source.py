"""The Z report becomes the bookkeeping's day voucher: the SIE export books what the report says."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from kassa.bookkeeping.sie_export import export_sie
from kassa.register import day_source
from tests.bookkeeping.sie_reader import read_sie


def test_a_closed_day_is_booked_by_the_sie_export(register, tmp_path):
    register.add_code("2*100")
    register.pay_cash("200")  # 109,80 -> 110 kr cash
    register.add_code("200")
    register.pay_card()  # 79,00
    register.begin_return("1")
    register.set_quantity(0, "1")
    register.refund_to("cash")  # 54,90 -> 55 kr back
    figures = register.z_report(register.x_report().expected_cash - 5)  # 5 kr missing in the drawer

    day = day_source.day_input(figures)
    assert (day.till, day.z_number, dict(day.received)) == ("kassa-1", 1, {"cash": D("55.00"), "card": D("79.00")})
    today = dt.date.today()
    assert list(day_source.z_report_inputs(today, today)) == [day]
    assert list(day_source.z_report_inputs(today + dt.timedelta(days=1), today + dt.timedelta(days=1))) == []

    target = tmp_path / "KASSA.SI"
    export_sie(target, today, today)  # the Z reports come from the source registered by day_source
    [voucher] = read_sie(target.read_bytes()).vouchers
    assert voucher.text == f"Z-rapport 1 kassa-1 {today.isoformat()}" and voucher.balance == 0
    assert {t.account: t.amount for t in voucher.transactions} == {
        "1910": D("50.00"),  # 110 in, 55 back, 5 missing at the count
        "1580": D("79.00"),
        "3001": D("-63.20"), "2611": D("-15.80"),  # the mug at 25 %
        "3002": D("-49.02"), "2621": D("-5.88"),  # two coffees less the one returned, 12 %
        "3740": D("-0.10"),  # rounding: +0,20 on the sale, -0,10 on the return
        "3790": D("5.00"),  # the cash difference
    }
