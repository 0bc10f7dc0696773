"""Fixtures for the windows: a shop with articles and customers, the till window, and waiting for the
worker threads. The helpers that drive the windows are in tests/factories.py."""
from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.factories import COFFEE, MUG, close_till, show_till, vat_group


@pytest.fixture
def shop(company):
    """Articles, categories with each of the vendor's flags, and a customer in each."""
    from kassa.models import Article, Customer, CustomerCategory
    from kassa.ui.workers import wait_for_background

    articles = SimpleNamespace(
        coffee=Article.create(number="100", barcode=COFFEE, name="Kaffe Mellanrost 450 g",
                              price=Decimal("54.90"), vat_group=vat_group(12)),
        mug=Article.create(number="200", barcode=MUG, name="Mugg vit", price=Decimal("79.00"),
                           vat_group=vat_group(25)),
        service=Article.create(number="300", name="Montering", price=Decimal("400.00"), price_includes_vat=False,
                               vat_group=vat_group(25), unit="HUR"),
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
    """The till "Kassa 1" with its day open (a float of 500 kr) and the control-unit exemption chosen
    (receipts without a code; the tests of the unit itself choose the emulator)."""
    from kassa.register.control_unit.settings import ControlUnitSettings, save
    from kassa.register.service import Register
    from kassa.ui.main_window import MainWindow

    save(ControlUnitSettings("none"))
    Register("Kassa 1").open_day("500")
    win = show_till(qtbot, MainWindow(till_name="Kassa 1", with_indicator=False))
    yield win
    close_till(win)


@pytest.fixture
def pagero_category(db):
    from kassa.models import CustomerCategory

    return CustomerCategory.create(name="e-fakturakund", note="pagero")


@pytest.fixture
def background_done(qtbot):
    """Wait for the worker threads at the end, so no job outlives its database."""
    yield
    from kassa.ui.workers import wait_for_background

    wait_for_background(10_000)


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

