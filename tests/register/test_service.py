"""The register's rules: the day, parking, returns, copies, training, closed days."""
from decimal import Decimal

import pytest

from kassa.models import ParkedSale, Receipt, ZReport
from kassa.register import reports
from kassa.register.service import Register
from kassa.till import TillError
from tests.register.printed import doubled, value


def test_selling_needs_an_open_day_and_a_day_opens_once(shop, unit):
    till = Register("kassa-1", unit)
    with pytest.raises(TillError, match="Dagen är inte öppnad"):
        till.add_code("100")
    till.open_day("300")
    with pytest.raises(TillError, match="Dag 1 är redan öppen"):
        till.open_day("300")
    with pytest.raises(TillError, match="Växelkassa"):
        Register("kassa-2", unit).open_day("tre hundra")


def test_a_parked_sale_survives_a_restart_and_is_taken_back_once(register, unit):
    register.add_code("2*100")
    register.set_discount(0, "10")
    parked = register.park()
    assert register.cart.is_empty
    again = Register("kassa-1", unit)  # the till restarted
    assert [p.id for p in again.parked_sales()] == [parked.id]
    again.add_code("101")
    with pytest.raises(TillError, match="innan du tar tillbaka"):
        again.resume(parked.id)
    again.void()
    lines = again.resume(parked.id)
    assert [(line.description, line.quantity, line.discount_percent) for line in lines] == [
        ("Kaffe Mellanrost 450 g", Decimal("2"), Decimal("10"))]
    assert again.pay_card().document.payable == Decimal("98.82")
    with pytest.raises(TillError, match="finns inte längre"):
        register.resume(parked.id)
    assert Register("kassa-2", unit).parked_sales() == []  # another till's parking is not this one's


def test_returns_cannot_take_back_more_than_was_sold(register):
    register.add_code("3*101")
    register.pay_card()
    register.begin_return("1")
    register.set_quantity(0, "2")
    register.refund_to("card")
    lines = register.begin_return("kassa-1-000001")  # the code printed on the receipt
    assert lines[0].quantity == Decimal("1")
    register.set_quantity(0, "2")
    with pytest.raises(TillError, match="finns 1 kvar att returnera, inte 2"):
        register.refund_to("card")
    register.set_quantity(0, "1")
    register.refund_to("card")
    with pytest.raises(TillError, match="Allt på kvitto 1 är redan returnerat"):
        register.begin_return("1")
    with pytest.raises(TillError, match="inget kassakvitto för en försäljning"):
        register.begin_return("2")  # a return receipt
    with pytest.raises(TillError, match="Kvitto 99 finns inte"):
        register.begin_return("99")


def test_against_a_receipt_only_its_lines_come_back_at_its_price(register):
    register.add_code("100")
    register.set_price(0, "50")
    register.pay_card()
    register.begin_return("1")
    with pytest.raises(TillError, match="går det inte att lägga till"):
        register.add_code("200")
    with pytest.raises(TillError, match="går det inte att ändra priset"):
        register.set_price(0, "54,90")
    assert register.refund_to("swish").document.payable == Decimal("50.00")


def test_one_copy_only_and_a_closed_days_receipts_are_locked(register):
    register.add_code("100")
    register.pay_cash("100")
    register.copy("1")
    with pytest.raises(TillError, match="har redan en kopia .löpnummer 2.. Bara en kopia"):
        register.copy("1")
    with pytest.raises(TillError, match="kan inte kopieras"):
        register.copy("2")  # a copy of the copy
    register.z_report("554")
    register.open_day("500")
    register.add_code("101")
    register.pay_card()
    with pytest.raises(TillError, match="stängd dag .Z-dagrapport 1. och är låst. Rättelser görs med en retur"):
        register.copy("1")
    register.begin_return("1")  # a return is still possible
    assert register.refund_to("cash").document.original_serial == 1


def test_a_copy_is_made_at_the_till_of_the_receipt(register, unit):
    register.add_code("100")
    register.pay_card()
    other = Register("kassa-2", unit)
    other.open_day("0")
    with pytest.raises(TillError, match="Kvitto 1 är från kassa kassa-1. Kopian tas fram i den kassan."):
        other.copy("kassa-1-000001")  # scanned from the receipt
    assert Receipt.select().where(Receipt.kind == "copy").count() == 0
    assert register.copy("kassa-1-000001").receipt.till == "kassa-1"


def test_training_receipts_count_only_as_training(register):
    register.add_code("101")
    register.pay_card()
    register.set_training(True)
    register.add_code("100")
    result = register.pay_card()
    assert doubled(result.printout)[0] == "ÖVNINGSKVITTO"
    with pytest.raises(TillError, match="bara returneras i övningsläge"):
        register.begin_return("1")
    with pytest.raises(TillError, match="övningsläge"):
        register.copy("1")
    register.set_training(False)
    figures = register.x_report()
    assert figures.sales == Decimal("25.00") and figures.receipts == 1
    assert (figures.training.count, figures.training.amount) == (1, Decimal("54.90"))
    assert figures.grand_total_sales == Decimal("25.00")


def test_the_z_report_closes_the_day_and_old_ones_can_be_shown_again(register):
    register.add_code("100")
    register.pay_cash("55")
    register.add_code("101")
    with pytest.raises(TillError, match="innan du stänger dagen"):
        register.z_report("555")
    register.void()
    figures = register.z_report("560")
    assert register.day is None
    with pytest.raises(TillError, match="Dagen är inte öppnad"):
        register.add_code("100")
    with pytest.raises(TillError, match="ingen öppen dag"):
        reports.z_report("kassa-1", Decimal("0"), figures.produced_at)
    stored = reports.stored_z("kassa-1", 1)
    assert stored == figures
    printout = register.report_printout(stored, reprint=True)
    assert value(printout, "Z-rapport nr") == "1" and value(printout, "Kassadifferens") == "5,00"
    register.open_day("560")
    register.add_code("101")
    register.pay_card()
    second = register.z_report("560")
    assert second.number == 2 and second.grand_total_sales == Decimal("79.90")  # 54,90 + 25,00: never reset
    assert [z.number for z in ZReport.select().order_by(ZReport.number)] == [1, 2]


def test_pro_forma_keeps_the_sale_open(register):
    register.add_code("2*100")
    result = register.proforma()
    assert doubled(result.printout) == ["EJ KVITTO", "EJ KVITTO"]
    assert len(register.cart.lines) == 1
    receipt = register.pay_card().receipt
    assert receipt.serial == 2 and Receipt.get(Receipt.serial == 1).kind == "proforma"
    figures = register.x_report()
    assert figures.receipts == 1 and (figures.proforma.count, figures.proforma.amount) == (1, Decimal("109.80"))


def test_cash_in_and_out_need_a_reason(register):
    with pytest.raises(TillError, match="Ange en orsak"):
        register.cash_in("100", " ")
    slip = register.cash_out("100", "Till banken")
    assert slip.open_drawer and value(slip, "Belopp") == "100,00" and value(slip, "Orsak:") == "Till banken"
    assert register.open_drawer().open_drawer


def test_the_till_keeps_parked_sales_of_a_closed_day_as_unfinished(register):
    register.add_code("300")
    register.park()
    figures = register.z_report("500")
    assert (figures.unfinished.count, figures.unfinished.amount) == (1, Decimal("35.00"))
    assert ParkedSale.select().where(ParkedSale.status == "parked").count() == 1
