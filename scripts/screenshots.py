"""Screenshots of Kassa's windows for the README, with demo data and real fonts.

    xvfb-run -a -s "-screen 0 1280x900x24" /tmp/venv/bin/python scripts/screenshots.py [NAME …]

Writes docs/screenshots/NAME.png for every entry of SCREENS (or only the names given).
Each entry is a function that builds the widget with the database already filled by
`kassa demo`; add a window by adding a function and a line in SCREENS.
It runs against a fresh data directory of its own, never the user's.
"""
from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
OUT = REPO / "docs" / "screenshots"

os.environ["KASSA_DATA_DIR"] = tempfile.mkdtemp(prefix="kassa-screenshots-")
os.environ.pop("KASSA_DATABASE_URL", None)
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")  # under Xvfb; offscreen would have no real fonts

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QFont  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402


def prepare_database() -> None:
    from kassa.demo import create_demo
    from kassa.logging_setup import setup_logging
    from kassa.models import connection

    setup_logging()  # the log viewer then shows what this run did
    connection.connect()
    create_demo()
    _demo_transmissions()


def _demo_transmissions() -> None:
    """A few e-invoices in different states, as the send queue would leave them."""
    from kassa.models import Customer, Invoice, Transmission, utcnow

    pagero = [c for c in Customer.select() if c.sends_via_pagero]
    invoices = list(Invoice.select().where(Invoice.customer.in_(pagero)).order_by(Invoice.number)) if pagero else []
    if not invoices:
        from kassa.invoicing import issue_invoice
        from kassa.money import LineInput

        customer = pagero[0] if pagero else Customer.select().first()
        invoices = [issue_invoice(customer, [LineInput("Konsulttimme", Decimal("2"), Decimal("850.00"), 25)],
                                  buyer_reference="Anna Andersson") for _ in range(4)]
    states = [
        ("approved", "RecipientAccept", "Levererad till mottagarens åtkomstpunkt."),
        ("delivered", "", "Levererad till mottagarens åtkomstpunkt."),
        ("processing", "", "Filen tas emot och kontrolleras av Pagero."),
        ("needs_attention", "", "Köparens referens saknas (PEPPOL-regel R003)."),
    ]
    for n, (invoice, (state, answer, text)) in enumerate(zip(invoices, states, strict=False)):
        if Transmission.get_or_none(Transmission.invoice == invoice):
            continue
        Transmission.create(
            invoice=invoice, state=state, sender_reference=f"demo-{invoice.number}", payload="<Invoice/>",
            document_id=f"5f0c-demo-{n}" if state in ("approved", "delivered") else "",
            buyer_response=answer, buyer_response_at=utcnow() if answer else None,
            last_error=text if state == "needs_attention" else "",
            messages=[{"at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"), "state": state, "text": text}])


# -- the windows --------------------------------------------------------------------------


def customers() -> QWidget:
    from kassa.ui.customers import CustomerRegisterDialog

    return CustomerRegisterDialog()


def customer() -> QWidget:
    from kassa.models import Customer
    from kassa.ui.customers import CustomerDialog

    pagero = next((c for c in Customer.select() if c.sends_via_pagero), None)
    return CustomerDialog(pagero)


def category() -> QWidget:
    from kassa.models import CustomerCategory
    from kassa.ui.categories import CategoryEditorDialog

    dialog = CategoryEditorDialog()
    pagero = CustomerCategory.get_or_none(CustomerCategory.name == "e-fakturakund")
    if pagero is not None:
        dialog.reload(select_id=pagero.id)
    return dialog


def articles() -> QWidget:
    from kassa.ui.articles import ArticleRegisterDialog

    return ArticleRegisterDialog()


def article() -> QWidget:
    from kassa.models import Article
    from kassa.ui.articles import ArticleDialog

    return ArticleDialog(Article.select().where(Article.barcode.is_null(False)).first())


def einvoices() -> QWidget:
    from kassa.ui.einvoices import EInvoiceStatusDialog

    dialog = EInvoiceStatusDialog()
    # Show the details of the first row once the worker thread has delivered the list.
    dialog.model.modelReset.connect(lambda: dialog.table.selectRow(0))
    return dialog


# Windows that must outlive their builder (a preview's invoice dialog), kept until the end.
_keep: list[QWidget] = []


def _open_till(codes: tuple[str, ...] = (), keep: bool = False):
    """The till "Kassa 1" with its day open (the control-unit exemption chosen), these codes scanned."""
    from kassa.register.control_unit.settings import ControlUnitSettings, save
    from kassa.register.reports import current_day
    from kassa.register.service import Register
    from kassa.ui.main_window import MainWindow

    save(ControlUnitSettings("none"))
    if current_day("Kassa 1") is None:
        Register("Kassa 1").open_day("500")
    window = MainWindow(till_name="Kassa 1", with_indicator=False)
    if keep:
        _keep.append(window)  # the payment dialogs belong to the till
    for code in codes:
        window.session.call(lambda register, code=code: register.add_code(code))
    window.session.wait()
    QApplication.processEvents()  # the register's answers: the cart as it is now
    return window


def till() -> QWidget:
    from kassa.models import Article, Customer

    window = _open_till(("7310865004703", "2*7350000000016", "7350000000023", "7350000000030"))
    window.set_customer(Customer.get(Customer.number == 1003))
    window.session.wait()
    QApplication.processEvents()
    window.table.selectRow(window.model.rowCount() - 1)
    window.show_message(f"1 × {Article.get(Article.barcode == '7350000000030').name}")
    return window


def invoices() -> QWidget:
    from kassa.ui.invoices import InvoiceListDialog

    return InvoiceListDialog(till="Kassa 1")


def _demo_invoice(customer_number: int):
    from kassa.models import Customer, Invoice

    customer = Customer.get(Customer.number == customer_number)
    return (Invoice.select().where((Invoice.customer == customer) & (Invoice.kind == "invoice"))
            .order_by(Invoice.number).first())


def invoice() -> QWidget:
    """A paper invoice (a customer without "pagero" in the category's note)."""
    from kassa.ui.invoices import InvoiceDialog

    return InvoiceDialog(_demo_invoice(1003).id, till="Kassa 1")


def invoice_e_invoice() -> QWidget:
    """Skriv ut on an e-invoice customer's new invoice: queued for Pagero instead of printed."""
    from kassa.invoicing import issue_invoice
    from kassa.models import Article, Customer
    from kassa.money import LineInput
    from kassa.ui.invoices import InvoiceDialog

    coffee = Article.get(Article.number == "100")
    customer = Customer.get(Customer.number == 1001)
    new = issue_invoice(customer, [LineInput(coffee.name, Decimal("6"), coffee.price, 0,
                                             vat_group_id=coffee.vat_group_id,
                                             unit=coffee.unit, article_number=coffee.number)],
                        buyer_reference=customer.reference)
    dialog = InvoiceDialog(new.id, till="Kassa 1")
    dialog.print_button.click()
    return dialog


def preview() -> QWidget:
    from kassa.ui.invoices import InvoiceDialog

    dialog = InvoiceDialog(_demo_invoice(1003).id, till="Kassa 1")
    _keep.append(dialog)  # the preview belongs to the invoice dialog
    dialog.preview()
    dialog._preview.resize(900, 860)
    return dialog._preview


def manual_invoice() -> QWidget:
    from kassa.models import Customer
    from kassa.ui.manual_invoice import ManualInvoiceDialog

    dialog = ManualInvoiceDialog(till="Kassa 1")
    dialog.set_customer(Customer.get(Customer.number == 1003))
    for description, quantity, unit, price, vat in (("Konsulttimme, installation av kassa", "3", "tim", "850", "25 %"),
                                                     ("Kvittorulle 80 mm", "10", "st", "12,90", "25 %"),
                                                     ("Handbok, tryckt", "1", "st", "180", "6 %")):
        dialog.description.setText(description)
        dialog.quantity.setText(quantity)
        dialog.unit.setCurrentText(unit)
        dialog.price.setText(price)
        dialog.vat.setCurrentText(vat)
        dialog.add_line()
    return dialog


def log() -> QWidget:
    from kassa.outbox.sender import Sender
    from kassa.ui.log_viewer import LogViewerDialog

    Sender(worker_id="Kassa 1").run_once()  # one round of the send queue, not connected here: a real log line

    return LogViewerDialog()


def _till_with(*codes: str):
    return _open_till(codes, keep=True)


def cash() -> QWidget:
    from kassa.ui.payment_dialogs import CashDialog

    window = _till_with("7310865004703", "2*7350000000016")
    return CashDialog(window.session.view.cash_totals, window)


def card() -> QWidget:
    from kassa.ui.payment_dialogs import CardDialog

    window = _till_with("7350000000023")
    return CardDialog(window.session.view.totals, window)


def swish() -> QWidget:
    from kassa.ui.till.payment_dialogs import SwishDialog

    window = _till_with("7350000000023", "7350000000016")
    return SwishDialog(window.session.view.totals, window)


def split() -> QWidget:
    from kassa.ui.till.payment_dialogs import SplitDialog

    window = _till_with("7310865004703", "2*7350000000016", "7350000000023")
    dialog = SplitDialog(window.session.view.totals, window)
    dialog.card.setText("100")
    dialog.swish.setText("50")
    dialog.tendered.setText("300")
    return dialog


def receipt() -> QWidget:
    """The receipt on screen after a cash sale: the demo day's first receipt, its change above it."""
    from kassa.models import Receipt
    from kassa.register.receipt_printout import receipt_printout
    from kassa.register.receipts import document_of
    from kassa.ui.till.receipt_dialog import PRINTER, ReceiptDialog

    first = Receipt.select().where(Receipt.kind == "sale").order_by(Receipt.id).first()
    dialog = ReceiptDialog(receipt_printout(document_of(first)), f"Kvitto {first.serial}",
                           f"Kvitto-{first.till}-{first.serial}.pdf", PRINTER, headline="Växel: 10,00 kr")
    dialog.say("Kvittot skrevs ut.")
    return dialog


def parked() -> QWidget:
    from kassa.ui.till.parked_dialog import ParkedSalesDialog, parked_rows

    window = _till_with("7310865004703", "2*7350000000016")
    window.session.call(lambda register: register.park())
    for code in ("7350000000023", "3*7350000000030"):
        window.session.call(lambda register, code=code: register.add_code(code))
    window.session.call(lambda register: register.park())
    window.session.wait()
    register = window.session.register
    assert register is not None
    return ParkedSalesDialog(parked_rows(register), window)


def credit() -> QWidget:
    from kassa.ui.invoices import CreditDialog

    dialog = CreditDialog(_demo_invoice(1003))
    dialog.reason.setText("Returnerad vara")
    return dialog


def rule_pack() -> QWidget:
    from kassa.ui.rule_pack import RulePackDialog

    return RulePackDialog()


def _wizard(page: str) -> Callable[[], QWidget]:
    def build() -> QWidget:
        from kassa.ui.wizard import SettingsWizard

        wizard = SettingsWizard(start_page=page)
        if page == "connect":
            connect = wizard.connect_page
            connect.show_login_url("https://sso.pageroonline.com/oauth/v2/oauth-authorize?response_type=code"
                                   "&client_id=kassa-desktop&redirect_uri=http%3A%2F%2F127.0.0.1%3A8766%2Fcallback")
            connect.status_label.setText(wizard.tr("Webbläsaren kunde inte öppnas här. Kopiera länken och öppna den "
                                                    "i en webbläsare; Kassa väntar på inloggningen."))
        if page == "database":
            wizard.database_page.shared_radio.setChecked(True)
            wizard.database_page.host_edit.setText("kassaserver.lokalt")
        return wizard
    return build


# -- the till's day (the demo till: yesterday closed by its Z report, today opened here) ----------


def _demo_register():
    """The demo till with today's day open and a few sales: cash, card, cash in."""
    from kassa.demo import DEMO_TILL
    from kassa.register.control_unit.exempt import NoControlUnit
    from kassa.register.reports import current_day
    from kassa.register.service import Register

    register = Register(DEMO_TILL, NoControlUnit())
    if current_day(DEMO_TILL) is None:
        register.open_day("1000")
        for codes, pay in ((["2*100", "101"], lambda: register.pay_cash("200")), (["200"], register.pay_card)):
            for code in codes:
                register.add_code(code)
            pay()
        register.cash_in("500", "Växel från banken")
    return register


def open_day() -> QWidget:
    from kassa.demo import DEMO_TILL
    from kassa.ui.day_dialogs import OpenDayDialog

    return OpenDayDialog(DEMO_TILL, Decimal("1000"))


def cash_in() -> QWidget:
    from kassa.ui.day_dialogs import CashMoveDialog

    dialog = CashMoveDialog("in")
    dialog.amount_edit.setText("500")
    dialog.reason_edit.setText("Växel från banken")
    return dialog


def x_report() -> QWidget:
    from kassa.register.report_printout import report_printout
    from kassa.ui.printout_view import PrintoutDialog

    figures = _demo_register().x_report()
    return PrintoutDialog(report_printout(figures), "X-dagrapport", "X-dagrapport.pdf")


def close_day() -> QWidget:
    from kassa.demo import DEMO_TILL
    from kassa.register.day_status import preview
    from kassa.ui.day_dialogs import CloseDayDialog

    _demo_register()
    dialog = CloseDayDialog(preview(DEMO_TILL))
    dialog.counted_edit.setText("1 650")
    return dialog


def z_reports() -> QWidget:
    from kassa.demo import DEMO_TILL
    from kassa.ui.z_reports import ZReportListDialog

    return ZReportListDialog(DEMO_TILL)


def return_receipt() -> QWidget:
    from kassa.ui.returns import ReturnDialog
    from kassa.ui.till.session import TillSession

    session = TillSession(_demo_register())
    dialog = ReturnDialog(session)
    session.setParent(dialog)
    dialog.receipt_edit.setText("1")  # yesterday's first receipt
    dialog.fetch()
    return dialog


def till_settings() -> QWidget:
    from kassa.ui.till_settings import TillSettingsDialog

    return TillSettingsDialog()


def journal_export() -> QWidget:
    from kassa.demo import DEMO_TILL
    from kassa.ui.journal_export import JournalExportDialog

    return JournalExportDialog(DEMO_TILL)


SCREENS: dict[str, Callable[[], QWidget]] = {
    "customers": customers,
    "customer": customer,
    "category": category,
    "articles": articles,
    "article": article,
    "einvoices": einvoices,
    "wizard-company": _wizard("company"),
    "wizard-database": _wizard("database"),
    "wizard-interest": _wizard("interest"),
    "wizard-connect": _wizard("connect"),
    "till": till,
    "invoices": invoices,
    "invoice": invoice,
    "invoice-e-invoice": invoice_e_invoice,
    "preview": preview,
    "manual-invoice": manual_invoice,
    "log": log,
    "cash": cash,
    "card": card,
    "swish": swish,
    "split": split,
    "receipt": receipt,
    "parked": parked,
    "credit": credit,
    "rule-pack": rule_pack,
    "open-day": open_day,
    "cash-in": cash_in,
    "x-report": x_report,
    "close-day": close_day,
    "z-reports": z_reports,
    "return": return_receipt,
    "till-settings": till_settings,
    "journal-export": journal_export,
}


def capture(app: QApplication, name: str, build: Callable[[], QWidget]) -> Path:
    from kassa.ui.workers import wait_for_background

    widget = build()
    widget.show()
    # Let the worker threads report (searches, status reads) and the layout settle.
    for _ in range(3):
        loop = QEventLoop()
        QTimer.singleShot(300, loop.quit)
        loop.exec()
        wait_for_background(5000)
    app.processEvents()
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    widget.close()
    widget.deleteLater()
    return path


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QLocale

    from kassa.ui.app import _load_translations

    QLocale.setDefault(QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden))
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("DejaVu Sans", 10))
    _load_translations(app)  # Qt's own buttons in Swedish, as in the application
    OUT.mkdir(parents=True, exist_ok=True)
    prepare_database()
    names = argv or list(SCREENS)
    unknown = [n for n in names if n not in SCREENS]
    if unknown:
        print(f"unknown screen(s): {', '.join(unknown)}; known: {', '.join(SCREENS)}", file=sys.stderr)
        return 2
    for name in names:
        print(capture(app, name, SCREENS[name]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
