"""The SIE 4I file, read back with the tests' own reader (tests/bookkeeping/sie_reader.py): its records,
checksum and text, and the vouchers of invoicing. The day vouchers from the tills' Z reports:
test_sie_day_vouchers.py."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from kassa.bookkeeping.sie_export import SieExportError, export_sie
from kassa.cli import main
from kassa.models import Invoice, PaymentFile, ReceivedPayment
from tests.bookkeeping.sie_reader import read_sie

D = Decimal
MARCH_FIRST, MARCH_LAST = dt.date(2025, 3, 1), dt.date(2025, 3, 31)


def export(tmp_path, **kwargs):
    folder = tmp_path / "out"
    folder.mkdir(exist_ok=True)
    target = folder / "KASSA.SI"
    result = export_sie(target, MARCH_FIRST, MARCH_LAST, generated=dt.date(2025, 4, 2), **kwargs)
    return result, target.read_bytes()


def store_payment(amount: str, day: dt.date, reference: str = "", kind: str = "payment") -> ReceivedPayment:
    file = PaymentFile.create(sha256=f"{len(list(PaymentFile.select())):064d}", name="test")
    return ReceivedPayment.create(file=file, key=f"{day}:{amount}:{reference}", kind=kind, pay_date=day,
                                  amount=D(amount), reference=reference, payer_name="Åkeriet Öst AB")


def test_every_voucher_balances_and_the_checksum_verifies(tmp_path, invoiced):
    store_payment("1000.00", dt.date(2025, 3, 20), "10015")
    result, data = export(tmp_path)
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

    # 4 invoices, 1 credit note, 1 payment
    assert len(document.vouchers) == 6
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
    _result, data = export(tmp_path)
    line = next(line for line in data.split(b"\r\n") if line.startswith(b"#TRANS 1510 {} "))
    tampered = data.replace(line, line[:-1] + (b"1" if line[-1:] != b"1" else b"2"), 1)
    assert tampered != data
    document = read_sie(tampered)
    assert document.checksum_declared != document.checksum_computed


def test_vat_per_rate_equals_the_invoices_vat(tmp_path, invoiced):
    _result, data = export(tmp_path)
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


def test_the_period_must_be_one_fiscal_year(tmp_path, company):
    with pytest.raises(SieExportError, match="två räkenskapsår"):
        export_sie(tmp_path / "x.si", dt.date(2024, 12, 1), dt.date(2025, 1, 31))
    with pytest.raises(SieExportError, match="från-datumet ska vara först"):
        export_sie(tmp_path / "x.si", dt.date(2025, 2, 1), dt.date(2025, 1, 31))


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
    assert "4 fakturor, 1 kreditfaktura" in out.out and out.err == ""
    document = read_sie(target.read_bytes())
    assert len(document.vouchers) == 5
    assert document.checksum_declared == document.checksum_computed

    assert main(["export", "sie", "--from", "2025-03-01", "--to", "2026-03-31", "-o", str(target)]) == 2
    assert "två räkenskapsår" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "sie", "--from", "1 mars", "--to", "2025-03-31", "-o", str(target)])
    assert "ÅÅÅÅ-MM-DD" in capsys.readouterr().err
