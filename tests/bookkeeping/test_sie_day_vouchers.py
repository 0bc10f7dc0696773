"""The day vouchers of the SIE file come from the Z reports the register stored.

Two tills close a day driven through the register's own API (sales for cash, card and Swish, a
split payment, a return, öresavrundning, a training receipt, a cash shortage and a surplus, a sale
invoiced from the till); the shop also invoices and credits at every VAT rate. The file, read back
with the tests' own reader (tests/bookkeeping/sie_reader.py), must book each Z report as the
report itself says (its stored DayFigures), with the signs a person checked by hand, and its VAT
per rate must be the receipts' and the invoices' VAT, summed here from their own rows.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from kassa.bookkeeping.accounts import AccountPlan
from kassa.bookkeeping.day_vouchers import day_voucher
from kassa.bookkeeping.sie_export import export_sie
from kassa.bookkeeping.vouchers import VoucherError
from kassa.cli import main
from kassa.invoicing import credit_invoice
from kassa.models import Invoice, Receipt, RegisterDay, ZReport
from kassa.register.figures import CountAmount, DayFigures, MeansFigure
from kassa.register.payments import PaymentPart
from kassa.register.service import Register
from kassa.till import Cart
from tests.bookkeeping.books import issue
from tests.bookkeeping.sie_reader import read_sie
from tests.register.shop import ScriptedUnit, make_articles

D = Decimal
TODAY = dt.date.today()
VAT_ACCOUNTS = {"2611": 25, "2621": 12, "2631": 6}


@pytest.fixture
def closed_days(customers):
    """kassa-1 and kassa-2 each close today's day; kassa-1 also invoices a mug from the till.

    Articles (tests/register/shop.py): 100 coffee 54,90 (12 %), 101 bun 25,00 (12 %), 200 mug 79,00
    (25 %), 300 newspaper 35,00 (6 %), 400 fitting 400,00 excl. VAT (25 %), 401 gift wrap 20,00 (25 %).
    """
    make_articles()
    unit = ScriptedUnit()
    one = Register("kassa-1", unit)
    one.open_day("500")
    one.add_code("2*100")
    one.add_code("400")
    one.pay_cash("700")  # receipt 1: 609,80 -> 610 kr cash (+0,20)
    one.add_code("200")
    one.set_discount(0, "10")
    one.pay_card()  # 2: 71,10
    one.add_code("101")
    one.pay_swish()  # 3: 25,00
    one.add_code("300")
    one.add_code("401")
    one.pay([PaymentPart("card", "30.30"), PaymentPart("cash")])  # 4: 55,00 = 30,30 card + 24,70 -> 25 cash (+0,30)
    one.begin_return("1")
    one.remove_line(1)
    one.set_quantity(0, "1")
    one.refund_to("cash")  # 5: one coffee back, 54,90 -> 55 kr paid back (-0,10)
    till_invoice = Cart(till="kassa-1")
    till_invoice.add_code("200")
    invoiced = till_invoice.pay_invoice(customers.plain).invoice  # 79,00 on account, outside the register
    one.z_report("1075")  # expected 500 + 610 + 25 - 55 = 1 080: 5 kr missing

    two = Register("kassa-2", unit)
    two.open_day("200")
    two.add_code("3*101")
    two.pay_cash()  # 75,00
    two.set_training(True)
    two.add_code("200")
    two.pay_card()  # ÖVNINGSKVITTO: in no figure that is booked
    two.set_training(False)
    two.z_report("277.50")  # expected 275: 2,50 too much

    others = [
        issue(customers.other, [("Kaffe", 2, "54.90", 12), ("Bok", 1, "199.00", 6), ("Frimärke", 3, "12.00", 0)],
              TODAY),
        issue(customers.e_invoice, [("Montering", 3, "500.00", 25)], TODAY),
    ]
    credit = credit_invoice(others[1], issue_date=TODAY)
    return invoiced, others, credit


def export(tmp_path) -> tuple[bytes, object]:
    target = tmp_path / "KASSA.SI"
    result = export_sie(target, TODAY, TODAY)
    return target.read_bytes(), result


def stored_figures() -> dict[str, DayFigures]:
    return {z.till: DayFigures.from_data(z.figures) for z in ZReport.select()}


def as_booked(figures: DayFigures) -> dict[str, Decimal]:
    """The Z report as the default BAS accounts book it (debit positive), from the report's own figures."""
    difference = figures.cash_difference or D(0)
    expected = {"1910": figures.means_net("cash") + difference, "1580": figures.means_net("card"),
                "1581": figures.means_net("swish"), "3740": -figures.rounding, "3790": -difference}
    for vat in figures.vat:
        expected[{25: "3001", 12: "3002", 6: "3003", 0: "3004"}[vat.rate]] = -vat.taxable
        expected[{25: "2611", 12: "2621", 6: "2631"}[vat.rate]] = -vat.tax
    return {account: amount for account, amount in expected.items() if amount}


def test_the_file_books_each_z_report_as_it_says(tmp_path, closed_days):
    invoiced, _others, _credit = closed_days
    data, result = export(tmp_path)
    document = read_sie(data)
    assert document.checksum_declared == document.checksum_computed == result.checksum
    assert all(voucher.balance == 0 for voucher in document.vouchers)
    days = {v.text: v for v in document.vouchers if v.text.startswith("Z-rapport")}
    figures = stored_figures()
    assert set(days) == {f"Z-rapport 1 {till} {TODAY.isoformat()}" for till in ("kassa-1", "kassa-2")}
    for till, day in figures.items():
        voucher = days[f"Z-rapport {day.number} {till} {TODAY.isoformat()}"]
        assert voucher.date == TODAY
        assert {t.account: t.amount for t in voucher.transactions} == as_booked(day)

    # The same two days as a person books them from the receipts above (the signs checked by hand).
    assert {t.account: t.amount for t in days[f"Z-rapport 1 kassa-1 {TODAY.isoformat()}"].transactions} == {
        "1910": D("575.00"),  # cash: 610 + 25 - 55 paid back, less the 5 kr missing at the count
        "1580": D("101.40"), "1581": D("25.00"),  # card 71,10 + 30,30; Swish 25,00
        "3001": D("-472.88"), "2611": D("-118.22"),  # 25 %: fitting 500,00, mug 71,10, gift wrap 20,00
        "3002": D("-71.34"), "2621": D("-8.56"),  # 12 %: two coffees and a bun, less the coffee returned
        "3003": D("-33.02"), "2631": D("-1.98"),  # 6 %: the newspaper
        "3740": D("-0.40"),  # öresavrundning: +0,20 +0,30 on sales, -0,10 on the return
        "3790": D("5.00"),  # the shortage: a debit on cash differences, never on sales or VAT
    }
    assert {t.account: t.amount for t in days[f"Z-rapport 1 kassa-2 {TODAY.isoformat()}"].transactions} == {
        "1910": D("77.50"), "3002": D("-66.96"), "2621": D("-8.04"), "3790": D("-2.50")}

    # The sale invoiced from the till: on the Z report's own line, booked by its invoice's voucher only.
    assert figures["kassa-1"].invoiced == CountAmount(1, invoiced.tax_inclusive) == CountAmount(1, D("79.00"))
    [by_invoice] = [v for v in document.vouchers if v.text.startswith(f"Faktura {invoiced.number} ")]
    assert {t.account: t.amount for t in by_invoice.transactions} == {
        "1510": D("79.00"), "3001": D("-63.20"), "2611": D("-15.80")}
    assert all(v.on("1510") == 0 for v in days.values())
    assert "2 dagsverifikationer (Z-rapporter)" in result.summary()


def test_vat_per_rate_is_the_receipts_and_the_invoices_vat(tmp_path, closed_days):
    data, _result = export(tmp_path)
    in_file: dict[int, Decimal] = defaultdict(Decimal)
    for voucher in read_sie(data).vouchers:
        for transaction in voucher.transactions:
            if transaction.account in VAT_ACCOUNTS:
                in_file[VAT_ACCOUNTS[transaction.account]] -= transaction.amount
    expected: dict[int, Decimal] = defaultdict(Decimal)
    for receipt in Receipt.select().where(Receipt.kind.in_(("sale", "return")) & (Receipt.training == False)):  # noqa: E712
        sign = 1 if receipt.kind == "sale" else -1
        for row in receipt.vat:
            expected[int(row["rate"])] += sign * D(row["tax"])
    receipts_only = dict(expected)
    for invoice in Invoice.select():
        sign = -1 if invoice.kind == "credit_note" else 1
        for vat in invoice.vat_breakdown:
            expected[int(vat["rate"])] += sign * D(vat["tax"])
    expected = {rate: tax for rate, tax in expected.items() if tax}
    assert dict(in_file) == expected
    assert receipts_only[25] and receipts_only[12] and receipts_only[6]  # every rate comes from the tills too
    assert expected[25] != receipts_only[25] and expected[6] != receipts_only[6]  # … and from the invoices


def test_a_day_outside_the_period_is_not_booked(tmp_path, closed_days):
    target = tmp_path / "KASSA.SI"
    tomorrow = TODAY + dt.timedelta(days=1)
    if tomorrow.year != TODAY.year:
        pytest.skip("the period would start a new fiscal year")
    result = export_sie(target, tomorrow, tomorrow)
    assert result.counts["day"] == 0 and not read_sie(target.read_bytes()).vouchers


def test_an_unbalanced_z_report_writes_nothing(tmp_path, closed_days):
    """A stored report whose figures do not add up (written by hand into the database): no file at all."""
    good = ZReport.get(ZReport.till == "kassa-2")
    figures = dict(good.figures)
    figures["number"] = 2
    figures["vat"] = [dict(row, tax=str(D(row["tax"]) + 1)) for row in figures["vat"]]
    day = RegisterDay.create(till="kassa-2", number=2, opened_at=good.created_at, float_amount=D("0"))
    ZReport.create(till="kassa-2", number=2, day=day, figures=figures, counted_cash=D("0"), expected_cash=D("0"),
                   difference=D("0"), grand_total_sales=D("0"), grand_total_returns=D("0"))
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(VoucherError, match=f"Z-rapport 2 kassa-2 {TODAY.isoformat()} går inte ihop.*1,00"):
        export_sie(folder / "KASSA.SI", TODAY, TODAY)
    assert list(folder.iterdir()) == []  # neither the file nor a temporary one


def test_a_means_of_payment_without_an_account_is_named(closed_days):
    figures = stored_figures()["kassa-2"]
    odd = dataclasses.replace(figures, means=(*figures.means, MeansFigure("gift_card", D("10.00"), D("0.00"))))
    with pytest.raises(VoucherError, match="betalsättet 'gift_card'"):
        day_voucher(odd, AccountPlan.load())
    with pytest.raises(ValueError, match="X report"):
        day_voucher(dataclasses.replace(figures, kind="X", number=None), AccountPlan.load())


def test_the_command_line_includes_the_day_vouchers(tmp_path, closed_days, isolated_data_dir, monkeypatch,
                                                    capsys):
    monkeypatch.setenv("KASSA_DATABASE_URL", f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}")
    target = tmp_path / "KASSA.SI"
    day = TODAY.isoformat()
    assert main(["export", "sie", "--from", day, "--to", day, "-o", str(target)]) == 0
    out = capsys.readouterr()
    assert "2 dagsverifikationer (Z-rapporter), 3 fakturor, 1 kreditfaktura" in out.out
    assert out.err == ""
    assert sum(v.text.startswith("Z-rapport") for v in read_sie(target.read_bytes()).vouchers) == 2
