"""The till without Qt: the cart, its totals, and paying by invoice.

Cash, card and Swish are paid through the register (kassa.register.service.Register), which
stores the sale with its receipt, its control code and its journal rows in one transaction: a
sale without a receipt cannot be made here (SKVFS 2014:9). Paying by invoice, outside the
register, issues the invoice inside the sale's transaction, so an invoice that cannot be
issued leaves no sale behind, and an issued invoice always has its sale.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from kassa.invoicing import IdCheck, InvoicingError, issue_invoice
from kassa.models import Article, Company, Customer, Invoice, Payment, Sale, SaleLine
from kassa.models.database import write_transaction
from kassa.money import ZERO, LineInput, Totals, compute_totals, round_ore
from kassa.vat.rates import VatGroupError, article_rate


class TillError(ValueError):
    """Something the cashier must fix; the message is Swedish and says what."""


class UnknownArticle(TillError):
    def __init__(self, code: str):
        self.code = code
        super().__init__(f"Ingen aktiv artikel har streckkoden eller artikelnumret {code}. "
                         "Kontrollera koden eller lägg upp artikeln under Register → Artiklar.")


def parse_decimal(text: str, what: str, decimals: int = 2, minimum: Decimal | None = None,
                  maximum: Decimal | None = None) -> Decimal:
    """A number as a Swede types it ("12,50", "1 234,5"), checked; TillError names `what`."""
    cleaned = re.sub(r"[\s\u00a0]", "", str(text or "")).replace(",", ".")
    if cleaned.lower().endswith("kr"):
        cleaned = cleaned[:-2]
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise TillError(f"{what}: '{text}' är inget tal. Skriv t.ex. 12,50.") from None
    if not value.is_finite():
        raise TillError(f"{what}: '{text}' är inget tal. Skriv t.ex. 12,50.")
    if value != value.quantize(Decimal(1).scaleb(-decimals)):
        raise TillError(f"{what} får ha högst {decimals} decimaler.")
    if minimum is not None and value < minimum:
        raise TillError(f"{what} kan inte vara mindre än {format_quantity(minimum)}.")
    if maximum is not None and value > maximum:
        raise TillError(f"{what} kan inte vara större än {format_quantity(maximum)}.")
    return value


def format_quantity(value: Decimal) -> str:
    """A quantity or percent the Swedish way, without trailing zeros: 2, 1,5, 0,25."""
    return f"{Decimal(value).normalize():f}".replace(".", ",")


@dataclass
class CartLine:
    description: str
    quantity: Decimal
    unit_price: Decimal  # as entered: incl. VAT when price_includes_vat
    vat_rate: int
    price_includes_vat: bool = True
    discount_percent: Decimal = ZERO
    unit: str = "EA"
    article_id: int | None = None
    article_number: str = ""
    price_overridden: bool = False
    vat_category: str = ""  # the article's VAT group's category (S, Z, E, O)
    vat_group_id: int | None = None
    reason_code: str = ""
    reason_text: str = ""
    is_service: bool = False
    list_price: Decimal | None = None  # the article's price when scanned (a lower price set here is a reduction)
    returned_line_id: int | None = None  # a return against a receipt: the SaleLine sold
    registered_at: dt.datetime | None = None  # when the register journalled the line (UTC)

    def line_input(self) -> LineInput:
        return LineInput(
            description=self.description, quantity=self.quantity, unit_price=self.unit_price,
            vat_rate=self.vat_rate, price_includes_vat=self.price_includes_vat,
            discount_percent=self.discount_percent, unit=self.unit, article_number=self.article_number,
            vat_category=self.vat_category, reason_code=self.reason_code, reason_text=self.reason_text,
            vat_group_id=self.vat_group_id, is_service=self.is_service,
        )

    @property
    def amount_incl_vat(self) -> Decimal:
        """What the line costs with VAT, as shown on the till (the totals are computed per rate)."""
        net = self.quantity * self.unit_price * (100 - self.discount_percent) / 100
        if not self.price_includes_vat:
            net = net * (100 + self.vat_rate) / 100
        return round_ore(net)


@dataclass
class InvoiceRequirements:
    """What the customer's category asks for before an invoice can be issued from the till."""

    id_check: bool = False  # Kräv legitimation
    claim_reference: bool = False  # Försäkringsbolag: skadenummer
    reference_missing: bool = False  # no "Er referens" on the customer
    e_invoice: bool = False  # sent through Pagero instead of printed


def invoice_requirements(customer: Customer) -> InvoiceRequirements:
    category = customer.category if customer.category_id else None
    return InvoiceRequirements(
        id_check=bool(category and category.require_id),
        claim_reference=bool(category and category.insurance_company),
        reference_missing=not (customer.reference or "").strip(),
        e_invoice=customer.sends_via_pagero,
    )


@dataclass
class SaleResult:
    sale: Sale
    method: str
    total: Decimal  # incl. VAT, before rounding
    rounding: Decimal
    payable: Decimal
    tendered: Decimal | None = None
    change: Decimal | None = None
    bonus: Decimal = ZERO
    invoice: Invoice | None = None


def find_article(code: str) -> Article | None:
    """An active article by barcode, else by article number."""
    code = (code or "").strip()
    if not code:
        return None
    article = Article.get_or_none((Article.barcode == code) & (Article.active == True))  # noqa: E712
    if article is None:
        article = Article.get_or_none((Article.number == code) & (Article.active == True))  # noqa: E712
    return article


def search_articles(text: str, limit: int = 20) -> list[Article]:
    """Active articles whose number or barcode starts with `text`, or whose name contains it.

    The article register is small (hundreds, a few thousand), so a name scan is fine here;
    customers, which can be 100,000, use kassa.customer_search instead.
    """
    text = (text or "").strip()
    if not text:
        return []
    from peewee import fn

    query = (Article.select()
             .where((Article.active == True)  # noqa: E712
                    & (Article.number.startswith(text) | Article.barcode.startswith(text)
                       | fn.LOWER(Article.name).contains(text.lower())))
             .order_by(Article.name).limit(limit))
    return list(query)


_QUANTITY_CODE = re.compile(r"^\s*(\d+(?:[.,]\d{1,3})?)\s*[*xX]\s*(\S+)\s*$")


@dataclass
class Cart:
    till: str = ""
    lines: list[CartLine] = field(default_factory=list)
    customer: Customer | None = None

    # --- lines -------------------------------------------------------------------------------

    def add_article(self, article: Article, quantity: Decimal = Decimal("1"),
                    on: dt.date | None = None) -> CartLine:
        """Add an article at the rate its VAT group has today (or `on`); the same article scanned
        again adds to its line (if not repriced)."""
        quantity = Decimal(quantity)
        if quantity <= 0:
            raise TillError("Antalet måste vara större än noll.")
        for line in self.lines:
            if (line.article_id == article.id and not line.price_overridden and not line.discount_percent
                    and line.returned_line_id is None):
                line.quantity += quantity
                return line
        try:
            rate = article_rate(article, on or dt.date.today())
        except VatGroupError as exc:
            raise TillError(str(exc)) from None
        line = CartLine(
            description=article.name, quantity=quantity, unit_price=article.price, vat_rate=rate.rate,
            price_includes_vat=article.price_includes_vat, unit=article.unit, article_id=article.id,
            article_number=article.number, vat_category=rate.category, vat_group_id=rate.group_id,
            reason_code=rate.reason_code, reason_text=rate.reason_text, is_service=bool(article.is_service),
            list_price=article.price,
        )
        self.lines.append(line)
        return line

    def add_code(self, code: str, on: dt.date | None = None) -> CartLine:
        """What the barcode field does on Enter: a barcode or article number, optionally "3*code".
        `on`: the date of the sale (the VAT rate is the article's group's on that day; default today)."""
        quantity = Decimal("1")
        match = _QUANTITY_CODE.match(code or "")
        if match:
            quantity = parse_decimal(match.group(1), "Antal", 3, minimum=Decimal("0.001"))
            code = match.group(2)
        article = find_article(code)
        if article is None:
            raise UnknownArticle((code or "").strip())
        return self.add_article(article, quantity, on)

    def _line(self, index: int) -> CartLine:
        if not 0 <= index < len(self.lines):
            raise TillError("Raden finns inte i kundvagnen.")
        return self.lines[index]

    def set_quantity(self, index: int, quantity) -> None:
        self._line(index).quantity = parse_decimal(quantity, "Antal", 3, minimum=Decimal("0.001"))

    def set_price(self, index: int, price) -> None:
        """A price override, entered the way the article's price is (normally incl. VAT)."""
        line = self._line(index)
        line.unit_price = parse_decimal(price, "Pris", 2, minimum=ZERO)
        line.price_overridden = True

    def set_discount(self, index: int, percent) -> None:
        self._line(index).discount_percent = parse_decimal(percent, "Rabatt", 2, minimum=ZERO, maximum=Decimal(100))

    def remove(self, index: int) -> None:
        self._line(index)
        del self.lines[index]

    def clear(self) -> None:
        self.lines.clear()
        self.customer = None

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def set_customer(self, customer: Customer | None) -> None:
        self.customer = customer

    def copy(self) -> Cart:
        """An independent cart with the same lines (an invoice is issued from such a copy)."""
        return Cart(till=self.till, lines=[replace(line) for line in self.lines], customer=self.customer)

    # --- totals ------------------------------------------------------------------------------

    def totals(self, round_to_krona: bool = False) -> Totals:
        return compute_totals([line.line_input() for line in self.lines], round_to_krona=round_to_krona)

    def cash_totals(self) -> Totals:
        """Cash is always rounded to whole kronor (öresavrundning): there are no öre coins."""
        return self.totals(round_to_krona=True)

    # --- payment -----------------------------------------------------------------------------

    def _require_lines(self) -> None:
        if self.is_empty:
            raise TillError("Kundvagnen är tom. Lägg till en artikel först.")

    def _bonus(self, customer: Customer | None, amount: Decimal) -> Decimal:
        if customer is None:
            return ZERO
        company = Company.get_solo()
        category = customer.category if customer.category_id else None
        if not company.bonus_rate or (category is not None and category.no_bonus):
            return ZERO
        return round_ore(amount * company.bonus_rate / 100)

    def _store_lines(self, sale: Sale) -> None:
        SaleLine.insert_many([
            dict(sale=sale, position=position, article=line.article_id, description=line.description,
                 quantity=line.quantity, unit=line.unit, unit_price=line.unit_price,
                 price_includes_vat=line.price_includes_vat, discount_percent=line.discount_percent,
                 vat_rate=line.vat_rate, is_service=line.is_service, returned_line=line.returned_line_id)
            for position, line in enumerate(self.lines, start=1)
        ]).execute()

    def store_sale(self, *, status: str, totals: Totals, customer: Customer | None, rounding: Decimal,
                   bonus: Decimal, payments: list[dict]) -> Sale:
        """Sale, lines and payments (dicts of Payment's fields); call inside a write transaction.

        Only the register (kassa.register.receipts.store_receipt) calls this, with the sale's receipt
        in the same transaction: a sale paid in cash, by card or Swish never stands without its receipt.
        """
        sale = Sale.create(till=self.till, customer=customer, status=status, total=totals.tax_inclusive,
                           rounding=rounding, bonus_earned=bonus)
        self._store_lines(sale)
        if payments:
            Payment.insert_many([dict(payment, sale=sale) for payment in payments]).execute()
        return sale

    def credit_bonus(self, customer: Customer | None, bonus: Decimal) -> None:
        """Add `bonus` to the customer's balance; call inside the sale's write transaction."""
        self._credit_bonus(customer, bonus)

    def bonus_for(self, customer: Customer | None, amount: Decimal) -> Decimal:
        """The bonus `customer` earns on `amount` (the company's rate, unless the category says no)."""
        return self._bonus(customer, amount)

    def _credit_bonus(self, customer: Customer | None, bonus: Decimal) -> None:
        if customer is not None and bonus:
            Customer.update(bonus_balance=Customer.bonus_balance + bonus).where(Customer.id == customer.id).execute()

    def pay_invoice(self, customer: Customer | None = None, buyer_reference: str | None = None,
                    claim_reference: str = "", id_check: IdCheck | None = None) -> SaleResult:
        """Invoice: the sale and the invoice in one transaction. InvoicingError/TillError leave nothing.

        issue_invoice applies the category (ID check, claim reference, fee, bonus) and credits the bonus.
        """
        self._require_lines()
        customer = customer or self.customer
        if customer is None:
            raise TillError("Välj en kund innan du fakturerar (F7 kräver en kund).")
        customer = Customer.get_by_id(customer.id)  # the category as it is now, not as it was when chosen
        totals = self.totals()
        with write_transaction():
            sale = Sale.create(till=self.till, customer=customer, status="invoiced", total=totals.tax_inclusive)
            invoice = issue_invoice(
                customer, [line.line_input() for line in self.lines], sale=sale, buyer_reference=buyer_reference,
                claim_reference=claim_reference, id_check=id_check, till=self.till,
            )
            self._store_lines(sale)
            Sale.update(total=invoice.tax_inclusive, rounding=invoice.rounding,
                        bonus_earned=invoice.bonus_earned).where(Sale.id == sale.id).execute()
            Payment.create(sale=sale, method="invoice", amount=invoice.payable)
        self.clear()
        sale = Sale.get_by_id(sale.id)
        return SaleResult(sale, "invoice", invoice.tax_inclusive, invoice.rounding, invoice.payable,
                          bonus=invoice.bonus_earned, invoice=invoice)


__all__ = [
    "Cart", "CartLine", "IdCheck", "InvoiceRequirements", "InvoicingError", "SaleResult", "TillError",
    "UnknownArticle", "find_article", "format_quantity", "invoice_requirements", "parse_decimal",
    "search_articles",
]
