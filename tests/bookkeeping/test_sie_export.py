"""The SIE 4I file, read back with the tests' own reader (tests/bookkeeping/sie_reader.py)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from kassa.bookkeeping.accounts import save_plan
from kassa.bookkeeping.day_vouchers import DayVoucherInput, SalesAmount
from kassa.bookkeeping.sie_export import SieExportError, export_sie
from kassa.bookkeeping.vouchers import VoucherError
from kassa.cli import main
from kassa.models import Invoice, PaymentFile, ReceivedPayment
from tests.bookkeeping.sie_reader import read_sie

D = Decimal
MARCH_FIRST, MARCH_LAST = dt.date(2025, 3, 1), dt.date(2025, 3, 31)


def day_one() -> DayVoucherInput:
    """Kassa 1 on 3 March: 5 508,80 kr of sales, 250 kr of it paid by invoice, 10 kr missing in the drawer."""
    return DayVoucherInput(
        till="Kassa 1", date=dt.date(2025, 3, 3), z_number=41,
        received={"cash": D("1259.00"), "card": D("3580.00"), "swish": D("420.00"), "invoice": D("250.00")},
        sales=[SalesAmount(25, D("3000.00")), SalesAmount(12, D("1000.00"), "Bröd"), SalesAmount(12, D("400.00")),
               SalesAmount(6, D("180.00"))],
        output_vat={25: D("750.00"), 12: D("168.00"), 6: D("10.80")},
        rounding=D("0.20"), cash_difference=D("-10.00"),
        invoiced_sales=[SalesAmount(25, D("200.00"))], invoiced_vat={25: D("50.00")},
    )


def day_two() -> DayVoucherInput:
    """Kassa 2 the same day: card only, 2,50 kr too much in the drawer."""
    return DayVoucherInput(
        till="Kassa 2", date=dt.date(2025, 3, 3), z_number=7, received={"card": D("1000.00"), "cash": D("0.00")},
        sales=[SalesAmount(25, D("800.00"))], output_vat={25: D("200.00")}, cash_difference=D("2.50"),
    )


def export(tmp_path, days=(), **kwargs):
    folder = tmp_path / "out"
    folder.mkdir(exist_ok=True)
    target = folder / "KASSA.SI"
    result = export_sie(target, MARCH_FIRST, MARCH_LAST, day_inputs=list(days), generated=dt.date(2025, 4, 2),
                        **kwargs)
    return result, target.read_bytes()


def store_payment(amount: str, day: dt.date, reference: str = "", kind: str = "payment") -> ReceivedPayment:
    file = PaymentFile.create(sha256=f"{len(list(PaymentFile.select())):064d}", name="test")
    return ReceivedPayment.create(file=file, key=f"{day}:{amount}:{reference}", kind=kind, pay_date=day,
                                  amount=D(amount), reference=reference, payer_name="Åkeriet Öst AB")


def test_every_voucher_balances_and_the_checksum_verifies(tmp_path, invoiced):
    store_payment("1000.00", dt.date(2025, 3, 20), "10015")
    result, data = export(tmp_path, [day_one(), day_two()])
    document = read_sie(data)

    assert document.checksum_declared is not None
    assert document.checksum_declared == document.checksum_computed == result.checksum
    assert document.labels()[:2] == ["#FLAGGA", "#KSUMMA"] and document.labels()[-1] == "#KSUMMA"
    assert document.first("#FLAGGA") == ["0"] and document.first("#FORMAT") == ["PC8"]
    assert document.first("#SIETYP") == ["4"]
    assert document.first("#GEN")[0] == "20250402"
    assert document.first("#ORGNR") == ["556677-8899"]
    assert document.first("#FNAMN") == ["Hörnbutiken & Söner AB"]
    assert document.first("#RAR") == ["0", "20250101", "20251231"]
    assert document.first("#PROGRAM")[0] == "Kassa"

    # 2 Z reports, 4 invoices, 1 credit note, 1 payment
    assert len(document.vouchers) == 8
    for voucher in document.vouchers:
        assert voucher.balance == 0, voucher
        assert MARCH_FIRST <= voucher.date <= MARCH_LAST
        for transaction in voucher.transactions:
            assert transaction.account in document.accounts  # every account used is declared
    used = {t.account for v in document.vouchers for t in v.transactions}
    assert used == set(document.accounts)
    assert b"H\x94rnbutiken" in data  # ö in code page 437
    assert "utf" not in data.decode("cp437").lower()


def test_a_changed_byte_breaks_the_checksum(tmp_path, invoiced):
    _result, data = export(tmp_path, [day_one()])
    tampered = data.replace(b"#TRANS 1580 {} 3580.00", b"#TRANS 1580 {} 3589.00")
    assert tampered != data
    document = read_sie(tampered)
    assert document.checksum_declared != document.checksum_computed


def test_day_vouchers_are_the_z_reports_figures(tmp_path, company):
    save_plan({"sales:12:Bröd": ("3005", "Försäljning bröd, 12 % moms")})
    _result, data = export(tmp_path, [day_one(), day_two()])
    one, two = read_sie(data).vouchers
    assert one.text == "Z-rapport 41 Kassa 1 2025-03-03" and one.date == dt.date(2025, 3, 3)
    expected_one = {
        "1910": D("1249.00"),  # cash received, less the 10 kr missing when counted
        "1580": D("3580.00"), "1581": D("420.00"),
        "3001": D("-2800.00"),  # 3 000 of sales less the 200 invoiced (booked by the invoice)
        "3005": D("-1000.00"),  # the bread group's own account
        "3002": D("-400.00"), "3003": D("-180.00"),
        "2611": D("-700.00"), "2621": D("-168.00"), "2631": D("-10.80"),
        "3740": D("-0.20"), "3790": D("10.00"),
    }
    assert {t.account: t.amount for t in one.transactions} == expected_one
    assert {t.account: t.amount for t in two.transactions} == {
        "1580": D("1000.00"), "3001": D("-800.00"), "2611": D("-200.00"), "1910": D("2.50"), "3790": D("-2.50")}


def test_vat_per_rate_equals_the_invoices_vat(tmp_path, invoiced):
    _result, data = export(tmp_path, [day_one()])
    document = read_sie(data)
    vat_accounts = {"2611": 25, "2621": 12, "2631": 6}
    in_file: dict[int, Decimal] = defaultdict(Decimal)
    receivables = Decimal(0)
    for voucher in document.vouchers:
        if voucher.text.startswith(("Faktura", "Kreditfaktura")):
            for transaction in voucher.transactions:
                if transaction.account in vat_accounts:
                    in_file[vat_accounts[transaction.account]] -= transaction.amount
            receivables += voucher.on("1510")
    expected: dict[int, Decimal] = defaultdict(Decimal)
    payable = Decimal(0)
    for invoice in Invoice.select():
        sign = -1 if invoice.kind == "credit_note" else 1
        payable += sign * invoice.payable
        for vat in invoice.vat_breakdown:
            if D(vat["tax"]):
                expected[int(vat["rate"])] += sign * D(vat["tax"])
    assert dict(in_file) == dict(expected)
    assert expected[25] and expected[12] and expected[6]
    assert receivables == payable
    rounded = next(v for v in document.vouchers if v.text.startswith(f"Faktura {invoiced.second.number}"))
    assert rounded.on("3740") == -invoiced.second.rounding and invoiced.second.rounding != 0
    credit = next(v for v in document.vouchers if v.text.startswith("Kreditfaktura"))
    assert f"krediterar {invoiced.second.number}" in credit.text
    assert credit.on("1510") == -invoiced.credit.payable


def test_a_payment_is_bank_against_receivables(tmp_path, invoiced):
    store_payment("1000.00", dt.date(2025, 3, 20), "10015")
    store_payment("-50.00", dt.date(2025, 3, 21), "10023", kind="deduction")
    store_payment("75.00", dt.date(2025, 4, 1), "10031")  # after the period
    document = read_sie(export(tmp_path)[1])
    payment, deduction = [v for v in document.vouchers if "bankgiro" in v.text]
    assert {t.account: t.amount for t in payment.transactions} == {"1930": D("1000.00"), "1510": D("-1000.00")}
    assert {t.account: t.amount for t in deduction.transactions} == {"1930": D("-50.00"), "1510": D("50.00")}
    assert payment.text == "Inbetalning bankgiro ref 10015 Åkeriet Öst AB"


def test_an_unbalanced_z_report_writes_nothing(tmp_path, company):
    broken = DayVoucherInput(till="Kassa 1", date=dt.date(2025, 3, 4), z_number=42, received={"cash": D("100.00")},
                             sales=[SalesAmount(25, D("80.00"))], output_vat={25: D("19.00")})
    with pytest.raises(VoucherError, match="Z-rapport 42 Kassa 1 2025-03-04 går inte ihop.*1,00"):
        export(tmp_path, [broken])
    assert list((tmp_path / "out").iterdir()) == []  # neither the file nor a temporary one


def test_an_unknown_means_of_payment_is_named(tmp_path, company):
    odd = DayVoucherInput(till="Kassa 1", date=dt.date(2025, 3, 4), z_number=42, received={"gift_card": D("125.00")},
                          sales=[SalesAmount(25, D("100.00"))], output_vat={25: D("25.00")})
    with pytest.raises(VoucherError, match="betalsättet 'gift_card'"):
        export(tmp_path, [odd])


def test_the_period_must_be_one_fiscal_year(tmp_path, company):
    with pytest.raises(SieExportError, match="två räkenskapsår"):
        export_sie(tmp_path / "x.si", dt.date(2024, 12, 1), dt.date(2025, 1, 31), day_inputs=[])
    with pytest.raises(SieExportError, match="från-datumet ska vara först"):
        export_sie(tmp_path / "x.si", dt.date(2025, 2, 1), dt.date(2025, 1, 31), day_inputs=[])


def test_text_is_quoted_escaped_and_code_page_437(tmp_path, company):
    company.name = 'Café "Lilla" \\ Ö\tAB €'
    company.save()
    data = export(tmp_path)[1]
    document = read_sie(data)
    assert document.first("#FNAMN") == ['Café "Lilla" / Ö AB ?']
    assert document.checksum_declared == document.checksum_computed


def test_command_line_writes_the_file(tmp_path, invoiced, isolated_data_dir, monkeypatch, capsys):
    monkeypatch.setenv("KASSA_DATABASE_URL", f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}")
    target = tmp_path / "FAKT.SI"
    assert main(["export", "sie", "--from", "2025-03-01", "--to", "2025-03-31", "-o", str(target)]) == 0
    out = capsys.readouterr()
    assert "4 fakturor" in out.out and "1 kreditfakturor" in out.out
    assert "Z-rapporter är inte kopplade" not in out.err  # the register connects its Z reports (day vouchers)
    document = read_sie(target.read_bytes())
    assert len(document.vouchers) == 5
    assert document.checksum_declared == document.checksum_computed

    assert main(["export", "sie", "--from", "2025-03-01", "--to", "2026-03-31", "-o", str(target)]) == 2
    assert "två räkenskapsår" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "sie", "--from", "1 mars", "--to", "2025-03-31", "-o", str(target)])
    assert "ÅÅÅÅ-MM-DD" in capsys.readouterr().err
