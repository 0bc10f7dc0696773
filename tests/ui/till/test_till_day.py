"""A day at the till, driven through the window with the keyboard only, with the control-unit emulator
over HTTP and a TCP listener as the receipt printer: cash, card, Swish, a split payment, a return with
and without a receipt, a copy, training receipts, a parked and a voided sale, cash in and out, the
drawer opened without a sale; then the Z report. The test keeps its own record of what it did (the
amounts it scanned, discounted and paid, the serial numbers the till showed it) and computes every figure of
SKVFS 2014:9 7 kap. 3 § from that record; each must equal the Z report's, stored and printed."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QMessageBox

from kassa.models import Article, ZReport
from kassa.money import format_sek
from kassa.register.figures import CountAmount, DayFigures, MeansFigure, VatFigure
from kassa.ui.day_dialogs import CashMoveDialog, CloseDayDialog
from kassa.ui.printout_view import PrintoutDialog
from kassa.ui.returns import QUANTITY, ReturnDialog
from tests.factories import COFFEE, MUG, scan, type_and_enter, type_text, wait_for_window
from tests.ui.till.keys import CTRL, SHIFT, close, confirm, key, printed, receipt_shown

ALT = Qt.KeyboardModifier.AltModifier
ORE = Decimal("0.01")
FLOAT = Decimal("500.00")
# The shop's articles as the cashier knows them from the shelf (tests/ui/conftest.py): price incl. VAT, rate.
PRICES = {COFFEE: (Decimal("54.90"), 12), MUG: (Decimal("79.00"), 25)}
SERVICE = "300"  # Montering: 400 kr excl. 25 % VAT per hour, a service


def money(value: Decimal) -> Decimal:
    return value.quantize(ORE, ROUND_HALF_UP)


def krona(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1"), ROUND_HALF_UP).quantize(ORE)


@dataclass
class Line:
    gross: Decimal  # incl. VAT
    rate: int
    quantity: Decimal
    service: bool = False
    net: Decimal | None = None  # known exactly for a price excl. VAT
    discount: Decimal = Decimal("0.00")  # taken off by a discount percent (r)
    reduction: Decimal = Decimal("0.00")  # below the shelf price, the price typed over (s)


@dataclass
class Slip:
    """One receipt as the test made it: its lines, and the money by means (refunds positive)."""

    kind: str  # sale | return
    lines: list[Line]
    paid: dict[str, Decimal]
    training: bool = False

    @property
    def total(self) -> Decimal:
        return sum((line.gross for line in self.lines), Decimal("0.00"))

    @property
    def payable(self) -> Decimal:
        return sum(self.paid.values(), Decimal("0.00"))

    def vat(self) -> dict[int, tuple[Decimal, Decimal]]:
        """(taxable, tax) per rate, as a Swedish receipt states it: VAT on the sum per rate; prices incl.
        VAT split into the net whose rounded VAT gives the gross back."""
        out: dict[int, tuple[Decimal, Decimal]] = {}
        for rate in {line.rate for line in self.lines}:
            incl = sum((line.gross for line in self.lines if line.rate == rate and line.net is None), Decimal("0"))
            excl = sum((line.net for line in self.lines if line.rate == rate and line.net is not None), Decimal("0"))
            net = money(incl * 100 / (100 + rate))
            for candidate in (net, net - ORE, net + ORE):
                if candidate + money(candidate * rate / 100) == incl:
                    net = candidate
                    break
            taxable = net + excl
            out[rate] = (taxable, money(taxable * rate / 100))
        return out


@dataclass
class Record:
    slips: list[Slip] = field(default_factory=list)
    copies: list[Decimal] = field(default_factory=list)  # the payable of each receipt copied
    unfinished: list[Decimal] = field(default_factory=list)  # voided, or still parked at the close
    cash_in: Decimal = Decimal("0.00")
    cash_out: Decimal = Decimal("0.00")
    drawer_without_sale: int = 0
    serials: dict[str, int] = field(default_factory=dict)  # what the till showed: "Kvitto N"

    def real(self, kind: str) -> list[Slip]:
        return [s for s in self.slips if s.kind == kind and not s.training]

    @staticmethod
    def cut(slips: list[Slip], what: str) -> CountAmount:
        """Receipts with a discount (or a reduction), and how much it took off."""
        amounts = [sum((getattr(line, what) for line in s.lines), Decimal("0.00")) for s in slips]
        return CountAmount(sum(1 for a in amounts if a), sum(amounts, Decimal("0.00")))

    def expected(self, counted: Decimal) -> dict[str, object]:
        sales, returns = self.real("sale"), self.real("return")
        sales_total = sum((s.total for s in sales), Decimal("0.00"))
        returns_total = sum((s.total for s in returns), Decimal("0.00"))
        services = sum((line.gross for s in sales for line in s.lines if line.service), Decimal("0.00")) - sum(
            (line.gross for s in returns for line in s.lines if line.service), Decimal("0.00"))
        vat: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
        for slip in sales + returns:
            sign = 1 if slip.kind == "sale" else -1
            for rate, (taxable, tax) in slip.vat().items():
                vat[rate][0] += sign * taxable
                vat[rate][1] += sign * tax
        means = {}
        for method in ("cash", "card", "swish"):
            means[method] = MeansFigure(method, sum((s.paid.get(method, Decimal("0.00")) for s in sales),
                                                   Decimal("0.00")),
                                        sum((s.paid.get(method, Decimal("0.00")) for s in returns), Decimal("0.00")))
        rounding = sum((s.payable - s.total for s in sales), Decimal("0.00")) - sum(
            (s.payable - s.total for s in returns), Decimal("0.00"))
        training = [s for s in self.slips if s.training]
        cash_receipts = [s for s in self.slips if "cash" in s.paid]  # each opened the drawer, training too
        expected_cash = FLOAT + self.cash_in - self.cash_out + means["cash"].net
        return {
            "sales": sales_total,
            "returns": CountAmount(len(returns), returns_total),
            "net_sales": sales_total - returns_total,
            "goods_amount": sales_total - returns_total - services,
            "services_amount": services,
            "vat": tuple(VatFigure(rate, taxable, tax) for rate, (taxable, tax) in sorted(vat.items(), reverse=True)),
            "float_amount": FLOAT,
            "cash_in": self.cash_in,
            "cash_out": self.cash_out,
            "goods_sold": sum((line.quantity for s in sales for line in s.lines if not line.service), Decimal("0")),
            "services_sold": sum((line.quantity for s in sales for line in s.lines if line.service), Decimal("0")),
            "receipts": len(sales),
            "drawer_openings": len(cash_receipts) + self.drawer_without_sale + 2,  # and the cash in, the cash out
            "copies": CountAmount(len(self.copies), sum(self.copies, Decimal("0.00"))),
            "training": CountAmount(len(training), sum((s.payable for s in training), Decimal("0.00"))),
            "means": tuple(means.values()),
            "discounts": self.cut(sales, "discount"),
            "reductions": self.cut(sales, "reduction"),
            "unfinished": CountAmount(len(self.unfinished), sum(self.unfinished, Decimal("0.00"))),
            "proforma": CountAmount(0, Decimal("0.00")),
            "rounding": rounding,
            "grand_total_sales": sales_total,  # the till's first day
            "grand_total_returns": returns_total,
            "grand_total_net": sales_total - returns_total,
            "invoiced": CountAmount(0, Decimal("0.00")),
            "expected_cash": expected_cash,
            "counted_cash": counted,
            "cash_difference": counted - expected_cash,
        }


def shelf(code: str, quantity: int = 1) -> Line:
    price, rate = PRICES[code]
    return Line(price * quantity, rate, Decimal(quantity))


def serial_of(dialog) -> int:
    """The number the till shows on the receipt window ("Kvitto 4", "Returkvitto 5")."""
    return int(dialog.windowTitle().split()[-1])


def done_with(qtbot, dialog) -> int:
    printed(qtbot, dialog)
    number = serial_of(dialog)
    close(qtbot, dialog)
    return number


def edit(qtbot, till, move: Qt.Key, column: int, text: str) -> None:
    """In the cart: an arrow key to the line, the arrows to the column, F2, the new value, Enter."""
    qtbot.keyClick(till.table, move)
    while till.table.currentIndex().column() != column:
        qtbot.keyClick(till.table, Qt.Key.Key_Right if till.table.currentIndex().column() < column
                       else Qt.Key.Key_Left)
    qtbot.keyClick(till.table, Qt.Key.Key_F2)
    editor = till.table.focusWidget()
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.table.state() != QAbstractItemView.State.EditingState)
    qtbot.waitUntil(lambda: not till.session.busy)  # the register has it, journalled


def test_a_day_at_the_till_by_keyboard_and_its_z_report(qtbot, till, unit_chosen, printer_chosen):
    Article.update(is_service=True).where(Article.number == SERVICE).execute()  # Montering is a service
    record = Record()

    # 1. Cash: coffee and a mug, 133,90 kr, paid with 200: 134 kr in cash (rounded), 66 kr back.
    scan(qtbot, till, COFFEE)
    scan(qtbot, till, MUG)
    key(qtbot, till, Qt.Key.Key_F5)
    cash = wait_for_window(qtbot, "cashDialog")
    qtbot.waitUntil(cash.tendered.hasFocus)
    type_and_enter(qtbot, cash.tendered, "200")
    dialog = receipt_shown(qtbot)
    assert dialog.headline.text() == f"Växel: {format_sek(Decimal('66'))} kr"
    record.slips.append(Slip("sale", [shelf(COFFEE), shelf(MUG)], {"cash": krona(Decimal("133.90"))}))
    record.serials["cash"] = done_with(qtbot, dialog)

    # 2. Card: two coffees.
    scan(qtbot, till, "2*" + COFFEE)
    key(qtbot, till, Qt.Key.Key_F6)
    confirm(qtbot, "cardDialog")
    record.slips.append(Slip("sale", [shelf(COFFEE, 2)], {"card": Decimal("109.80")}))
    record.serials["card"] = done_with(qtbot, receipt_shown(qtbot))

    # 3. Swish: an hour's Montering, a service priced without VAT.
    scan(qtbot, till, SERVICE)
    key(qtbot, till, Qt.Key.Key_F8)
    confirm(qtbot, "swishDialog")
    record.slips.append(Slip("sale", [Line(Decimal("500.00"), 25, Decimal(1), service=True, net=Decimal("400.00"))],
                             {"swish": Decimal("500.00")}))
    done_with(qtbot, receipt_shown(qtbot))

    # 4. Split: 50 kr on the card, 20 kr by Swish, the rest in cash (63,90 rounded to 64) from 100 kr.
    scan(qtbot, till, MUG)
    scan(qtbot, till, COFFEE)
    key(qtbot, till, Qt.Key.Key_F11)
    split = wait_for_window(qtbot, "splitDialog")
    qtbot.waitUntil(split.card.hasFocus)
    qtbot.keyClicks(split.card, "50")
    qtbot.keyClick(split.card, Qt.Key.Key_Tab)
    qtbot.keyClicks(split.swish, "20")
    qtbot.keyClick(split.swish, Qt.Key.Key_Tab)
    type_and_enter(qtbot, split.tendered, "100")
    record.slips.append(Slip("sale", [shelf(MUG), shelf(COFFEE)],
                             {"card": Decimal("50.00"), "swish": Decimal("20.00"),
                              "cash": krona(Decimal("133.90") - 70)}))
    done_with(qtbot, receipt_shown(qtbot))

    # 4b. Card, after two edits in the cart: 10 % off the coffee, the mug's price typed down to 70 kr.
    scan(qtbot, till, COFFEE)
    scan(qtbot, till, MUG)
    till.activateWindow()  # the receipt window has closed
    qtbot.waitUntil(till.isActiveWindow)
    qtbot.keyClick(till.code_field, Qt.Key.Key_Tab)  # into the cart, on the last line scanned
    qtbot.waitUntil(till.table.hasFocus)
    assert till.table.currentIndex().row() == 1
    edit(qtbot, till, Qt.Key.Key_Up, 3, "10")  # the coffee's Rabatt %
    edit(qtbot, till, Qt.Key.Key_Down, 2, "70")  # the mug's À-pris
    assert till.total_label.text() == f"{format_sek(Decimal('119.41'))} kr"
    qtbot.keyClick(till.table, Qt.Key.Key_Escape)  # back to the code field
    key(qtbot, till, Qt.Key.Key_F6)
    confirm(qtbot, "cardDialog")
    record.slips.append(Slip("sale", [Line(Decimal("49.41"), 12, Decimal(1), discount=Decimal("5.49")),
                                      Line(Decimal("70.00"), 25, Decimal(1), reduction=Decimal("9.00"))],
                             {"card": Decimal("119.41")}))
    done_with(qtbot, receipt_shown(qtbot))

    # 5. A return against the card receipt: one of its two coffees, back to the card.
    key(qtbot, till, Qt.Key.Key_R, CTRL)
    back = wait_for_window(qtbot, "returnDialog", ReturnDialog)
    qtbot.waitUntil(back.receipt_edit.hasFocus)
    type_and_enter(qtbot, back.receipt_edit, str(record.serials["card"]))
    qtbot.waitUntil(lambda: back.model.rowCount() == 1 and back.table.hasFocus())
    assert back.table.currentIndex().column() == QUANTITY and back.means_combo.currentData() == "card"
    qtbot.keyClick(back.table, Qt.Key.Key_1)  # the quantity: 1 instead of 2
    qtbot.keyClick(back.table.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: back.model.index(0, QUANTITY).data() == "1")
    qtbot.keyClick(back.table, Qt.Key.Key_Tab)  # to Återbetala med: Kort, as paid
    qtbot.keyClick(back.means_combo, Qt.Key.Key_Return)
    record.slips.append(Slip("return", [shelf(COFFEE)], {"card": Decimal("54.90")}))
    done_with(qtbot, receipt_shown(qtbot))

    # 6. A return without a receipt: a mug, paid back in cash.
    key(qtbot, till, Qt.Key.Key_R, CTRL)
    back = wait_for_window(qtbot, "returnDialog", ReturnDialog)
    qtbot.waitUntil(back.receipt_edit.hasFocus)
    qtbot.keyClick(back, Qt.Key.Key_U, ALT)  # Utan kvitto
    qtbot.waitUntil(back.code_edit.hasFocus)
    type_and_enter(qtbot, back.code_edit, MUG)
    qtbot.waitUntil(lambda: back.model.rowCount() == 1)
    qtbot.keyClick(back.code_edit, Qt.Key.Key_Tab)
    qtbot.keyClick(back.table, Qt.Key.Key_Tab)
    assert back.means_combo.hasFocus() and back.means_combo.currentText() == "Kontant"  # nothing paid to go by
    qtbot.keyClick(back.means_combo, Qt.Key.Key_Return)
    record.slips.append(Slip("return", [shelf(MUG)], {"cash": krona(Decimal("79.00"))}))
    done_with(qtbot, receipt_shown(qtbot))

    # 7. A copy of the cash receipt (its original came out of the printer).
    key(qtbot, till, Qt.Key.Key_K, CTRL)
    copy = wait_for_window(qtbot, "copyDialog")
    qtbot.waitUntil(copy.field.hasFocus)
    qtbot.keyClick(copy.field, Qt.Key.Key_A, CTRL)
    type_and_enter(qtbot, copy.field, str(record.serials["cash"]))
    record.copies.append(record.slips[0].payable)
    done_with(qtbot, receipt_shown(qtbot))

    # 8. Training: a coffee by card and a mug in cash, ÖVNINGSKVITTO, counted only as training.
    key(qtbot, till, Qt.Key.Key_T, CTRL)
    qtbot.waitUntil(lambda: till.sale_actions.state_label.isVisible())
    scan(qtbot, till, COFFEE)
    key(qtbot, till, Qt.Key.Key_F6)
    confirm(qtbot, "cardDialog")
    record.slips.append(Slip("sale", [shelf(COFFEE)], {"card": Decimal("54.90")}, training=True))
    done_with(qtbot, receipt_shown(qtbot))
    scan(qtbot, till, MUG)
    key(qtbot, till, Qt.Key.Key_F5)
    confirm(qtbot, "cashDialog")  # exactly
    record.slips.append(Slip("sale", [shelf(MUG)], {"cash": Decimal("79.00")}, training=True))
    done_with(qtbot, receipt_shown(qtbot))
    key(qtbot, till, Qt.Key.Key_T, CTRL)
    qtbot.waitUntil(lambda: not till.sale_actions.state_label.isVisible())

    # 9. A sale parked and never taken back; 10. a sale voided.
    scan(qtbot, till, COFFEE)
    key(qtbot, till, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: till.model.rowCount() == 0)
    record.unfinished.append(Decimal("54.90"))
    scan(qtbot, till, MUG)
    key(qtbot, till, Qt.Key.Key_F9)
    box = wait_for_window(qtbot, "voidBox", QMessageBox)
    qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)  # Avbryt köpet
    qtbot.waitUntil(lambda: till.model.rowCount() == 0 and "avbrutet" in till.message.text())
    record.unfinished.append(Decimal("79.00"))

    # 11. Cash in and out, each with its slip (and the drawer).
    for keys, name, amount, reason in ((Qt.Key.Key_I, "cashInDialog", "200", "Växel från banken"),
                                       (Qt.Key.Key_O, "cashOutDialog", "100", "Till banken")):
        key(qtbot, till, keys, CTRL | SHIFT)
        move = wait_for_window(qtbot, name, CashMoveDialog)
        qtbot.waitUntil(move.amount_edit.edit.hasFocus)
        qtbot.keyClicks(move.amount_edit.edit, amount)
        qtbot.keyClick(move.amount_edit.edit, Qt.Key.Key_Tab)
        type_text(qtbot, move.reason_edit.edit, reason)  # å, ä, ö as a Swedish keyboard sends them
        qtbot.keyClick(move.reason_edit.edit, Qt.Key.Key_Return)
        done_with_slip = receipt_shown(qtbot)
        qtbot.waitUntil(lambda slip=done_with_slip: "skrevs ut" in slip.status.text(), timeout=10_000)
        close(qtbot, done_with_slip)
    record.cash_in, record.cash_out = Decimal("200.00"), Decimal("100.00")

    # 12. The drawer opened without a sale.
    key(qtbot, till, Qt.Key.Key_L, CTRL)
    qtbot.waitUntil(lambda: "Kassalådan öppnades" in till.message.text(), timeout=10_000)
    record.drawer_without_sale += 1

    # 13. The Z report: the expected cash shown before the count; 4 kr short.
    counted = Decimal("715.00")
    expected = record.expected(counted)
    key(qtbot, till, Qt.Key.Key_D, CTRL | SHIFT)
    closing = wait_for_window(qtbot, "closeDayDialog", CloseDayDialog)
    qtbot.waitUntil(closing.counted_edit.edit.hasFocus)
    assert closing.expected.text() == f"{format_sek(expected['expected_cash'])} kr"
    type_and_enter(qtbot, closing.counted_edit.edit, "715")
    report = wait_for_window(qtbot, "printoutDialog", PrintoutDialog, timeout=10_000)
    assert report.windowTitle() == "Z-dagrapport 1"

    stored = DayFigures.from_data(ZReport.get().figures)
    got = {name: getattr(stored, name) for name in expected}
    assert got == expected
    assert (stored.kind, stored.number, stored.till, stored.day_number) == ("Z", 1, "Kassa 1", 1)
    assert stored.control_unit_id == unit_chosen.state.snapshot()["unit_id"]
    assert stored.balances()
    # What the report says on screen, line by line, for the figures a cashier reads first.
    lines = report.text().splitlines()
    for label, amount in (("Total försäljning", expected["net_sales"]), ("Kontanter enligt kassan",
                                                                          expected["expected_cash"]),
                          ("Räknade kontanter", counted), ("Kassadifferens", expected["cash_difference"]),
                          ("Grand total netto", expected["grand_total_net"])):
        assert any(line.startswith(label) and line.endswith(format_sek(amount)) for line in lines), label
    assert any(line.startswith("Antal lådöppningar") and line.endswith(f" {expected['drawer_openings']}")
               for line in lines)
    close(qtbot, report)
