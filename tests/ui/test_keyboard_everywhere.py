"""Every dialog of the application, opened the way a cashier opens it, and driven by the Tab key:
the focus starts in an input (never on a button, where a typed space would press it), and Tab
visits every input once, in the order the eye reads them (down a column, left to right along a row,
on to the next column), never jumping back up; no two visible widgets share an Alt letter, and no label
shows a literal "&" meant as a shortcut.

The dialogs are found, not listed: every QDialog subclass in kassa.ui must have an opener in OPENERS
below, or this test fails and says which one is missing. A window added later is covered by adding
one function that opens it.
"""
from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QTableView,
    QWidget,
    QWizard,
)

import kassa.ui
from kassa.ui.focus import is_input
from tests.factories import COFFEE, MUG, close_all_dialogs, wait_for_window
from tests.factories import scan as scan_at_till
from tests.ui.mnemonics import shared_mnemonics

# Bases that are never opened on their own.
ABSTRACT = {"kassa.ui.payment_dialogs._FormDialog", "kassa.ui.register_dialog.RecordDialog",
            "kassa.ui.register_dialog.RegisterDialog", "kassa.ui.day_dialogs._DayForm",
            "kassa.ui.period_export.PeriodExportDialog"}


@functools.cache
def dialog_classes() -> dict[str, type]:
    """Every QDialog subclass defined in a kassa.ui module, by its qualified name."""
    found = {}
    for info in pkgutil.walk_packages(kassa.ui.__path__, "kassa.ui."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, QDialog) and obj.__module__ == module.__name__:
                name = f"{obj.__module__}.{obj.__qualname__}"
                if name not in ABSTRACT:
                    found[name] = obj
    return found


@dataclass
class Ctx:
    qtbot: object
    window: object
    shop: object


def shown(ctx: Ctx, name: str) -> QDialog:
    """The open window of that dialog class, once it is visible."""
    return wait_for_window(ctx.qtbot, cls=dialog_classes()[name])


def trigger(ctx: Ctx, action: str) -> None:
    found = ctx.window.findChild(type(ctx.window.menuBar().actions()[0]), action)
    assert found is not None, f"no menu action {action}"
    found.trigger()


def scan(ctx: Ctx, code: str) -> None:
    ctx.window.code_field.setFocus()
    scan_at_till(ctx.qtbot, ctx.window, code)


def till_key(ctx: Ctx, key: Qt.Key) -> None:
    ctx.window.activateWindow()
    ctx.qtbot.waitUntil(ctx.window.isActiveWindow)
    ctx.qtbot.keyClick(ctx.window, key)


def invoice_dialog(ctx: Ctx) -> QDialog:
    scan(ctx, COFFEE)
    scan(ctx, MUG)
    result = ctx.window.cart.copy().pay_invoice(ctx.shop.customers.plain)
    ctx.window.open_invoice(result.invoice.id)
    return shown(ctx, "kassa.ui.invoices.InvoiceDialog")


def editor_of(ctx: Ctx, action: str, register_name: str) -> QDialog:
    trigger(ctx, action)
    register = shown(ctx, register_name)
    ctx.qtbot.waitUntil(lambda: register.model.rowCount() > 0)
    register.new_record()
    ctx.qtbot.waitUntil(lambda: register.editor is not None and register.editor.isVisible())
    return register.editor


def credit_dialog(ctx: Ctx) -> QDialog:
    dialog = invoice_dialog(ctx)
    dialog.credit_button.click()
    return shown(ctx, "kassa.ui.invoices.CreditDialog")


def wizard_pages(ctx: Ctx) -> list[tuple[QDialog, QWidget]]:
    pages = []
    for action, name in (("companyAction", "company"), ("databaseAction", "database"),
                         ("interestAction", "interest"), ("connectAction", "connect")):
        trigger(ctx, action)
        wizard = wait_for_window(ctx.qtbot, cls=QWizard)
        pages.append((wizard, wizard.currentPage()))
        check_keyboard(ctx.qtbot, wizard, wizard.currentPage(), f"SettingsWizard page {name}")
        wizard.reject()
        ctx.qtbot.waitUntil(lambda w=wizard: not w.isVisible())
    return pages


def from_menu(action: str, name: str) -> Callable[[Ctx], QDialog]:
    return lambda ctx: (trigger(ctx, action), shown(ctx, name))[-1]


def at_till(key: Qt.Key, name: str, customer: str | None = None) -> Callable[[Ctx], QDialog]:
    def open_it(ctx: Ctx) -> QDialog:
        scan(ctx, COFFEE)
        if customer is not None:
            ctx.window.set_customer(getattr(ctx.shop.customers, customer))
        till_key(ctx, key)
        return shown(ctx, name)

    return open_it


def invoice_list(ctx: Ctx) -> QDialog:
    invoice_dialog(ctx).close()
    return from_menu("invoiceListAction", "kassa.ui.invoices.InvoiceListDialog")(ctx)


def reminder(ctx: Ctx) -> QDialog:
    """A reminder for an invoice 30 days overdue, opened from Påminnelser."""
    import datetime as dt
    from decimal import Decimal

    from kassa.bookkeeping.reminders import issue_reminder
    from kassa.invoicing import issue_invoice
    from kassa.models import ReferenceRate
    from kassa.money import LineInput

    issued = dt.date.today() - dt.timedelta(days=60)
    for start in {dt.date(day.year, 1 if day.month < 7 else 7, 1) for day in (issued, dt.date.today())}:
        ReferenceRate.get_or_create(valid_from=start, defaults={"rate": Decimal("2.25")})  # for the interest
    invoice = issue_invoice(ctx.shop.customers.plain, [LineInput("Montering", Decimal(2), Decimal("500.00"), 25)],
                            issue_date=issued)
    made = issue_reminder(invoice.id, dt.date.today(), "Kassa 1")
    reminders = from_menu("remindersAction", "kassa.ui.reminders.RemindersDialog")(ctx)
    reminders.open_reminder(made.id)
    return shown(ctx, "kassa.ui.reminders.ReminderDialog")


def receipt(ctx: Ctx) -> QDialog:
    """The receipt on screen after a sale: F6, the terminal approved (Enter)."""
    card = at_till(Qt.Key.Key_F6, "kassa.ui.payment_dialogs.CardDialog")(ctx)
    ctx.qtbot.keyClick(card.focusWidget(), Qt.Key.Key_Return)
    return shown(ctx, "kassa.ui.till.receipt_dialog.ReceiptDialog")


def parked(ctx: Ctx) -> QDialog:
    """Parkerade köp (Shift+F12), with one sale parked (F12)."""
    scan(ctx, MUG)
    till_key(ctx, Qt.Key.Key_F12)
    ctx.qtbot.waitUntil(lambda: ctx.window.model.rowCount() == 0 and not ctx.window.session.busy)
    ctx.window.activateWindow()
    ctx.qtbot.keyClick(ctx.window, Qt.Key.Key_F12, Qt.KeyboardModifier.ShiftModifier)
    return shown(ctx, "kassa.ui.till.parked_dialog.ParkedSalesDialog")


def hardware(ctx: Ctx) -> QDialog:
    """Kassa's hardware: Inställningar → Kvittoskrivare (or Kontrollenhet)."""
    trigger(ctx, "receiptPrinterAction")
    return shown(ctx, "kassa.ui.hardware_dialog.HardwareDialog")


def open_day_dialog(ctx: Ctx) -> QDialog:
    """Öppna dag, after yesterday's Z report closed the day the window started with."""
    from kassa.register.service import Register

    Register("Kassa 1").z_report("500")
    return from_menu("openDayAction", "kassa.ui.day_dialogs.OpenDayDialog")(ctx)


def z_report_list(ctx: Ctx) -> QDialog:
    """Tidigare Z-dagrapporter, with the report that closed the window's day in it."""
    from kassa.register.service import Register

    Register("Kassa 1").z_report("500")
    dialog = from_menu("zListAction", "kassa.ui.z_reports.ZReportListDialog")(ctx)
    ctx.qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    return dialog


# The way a cashier gets to each dialog. A new dialog class needs one entry here.
OPENERS: dict[str, Callable[[Ctx], QDialog | None]] = {
    "kassa.ui.payment_dialogs.CashDialog": at_till(Qt.Key.Key_F5, "kassa.ui.payment_dialogs.CashDialog"),
    "kassa.ui.payment_dialogs.CardDialog": at_till(Qt.Key.Key_F6, "kassa.ui.payment_dialogs.CardDialog"),
    "kassa.ui.payment_dialogs.IdCheckDialog": at_till(Qt.Key.Key_F7, "kassa.ui.payment_dialogs.IdCheckDialog",
                                                      "id_check"),
    "kassa.ui.payment_dialogs.TextDialog": at_till(Qt.Key.Key_F7, "kassa.ui.payment_dialogs.TextDialog",
                                                   "no_reference"),
    "kassa.ui.invoices.InvoiceDialog": invoice_dialog,
    "kassa.ui.invoices.CreditDialog": credit_dialog,
    "kassa.ui.invoices.InvoiceListDialog": invoice_list,
    "kassa.ui.manual_invoice.ManualInvoiceDialog": from_menu("manualInvoiceAction",
                                                             "kassa.ui.manual_invoice.ManualInvoiceDialog"),
    "kassa.ui.einvoices.EInvoiceStatusDialog": from_menu("eInvoicesAction", "kassa.ui.einvoices.EInvoiceStatusDialog"),
    "kassa.ui.categories.CategoryEditorDialog": from_menu("categoriesAction",
                                                          "kassa.ui.categories.CategoryEditorDialog"),
    "kassa.ui.articles.ArticleRegisterDialog": from_menu("articlesAction", "kassa.ui.articles.ArticleRegisterDialog"),
    "kassa.ui.articles.ArticleDialog": lambda ctx: editor_of(ctx, "articlesAction",
                                                             "kassa.ui.articles.ArticleRegisterDialog"),
    "kassa.ui.customers.CustomerRegisterDialog": from_menu("customersAction",
                                                           "kassa.ui.customers.CustomerRegisterDialog"),
    "kassa.ui.customers.CustomerDialog": lambda ctx: editor_of(ctx, "customersAction",
                                                               "kassa.ui.customers.CustomerRegisterDialog"),
    "kassa.ui.log_viewer.LogViewerDialog": from_menu("showLogAction", "kassa.ui.log_viewer.LogViewerDialog"),
    "kassa.ui.rule_pack.RulePackDialog": from_menu("rulePackAction", "kassa.ui.rule_pack.RulePackDialog"),
    "kassa.ui.wizard.wizard.SettingsWizard": lambda ctx: (wizard_pages(ctx), None)[-1],  # each page checked there
    "kassa.ui.bookkeeping_settings.BookkeepingSettingsDialog": from_menu(
        "bookkeepingSettingsAction", "kassa.ui.bookkeeping_settings.BookkeepingSettingsDialog"),
    "kassa.ui.payments.PaymentsDialog": from_menu("paymentsAction", "kassa.ui.payments.PaymentsDialog"),
    "kassa.ui.reminders.RemindersDialog": from_menu("remindersAction", "kassa.ui.reminders.RemindersDialog"),
    "kassa.ui.reminders.ReminderDialog": reminder,
    "kassa.ui.sie_export.SieExportDialog": from_menu("sieExportAction", "kassa.ui.sie_export.SieExportDialog"),
    "kassa.ui.vat_groups.VatGroupsDialog": from_menu("vatGroupsAction", "kassa.ui.vat_groups.VatGroupsDialog"),
    "kassa.ui.hardware_dialog.HardwareDialog": hardware,
    "kassa.ui.till.payment_dialogs.SwishDialog": at_till(Qt.Key.Key_F8, "kassa.ui.till.payment_dialogs.SwishDialog"),
    "kassa.ui.till.payment_dialogs.SplitDialog": at_till(Qt.Key.Key_F11, "kassa.ui.till.payment_dialogs.SplitDialog"),
    "kassa.ui.till.receipt_dialog.ReceiptDialog": receipt,
    "kassa.ui.till.parked_dialog.ParkedSalesDialog": parked,
    "kassa.ui.day_dialogs.OpenDayDialog": open_day_dialog,
    "kassa.ui.day_dialogs.CashMoveDialog": from_menu("cashInAction", "kassa.ui.day_dialogs.CashMoveDialog"),
    "kassa.ui.day_dialogs.CloseDayDialog": from_menu("zReportAction", "kassa.ui.day_dialogs.CloseDayDialog"),
    "kassa.ui.printout_view.PrintoutDialog": from_menu("xReportAction", "kassa.ui.printout_view.PrintoutDialog"),
    "kassa.ui.z_reports.ZReportListDialog": z_report_list,
    "kassa.ui.returns.ReturnDialog": from_menu("returnAction", "kassa.ui.returns.ReturnDialog"),
    "kassa.ui.till_settings.TillSettingsDialog": from_menu("tillSettingsAction",
                                                         "kassa.ui.till_settings.TillSettingsDialog"),
    "kassa.ui.journal_export.JournalExportDialog": from_menu("journalExportAction",
                                                           "kassa.ui.journal_export.JournalExportDialog"),
}


# --- the check ----------------------------------------------------------------------------


def _rect(widget: QWidget, root: QWidget) -> QRect:
    return QRect(widget.mapTo(root.window(), QPoint(0, 0)), widget.size())


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QAbstractButton) else ""
    return f"{type(widget).__name__}({widget.objectName() or text or widget.accessibleName()})"


def _counts(widget: QWidget) -> bool:
    """An input for this test: not a read-only line (a link shown to be copied is not typed into)."""
    return is_input(widget) and not (isinstance(widget, QLineEdit) and widget.isReadOnly())


def _inside_input(widget: QWidget, root: QWidget) -> bool:
    """Whether `widget` is a part of another input (the view of a combo box, the edit of a spin box);
    a field that only wraps it with its message (its focus proxy) does not count."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if is_input(parent) and parent.focusProxy() is not widget:
            return True
        parent = parent.parentWidget()
    return False


def _input_of(widget: QWidget | None, root: QWidget) -> QWidget | None:
    """The input that the focused `widget` belongs to, if it is one inside root."""
    while widget is not None and widget is not root and root.isAncestorOf(widget):
        if _counts(widget) and widget.focusProxy() is None and not _inside_input(widget, root):
            return widget
        widget = widget.parentWidget()
    return None


def visible_inputs(root: QWidget) -> list[QWidget]:
    found = []
    for widget in root.findChildren(QWidget):
        if widget.focusProxy() is not None or not _counts(widget):
            continue  # a wrapper: the widget it hands its focus to is counted instead
        if not widget.isVisible() or not widget.isEnabled():
            continue
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus != Qt.FocusPolicy.TabFocus:
            continue
        if not _inside_input(widget, root):
            found.append(widget)
    return found


def goes_back(a: QRect, b: QRect) -> bool:
    """Reading order: b may be below a, or to the right of it; b above a (and not in a column to the
    right), or left of a on the same line, goes back."""
    above = b.bottom() < a.top()
    same_line = not above and b.top() <= a.bottom()
    if above:
        return b.left() < a.right()
    return same_line and b.right() <= a.left()


def truncated(table: QTableView) -> list[str]:
    """Headings and cells that do not fit their column (shown cut, "129,…"), the stretching column aside:
    it takes the spare width and says the rest in its tooltip."""
    model, header = table.model(), table.horizontalHeader()
    if model is None:
        return []
    cut = []
    metrics = table.fontMetrics()
    # What Qt's item delegate leaves for the text: the cell less a focus-frame margin on each side.
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    for column in range(model.columnCount()):
        if header.isSectionHidden(column) or header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch:
            continue
        width = header.sectionSize(column)
        heading = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        if header.sectionSizeFromContents(column).width() > width:
            cut.append(f"heading {heading!r} in {width}px")
        for row in range(min(model.rowCount(), 50)):
            if table.indexWidget(model.index(row, column)) is not None:
                continue
            text = str(model.index(row, column).data() or "")
            if metrics.horizontalAdvance(text) + margin > width:
                cut.append(f"{text!r} in column {heading!r} ({width}px)")
    return cut


# "&" before a letter: a shortcut mark. In rich text "&amp;" and the like are entities, not marks.
_MARK = re.compile(r"&(?!&)(?=\w)")
_ENTITY = re.compile(r"&(?:[a-z]+|#\d+);")


def literal_ampersands(root: QWidget) -> list[str]:
    """Visible labels that show a shortcut's "&" as text: only a label with a buddy turns it into an
    underlined letter (a form row whose field is a layout gets a label without one)."""
    found = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or label.buddy() is not None:
            continue
        text = label.text()
        if label.textFormat() == Qt.TextFormat.RichText or (
                label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)):
            text = _ENTITY.sub("", text)
        if _MARK.search(text.replace("&&", "")):
            found.append(f"{label.objectName() or 'QLabel'}: {label.text()!r}")
    return found


def check_keyboard(qtbot, dialog: QDialog, root: QWidget, label: str) -> None:
    qtbot.waitUntil(dialog.isVisible)
    QApplication.processEvents()
    shown_marks = literal_ampersands(root)
    assert not shown_marks, f"{label}: a label shows a literal '&' (give it a buddy or drop the '&'): {shown_marks}"
    cut = [f"{table.objectName() or type(table).__name__}: {c}" for table in root.findChildren(QTableView)
           if table.isVisible() for c in truncated(table)]
    assert not cut, f"{label}: cut short: {cut}"
    shared = shared_mnemonics(dialog)
    assert not shared, f"{label}: Alt+letter shared by several widgets, so it presses none of them: {shared}"
    inputs = visible_inputs(root)
    start = dialog.focusWidget()
    if not inputs:
        assert isinstance(start, QAbstractButton) and start.isDefault(), (
            f"{label}: no input, so the focus belongs on the default button, not on {start and _name(start)}")
        return
    first = _input_of(start, root)
    assert first is not None, f"{label}: opens with the focus on {start and _name(start)}, not in an input"
    visited = [first]
    current = start
    left = False  # Tab may first move inside the input (a date edit's day, month, year)
    for _ in range(3 * len(root.findChildren(QWidget)) + 10):
        qtbot.keyClick(current, Qt.Key.Key_Tab)
        current = dialog.focusWidget()
        if current is None or (current is start and left):
            break
        left = left or current is not start
        found = _input_of(current, root)
        if found is not None and found is not visited[-1]:
            if found is first:
                break
            repeated = found in visited
            visited.append(found)
            if repeated:
                break
    names = [_name(w) for w in visited]
    missing = [_name(w) for w in inputs if w not in visited]
    assert not missing, f"{label}: Tab never reaches {missing} (visits {names})"
    assert len(set(map(id, visited))) == len(visited), f"{label}: Tab visits an input twice: {names}"
    for a, b in zip(visited, visited[1:], strict=False):
        assert not goes_back(_rect(a, root), _rect(b, root)), (
            f"{label}: Tab goes back from {_name(a)} to {_name(b)} (order {names})")


# --- the test -----------------------------------------------------------------------------


def test_every_dialog_class_has_an_opener():
    missing = sorted(set(dialog_classes()) - set(OPENERS))
    assert not missing, f"add an opener to OPENERS for {missing}"


@pytest.mark.parametrize("name", sorted(OPENERS))
def test_every_dialog_opens_in_its_first_input_and_tabs_in_reading_order(qtbot, window, shop, name):
    assert name in dialog_classes(), f"{name} is no longer a dialog of kassa.ui: remove its opener"
    ctx = Ctx(qtbot, window, shop)
    dialog = OPENERS[name](ctx)
    if dialog is not None:
        check_keyboard(qtbot, dialog, dialog, name)
    close_all_dialogs()
    QApplication.processEvents()
