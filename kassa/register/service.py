"""The register as the till window uses it: one `Register` per till, headless, no Qt.

    register = Register()                     # this till (config.till_designation()), unit from settings
    register.open_day("500")                  # the cash float; a day must be open to sell
    register.add_code("7310865004703")        # scan (also "3*code"); set_quantity/set_price/set_discount(i, …)
    register.remove_line(0)                   # before payment; every change is journalled
    result = register.pay_cash("100")         # or pay_card(), pay_swish(), pay([PaymentPart(...), …])
    result.printout, result.change            # show/print the receipt (printout.open_drawer after cash)
    register.park(); register.resume(id)     # parked_sales() lists this till's parked carts
    register.void()                           # clear the sale before payment (counted as unfinished)
    register.begin_return("17")               # by number, or the scanned code "kassa-1-000017";
    register.begin_return()                   #   or without a receipt, then add_code(...)
    register.refund([PaymentPart("cash")])    # the return receipt; refund_to("card") is shorter
    register.copy("17")                       # the one copy, marked KOPIA
    register.proforma()                       # EJ KVITTO of the open cart (the cart stays)
    register.set_training(True)               # ÖVNINGSKVITTO until switched off
    register.cash_in("200", "Växel från banken"); register.cash_out("1000", "Till banken")
    register.open_drawer("Växla")             # the drawer without a sale
    register.look_up_price("7310865004703")   # a price query (journalled)
    figures = register.x_report()             # any time; register.z_report("1234,50") closes the day
    register.report_printout(figures)

Every method that registers something writes it and its journal row in one transaction and
raises `TillError` (Swedish, says what to do) when the cashier must fix something; nothing is
lost then. A payment whose control unit gives no code raises `ControlUnitUnavailable` (its text
is Swedish): nothing is stored, the cart stays, and the attempt is journalled. Calls do database
(and control-unit) I/O: the window runs them off the UI thread, one at a time per till.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kassa import config
from kassa.devices.printout import PrintLine, Printout
from kassa.models import Article, Company, Customer, ParkedSale, Receipt, RegisterDay
from kassa.models.database import write_transaction
from kassa.money import ZERO, format_sek
from kassa.register import clock, events, journal, lines, receipts, reports, returns
from kassa.register.control_unit.base import ControlUnit
from kassa.register.document import ReceiptDocument, Seller
from kassa.register.figures import DayFigures
from kassa.register.payments import CARD, CASH, SWISH, PaymentPart, PaymentPlan, plan
from kassa.register.receipt_printout import receipt_printout
from kassa.register.report_printout import report_printout
from kassa.till import Cart, CartLine, TillError, find_article, parse_decimal
from kassa.vat.rates import VatGroupError, article_rate

MAX_TILL = 16  # the register's designation in the control unit's receipt data (SKVFS 2009:2)


@dataclass(frozen=True)
class ReceiptResult:
    receipt: Receipt
    document: ReceiptDocument
    printout: Printout
    plan: PaymentPlan | None = None

    @property
    def change(self) -> Decimal:
        return self.plan.change if self.plan else ZERO


class DayNotOpen(TillError):
    """The till has no open day: the cashier opens it with the cash float first (the window asks for it)."""


def check_till(till: str) -> str:
    till = (till or "").strip()
    if not till:
        raise TillError("Kassan saknar beteckning. Ange en kassabeteckning under Inställningar → Kassa "
                        "(eller KASSA_TILL).")
    if len(till) > MAX_TILL:
        raise TillError(f"Kassabeteckningen '{till}' är längre än {MAX_TILL} tecken. Ange en kortare under "
                        "Inställningar → Kassa (eller KASSA_TILL).")
    return till


class Register:
    def __init__(self, till: str | None = None, control_unit: ControlUnit | None = None, *,
                 now: Callable[[], dt.datetime] = clock.utcnow,
                 local: Callable[[dt.datetime], dt.datetime] = clock.local) -> None:
        self.till = check_till(till if till is not None else config.till_designation())
        self._unit = control_unit
        self._unit_given = control_unit is not None
        self.now = now
        self.local = local
        self.cart = Cart(till=self.till)
        self.training = False
        self.returning = False  # the cart holds what comes back
        self.return_of: Receipt | None = None  # the receipt returned against, if any

    # --- state ------------------------------------------------------------------------------------

    @property
    def day(self) -> RegisterDay | None:
        return reports.current_day(self.till)

    def _day(self) -> RegisterDay:
        day = self.day
        if day is None:
            raise DayNotOpen("Dagen är inte öppnad. Öppna kassan med växelkassan först (Kassa → Öppna dag).")
        return day

    def _journal(self, event: str, data: dict[str, Any], *, amount: Decimal | None = None,
                 day: RegisterDay | None = None) -> None:
        with write_transaction():
            journal.append(self.till, event, data, day_id=day.id if day else None, amount=amount, at=self.now())

    def _require_empty(self, what: str) -> None:
        if not self.cart.is_empty:
            raise TillError(f"Avsluta, parkera eller avbryt den pågående försäljningen innan du {what}.")

    def today(self) -> dt.date:
        """The date of the sale, in local time (the VAT rate of an article's group is the day's)."""
        return self.local(self.now()).date()

    @property
    def unit(self) -> ControlUnit:
        """The control unit: as given, else the one chosen in the settings (built at the first receipt).
        None chosen raises ControlUnitUnavailable (Swedish: choose one, or the exemption, in the settings)."""
        if self._unit is None:
            from kassa.register.control_unit.settings import build_control_unit  # the drivers only when needed

            org = "".join(ch for ch in Company.get_solo().org_number or "" if ch.isdigit())
            self._unit = build_control_unit(org_number=org, till=self.till)
        return self._unit

    def forget_control_unit(self) -> None:
        """The settings changed (Inställningar → Kontrollenhet): build the unit from them again at the next
        receipt. A unit given to the register is kept."""
        if not self._unit_given:
            self._unit = None

    def unit_id(self) -> str:
        try:
            return self.unit.status().unit_id
        except Exception:  # no unit, or one that cannot say: the report prints without its number
            return ""

    # --- the day -----------------------------------------------------------------------------------

    def open_day(self, float_amount: Decimal | str) -> RegisterDay:
        amount = parse_decimal(str(float_amount), "Växelkassa", 2, minimum=ZERO)
        return reports.open_day(self.till, amount, self.now())

    # --- the cart ----------------------------------------------------------------------------------

    def _line_event(self, event: str, line: CartLine, index: int, **extra: Any) -> None:
        data = {"line": lines.snapshot(line, index + 1), "return": self.returning, **extra}
        self._journal(event, data, amount=line.amount_incl_vat, day=self._day())

    def add_code(self, code: str) -> CartLine:
        """A barcode or article number, optionally "3*code"; the same article again adds to its line."""
        self._day()
        self._refuse_receipt_return("lägga till artiklar")
        before = {id(line): line.quantity for line in self.cart.lines}
        line = self.cart.add_code(code, self.today())
        self._after_add(line, before)
        return line

    def add_article(self, article: Article, quantity: Decimal = Decimal("1")) -> CartLine:
        self._day()
        self._refuse_receipt_return("lägga till artiklar")
        before = {id(line): line.quantity for line in self.cart.lines}
        line = self.cart.add_article(article, quantity, self.today())
        self._after_add(line, before)
        return line

    def _after_add(self, line: CartLine, before: dict[int, Decimal]) -> None:
        index = self.cart.lines.index(line)
        if id(line) in before:
            self._line_event(events.LINE_CHANGED, line, index, before={"quantity": str(before[id(line)])})
        else:
            line.registered_at = self.now()
            self._line_event(events.LINE_ADDED, line, index)

    def _refuse_receipt_return(self, what: str) -> None:
        if self.return_of is not None:
            raise TillError(f"Vid retur mot kvitto {self.return_of.serial} går det inte att {what}: "
                            "ändra antalet på kvittots rader eller ta bort dem.")

    def _change(self, index: int, apply: Callable[[], None]) -> CartLine:
        self._day()
        line = self.cart._line(index)
        before = lines.snapshot(line, index + 1)
        apply()
        self._line_event(events.LINE_CHANGED, line, index, before=before)
        return line

    def set_quantity(self, index: int, quantity: Decimal | str) -> CartLine:
        return self._change(index, lambda: self.cart.set_quantity(index, quantity))

    def set_price(self, index: int, price: Decimal | str) -> CartLine:
        self._refuse_receipt_return("ändra priset")
        return self._change(index, lambda: self.cart.set_price(index, price))

    def set_discount(self, index: int, percent: Decimal | str) -> CartLine:
        self._refuse_receipt_return("ge rabatt")
        return self._change(index, lambda: self.cart.set_discount(index, percent))

    def remove_line(self, index: int) -> None:
        day = self._day()
        line = self.cart._line(index)
        self.cart.remove(index)
        self._journal(events.LINE_REMOVED, {"line": lines.snapshot(line, index + 1), "return": self.returning},
                      amount=line.amount_incl_vat, day=day)

    def set_customer(self, customer: Customer | None) -> None:
        """The customer of the sale (earns bonus as at the till); not a registration of its own."""
        self.cart.set_customer(customer)

    def look_up_price(self, code: str) -> Article:
        """A price query: the article, journalled (SKVFS 2021:16 ch. 17)."""
        article = find_article(code)
        if article is None:
            raise TillError(f"Ingen aktiv artikel har streckkoden eller artikelnumret {(code or '').strip()}.")
        try:
            rate = article_rate(article, self.today()).rate
        except VatGroupError as exc:
            raise TillError(str(exc)) from None
        self._journal(events.PRICE_LOOKUP, {"number": article.number, "name": article.name,
                                            "price": str(article.price), "vat_rate": rate},
                      day=self.day)
        return article

    def void(self) -> None:
        """Clear the open sale (or return) before payment; counted as unfinished on the reports."""
        if self.cart.is_empty:
            self._reset()
            return
        day = self._day()
        data = {"lines": [lines.snapshot(line, i + 1) for i, line in enumerate(self.cart.lines)],
                "total": str(lines.total(self.cart.lines)), "return": self.returning}
        self._journal(events.VOIDED, data, amount=lines.total(self.cart.lines), day=day)
        self._reset()

    def invoiced(self) -> None:
        """The open sale was invoiced (kassa.invoicing, outside the register): the cart empties without a
        receipt and without counting as unfinished. Call it once the invoice is issued."""
        if self.returning:
            raise TillError("En retur kan inte faktureras. Slutför returen med Återbetala, eller avbryt den.")
        self._reset()

    def _reset(self) -> None:
        self.cart.clear()
        self.returning = False
        self.return_of = None

    # --- parking -----------------------------------------------------------------------------------

    def park(self) -> ParkedSale:
        day = self._day()
        if self.returning:
            raise TillError("En retur kan inte parkeras. Slutför eller avbryt returen.")
        if self.cart.is_empty:
            raise TillError("Det finns ingen försäljning att parkera.")
        total = lines.total(self.cart.lines)
        with write_transaction():
            parked = ParkedSale.create(till=self.till, day=day.id, parked_at=self.now(),
                                       lines=[lines.to_data(line) for line in self.cart.lines],
                                       customer=self.cart.customer, total=total)
            journal.append(self.till, events.PARKED, {
                "parking": parked.id, "total": str(total),
                "lines": [lines.snapshot(line, i + 1) for i, line in enumerate(self.cart.lines)],
            }, day_id=day.id, amount=total, at=parked.parked_at)
        self._reset()
        return parked

    def parked_sales(self) -> list[ParkedSale]:
        return list(ParkedSale.select().where((ParkedSale.till == self.till) & (ParkedSale.status == "parked"))
                    .order_by(ParkedSale.parked_at))

    def _close_parking(self, parked_id: int, status: str, event: str) -> ParkedSale:
        day = self._day()
        with write_transaction():
            parked = ParkedSale.get_or_none((ParkedSale.id == parked_id) & (ParkedSale.till == self.till))
            taken = ParkedSale.update(status=status, closed_at=self.now()).where(
                (ParkedSale.id == parked_id) & (ParkedSale.till == self.till) & (ParkedSale.status == "parked")
            ).execute()
            if parked is None or not taken:
                raise TillError("Den parkerade försäljningen finns inte längre (redan återtagen eller raderad).")
            journal.append(self.till, event, {"parking": parked.id, "total": str(parked.total),
                                              "lines": _parked_snapshots(parked)},
                           day_id=day.id, amount=parked.total, at=self.now())
        return parked

    def resume(self, parked_id: int) -> list[CartLine]:
        """Take a parked sale back into the cart."""
        self._require_empty("tar tillbaka en parkerad försäljning")
        parked = self._close_parking(parked_id, "resumed", events.RESUMED)
        self.cart.lines = [lines.from_data(data) for data in parked.lines]
        self.cart.customer = Customer.get_or_none(Customer.id == parked.customer_id) if parked.customer_id else None
        return self.cart.lines

    def delete_parked(self, parked_id: int) -> None:
        """Give up a parked sale (counted as unfinished)."""
        self._close_parking(parked_id, "deleted", events.PARKED_DELETED)

    # --- payment -----------------------------------------------------------------------------------

    def payment_plan(self, parts: Sequence[PaymentPart]) -> PaymentPlan:
        """What `parts` would pay (rounding, change), without paying; TillError when they do not fit."""
        if self.cart.is_empty:
            raise TillError("Kundvagnen är tom. Lägg till en artikel först.")
        return plan(self.cart.totals().tax_inclusive, parts, refund=self.returning)

    def pay(self, parts: Sequence[PaymentPart], *, electronic: bool = False) -> ReceiptResult:
        """Pay the open sale (split over several means if given several) and store its receipt."""
        if self.returning:
            raise TillError("Kassan är i returläge: slutför returen med Återbetala, eller avbryt den.")
        return self._settle("sale", parts, electronic)

    def pay_cash(self, tendered: Decimal | str | None = None, *, electronic: bool = False) -> ReceiptResult:
        return self.pay([PaymentPart(CASH, tendered=tendered)], electronic=electronic)

    def pay_card(self, *, electronic: bool = False) -> ReceiptResult:
        return self.pay([PaymentPart(CARD)], electronic=electronic)

    def pay_swish(self, *, electronic: bool = False) -> ReceiptResult:
        return self.pay([PaymentPart(SWISH)], electronic=electronic)

    def _settle(self, kind: str, parts: Sequence[PaymentPart], electronic: bool) -> ReceiptResult:
        day = self._day()
        paid = self.payment_plan(parts)
        lines_now = list(self.cart.lines)
        check = (lambda: returns.check_quantities(lines_now)) if kind == "return" else None
        totals = self.cart.totals()
        bonus = ZERO if (self.training or kind == "return") else self.cart.bonus_for(self.cart.customer, paid.payable)
        doc = receipts.draft(kind, self.till, self.cart, totals, paid, training=self.training, electronic=electronic,
                             original=self.return_of)
        sale = receipts.SaleToStore(self.cart, receipts.sale_status(self.training, kind), totals, paid, bonus,
                                    refund=kind == "return")
        receipt, doc = receipts.store_receipt(doc, day=day, unit=self.unit, now=self.now, local=self.local,
                                              sale=sale, original=self.return_of,
                                              drawer=paid.has_cash,
                                              counts=receipts.Counts.of(self.cart.lines, doc), check=check)
        self._reset()
        return ReceiptResult(receipt, doc, receipt_printout(doc, open_drawer=paid.has_cash), paid)

    def proforma(self) -> ReceiptResult:
        """A pro forma receipt (EJ KVITTO) of the open sale; the sale stays open."""
        day = self._day()
        if self.cart.is_empty or self.returning:
            raise TillError("Det finns ingen försäljning att skriva ut pro forma för.")
        totals = self.cart.totals()
        doc = receipts.draft("proforma", self.till, self.cart, totals, None, training=self.training,
                             electronic=False)
        snapshot = Cart(till=self.till, lines=list(self.cart.lines), customer=self.cart.customer)
        sale = receipts.SaleToStore(snapshot, receipts.sale_status(self.training, "proforma"), totals, None)
        receipt, doc = receipts.store_receipt(doc, day=day, unit=self.unit, now=self.now, local=self.local,
                                              sale=sale,
                                              counts=receipts.Counts.of(self.cart.lines, doc))
        return ReceiptResult(receipt, doc, receipt_printout(doc))

    # --- returns -----------------------------------------------------------------------------------

    def begin_return(self, reference: str | None = None) -> list[CartLine]:
        """Return mode: against a receipt (its number or scanned code: its lines with what is left to
        return) or, with no reference, without one (scan what comes back). Then refund() or void()."""
        day = self._day()
        self._require_empty("börjar en retur")
        original = None
        loaded: list[CartLine] = []
        if reference is not None and reference.strip():
            original = receipts.find_receipt(reference, self.till)
            if original.training != self.training:
                raise TillError("Ett övningskvitto kan bara returneras i övningsläge, och ett riktigt kvitto bara "
                                "utanför övningsläget.")
            loaded = returns.returnable_lines(original)
        self.returning, self.return_of = True, original
        if loaded:
            moment = self.now()
            with write_transaction():
                for index, line in enumerate(loaded):
                    line.registered_at = moment
                    journal.append(self.till, events.LINE_ADDED, {
                        "line": lines.snapshot(line, index + 1), "return": True,
                        "receipt": original.serial if original else None,
                    }, day_id=day.id, amount=line.amount_incl_vat, at=moment)
            self.cart.lines = loaded
        return self.cart.lines

    def refund(self, parts: Sequence[PaymentPart], *, electronic: bool = False) -> ReceiptResult:
        """Pay back what the return cart holds and store the return receipt."""
        if not self.returning:
            raise TillError("Börja en retur först (Retur).")
        return self._settle("return", parts, electronic)

    def refund_to(self, method: str, *, electronic: bool = False) -> ReceiptResult:
        return self.refund([PaymentPart(method)], electronic=electronic)

    # --- receipts ----------------------------------------------------------------------------------

    def find_receipt(self, reference: str) -> Receipt:
        return receipts.find_receipt(reference, self.till)

    def receipt_printout(self, receipt: Receipt) -> Printout:
        """A stored receipt as it was printed (to show it; not a copy)."""
        return receipt_printout(receipts.document_of(receipt))

    def copy(self, reference: str, *, electronic: bool = False) -> ReceiptResult:
        """The receipt's one copy, marked KOPIA (only while its day is open: a closed day is locked)."""
        day = self._day()
        if self.training:
            raise TillError("Kvittokopior tas inte fram i övningsläge. Stäng av övningsläget först.")
        original = receipts.find_receipt(reference, self.till)
        if original.till != self.till:  # its copy is numbered in its own till's series, on that till's day
            raise TillError(f"Kvitto {original.serial} är från kassa {original.till}. Kopian tas fram i den kassan.")
        if original.kind not in ("sale", "return") or original.training:
            raise TillError(f"Kvitto {original.serial} är inget kassa- eller returkvitto och kan inte kopieras.")
        closed = receipts.day_closed(original.day_id)
        if closed is not None:
            raise TillError(f"Kvitto {original.serial} hör till en stängd dag (Z-dagrapport {closed.number}) och är "
                            "låst. Rättelser görs med en retur.")
        def no_copy_yet() -> None:
            existing = Receipt.get_or_none(Receipt.copy_of == original.id)
            if existing is not None:
                raise TillError(f"Kvitto {original.serial} har redan en kopia (löpnummer {existing.serial}). "
                                "Bara en kopia får tas fram.")

        no_copy_yet()
        source = receipts.document_of(original)
        doc = source.with_changes(kind="copy", original_kind=source.kind, original_serial=original.serial,
                                  original_created_at=original.created_at,
                                  original_control_code=original.control_code, electronic=electronic,
                                  control_code="", control_unit_id="",
                                  extra={**source.extra, "return_of": source.original_serial})
        receipt, doc = receipts.store_receipt(
            doc, day=day, unit=self.unit, now=self.now, local=self.local,
            sale_id=original.sale_id,
            copy_of=original, counts=receipts.Counts.copy_of(original), check=no_copy_yet)
        return ReceiptResult(receipt, doc, receipt_printout(doc))

    # --- cash and drawer -----------------------------------------------------------------------------

    def _cash(self, event: str, amount: Decimal | str, reason: str, title: str) -> Printout:
        day = self._day()
        value = parse_decimal(str(amount), "Belopp", 2, minimum=Decimal("0.01"))
        reason = (reason or "").strip()
        if not reason:
            raise TillError("Ange en orsak, t.ex. 'Växel från banken'.")
        if event == events.CASH_OUT:
            # One till's calls run one at a time (the window's session), so the drawer cannot change meanwhile.
            in_drawer = reports.compute(day, "X", self.now()).expected_cash
            if value > in_drawer:
                raise TillError(f"Det finns bara {format_sek(max(in_drawer, ZERO))} kr i kassalådan enligt kassan. "
                                f"Ta ut högst så mycket, eller räkna kassan (X-rapport) om det inte stämmer.")
        self._journal(event, {"amount": str(value), "reason": reason}, amount=value, day=day)
        return _slip(title, value, reason, self.till, clock.format_local(self.now()),
                     receipts.seller_of(Company.get_solo()))

    def cash_in(self, amount: Decimal | str, reason: str) -> Printout:
        """Money into the drawer (the float grows); a slip to print, which opens the drawer."""
        return self._cash(events.CASH_IN, amount, reason, "INSÄTTNING")

    def cash_out(self, amount: Decimal | str, reason: str) -> Printout:
        return self._cash(events.CASH_OUT, amount, reason, "UTTAG")

    def open_drawer(self, reason: str = "") -> Printout:
        """The drawer opened without a sale (nollförsäljning); counted on the reports."""
        day = self._day()
        self._journal(events.DRAWER_OPENED, {"reason": (reason or "").strip()}, day=day)
        return Printout((), cut=False, open_drawer=True)

    def set_training(self, on: bool) -> None:
        if on == self.training:
            return
        self._require_empty("byter övningsläge")
        self._journal(events.TRAINING, {"on": bool(on)}, day=self.day)
        self.training = bool(on)

    # --- reports -----------------------------------------------------------------------------------

    def x_report(self) -> DayFigures:
        return reports.x_report(self._day(), self.now(), self.unit_id())

    def z_report(self, counted_cash: Decimal | str) -> DayFigures:
        """Close the day with the cash counted in the drawer; the Z report's figures."""
        self._require_empty("stänger dagen")
        counted = parse_decimal(str(counted_cash), "Räknade kontanter", 2, minimum=ZERO)
        _report, figures = reports.z_report(self.till, counted, self.now(), self.unit_id())
        return figures

    def report_printout(self, figures: DayFigures, *, reprint: bool = False) -> Printout:
        return report_printout(figures, reprint=reprint)


def _parked_snapshots(parked: ParkedSale) -> list[dict[str, Any]]:
    return [lines.snapshot(lines.from_data(data), i + 1) for i, data in enumerate(parked.lines)]


def _slip(title: str, amount: Decimal, reason: str, till: str, when: str, seller: Seller) -> Printout:
    from kassa.register.layout import Lines, kr

    out = Lines()
    out.add(title, "double", "center")
    out.add(seller.name, "bold", "center")  # whose drawer, as on the receipts
    out.add(f"Org.nr {seller.org_number}", align="center")
    out.pair("Kassa", till)
    out.pair("Tid", when)
    out.pair("Belopp", kr(amount), "bold")
    out.add(f"Orsak: {reason}")
    return Printout(tuple(out.lines) + (PrintLine(""),), cut=True, open_drawer=True)
