"""F7 Faktura at the till: the register's cart invoiced to the customer (kassa.invoicing).

Invoiced sales are outside the register: no receipt and no control code; the invoice has its own
number series and audit log. The category's questions are asked first (kassa.ui.invoice_questions),
then, in the session's thread, the e-invoice checks (kassa.peppol.checks), the invoice from a copy
of the cart, and the register's cart emptied (`Register.invoiced`, not a void). The invoice opens; for
an e-invoice buyer its print action runs at once (the send queue, kassa.outbox.enqueue), as a cash sale
prints its receipt without being asked.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from kassa.invoicing import IdCheck
from kassa.models import Customer
from kassa.money import format_sek
from kassa.peppol.checks import InvoiceBlocked
from kassa.register.service import Register
from kassa.till import Cart, SaleResult
from kassa.ui.invoice_questions import InvoiceQuestions
from kassa.ui.invoices import InvoiceDialog
from kassa.ui.till.till_window import TillWindow, widget_of

log = logging.getLogger(__name__)


def issue_from_till(cart: Cart, customer: Customer, buyer_reference: str | None, claim_reference: str,
                    id_check: IdCheck | None) -> SaleResult:
    """The e-invoice checks first (kassa.peppol.checks.check_before_issue), then the sale and the invoice."""
    from kassa.peppol.checks import check_before_issue

    customer = Customer.get_by_id(customer.id)
    check_before_issue(customer, buyer_reference, claim_reference)
    return cart.pay_invoice(customer, buyer_reference=buyer_reference, claim_reference=claim_reference,
                            id_check=id_check)


def invoice_the_cart(register: Register, customer: Customer, buyer_reference: str | None, claim_reference: str,
                     id_check: IdCheck | None) -> SaleResult:
    """In the till session's thread: the register's cart invoiced (outside the register), then emptied."""
    result = issue_from_till(register.cart.copy(), customer, buyer_reference, claim_reference, id_check)
    register.invoiced()
    return result


class InvoiceSale(QObject):
    """F7; `window` is the till. Serves InvoiceQuestions as its `till` (show_message, pay_with_invoice)."""

    def __init__(self, window: TillWindow):
        super().__init__(widget_of(window))
        self.window = window
        self.widget = widget_of(window)  # the parent of the dialogs
        self.last_result: SaleResult | None = None

    def show_message(self, text: str, error: bool = False) -> None:
        self.window.show_message(text, error)

    def pay_invoice(self) -> None:
        self.window.session.when_idle(self._ask)

    def _ask(self) -> None:
        window = self.window
        if window.paying:
            return
        view = window.session.view
        if view.is_empty:
            window.show_message(self.tr("Kundvagnen är tom. Skanna en artikel först."), error=True)
            return
        if view.customer is None:
            window.show_message(self.tr("Faktura kräver en kund. Sök fram kunden (F3) och tryck F7 igen."), error=True)
            window.customer_picker.focus()
            return
        InvoiceQuestions(self.widget, self, Customer.get_by_id(view.customer.id)).start()

    def pay_with_invoice(self, customer: Customer, buyer_reference: str | None, claim_reference: str,
                         id_check: IdCheck | None) -> None:
        """Issue the invoice once F7's questions are answered (kassa.ui.invoice_questions)."""
        self.window.set_paying(True)
        self.window.show_message(self.tr("Registrerar …"))
        self.window.session.call(lambda register: invoice_the_cart(register, customer, buyer_reference,
                                                                   claim_reference, id_check),
                                 on_result=self._invoiced, on_error=self._failed)

    def _invoiced(self, result: SaleResult) -> None:
        window = self.window
        window.set_paying(False)
        self.last_result = result
        text = ""
        if result.invoice is not None:
            text = self.tr("Faktura %1 till %2, %3 kr.").replace("%1", str(result.invoice.number)).replace(
                "%2", result.invoice.buyer.get("name", "")).replace("%3", format_sek(result.payable))
        if result.bonus:
            text += " " + self.tr("Bonus %1 kr.").replace("%1", format_sek(result.bonus))
        e_invoice = result.invoice is not None and bool(result.invoice.buyer.get("e_invoice"))
        if e_invoice:
            text += " " + self.tr("E-fakturan läggs i sändkön för Pagero.")
        window.sale_completed("", text)
        if result.invoice is not None:
            dialog = window.open_invoice(result.invoice.id)
            if e_invoice and isinstance(dialog, InvoiceDialog):
                # Issuing is the print action for an e-invoice buyer: handed to the send queue now, so it
                # cannot be left issued but unsent by closing the window (kassa.ui.invoices.InvoiceDialog).
                dialog.send_if_e_invoice()

    def _failed(self, exc: BaseException) -> None:
        self.window.set_paying(False)
        if isinstance(exc, InvoiceBlocked):
            text = self.tr("Fakturan är inte utfärdad: e-fakturan skulle stoppas. Rätta detta först:")
            self.window.show_message(text + "\n" + "\n".join(f"• {p}" for p in exc.problems), error=True)
        elif isinstance(exc, ValueError):  # TillError, InvoicingError: Swedish, for the cashier
            self.window.show_message(str(exc), error=True)
        else:
            log.error("invoicing from the till failed", exc_info=(type(exc), exc, exc.__traceback__))
            self.window.show_message(self.tr("Köpet kunde inte registreras: %1").replace("%1", str(exc)), error=True)
