"""Kundkategori: the category list and the vendor's category form.

The word "pagero" in the note ("Notering: Extra funktioner"), in any case and as a word of its
own ("Pagero-kund" yes, "papagerolle" no), makes invoices to the category's customers go out as
e-invoices; as you type, a line under the note says so and the word is marked in the note.
"""
from __future__ import annotations

import logging

import peewee
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from kassa.models import CustomerCategory
from kassa.models.customers import pagero_word
from kassa.ui.focus import order_tabs
from kassa.ui.validated_fields import ValidatedLineEdit

log = logging.getLogger(__name__)

PAGERO_ON_TEXT = "E-faktura: fakturor till kunder i kategorin skickas som e-faktura via Pagero."
PAGERO_MATCH_TEXT = "Ordet ”%1” i noteringen betyder e-faktura."
PAGERO_MATCH_IN_TEXT = "Ordet ”%1” i noteringen (i ”%2”) betyder e-faktura."
PAGERO_OFF_TEXT = ("Fakturor skrivs ut. Skriv ordet pagero i noteringen för att skicka dem som e-faktura via Pagero "
                   "(som eget ord: ”Pagero-kund” räknas, ”papagerolle” inte).")
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class CategoryEditorDialog(QDialog):
    """The list on the left, the form on the right; Ny, Spara, Stäng."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Kundkategori"))
        self.current: CustomerCategory | None = None

        self.model = QStandardItemModel(self)
        self.list_view = QListView(self)
        self.list_view.setModel(self.model)
        self.list_view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.list_view.setMinimumWidth(200)

        self.name_edit = ValidatedLineEdit(required=True, required_message=self.tr("Skriv kategorins namn."))
        self.insurance_check = QCheckBox(self.tr("&Försäkringsbolag"), self)
        self.no_fee_check = QCheckBox(self.tr("Använd inte e&xp. avgift vid faktura"), self)
        self.manual_vat_check = QCheckBox(self.tr("Registrera &manuell faktura inkl moms"), self)
        self.require_id_check = QCheckBox(
            self.tr("Kräv &legitimation vid fakturering från kassafönstret. Gäller ej manuell faktura"), self)
        self.no_bonus_check = QCheckBox(self.tr("Ej &bonusgrundande"), self)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(self.fontMetrics().height() * 5)
        self.pagero_label = QLabel(self)
        self.pagero_label.setObjectName("pageroLabel")
        self.pagero_label.setWordWrap(True)
        self.pagero_label.setTextFormat(Qt.TextFormat.PlainText)
        # Two lines kept for it, so the buttons below do not move as it changes.
        self.pagero_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)
        self.pagero_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.match_label = QLabel(self)
        self.match_label.setObjectName("pageroMatchLabel")
        self.match_label.setTextFormat(Qt.TextFormat.PlainText)
        self.match_label.setMinimumHeight(self.fontMetrics().lineSpacing())
        self.saved_label = QLabel(self)
        self.saved_label.setStyleSheet("color: #1a7f37;")

        self.new_button = QPushButton(self.tr("&Ny"), self)
        self.save_button = QPushButton(self.tr("&Spara"), self)
        self.close_button = QPushButton(self.tr("S&täng"), self)
        self.save_button.setDefault(True)
        for button in (self.new_button, self.close_button):
            button.setAutoDefault(False)

        form = QFormLayout()
        name_label = QLabel(self.tr("&Kategori:"), self)
        name_label.setBuddy(self.name_edit)
        form.addRow(name_label, self.name_edit)
        for check in (self.insurance_check, self.no_fee_check, self.manual_vat_check, self.require_id_check,
                      self.no_bonus_check):
            form.addRow("", check)
        note_label = QLabel(self.tr("N&otering: Extra funktioner"), self)
        note_label.setBuddy(self.note_edit)
        form.addRow(note_label)
        form.addRow(self.note_edit)
        form.addRow(self.pagero_label)
        form.addRow(self.match_label)

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.saved_label, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addStretch(1)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list_view)
        layout.addLayout(right, 1)

        self.note_edit.textChanged.connect(self._update_pagero_label)
        self.list_view.selectionModel().currentChanged.connect(self._current_changed)
        self.new_button.clicked.connect(self.new_category)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        for widget in (self.name_edit.edit, self.note_edit):
            widget.installEventFilter(self)

        self.resize(760, 420)
        order_tabs(self)
        self.reload()
        if self.model.rowCount():
            self.list_view.setCurrentIndex(self.model.index(0, 0))
            self.list_view.setFocus()  # the first input: choose a category, or Ny (Alt+N)
        else:
            self.new_category()

    # -- list ---------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        self.model.clear()
        for category in CustomerCategory.select().order_by(CustomerCategory.name):
            item = QStandardItem(category.name)
            item.setData(category.id, ID_ROLE)
            if category.sends_via_pagero:
                item.setToolTip(self.tr(PAGERO_ON_TEXT))
                item.setText(f"{category.name}  ✉")
            self.model.appendRow(item)
        if select_id is not None:
            for row in range(self.model.rowCount()):
                if self.model.item(row).data(ID_ROLE) == select_id:
                    self.list_view.selectionModel().setCurrentIndex(
                        self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _current_changed(self, current, previous) -> None:
        if not current.isValid():
            return
        category = CustomerCategory.get_or_none(CustomerCategory.id == current.data(ID_ROLE))
        if category is not None and (self.current is None or self.current.id != category.id):
            self._load(category)

    # -- form ---------------------------------------------------------------------------

    def new_category(self) -> None:
        self.list_view.clearSelection()
        self._load(None)
        self.name_edit.setFocus()

    def _load(self, category: CustomerCategory | None) -> None:
        self.current = category
        c = category or CustomerCategory()
        self.name_edit.setText(c.name or "")
        self.insurance_check.setChecked(bool(c.insurance_company))
        self.no_fee_check.setChecked(bool(c.no_invoice_fee))
        self.manual_vat_check.setChecked(bool(c.manual_incl_vat))
        self.require_id_check.setChecked(bool(c.require_id))
        self.no_bonus_check.setChecked(bool(c.no_bonus))
        self.note_edit.setPlainText(c.note or "")
        self.saved_label.clear()
        self._update_pagero_label()

    def _update_pagero_label(self) -> None:
        note = self.note_edit.toPlainText()
        match = pagero_word(note)
        self._mark_in_note(match.span() if match else None)
        if match is None:
            self.pagero_label.setText(self.tr(PAGERO_OFF_TEXT))
            self.pagero_label.setStyleSheet("color: palette(mid);")
            self.match_label.clear()
            return
        self.pagero_label.setText(self.tr(PAGERO_ON_TEXT))
        self.pagero_label.setStyleSheet("color: #1a5fb4; font-weight: bold;")
        around = _word_around(note, *match.span())
        text = PAGERO_MATCH_TEXT if around == match.group(0) else PAGERO_MATCH_IN_TEXT
        self.match_label.setText(self.tr(text).replace("%1", match.group(0)).replace("%2", around))

    def _mark_in_note(self, span: tuple[int, int] | None) -> None:
        """The matched word marked in the note itself (an extra selection: the text is not changed)."""
        if span is None:
            self.note_edit.setExtraSelections([])
            return
        selection = QTextEdit.ExtraSelection()
        selection.cursor = QTextCursor(self.note_edit.document())
        selection.cursor.setPosition(span[0])
        selection.cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        marked = QTextCharFormat()
        marked.setBackground(QColor("#cfe2ff"))
        marked.setFontWeight(700)
        selection.format = marked
        self.note_edit.setExtraSelections([selection])

    def pagero_matched(self) -> str:
        """The text marked in the note as the word pagero ("" when none)."""
        selections = self.note_edit.extraSelections()
        return selections[0].cursor.selectedText() if selections else ""

    def save(self) -> None:
        self.saved_label.clear()
        if not self.name_edit.show_problem():
            self.name_edit.setFocus()
            return
        name = self.name_edit.text()
        clash = CustomerCategory.select().where(peewee.fn.LOWER(CustomerCategory.name) == name.lower())
        if self.current is not None:
            clash = clash.where(CustomerCategory.id != self.current.id)
        if clash.exists():
            self.name_edit.show_error(self.tr("Det finns redan en kategori som heter %1.").replace("%1", name))
            self.name_edit.setFocus()
            return
        category = self.current or CustomerCategory()
        category.name = name
        category.insurance_company = self.insurance_check.isChecked()
        category.no_invoice_fee = self.no_fee_check.isChecked()
        category.manual_incl_vat = self.manual_vat_check.isChecked()
        category.require_id = self.require_id_check.isChecked()
        category.no_bonus = self.no_bonus_check.isChecked()
        category.note = self.note_edit.toPlainText().strip()
        try:
            category.save()
        except peewee.IntegrityError:
            self.name_edit.show_error(self.tr("Det finns redan en kategori som heter %1.").replace("%1", name))
            return
        self.current = category
        self.reload(select_id=category.id)
        self.saved_label.setText(self.tr("Sparad."))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        # Ctrl+Enter saves from anywhere in the form, also from the multi-line note.
        if event.type() == event.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.save()
            return True
        return super().eventFilter(watched, event)


def _word_around(text: str, start: int, end: int) -> str:
    """The whitespace-delimited word that holds text[start:end] ("Pagero-kund" around "Pagero")."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]
