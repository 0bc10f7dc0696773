"""What the sale path needs of the till window (kassa.ui.main_window.MainWindow), without importing it."""
from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QWidget

from kassa.ui.customer_picker import CustomerPicker
from kassa.ui.till.receipt_output import ReceiptPrinting
from kassa.ui.till.session import TillSession


class TillWindow(Protocol):
    session: TillSession
    printing: ReceiptPrinting
    paying: bool
    customer_picker: CustomerPicker

    def show_message(self, text: str, error: bool = False) -> None: ...

    def focus_code(self) -> None: ...

    def type_into_code(self, text: str) -> None: ...

    def set_paying(self, paying: bool) -> None: ...

    def sale_completed(self, headline: str, text: str) -> None: ...

    def sale_reset(self, message: str) -> None: ...

    def open_invoice(self, invoice_id: int) -> object: ...

    def open_hardware(self) -> object: ...

    def pay_cash(self) -> None: ...

    def pay_card(self) -> None: ...

    def pay_invoice(self) -> None: ...


def widget_of(window: TillWindow) -> QWidget:
    """The window as the parent of the dialogs it opens."""
    assert isinstance(window, QWidget), "the till window is a QWidget"
    return window
