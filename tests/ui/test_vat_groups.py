"""Inställningar → Momsgrupper: the groups and their dated rates, seen and edited with the keyboard."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from kassa.models import VatGroup
from kassa.ui.vat_groups import VatGroupsDialog
from kassa.vat.rates import group_rate, periods_of


def rows(dialog) -> list[tuple[str, str]]:
    return [(dialog.rates.item(r, 0).text(), dialog.rates.item(r, 1).text()) for r in range(dialog.rates.rowCount())]


def select(dialog, name: str) -> None:
    item = next(dialog.list.item(i) for i in range(dialog.list.count()) if dialog.list.item(i).text().startswith(name))
    dialog.list.setCurrentItem(item)


def test_food_shows_its_dated_rates_and_a_new_group_is_saved(qtbot, db):
    dialog = VatGroupsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.list.count() == VatGroup.select().count()
    select(dialog, "Livsmedel")
    assert rows(dialog) == [("alltid", "12"), ("2026-04-01", "6"), ("2028-01-01", "12")]

    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.name_edit, "Alkoholfria drycker på servering")
    dialog.rates.item(0, 1).setText("20")
    qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)
    assert "20 % finns inte i Sverige" in dialog.message.text()
    assert not VatGroup.select().where(VatGroup.name == "Alkoholfria drycker på servering").exists()

    dialog.rates.item(0, 1).setText("12")
    qtbot.keyClick(dialog.add_rate_button, Qt.Key.Key_Space)
    dialog.rates.item(1, 0).setText("2027-01-01")
    dialog.rates.item(1, 1).setText("25")
    qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)
    assert "är sparad" in dialog.message.text()
    group = VatGroup.get(VatGroup.name == "Alkoholfria drycker på servering")
    assert periods_of(group) == [(None, 12), (dt.date(2027, 1, 1), 25)]
    assert group_rate(group, dt.date(2026, 12, 31)).rate == 12 and group_rate(group, dt.date(2027, 1, 1)).rate == 25


def test_a_date_that_is_no_date_is_said_at_the_rates(qtbot, db):
    dialog = VatGroupsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    select(dialog, "Standard")
    qtbot.keyClick(dialog.add_rate_button, Qt.Key.Key_Space)
    dialog.rates.item(1, 0).setText("1 april")
    qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)
    assert "'1 april' är inget datum" in dialog.message.text()
    assert periods_of(VatGroup.get(VatGroup.key == "standard")) == [(None, 25)]


def test_reachable_from_the_settings_menu(qtbot, db):
    from kassa.ui.main_window import MainWindow

    window = MainWindow(till_name="Kassa 1", with_indicator=False)
    qtbot.addWidget(window)
    action = window.findChild(type(window.menuBar().actions()[0]), "vatGroupsAction")
    assert action is not None and action.text().replace("&", "") == "Momsgrupper"
    action.trigger()
    qtbot.waitUntil(lambda: any(isinstance(w, VatGroupsDialog) and w.isVisible() for w in window.findChildren(
        VatGroupsDialog)))
