"""F7's questions at the till, one dialog after the other, as the customer's category asks: ID check,
claim number (insurance company) or the buyer's reference (when the register has none). Avbryt stops
and nothing is issued; after the last answer the window issues the invoice.

The window it serves needs `show_message(text, error)` and `pay_with_invoice(customer, buyer_reference,
claim_reference, id_check)`; the dialogs are window-modal (open(), not exec()).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QWidget

from kassa.invoicing import IdCheck
from kassa.models import Customer
from kassa.till import invoice_requirements
from kassa.ui.payment_dialogs import IdCheckDialog, claim_number_dialog, reference_dialog


class Till(Protocol):
    def show_message(self, text: str, error: bool = False) -> None: ...

    def pay_with_invoice(self, customer: Customer, buyer_reference: str | None, claim_reference: str,
                         id_check: IdCheck | None) -> None: ...


class InvoiceQuestions:
    """Ask what the category requires, then pay with an invoice."""

    def __init__(self, window: QWidget, till: Till, customer: Customer):
        self.window = window
        self.till = till
        self.customer = customer
        self.requirements = invoice_requirements(customer)
        self.id_check: IdCheck | None = None
        self.claim_reference = ""
        self.buyer_reference: str | None = None
        self.steps: list[Callable[[], None]] = []
        if self.requirements.id_check:
            self.steps.append(self.ask_id)
        if self.requirements.claim_reference:
            self.steps.append(self.ask_claim)
        elif self.requirements.reference_missing:
            self.steps.append(self.ask_reference)

    def start(self) -> None:
        self._hold(self)  # kept alive by the window while its dialogs are open
        self.next()

    def _hold(self, questions: InvoiceQuestions | None) -> None:
        self.window._invoice_questions = questions  # type: ignore[attr-defined]  # the till holds it

    def next(self) -> None:
        if self.steps:
            self.steps.pop(0)()
        else:
            self._hold(None)
            self.till.pay_with_invoice(self.customer, self.buyer_reference, self.claim_reference, self.id_check)

    def _open(self, dialog: QDialog, on_accept: Callable[[Any], None]) -> None:
        def answered() -> None:
            on_accept(dialog)
            self.next()

        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(answered)
        dialog.rejected.connect(self._cancelled)
        dialog.open()

    def _cancelled(self) -> None:
        self._hold(None)
        self.till.show_message(QCoreApplication.translate("InvoiceQuestions", "Fakturan är inte utfärdad."),
                               error=True)

    def ask_id(self) -> None:
        dialog = IdCheckDialog(self.customer.name, self.window)
        dialog.setObjectName("idCheckDialog")
        self._open(dialog, lambda d: setattr(self, "id_check", IdCheck(*d.values())))

    def ask_claim(self) -> None:
        dialog = claim_number_dialog(self.customer.name, self.window)
        dialog.setObjectName("claimDialog")
        self._open(dialog, lambda d: setattr(self, "claim_reference", d.value()))

    def ask_reference(self) -> None:
        dialog = reference_dialog(self.customer.name, required=self.requirements.e_invoice, parent=self.window)
        dialog.setObjectName("referenceDialog")
        self._open(dialog, lambda d: setattr(self, "buyer_reference", d.value()))
