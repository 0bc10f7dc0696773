"""Kundregister: create a customer in an e-invoice category through the form, the Swedish
message at a wrong org. number, and search over 20,000 customers without loading them."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer

from kassa.models import Customer, CustomerCategory
from kassa.ui.customers import E_INVOICE_TEXT, CustomerDialog, CustomerRegisterDialog
from kassa.ui.register_model import BATCH
from tests.factories import QT_NOISE, type_into

pytestmark = QT_NOISE


@pytest.fixture
def register(qtbot, db, background_done):
    dialog = CustomerRegisterDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def table_texts(dialog, column: int) -> list[str]:
    model = dialog.model
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_new_customer_in_pagero_category_bad_orgnr_refused_then_saved(qtbot, register, pagero_category):
    qtbot.mouseClick(register.new_button, Qt.MouseButton.LeftButton)
    editor = register.editor
    assert isinstance(editor, CustomerDialog) and editor.isVisible()
    assert "tilldelas" in editor.number_label.text()

    type_into(qtbot, editor.name_edit, "Bygg & Måleri i Göteborg AB")
    type_into(qtbot, editor.org_edit, "556677-8890")  # wrong check digit
    assert editor.org_edit.error_text() == "Organisationsnummer 556677-8890 stämmer inte: kontrollsiffran är fel."
    editor.category_combo.setFocus()
    qtbot.keyClicks(editor.category_combo, "e-faktura")
    assert editor.category_combo.currentText() == "e-fakturakund"
    assert editor.einvoice_label.text() == f"<b>{E_INVOICE_TEXT}</b>"
    # A Pagero customer without "Er referens" and address: the pre-send checks say so.
    assert editor.problems_label.isVisibleTo(editor)
    assert "referens" in editor.problems_label.text()

    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert Customer.select().count() == 0
    assert editor.isVisible()
    assert "kontrollsiffran är fel" in editor.org_edit.error_text()

    type_into(qtbot, editor.org_edit, "556677-8899")
    assert editor.org_edit.error_text() == ""
    assert editor.vat_edit.edit.placeholderText() == "SE556677889901"
    type_into(qtbot, editor.street_edit, "Verkstadsgatan 4")
    type_into(qtbot, editor.postal_edit, "41705")
    type_into(qtbot, editor.city_edit, "Göteborg")
    type_into(qtbot, editor.reference_edit, "Inköp 42")
    type_into(qtbot, editor.email_edit, "faktura@bygg.se")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    customer = Customer.get()
    assert not editor.isVisible()
    assert (customer.number, customer.name, customer.org_number, customer.vat_number) == (
        1, "Bygg & Måleri i Göteborg AB", "5566778899", "SE556677889901")
    assert customer.postal_code == "41705" and customer.category.name == "e-fakturakund"
    assert customer.sends_via_pagero and customer.peppol_endpoint == ("0007", "5566778899")
    qtbot.waitUntil(lambda: "Bygg & Måleri i Göteborg AB" in table_texts(register, 1))
    row = table_texts(register, 1).index("Bygg & Måleri i Göteborg AB")
    assert register.model.data(register.model.index(row, 6)) == "Ja"


def test_numbers_follow_the_highest_and_private_person(qtbot, db):
    Customer.create(number=41, name="Befintlig")
    dialog = CustomerDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.name_edit, "Anna Andersson")
    qtbot.keyClick(dialog.private_check, Qt.Key.Key_Space)
    assert dialog.org_label.text() == "&Personnummer:"
    type_into(qtbot, dialog.org_edit, "121212-1213")
    assert "Personnummer 121212-1213 är inte giltigt" in dialog.org_edit.error_text()
    type_into(qtbot, dialog.org_edit, "121212-1212")
    type_into(qtbot, dialog.postal_edit, "4110")
    assert dialog.postal_edit.error_text() == "Postnummer ska ha fem siffror, t.ex. 411 01."
    type_into(qtbot, dialog.postal_edit, "411 01")
    type_into(qtbot, dialog.email_edit, "anna@")
    assert "inte en giltig e-postadress" in dialog.email_edit.error_text()
    type_into(qtbot, dialog.email_edit, "anna@exempel.se")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    anna = Customer.get(Customer.name == "Anna Andersson")
    assert (anna.number, anna.is_private, anna.org_number, anna.vat_number) == (42, True, "1212121212", "")
    assert not anna.sends_via_pagero


def test_gln_checked_and_paper_customer_said_so(qtbot, db):
    CustomerCategory.create(name="Kontant", note="")
    dialog = CustomerDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.category_combo, "Kontant")
    assert "skrivs ut" in dialog.einvoice_label.text()
    type_into(qtbot, dialog.gln_edit, "7300009000001")
    assert dialog.gln_edit.error_text() == "GLN 7300009000001 stämmer inte: kontrollsiffran är fel."


def test_search_over_20000_customers_stays_responsive(qtbot, db, background_done):
    rows = [dict(number=n, name=f"Kund {n:05d}", name_key=f"kund {n:05d}", org_number="") for n in range(1, 20_001)]
    with db.atomic():
        for start in range(0, len(rows), 2000):
            Customer.insert_many(rows[start:start + 2000]).execute()
    dialog = CustomerRegisterDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    # Only the first window is read; the rest comes as the view scrolls.
    assert dialog.model.rowCount() == BATCH and dialog.model.canFetchMore(QModelIndex())
    assert table_texts(dialog, 1)[:2] == ["Kund 00001", "Kund 00002"]
    dialog.table.scrollToBottom()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2 * BATCH)

    ticks = []
    timer = QTimer(dialog)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    qtbot.keyClicks(dialog.search_edit, "kund 1999")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 10, timeout=5000)
    assert table_texts(dialog, 1) == [f"Kund {n}" for n in range(19990, 20000)]
    assert ticks, "the event loop kept turning while the search ran"
    assert dialog.status_label.text() == "10 träffar"

    # By customer number, then back to the whole register sorted by number, descending.
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.search_edit, "12345")
    qtbot.waitUntil(lambda: table_texts(dialog, 1)[:1] == ["Kund 12345"], timeout=5000)
    dialog.search_edit.clear()
    dialog.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert table_texts(dialog, 0)[:2] == ["20000", "19999"]


def test_deactivate_with_delete_and_show_inactive(qtbot, register):
    for n, name in ((1, "Alfa AB"), (2, "Beta AB")):
        Customer.create(number=n, name=name)
    register.refresh()
    assert table_texts(register, 1) == ["Alfa AB", "Beta AB"]
    register.table.setFocus()
    register.table.selectRow(0)
    qtbot.keyClick(register.table, Qt.Key.Key_Delete)
    assert not Customer.get(Customer.number == 1).active
    assert table_texts(register, 1) == ["Beta AB"]
    qtbot.keyClick(register.show_inactive, Qt.Key.Key_Space)
    assert table_texts(register, 1) == ["Alfa AB", "Beta AB"]
    assert table_texts(register, 7) == ["Inaktiv", ""]
    register.table.selectRow(0)
    assert register.deactivate_button.text() == "&Aktivera"
    qtbot.mouseClick(register.deactivate_button, Qt.MouseButton.LeftButton)
    assert Customer.get(Customer.number == 1).active


def test_enter_on_a_row_opens_it_for_editing(qtbot, register):
    Customer.create(number=7, name="Gamma AB", org_number="5566778899")
    register.refresh()
    register.search_edit.setFocus()
    qtbot.keyClicks(register.search_edit, "gam")
    qtbot.keyClick(register.search_edit, Qt.Key.Key_Return)  # the only match opens, once it is found
    qtbot.waitUntil(lambda: register.editor is not None)
    assert table_texts(register, 1) == ["Gamma AB"] and register.status_label.text() == "1 träff"
    editor = register.editor
    assert editor.number_label.text() == "7" and editor.org_edit.text() == "556677-8899"
    type_into(qtbot, editor.phone_edit, "031-22 33 44")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert Customer.get(Customer.number == 7).phone == "031-22 33 44"


def test_down_from_the_search_field_walks_the_list_and_enter_opens(qtbot, register):
    Customer.create(number=7, name="Gamma AB")
    Customer.create(number=8, name="Gammal Handel AB")
    register.refresh()
    register.search_edit.setFocus()
    qtbot.keyClicks(register.search_edit, "gam")
    qtbot.waitUntil(lambda: register.status_label.text() == "2 träffar")
    assert table_texts(register, 1) == ["Gamma AB", "Gammal Handel AB"]
    qtbot.keyClick(register.search_edit, Qt.Key.Key_Down)
    assert register.table.currentIndex().row() == 1 and register.search_edit.hasFocus()
    qtbot.keyClick(register.search_edit, Qt.Key.Key_Up)
    assert register.table.currentIndex().row() == 0
    qtbot.keyClick(register.search_edit, Qt.Key.Key_Down)
    qtbot.keyClick(register.search_edit, Qt.Key.Key_Return)
    assert register.editor is not None and register.editor.number_label.text() == "8"


def test_foreign_buyer_with_its_country_scheme_and_export(qtbot, register, pagero_category):
    """A Norwegian buyer: org. no. checked as Norwegian (0192), VAT number NO…MVA, invoices as export (G)."""
    qtbot.mouseClick(register.new_button, Qt.MouseButton.LeftButton)
    editor = register.editor
    type_into(qtbot, editor.name_edit, "Bergen Import AS")
    type_into(qtbot, editor.country_edit, "NO")
    type_into(qtbot, editor.org_edit, "974760674")
    assert "inte ett giltigt norskt organisationsnummer" in editor.org_edit.error_text()
    type_into(qtbot, editor.org_edit, "974760673")
    assert editor.org_edit.error_text() == ""
    type_into(qtbot, editor.vat_edit, "NO974760673")
    assert "NO + 9 siffror + MVA" in editor.vat_edit.error_text()
    type_into(qtbot, editor.vat_edit, "NO974760673MVA")
    editor.treatment_combo.setFocus()
    qtbot.keyClicks(editor.treatment_combo, "Export")
    type_into(qtbot, editor.street_edit, "Bryggen 1")
    type_into(qtbot, editor.postal_edit, "5003")
    type_into(qtbot, editor.city_edit, "Bergen")
    type_into(qtbot, editor.reference_edit, "Ola")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    customer = Customer.get(Customer.name == "Bergen Import AS")
    assert (customer.country, customer.org_number, customer.vat_number, customer.vat_treatment) == (
        "NO", "974760673", "NO974760673MVA", "G")
    assert customer.peppol_endpoint == ("0192", "974760673")


def test_the_form_by_keyboard_a_readable_address_and_live_e_invoice_problems(qtbot, register, pagero_category,
                                                                            company):
    """Ny kund as a new user fills it (Alt letters, typing, no Tab out of the last field): Alt+G is
    Gatuadress, the address fields show what is typed, and the e-invoice box forgets what was filled."""
    from PySide6.QtWidgets import QLineEdit

    from tests.factories import type_text

    register.activateWindow()
    qtbot.waitUntil(register.isActiveWindow)
    qtbot.keyClick(register.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # &Ny
    qtbot.waitUntil(lambda: register.editor is not None and register.editor.isVisible())
    editor = register.editor
    qtbot.waitUntil(editor.isActiveWindow)
    type_text(qtbot, editor.focusWidget(), "Partille Kommun")
    editor.category_combo.setFocus()
    qtbot.keyClicks(editor.category_combo, "e-faktura")
    type_into(qtbot, editor.org_edit, "212000-1504")
    problems = editor.problems_label
    assert "saknar adress (gatuadress, postnummer, ort)" in problems.text()
    assert "fälten under Adress och kontakt här" in problems.text() and "Kundregister" not in problems.text()

    def alt(letter: Qt.Key, text: str) -> QLineEdit:
        qtbot.keyClick(editor.focusWidget(), letter, Qt.KeyboardModifier.AltModifier)
        field = editor.focusWidget()
        assert isinstance(field, QLineEdit)
        type_text(qtbot, field, text)
        return field

    street = alt(Qt.Key.Key_G, "Kronvägen 40")
    assert street is editor.street_edit
    postal = alt(Qt.Key.Key_U, "382 37")
    assert postal is editor.postal_edit.edit
    city = alt(Qt.Key.Key_R, "Partille")
    assert city is editor.city_edit
    reference = alt(Qt.Key.Key_F, "Ref 4711")
    assert reference is editor.reference_edit
    # Still in Er referens: the box already knows the address and the reference are there.
    assert not problems.isVisible(), problems.text()
    # At the dialog's own size each field shows its whole text.
    for field in (street, postal, city, reference):
        room = field.width() - 2 * field.style().pixelMetric(field.style().PixelMetric.PM_DefaultFrameWidth) - 6
        assert field.fontMetrics().horizontalAdvance(field.text()) <= room, (
            f"{field.text()!r} cut in a field {field.width()}px wide")


def test_ny_kund_choices_read_whole_the_address_has_a_label_and_the_form_holds_still(qtbot, pagero_category):
    """The combo boxes show their whole choice (the explanation is the tooltip), the Peppol address is a
    named field as wide as the others, and the form's rows stay put as the e-invoice checklist changes."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QLabel, QStyle, QStyleOptionComboBox

    editor = CustomerDialog()
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    for combo in (editor.legal_combo, editor.scheme_combo, editor.treatment_combo, editor.category_combo):
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        room = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, combo).width()
        assert combo.fontMetrics().horizontalAdvance(combo.currentText()) <= room, (
            f"{combo.currentText()!r} cut in a box {room}px wide")
    assert editor.legal_combo.currentText() == "Härleds av landet" and "NO 0192" in editor.legal_combo.toolTip()
    assert editor.treatment_combo.currentText() == "Normal"
    assert "artikelns momsgrupp" in editor.treatment_combo.toolTip()

    labels = [label.text() for label in editor.findChildren(QLabel) if label.buddy() is editor.endpoint_edit]
    assert labels == ["Peppol-&adress:"]
    assert editor.endpoint_edit.width() == editor.gln_edit.width()

    watched = (editor.name_edit, editor.org_edit, editor.gln_edit, editor.endpoint_edit, editor.treatment_combo,
               editor.street_edit, editor.notes_edit)

    def places() -> list[tuple[int, int]]:
        return [(point.x(), point.y()) for point in (w.mapTo(editor, QPoint(0, 0)) for w in watched)]

    before = places()
    editor.category_combo.setFocus()
    qtbot.keyClicks(editor.category_combo, "e-faktura")  # the checklist opens with several problems
    qtbot.waitUntil(editor.problems_label.isVisible)
    assert places() == before
    type_into(qtbot, editor.org_edit, "212000-1504")  # fewer problems
    assert places() == before
    editor.category_combo.setFocus()
    qtbot.keyClick(editor.category_combo, Qt.Key.Key_Home)  # (ingen kategori): the checklist closes
    qtbot.waitUntil(lambda: not editor.problems_label.isVisible())
    assert places() == before
