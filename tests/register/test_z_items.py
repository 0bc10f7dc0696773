"""Every item a–w of SKVFS 2014:9 7 kap. 3 §, read from the rendered Z report of a known day."""
from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from kassa.models import Customer, ZReport
from kassa.register.figures import CountAmount
from kassa.register.service import Register
from kassa.till import Cart
from tests.register.printed import doubled, section, text, value, values


def known_day(unit):
    """Day 1: four buns by card, closed. Day 2 (float 500): the registrations below, closed counting 1 150 kr."""
    till = Register("kassa-1", unit)
    till.open_day("0")
    till.add_code("4*101")
    till.pay_card()
    till.z_report("0")

    till.open_day("500")
    till.add_code("2*100")
    till.add_code("400")
    till.pay_cash("700")  # 609,80 -> 610 kr cash
    till.add_code("200")
    till.set_discount(0, "10")
    till.pay_card()  # 71,10, discount 7,90
    till.add_code("101")
    till.set_price(0, "20")
    till.pay_swish()  # 20,00, 5,00 below the article's price
    till.begin_return("2")  # the first sale of the day is receipt 2
    till.remove_line(1)
    till.set_quantity(0, "1")
    till.refund_to("cash")  # 54,90 -> 55 kr back
    till.copy("2")
    till.set_training(True)
    till.add_code("101")
    till.pay_card()
    till.set_training(False)
    till.add_code("300")
    till.void()
    till.add_code("100")
    till.park()
    till.cash_in("200", "Växel från banken")
    till.cash_out("100", "Till kassaskåpet")
    till.open_drawer("Växla")
    customer = Customer.create(number=1, name="Bygg AB", org_number="5560360793", street="Väg 1",
                               postal_code="41250", city="Göteborg", reference="Eva")
    invoiced = Cart(till="kassa-1")
    invoiced.add_code("200")
    invoiced.pay_invoice(customer)
    return till, till.z_report("1150")


@pytest.fixture
def z(shop, unit):
    till, figures = known_day(unit)
    return till.report_printout(figures)


@pytest.mark.postgres
def test_the_same_day_on_postgresql(pg_db, unit):
    from tests.factories import make_company
    from tests.register.shop import make_articles

    make_company()
    make_articles()
    _till, figures = known_day(unit)
    assert (figures.net_sales, figures.goods_amount, figures.services_amount) == (D("646.00"), D("146.00"),
                                                                                  D("500.00"))
    assert {v.rate: (v.taxable, v.tax) for v in figures.vat} == {25: (D("456.88"), D("114.22")),
                                                                 12: (D("66.88"), D("8.02"))}
    assert (figures.goods_sold, figures.services_sold, figures.receipts, figures.drawer_openings) == (4, 1, 3, 5)
    assert (figures.copies, figures.training, figures.returns) == (CountAmount(1, D("610.00")),
                                                                   CountAmount(1, D("25.00")),
                                                                   CountAmount(1, D("54.90")))
    assert (figures.discounts, figures.reductions, figures.unfinished) == (
        CountAmount(1, D("7.90")), CountAmount(1, D("5.00")), CountAmount(2, D("89.90")))
    assert {m.method: m.net for m in figures.means} == {"cash": D("555.00"), "card": D("71.10"), "swish": D("20.00")}
    assert (figures.grand_total_sales, figures.grand_total_returns, figures.cash_difference) == (
        D("800.90"), D("54.90"), D("-5.00"))
    assert (figures.invoiced, figures.rounding) == (CountAmount(1, D("79.00")), D("0.10"))


def test_a_company_name_and_org_number(z):
    assert "Hörnbutiken & Söner AB" in text(z) and "Org.nr 556677-8899" in text(z)


def test_b_date_and_time_produced(z):
    stored = ZReport.get(ZReport.number == 2)
    from kassa.register.clock import format_local

    assert value(z, "Framställd") == format_local(stored.created_at)


def test_c_its_own_serial_number(z):
    assert value(z, "Z-rapport nr") == "2"


def test_d_the_words_z_dagrapport(z):
    assert doubled(z)[0] == "Z-DAGRAPPORT"


def test_e_the_registers_designation(z):
    assert value(z, "Kassa") == "kassa-1"


def test_f_total_sales(z):
    assert value(z, "Total försäljning") == "646,00"  # 609,80 + 71,10 + 20,00 - 54,90


def test_g_main_groups(z):
    assert value(z, "Varor") == "146,00" and value(z, "Tjänster") == "500,00"


def test_h_vat_per_rate(z):
    rates = section(z, "Moms per momssats", "Moms totalt")
    assert [row.split() for row in rates] == [["25", "%:", "netto", "456,88", "moms", "114,22"],
                                              ["12", "%:", "netto", "66,88", "moms", "8,02"]]


def test_i_cash_float(z):
    assert value(z, "Växelkassa") == "500,00"
    assert value(z, "Insättningar") == "200,00" and value(z, "Uttag") == "-100,00"


def test_j_goods_sold(z):
    assert value(z, "Antal sålda varor") == "4"


def test_k_services_sold(z):
    assert value(z, "Antal sålda tjänster") == "1"


def test_l_receipts(z):
    assert value(z, "Antal kassakvitton") == "3"


def test_m_drawer_openings(z):
    assert value(z, "Antal lådöppningar") == "5"  # cash sale, cash refund, cash in, cash out, no sale


def test_n_receipt_copies(z):
    assert values(z, "Kvittokopior") == ["1", "610,00"]


def test_o_training(z):
    assert values(z, "Övningskvitton") == ["1", "25,00"]


def test_p_sales_per_means_of_payment(z):
    means = section(z, "Försäljning per betalningsmedel", "Returer")
    assert [re.split(r"\s{2,}", row.strip()) for row in means] == [
        ["Kontant", "555,00"], ["varav återbetalt kontant", "-55,00"], ["Kort", "71,10"], ["Swish", "20,00"]]


def test_q_returns(z):
    assert values(z, "Returer") == ["1", "-54,90"]


def test_r_discounts(z):
    assert values(z, "Rabatter") == ["1", "-7,90"]


def test_s_other_reductions(z):
    assert values(z, "Övriga prisminskningar") == ["1", "-5,00"]


def test_t_unfinished_sales(z):
    assert values(z, "Oavslutade försäljningar") == ["2", "89,90"]  # a cleared paper, a parked coffee


def test_u_grand_total_sales(z):
    assert value(z, "Grand total försäljning") == "800,90"  # 100 on day 1 + 700,90


def test_v_grand_total_returns(z):
    assert value(z, "Grand total returer") == "-54,90"


def test_w_grand_total_net(z):
    assert value(z, "Grand total netto") == "746,00"


def test_cash_counted_with_the_difference(z):
    assert value(z, "Kontanter enligt kassan") == "1\u00a0155,00"  # 500 + 200 - 100 + 555
    assert value(z, "Räknade kontanter") == "1\u00a0150,00"
    assert value(z, "Kassadifferens") == "-5,00"


def test_invoiced_sales_on_their_own_line(z):
    assert values(z, "Fakturor") == ["1", "79,00"]  # the mug, invoiced from this till: not in the sales above
