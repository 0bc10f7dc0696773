"""Kundkategori: the vendor's form, typed; "pagero" in the note means e-invoicing, shown as you type."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kassa.models import CustomerCategory
from kassa.ui.categories import PAGERO_OFF_TEXT, PAGERO_ON_TEXT, CategoryEditorDialog
from tests.factories import QT_NOISE, type_into, type_text

pytestmark = QT_NOISE


@pytest.fixture
def editor(qtbot, db):
    dialog = CategoryEditorDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def list_texts(dialog) -> list[str]:
    return [dialog.model.item(row).text() for row in range(dialog.model.rowCount())]


def test_create_pagero_category_by_typing(qtbot, editor):
    assert editor.name_edit.edit.hasFocus() or editor.name_edit.text() == ""
    type_into(qtbot, editor.name_edit, "e-fakturakund")
    qtbot.keyClick(editor.insurance_check, Qt.Key.Key_Space)
    qtbot.keyClick(editor.no_fee_check, Qt.Key.Key_Space)
    qtbot.keyClick(editor.require_id_check, Qt.Key.Key_Space)
    editor.note_edit.setFocus()
    type_text(qtbot, editor.note_edit, "Skickas via ")
    assert editor.pagero_label.text() == PAGERO_OFF_TEXT
    type_text(qtbot, editor.note_edit, "PaGeRo, inga pappersfakturor")
    assert editor.pagero_label.text() == PAGERO_ON_TEXT  # any case, other text beside it
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    category = CustomerCategory.get()
    assert (category.name, category.note) == ("e-fakturakund", "Skickas via PaGeRo, inga pappersfakturor")
    assert category.sends_via_pagero
    assert (category.insurance_company, category.no_invoice_fee, category.manual_incl_vat, category.require_id,
            category.no_bonus) == (True, True, False, True, False)
    assert editor.saved_label.text() == "Sparad."
    assert list_texts(editor) == ["e-fakturakund  ✉"]

    # Taking the word out turns e-invoicing off again.
    editor.note_edit.setFocus()
    editor.note_edit.selectAll()
    type_text(qtbot, editor.note_edit, "Vanlig kund")
    assert editor.pagero_label.text() == PAGERO_OFF_TEXT
    qtbot.keyClick(editor.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter saves
    assert not CustomerCategory.get().sends_via_pagero


def test_name_required_and_unique(qtbot, editor):
    CustomerCategory.create(name="Företag")
    editor.reload()
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    assert editor.name_edit.text() == "" and editor.note_edit.toPlainText() == ""
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.name_edit.error_text() == "Skriv kategorins namn."
    type_into(qtbot, editor.name_edit, "företag")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.name_edit.error_text() == "Det finns redan en kategori som heter företag."
    assert CustomerCategory.select().count() == 1


def test_choosing_in_the_list_loads_the_form(qtbot, db):
    CustomerCategory.create(name="Alfa", no_bonus=True)
    CustomerCategory.create(name="Beta", note="pagero", manual_incl_vat=True)
    dialog = CategoryEditorDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.name_edit.text() == "Alfa" and dialog.no_bonus_check.isChecked()
    dialog.list_view.setFocus()
    qtbot.keyClick(dialog.list_view, Qt.Key.Key_Down)
    assert dialog.name_edit.text() == "Beta"
    assert dialog.manual_vat_check.isChecked() and not dialog.no_bonus_check.isChecked()
    assert dialog.pagero_label.text() == PAGERO_ON_TEXT


@pytest.mark.parametrize(("note", "matched"), [
    ("Pagero-kund", "Pagero"),
    ("e-faktura via PAGERO.", "PAGERO"),
    ("Skickas (pagero), inga pappersfakturor", "pagero"),
    ("papagerolle", ""),
    ("pageroX", ""),
])
def test_pagero_counts_as_a_word_and_the_editor_shows_what_it_matched(qtbot, editor, note, matched):
    type_into(qtbot, editor.name_edit, "Kategori")
    editor.note_edit.setFocus()
    type_text(qtbot, editor.note_edit, note)
    assert editor.pagero_matched() == matched  # the word marked in the note itself
    if matched:
        assert editor.pagero_label.text() == PAGERO_ON_TEXT
        assert editor.match_label.text().startswith(f"Ordet ”{matched}” i noteringen")
    else:
        assert editor.pagero_label.text() == PAGERO_OFF_TEXT and editor.match_label.text() == ""
    qtbot.keyClick(editor.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # saves
    assert CustomerCategory.get().sends_via_pagero == bool(matched)
