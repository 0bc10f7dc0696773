"""The receipt data of SKVFS 2009:2 as sent: formats, and refusals in Swedish before anything is sent."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from kassa.register.control_unit.base import ControlUnitUnavailable
from kassa.register.control_unit.receipt_format import (
    InvalidReceiptData,
    format_amount,
    format_date,
    parse_amount,
    receipt_fields,
)
from tests.register.control_unit.units import receipt


@pytest.mark.parametrize("value, text", [
    ("10", "10,00"), ("10.5", "10,50"), ("0", "0,00"), ("-0.00", "0,00"), ("-10.00", "-10,00"),
    ("1234567.89", "1234567,89"), ("99999999999.99", "99999999999,99"),
])
def test_amounts_have_a_decimal_comma_and_two_decimals(value, text):
    assert format_amount(Decimal(value)) == text
    assert parse_amount(text) == Decimal(value)


def test_the_date_is_yyyymmddhhmm():
    assert format_date(dt.datetime(2026, 3, 9, 7, 5, 59)) == "202603090705"


def test_fields_of_a_normal_receipt():
    fields = receipt_fields(receipt(42, sale="249.50", vat=(("25", "37.40"), ("12", "5.36"), ("6", "2.83"))))
    assert fields == {
        "PosId": "KASSA-1", "OrgNo": "5566778899", "Date": "202605041230", "ReceiptId": "42",
        "ReceiptType": "normal", "ReceiptTotal": "249,50", "NegativeTotal": "0,00",
        "VatList": [(1, "25,00", "37,40"), (2, "12,00", "5,36"), (3, "6,00", "2,83")],
    }


def test_a_return_receipt_has_a_negative_total_the_absolute_return_amount_and_negative_vat():
    fields = receipt_fields(receipt(43, sale="0.00", returned="100.00", vat=(("25", "-20.00"),)))
    assert fields["ReceiptTotal"] == "-100,00"
    assert fields["NegativeTotal"] == "100,00"
    assert fields["VatList"] == [(1, "25,00", "-20,00")]


def test_an_unusual_rate_takes_the_lowest_free_vat_class():
    fields = receipt_fields(receipt(44, vat=(("25", "20.00"), ("7.5", "1.00"))))
    assert fields["VatList"] == [(1, "25,00", "20,00"), (2, "7,50", "1,00")]


@pytest.mark.parametrize("change, words", [
    ({"org_number": "556677889"}, "tio siffror"),
    ({"org_number": "556677-8899"}, "tio siffror"),
    ({"org_number": "5566778898"}, "kontrollsiffra"),
    ({"till": "KASSA-NUMMER-ETT-2"}, "högst 16"),
    ({"till": ""}, "saknar beteckning"),
    ({"till": "Kassa€1"}, "ISO-8859-1"),
    ({"till": "KASSA\n1"}, "styrtecken"),
    ({"serial": 0}, "löpnummer"),
    ({"serial": 10**12}, "löpnummer"),
    ({"kind": "retur"}, "Kvittotypen"),
    ({"sale_amount": Decimal("10.005")}, "två decimaler"),
    ({"sale_amount": 10.5}, "Decimal"),
    ({"sale_amount": Decimal("NaN")}, "inte ett tal"),
    ({"sale_amount": Decimal("100000000000.00")}, "för stort"),
    ({"sale_amount": Decimal("-5.00")}, "utan minustecken"),
    ({"return_amount": Decimal("-5.00")}, "utan minustecken"),
    ({"vat": tuple((Decimal(r), Decimal("1.00")) for r in ("25", "12", "6", "0", "3"))}, "högst 4"),
    ({"vat": ((Decimal("25"), Decimal("1.00")), (Decimal("25"), Decimal("2.00")))}, "två gånger"),
    ({"vat": ((Decimal("125"), Decimal("1.00")),)}, "mellan 0 och 100"),
])
def test_bad_receipt_data_are_refused_in_swedish(change, words):
    data = dataclasses.replace(receipt(1), **change)
    with pytest.raises(InvalidReceiptData) as caught:
        receipt_fields(data)
    assert words in str(caught.value)
    assert isinstance(caught.value, ControlUnitUnavailable)  # the register treats it as: no code, sale open
