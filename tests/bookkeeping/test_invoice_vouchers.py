"""An invoice's voucher books what the VAT return needs: amounts in kronor whatever the invoice's currency,
and sales per VAT category on their own BAS accounts (intra-EU goods 3108, services to another EU country
3308, exports 3105, reverse charge within Sweden 3231), so that the boxes of the VAT return can be read
from the books; an invoice and all its credit notes leave every account at zero."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kassa.bookkeeping.accounts import AccountPlan
from kassa.bookkeeping.ledger_vouchers import invoice_voucher
from kassa.invoicing import credit_invoice, issue_invoice
from kassa.models import Article, Invoice
from kassa.money import LineInput
from kassa.till import Cart
from tests.peppol.ubl_documents import make_customer
from tests.vat.vat_documents import GERMAN, NORWEGIAN, SWEDISH_BUILDER, group

D = Decimal
DAY = dt.date(2026, 11, 2)


def booked(invoice: Invoice) -> dict[str, Decimal]:
    voucher = invoice_voucher(invoice, AccountPlan.load())
    return {t.account.number: t.amount for t in voucher.transactions}


def test_an_invoice_in_euro_is_booked_in_kronor(company):
    invoice = issue_invoice(make_customer(), [LineInput("Termos", D(3), D("19.99"), 25)], issue_date=DAY,
                            currency="EUR", exchange_rate=D("11.4523"), exchange_rate_date=DAY)
    assert (invoice.tax_exclusive, invoice.tax_total, invoice.tax_total_sek) == (D("59.97"), D("14.99"), D("171.67"))
    assert booked(invoice) == {"1510": D("858.46"), "3001": D("-686.79"), "2611": D("-171.67")}


def test_goods_and_services_to_an_eu_business_and_exports_have_their_own_accounts(company):
    thermos = Article.create(number="200", name="Termos", price=D("100.00"), price_includes_vat=False,
                             vat_group=group("standard"))
    hour = Article.create(number="202", name="Konsulttimme", price=D("950.00"), price_includes_vat=False,
                          vat_group=group("standard"), unit="HUR", is_service=True)
    cart = Cart()
    cart.add_article(thermos, D(2))
    cart.add_article(hour, D(1))
    german = issue_invoice(make_customer(**dict(GERMAN, vat_treatment="K")), [ln.line_input() for ln in cart.lines],
                           issue_date=DAY, currency="EUR", exchange_rate=D("11.5"), exchange_rate_date=DAY)
    assert booked(german) == {"1510": D("13225.00"), "3108": D("-2300.00"), "3308": D("-10925.00")}
    norwegian = issue_invoice(make_customer(**dict(NORWEGIAN, vat_treatment="G")),
                              [LineInput("Termos", D(2), D("100.00"), 0, vat_group_id=group("standard").id)],
                              issue_date=DAY, currency="NOK", exchange_rate=D("0.9512"), exchange_rate_date=DAY)
    assert booked(norwegian) == {"1510": D("190.24"), "3105": D("-190.24")}
    builder = issue_invoice(make_customer(**dict(SWEDISH_BUILDER, vat_treatment="AE")),
                            [LineInput("Rivning", D(8), D("650.00"), 0, vat_group_id=group("standard").id)],
                            issue_date=DAY)
    assert booked(builder) == {"1510": D("5200.00"), "3231": D("-5200.00")}


def test_an_invoice_in_euro_and_all_its_credit_notes_leave_every_account_at_zero(company):
    invoice = issue_invoice(make_customer(), [LineInput("Skruv", D("7"), D("0.3333"), 25),
                                              LineInput("Bok", D("3"), D("9.99"), 6)],
                            issue_date=DAY, currency="EUR", exchange_rate=D("11.4523"), exchange_rate_date=DAY)
    screw, book = invoice.item_lines
    notes = [credit_invoice(invoice, {screw.id: D(1), book.id: D(1)}, issue_date=DAY) for _ in range(3)]
    notes.append(credit_invoice(invoice, issue_date=DAY))
    total: dict[str, Decimal] = dict(booked(invoice))
    for note in notes:
        for account, amount in booked(note).items():
            total[account] = total.get(account, D(0)) + amount
    assert {account: amount for account, amount in total.items() if amount} == {}
