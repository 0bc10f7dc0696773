"""Artiklar: the article register and the article form (EAN-13 checked, price with or
without VAT, VAT group, unit as a word (st, tim, kg) stored as its UN/ECE recommendation 20 code,
goods or a service).
Saving shows every problem of the form at once, the database's (a number or barcode already
taken) beside the fields' own.

An article belongs to a VAT group (Inställningar → Momsgrupper); its rate is the group's on the
day of the sale, so a rate change needs no re-pricing."""
from __future__ import annotations

import logging
from typing import Any

import peewee
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from kassa.identifiers import check_ean13
from kassa.models import Article, VatGroup
from kassa.money import format_sek
from kassa.register.prices import save_article
from kassa.ui.register_dialog import SEARCH_LIMIT, RecordDialog, RegisterDialog
from kassa.ui.register_model import Column
from kassa.ui.validated_fields import ValidatedLineEdit, amount_checker, focus_first_error
from kassa.ui.vat_groups import group_label
from kassa.units import UNITS, unit_word
from kassa.vat.rates import groups

log = logging.getLogger(__name__)


class ArticleDialog(RecordDialog):
    """Ny artikel / Ändra artikel. `record` is the saved Article after accept()."""

    def __init__(self, article: Article | None = None, parent: QWidget | None = None):
        super().__init__(article, parent)
        self.setWindowTitle(self.tr("Ändra artikel") if article else self.tr("Ny artikel"))
        self.number_edit = ValidatedLineEdit(required=True, required_message=self.tr("Skriv ett artikelnummer."))
        self.barcode_edit = ValidatedLineEdit(check_ean13, placeholder=self.tr("EAN-13, 13 siffror"))
        self.name_edit = ValidatedLineEdit(required=True, required_message=self.tr("Skriv artikelns benämning."))
        self.price_edit = ValidatedLineEdit(amount_checker("Pris"), required=True,
                                            required_message=self.tr("Skriv ett pris, t.ex. 49,90."))
        self.incl_vat_check = QCheckBox(self.tr("Pris &inkl. moms"), self)
        self.vat_combo = QComboBox(self)
        self.vat_combo.setObjectName("articleVatGroup")
        for group in groups(include_inactive=article is not None):
            self.vat_combo.addItem(group_label(group), group.id)
        self.unit_combo = QComboBox(self)
        for code, word in UNITS:
            self.unit_combo.addItem(word, code)  # the word a person reads; the code is stored
        # A service is counted apart from goods on receipts and day reports (SKVFS 2014:9 7 kap.).
        self.service_check = QCheckBox(self.tr("T&jänst (inte en vara)"), self)
        self.service_check.setObjectName("articleIsService")
        self.active_check = QCheckBox(self.tr("Aktiv"), self)

        form = QFormLayout()
        form.addRow(self.buddy_label(self.tr("&Artikelnummer:"), self.number_edit), self.number_edit)
        form.addRow(self.buddy_label(self.tr("S&treckkod:"), self.barcode_edit), self.barcode_edit)
        form.addRow(self.buddy_label(self.tr("&Benämning:"), self.name_edit), self.name_edit)
        price_row = QHBoxLayout()
        price_row.addWidget(self.price_edit, 1)
        price_row.addWidget(self.incl_vat_check)
        form.addRow(self.buddy_label(self.tr("&Pris (kr):"), self.price_edit), price_row)
        form.addRow(self.buddy_label(self.tr("&Momsgrupp:"), self.vat_combo), self.vat_combo)
        form.addRow(self.buddy_label(self.tr("&Enhet:"), self.unit_combo), self.unit_combo)
        form.addRow("", self.service_check)
        form.addRow("", self.active_check)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self._load(article)
        self.number_edit.setFocus()
        self.resize(520, 0)

    def _load(self, a: Article | None) -> None:
        if a is None:
            self.number_edit.setText(suggest_article_number())
            self.incl_vat_check.setChecked(True)
            standard = VatGroup.get_or_none(VatGroup.key == "standard")
            self.vat_combo.setCurrentIndex(max(0, self.vat_combo.findData(standard.id if standard else None)))
            self.active_check.setChecked(True)
            return
        self.number_edit.setText(a.number)
        self.barcode_edit.setText(a.barcode or "")
        self.name_edit.setText(a.name)
        self.price_edit.setText(format_sek(a.price).replace("\u00a0", " "))
        self.incl_vat_check.setChecked(a.price_includes_vat)
        self.vat_combo.setCurrentIndex(max(0, self.vat_combo.findData(a.vat_group_id)))
        index = self.unit_combo.findData(a.unit)
        if index < 0:  # a code from elsewhere (an import): keep it selectable
            self.unit_combo.addItem(unit_word(a.unit), a.unit)
            index = self.unit_combo.count() - 1
        self.unit_combo.setCurrentIndex(index)
        self.service_check.setChecked(bool(a.is_service))
        self.active_check.setChecked(a.active)

    def _fields(self) -> list[ValidatedLineEdit]:
        return [self.number_edit, self.barcode_edit, self.name_edit, self.price_edit]

    def _check_taken(self) -> None:
        """Number and barcode already used by another article: said at the fields, both at once."""
        others = Article.select()
        if self.record is not None:
            others = others.where(Article.id != self.record.id)
        if self.number_edit.is_valid():
            number = self.number_edit.value()
            if others.where(Article.number == number).exists():
                self.number_edit.show_error(
                    self.tr("Artikelnummer %1 finns redan. Välj ett annat.").replace("%1", number))
        if self.barcode_edit.is_valid() and self.barcode_edit.value():
            other = others.where(Article.barcode == self.barcode_edit.value()).first()
            if other is not None:
                self.barcode_edit.show_error(
                    self.tr("Streckkoden används redan av artikel %1.").replace("%1", str(other)))

    def save(self) -> None:
        self.form_error.hide()
        for field in self._fields():
            field.show_problem()
        self._check_taken()
        if focus_first_error(self._fields()) is not None:
            return
        number = self.number_edit.value()
        barcode = self.barcode_edit.value() or None
        article = Article.get_by_id(self.record.id) if self.record else Article()
        article.number = number
        article.barcode = barcode
        article.name = self.name_edit.text()
        article.price = self.price_edit.value()
        article.price_includes_vat = self.incl_vat_check.isChecked()
        article.vat_group = self.vat_combo.currentData()
        article.unit = self.unit_combo.currentData()
        article.is_service = self.service_check.isChecked()
        article.active = self.active_check.isChecked()
        try:
            save_article(article)  # journals a new article or a price change (the kassaregister's price list)
        except peewee.DatabaseError as exc:
            log.exception("saving the article failed")
            self.show_form_error(self.tr("Artikeln kunde inte sparas: %1").replace("%1", str(exc)))
            return
        self.record = article
        self.accept()


def suggest_article_number() -> str:
    """The next free number after the highest numeric article number ("1001" after "1000")."""
    numbers = [int(article.number) for article in Article.select(Article.number) if article.number.isdigit()]
    return str(max(numbers) + 1) if numbers else "1"


class ArticleRegisterDialog(RegisterDialog):
    """Artiklar."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Artiklar"))
        self.search_edit.setPlaceholderText(self.tr("Benämning, artikelnummer eller streckkod"))

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Artikelnr"), lambda a: a.number, Article.number),
            Column(self.tr("Streckkod"), lambda a: a.barcode or "", Article.barcode),
            Column(self.tr("Benämning"), lambda a: a.name, Article.name),
            Column(self.tr("Pris"), lambda a: format_sek(a.price), Article.price, align_right=True,
                   sort_key=lambda a: a.price),
            Column(self.tr("Moms ingår"), lambda a: self.tr("inkl.") if a.price_includes_vat else self.tr("exkl."),
                   Article.price_includes_vat),
            Column(self.tr("Momsgrupp"), lambda a: group_label(a.vat_group) if a.vat_group_id else "",
                   Article.vat_group),
            Column(self.tr("Enhet"), lambda a: unit_word(a.unit), Article.unit),
            Column(self.tr("Slag"), lambda a: self.tr("Tjänst") if a.is_service else self.tr("Vara"),
                   Article.is_service),
            Column(self.tr("Status"), lambda a: "" if a.active else self.tr("Inaktiv"), Article.active),
        ]

    def default_sort_column(self) -> int:
        return 2

    def base_query(self, include_inactive: bool) -> peewee.ModelSelect[Any]:
        query = Article.select()
        return query if include_inactive else query.where(Article.active == True)  # noqa: E712

    def search(self, text: str, include_inactive: bool) -> list[Any]:
        needle = text.strip()
        query = self.base_query(include_inactive)
        # A scanned barcode or an article number first; then names containing the text.
        exact = list(query.where((Article.barcode == needle) | (Article.number == needle)))
        seen = {a.id for a in exact}
        like = query.where(peewee.fn.LOWER(Article.name).contains(needle.lower())
                           | Article.number.startswith(needle)).order_by(Article.name).limit(SEARCH_LIMIT)
        return exact + [a for a in like if a.id not in seen]

    def make_editor(self, record: Any | None) -> QDialog:
        return ArticleDialog(record, self)

