"""Artiklar: a bad EAN-13 is refused at the field; price, VAT and unit are stored as chosen."""
from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from kassa.models import Article
from kassa.ui.articles import ArticleDialog, ArticleRegisterDialog
from tests.factories import QT_NOISE, type_into, vat_group

pytestmark = QT_NOISE


@pytest.fixture
def register(qtbot, db, background_done):
    dialog = ArticleRegisterDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def column(dialog, col: int) -> list[str]:
    return [dialog.model.data(dialog.model.index(r, col)) for r in range(dialog.model.rowCount())]


def test_bad_ean_refused_then_saved(qtbot, register):
    qtbot.keyClick(register, Qt.Key.Key_Insert)  # Ny
    editor = register.editor
    assert isinstance(editor, ArticleDialog)
    assert editor.number_edit.text() == "1"
    type_into(qtbot, editor.barcode_edit, "7310865004704")
    type_into(qtbot, editor.name_edit, "Konsultarbete")
    type_into(qtbot, editor.price_edit, "1 250,5")
    editor.vat_combo.setFocus()
    qtbot.keyClicks(editor.vat_combo, "Rest")  # Restaurang, catering och hotell (12 %)
    editor.unit_combo.setFocus()
    qtbot.keyClicks(editor.unit_combo, "tim")
    qtbot.keyClick(editor.incl_vat_check, Qt.Key.Key_Space)  # the price is without VAT
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.barcode_edit.error_text() == "Streckkod 7310865004704 stämmer inte: kontrollsiffran är fel."
    assert Article.select().count() == 0

    type_into(qtbot, editor.barcode_edit, "7310865004703")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    article = Article.get()
    assert (article.number, article.barcode, article.name, article.price, article.price_includes_vat,
            article.vat_group.key, article.unit) == ("1", "7310865004703", "Konsultarbete", Decimal("1250.50"),
                                                     False, "restaurant", "HUR")
    assert column(register, 2) == ["Konsultarbete"]
    assert column(register, 6) == ["tim"]


def test_price_and_duplicates_refused(qtbot, db):
    Article.create(number="100", barcode="7310865004703", name="Kaffe", price=Decimal("49.90"))
    dialog = ArticleDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.number_edit.text() == "101"
    type_into(qtbot, dialog.name_edit, "Te")
    type_into(qtbot, dialog.price_edit, "12,345")
    assert dialog.price_edit.error_text() == "Pris kan ha högst två decimaler (öre)."
    type_into(qtbot, dialog.price_edit, "tolv")
    assert dialog.price_edit.error_text() == "Pris ska vara ett belopp i kronor, t.ex. 49,90."
    type_into(qtbot, dialog.price_edit, "29")
    type_into(qtbot, dialog.barcode_edit, "7310865004703")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.barcode_edit.error_text() == "Streckkoden används redan av artikel 100 Kaffe."
    type_into(qtbot, dialog.number_edit, "100")
    type_into(qtbot, dialog.barcode_edit, "")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.number_edit.error_text() == "Artikelnummer 100 finns redan. Välj ett annat."
    type_into(qtbot, dialog.number_edit, "200")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert Article.get(Article.number == "200").price == Decimal("29.00")


def test_search_by_barcode_name_and_deactivate(qtbot, register):
    Article.create(number="100", barcode="7310865004703", name="Kaffe mellanrost", price=Decimal("49.90"))
    Article.create(number="200", name="Te", price=Decimal("29.00"), vat_group=vat_group(12))
    register.refresh()
    assert column(register, 2) == ["Kaffe mellanrost", "Te"]
    qtbot.keyClicks(register.search_edit, "7310865004703")  # as a scanner types it
    qtbot.waitUntil(lambda: column(register, 2) == ["Kaffe mellanrost"])
    register.search_edit.clear()
    qtbot.keyClicks(register.search_edit, "MELLAN")
    qtbot.waitUntil(lambda: column(register, 0) == ["100"])
    register.table.setFocus()
    qtbot.keyClick(register.table, Qt.Key.Key_Delete)
    assert not Article.get(Article.number == "100").active


def test_every_problem_is_shown_at_once_and_the_form_holds_still(qtbot, db):
    """One Spara says everything that is wrong, the database's checks beside the fields' own, and
    no field moves when the messages appear (a click meant for a field lands in it)."""
    Article.create(number="100", barcode="7310865004703", name="Kaffe", price=Decimal("49.90"))
    dialog = ArticleDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    fields = [dialog.number_edit, dialog.barcode_edit, dialog.name_edit, dialog.price_edit, dialog.vat_combo,
              dialog.unit_combo, dialog.save_button]
    before = [field.mapTo(dialog, field.rect().topLeft()) for field in fields]
    type_into(qtbot, dialog.number_edit, "100")
    type_into(qtbot, dialog.barcode_edit, "7310865004703")
    type_into(qtbot, dialog.price_edit, "tolv")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.number_edit.error_text() == "Artikelnummer 100 finns redan. Välj ett annat."
    assert dialog.barcode_edit.error_text() == "Streckkoden används redan av artikel 100 Kaffe."
    assert dialog.name_edit.error_text() == "Skriv artikelns benämning."
    assert dialog.price_edit.error_text() == "Pris ska vara ett belopp i kronor, t.ex. 49,90."
    assert dialog.focusWidget() is dialog.number_edit.edit  # the first of them
    assert [field.mapTo(dialog, field.rect().topLeft()) for field in fields] == before
    assert Article.select().count() == 1


def test_units_are_words(qtbot, db):
    dialog = ArticleDialog()
    qtbot.addWidget(dialog)
    words = [dialog.unit_combo.itemText(i) for i in range(dialog.unit_combo.count())]
    assert words[:5] == ["st", "tim", "dag", "mån", "kg"]
    assert not any("(" in word for word in words)  # no "st (EA)"


def test_a_price_change_in_the_dialog_goes_to_the_registers_journal(qtbot, db, monkeypatch):
    monkeypatch.setenv("KASSA_TILL", "kassa-1")
    article = Article.create(number="100", barcode="7310865004703", name="Kaffe", price=Decimal("49.90"))
    dialog = ArticleDialog(article)
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.price_edit, "52,90")
    qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)
    from kassa.models import JournalEntry

    row = JournalEntry.get(JournalEntry.event == "price_changed")
    assert (row.till, row.data["number"], row.data["old_price"], row.data["price"]) == ("kassa-1", "100", "49.90",
                                                                                         "52.90")


def test_a_service_is_marked_on_the_form_and_counted_apart_on_the_day_report(qtbot, register, monkeypatch):
    from kassa.models import JournalEntry
    from kassa.register.control_unit.exempt import NoControlUnit
    from kassa.register.service import Register
    from tests.factories import make_company

    monkeypatch.setenv("KASSA_TILL", "kassa-1")
    make_company()
    Article.create(number="300", name="Montering", price=Decimal("400.00"), vat_group=vat_group(25))
    register.refresh()
    qtbot.waitUntil(lambda: register.model.rowCount() == 1)
    assert column(register, 7) == ["Vara"]
    register.table.setFocus()
    register.table.selectRow(0)
    qtbot.keyClick(register.table, Qt.Key.Key_Return)  # Ändra
    editor = register.editor
    assert not editor.service_check.isChecked()
    editor.service_check.setFocus()
    qtbot.keyClick(editor.service_check, Qt.Key.Key_Space)
    qtbot.keyClick(editor.save_button, Qt.Key.Key_Space)
    assert Article.get(Article.number == "300").is_service
    qtbot.waitUntil(lambda: column(register, 7) == ["Tjänst"])
    change = JournalEntry.get(JournalEntry.event == "price_changed")
    assert change.data["changed"] == ["is_service"]

    till = Register("kassa-1", NoControlUnit())
    till.open_day("0")
    till.add_code("2*300")
    till.pay_card()
    figures = till.x_report()
    assert (figures.services_sold, figures.goods_sold) == (Decimal("2"), Decimal("0"))
    assert (figures.services_amount, figures.goods_amount) == (Decimal("800.00"), Decimal("0.00"))
