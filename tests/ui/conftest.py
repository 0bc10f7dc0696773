"""Fixtures for the windows: a shop with articles and customers, the till window, and helpers
that find the dialogs a window opens and type into them as a cashier would."""
from __future__ import annotations

import subprocess
from decimal import Decimal
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

COFFEE = "7310865004703"  # Kaffe 54,90 incl. 12 %
MUG = "7350053850019"  # Mugg 79,00 incl. 25 %


@pytest.fixture
def shop(company):
    """Articles, categories with each of the vendor's flags, and a customer in each."""
    from kassa.models import Article, Customer, CustomerCategory
    from kassa.ui.workers import wait_for_background

    articles = SimpleNamespace(
        coffee=Article.create(number="100", barcode=COFFEE, name="Kaffe Mellanrost 450 g",
                              price=Decimal("54.90"), vat_rate=12),
        mug=Article.create(number="200", barcode=MUG, name="Mugg vit", price=Decimal("79.00"), vat_rate=25),
        service=Article.create(number="300", name="Montering", price=Decimal("400.00"), price_includes_vat=False,
                               vat_rate=25, unit="HUR"),
    )
    categories = SimpleNamespace(
        e_invoice=CustomerCategory.create(name="e-fakturakund", note="Extra: Pagero"),
        id_check=CustomerCategory.create(name="Kontokund med leg", require_id=True),
        insurance=CustomerCategory.create(name="Försäkringsbolag", insurance_company=True),
        incl_vat=CustomerCategory.create(name="Privat manuell", manual_incl_vat=True),
    )

    def customer(number, name, **fields):
        values = dict(number=number, name=name, org_number="5560160680", street="Verkstadsgatan 3",
                      postal_code="43130", city="Mölndal", reference="Anna Andersson")
        values.update(fields)
        return Customer.create(**values)

    customers = SimpleNamespace(
        plain=customer(1001, "Byggbolaget i Mölndal AB"),
        e_invoice=customer(1002, "Elektronikgrossisten AB", org_number="5565847364", category=categories.e_invoice),
        id_check=customer(1003, "Idrottsföreningen Kvarnen", category=categories.id_check, reference=""),
        insurance=customer(1004, "Trygg Försäkring AB", org_number="5164060054", category=categories.insurance),
        incl_vat=customer(1005, "Karin Privat", org_number="", is_private=True, category=categories.incl_vat),
        no_reference=customer(1006, "Utan Referens AB", reference=""),
    )
    yield SimpleNamespace(articles=articles, categories=categories, customers=customers)
    # Workers still running would touch a database that the `db` fixture is about to close.
    assert wait_for_background(10_000), "background jobs still running at the end of the test"


@pytest.fixture
def window(qtbot, shop):
    from kassa.ui.main_window import MainWindow

    win = MainWindow(till_name="Kassa 1", with_indicator=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    win.code_field.setFocus()
    qtbot.waitUntil(lambda: bool(win._article_ids), timeout=5000)  # the article index has loaded
    yield win
    close_all_dialogs()


def top_level(object_name: str | None = None, cls: type | None = None) -> QWidget | None:
    """The visible top-level window with this object name (or class), if one is open."""
    for widget in QApplication.topLevelWidgets():
        if not widget.isVisible():
            continue
        if object_name is not None and widget.objectName() != object_name:
            continue
        if cls is not None and not isinstance(widget, cls):
            continue
        return widget
    return None


def wait_for_window(qtbot, object_name: str | None = None, cls: type | None = None, timeout: int = 5000):
    found = []

    def check() -> bool:
        widget = top_level(object_name, cls)
        if widget is not None:
            found.append(widget)
        return widget is not None

    qtbot.waitUntil(check, timeout=timeout)
    return found[-1]


def close_all_dialogs() -> None:
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.isWindow() and widget.objectName() != "mainWindow":
            widget.close()


def type_and_enter(qtbot, widget, text: str) -> None:
    """What a barcode scanner or a cashier does: the characters, then Enter."""
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def pdf_text(path) -> str:
    """The text of a PDF as a reader sees it (poppler's pdftotext)."""
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return result.stdout


def issue(customer, *codes, **kwargs):
    """An invoice issued from a cart of these codes (as F7 does), for the invoice dialogs."""
    from kassa.till import Cart

    cart = Cart(till="Kassa 1")
    for code in codes:
        cart.add_code(code)
    return cart.pay_invoice(customer, **kwargs).invoice


@pytest.fixture
def open_dialog(qtbot):
    """Opens the invoice dialog of an invoice, shown and exposed."""
    def opener(invoice):
        from kassa.ui.invoices import InvoiceDialog

        dialog = InvoiceDialog(invoice.id, till="Kassa 1")
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return opener
