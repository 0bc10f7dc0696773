"""Kundregister: the customer register and the customer form.

The register pages through the customers lazily and searches in a worker thread, so it
opens and answers at once with 100,000 customers. The form checks Swedish identifiers as
the cashier goes and says next to the field what is wrong; it shows whether the customer's
invoices go out as e-invoices through Pagero and, for those, what would stop a send.
"""
from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import peewee
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kassa.customer_search import prefix_upper_bound, search_customers
from kassa.eas_schemes import SCHEMES, check_scheme_value, legal_scheme_of
from kassa.identifiers import (
    InvalidIdentifier,
    check_email,
    check_gln,
    check_orgnr,
    check_personnummer,
    check_postal_code,
    check_vat,
    format_orgnr,
    format_postal_code,
    vat_from_orgnr,
)
from kassa.models import Customer, CustomerCategory
from kassa.models.database import write_transaction
from kassa.money import format_sek
from kassa.peppol.checks import CUSTOMER_PLACE, check_customer
from kassa.ui.register_dialog import SEARCH_LIMIT, RecordDialog, RegisterDialog
from kassa.ui.register_model import Column
from kassa.ui.validated_fields import ValidatedLineEdit, first_problem
from kassa.vat.categories import TREATMENTS
from kassa.vat.conditions import buyer_vat_problem
from kassa.vat.countries import is_country

log = logging.getLogger(__name__)

# PEPPOL endpoint schemes ("" = derived from GLN, the org. no. or, in Germany, the VAT number);
# foreign buyers' schemes from the EAS list (kassa.eas_schemes).
ENDPOINT_SCHEMES = (
    ("", "Härleds (av GLN, annars organisationsnumret)"),
    ("0007", "0007 – organisationsnummer"),
    ("0088", "0088 – GLN"),
) + tuple((s.code, f"{s.code} – {s.label}") for s in SCHEMES.values() if s.endpoint and s.code not in ("0007", "0088"))
LEGAL_SCHEMES = (("", "Härleds av landet (SE 0007, NO 0192, DK 0184, FI 0037, NL 0106, BE 0208)"),) + tuple(
    (s.code, f"{s.code} – {s.label}") for s in SCHEMES.values() if s.legal)
_ENDPOINT_CHECKS = {"0007": check_orgnr, "0088": check_gln}

E_INVOICE_TEXT = "Fakturor till kunden skickas som e-faktura via Pagero"
PAPER_TEXT = "Fakturor till kunden skrivs ut (kategorin har inte ”pagero” i noteringen)"


def add_item(combo: QComboBox, label: str, data: object) -> None:
    """A choice whose explanation in brackets goes to its tooltip: the combo box shows the short name
    whole ("Normal", "Härleds av landet") instead of a long text cut in the middle of a word."""
    short = label.split(" (", 1)[0]
    combo.addItem(short, data)
    if short != label:
        combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)


def explain_current(combo: QComboBox) -> None:
    combo.setToolTip(combo.currentData(Qt.ItemDataRole.ToolTipRole) or "")


def next_customer_number() -> int:
    """max + 1; call inside a write transaction so two tills never take the same number."""
    highest = Customer.select(peewee.fn.MAX(Customer.number)).scalar()
    return (highest or 0) + 1


# Where in this form each problem of kassa.peppol.checks is put right (its texts name the register's
# menu path, which is where a cashier at the till goes; here the form is already open).
FIELDS_HERE = {
    "buyer.is_private": "det här fönstret",
    "buyer.endpoint": "fälten Org.nummer, GLN eller Peppol-adress här",
    "buyer.org_number": "fältet Org.nummer här",
    "buyer.gln": "fältet GLN här",
    "buyer.vat_number": "fältet Momsreg.nr här",
    "buyer.address": "fälten under Adress och kontakt här",
    "buyer_reference": "fältet Er referens här",
}


def pre_send_problems(customer: Customer) -> list[str]:
    """What kassa.peppol.checks would refuse before sending to this customer (Swedish texts), each
    pointing at the field of the customer form that puts it right."""
    return [p.message_sv.replace(CUSTOMER_PLACE, FIELDS_HERE.get(p.field, "det här fönstret"))
            for p in check_customer(customer)]


class CustomerDialog(RecordDialog):
    """Ny kund / Ändra kund. `record` is the saved Customer after accept()."""

    def __init__(self, customer: Customer | None = None, parent: QWidget | None = None):
        super().__init__(customer, parent)
        self.setWindowTitle(self.tr("Ändra kund") if customer else self.tr("Ny kund"))

        self.number_label = QLabel(self)
        self.name_edit = ValidatedLineEdit(required=True, required_message=self.tr("Skriv kundens namn."))
        self.private_check = QCheckBox(self.tr("Pri&vatperson"), self)
        self.org_label = QLabel(self)
        self.org_edit = ValidatedLineEdit(check_orgnr)
        self.vat_edit = ValidatedLineEdit(check_vat)
        self.gln_edit = ValidatedLineEdit(check_gln, placeholder=self.tr("13 siffror"))
        self.scheme_combo = QComboBox(self)
        for code, label in ENDPOINT_SCHEMES:
            add_item(self.scheme_combo, self.tr(label), code)
        self.endpoint_edit = ValidatedLineEdit(None, placeholder=self.tr("adressen hos schemat"))
        self.endpoint_edit.edit.setAccessibleName(self.tr("Peppol-adress"))
        self.street_edit = QLineEdit(self)
        self.postal_edit = ValidatedLineEdit(self._check_postal, placeholder=self.tr("123 45"))
        self.city_edit = QLineEdit(self)
        self.country_edit = ValidatedLineEdit(_check_country)
        self.country_edit.edit.setMaxLength(2)
        self.email_edit = ValidatedLineEdit(check_email)
        self.phone_edit = QLineEdit(self)
        self.reference_edit = QLineEdit(self)
        self.reference_edit.setPlaceholderText(self.tr("Er referens på fakturan"))
        self.category_combo = QComboBox(self)
        self.category_combo.addItem(self.tr("(ingen kategori)"), None)
        self._pagero_categories: set[int] = set()
        for category in CustomerCategory.select().order_by(CustomerCategory.name):
            self.category_combo.addItem(category.name, category.id)
            if category.sends_via_pagero:
                self._pagero_categories.add(category.id)
        self.legal_combo = QComboBox(self)
        self.legal_combo.setObjectName("customerLegalScheme")
        for code, label in LEGAL_SCHEMES:
            add_item(self.legal_combo, self.tr(label), code)
        self.treatment_combo = QComboBox(self)
        self.treatment_combo.setObjectName("customerVatTreatment")
        for code, label in TREATMENTS.items():
            add_item(self.treatment_combo, self.tr(label), code)
        self.bonus_label = QLabel(self)
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.fontMetrics().height() * 4)
        self.active_check = QCheckBox(self.tr("Aktiv"), self)
        self.einvoice_label = QLabel(self)
        self.einvoice_label.setWordWrap(True)
        self.problems_label = QLabel(self)
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #8a5a00;")


        self._build_layout()
        self._load(customer)
        self.private_check.toggled.connect(self._private_toggled)
        self.org_edit.edit.textChanged.connect(self._update_vat_hint)
        self.scheme_combo.currentIndexChanged.connect(self._scheme_changed)
        self.country_edit.edit.textChanged.connect(self._country_changed)
        self.legal_combo.currentIndexChanged.connect(lambda _i: self._private_toggled(self.private_check.isChecked()))
        # What would stop an e-invoice follows every change, so it never lists what was just filled in.
        self.category_combo.currentIndexChanged.connect(self._update_einvoice)
        self.legal_combo.currentIndexChanged.connect(self._update_einvoice)
        self.scheme_combo.currentIndexChanged.connect(self._update_einvoice)
        self.private_check.toggled.connect(self._update_einvoice)
        for edit in [field.edit for field in self._validated_fields()] + [self.street_edit, self.city_edit,
                                                                           self.reference_edit]:
            edit.textChanged.connect(self._update_einvoice)
        for combo in (self.scheme_combo, self.legal_combo, self.treatment_combo):  # the chosen one's explanation
            combo.currentIndexChanged.connect(lambda _i, c=combo: explain_current(c))
            explain_current(combo)
        self._private_toggled(self.private_check.isChecked())
        self._scheme_changed()
        self._update_einvoice()
        self.name_edit.setFocus()

    # -- layout -----------------------------------------------------------------------

    def _build_layout(self) -> None:
        ident = QFormLayout()
        ident.addRow(self.tr("Kundnummer:"), self.number_label)
        ident.addRow(self.buddy_label(self.tr("&Namn:"), self.name_edit), self.name_edit)
        ident.addRow("", self.private_check)
        self.org_label.setBuddy(self.org_edit)
        ident.addRow(self.org_label, self.org_edit)
        ident.addRow(self.buddy_label(self.tr("Registreringss&chema:"), self.legal_combo), self.legal_combo)
        ident.addRow(self.buddy_label(self.tr("&Momsreg.nr:"), self.vat_edit), self.vat_edit)
        ident.addRow(self.buddy_label(self.tr("G&LN:"), self.gln_edit), self.gln_edit)
        # The scheme and the address each on a row of their own, each named: side by side the address
        # field was a small box without a label.
        ident.addRow(self.buddy_label(self.tr("Peppol-sc&hema:"), self.scheme_combo), self.scheme_combo)
        ident.addRow(self.buddy_label(self.tr("Peppol-&adress:"), self.endpoint_edit), self.endpoint_edit)
        ident.addRow(self.buddy_label(self.tr("&Kategori:"), self.category_combo), self.category_combo)
        ident.addRow(self.buddy_label(self.tr("Moms&behandling:"), self.treatment_combo), self.treatment_combo)

        contact = QFormLayout()
        contact.addRow(self.buddy_label(self.tr("&Gatuadress:"), self.street_edit), self.street_edit)
        postal = QHBoxLayout()
        metrics = self.fontMetrics()
        self.postal_edit.setMaximumWidth(metrics.horizontalAdvance("000 000") * 2)
        # Readable at the dialog's size: a whole postal code and a town's name, not "382" and "tille".
        self.postal_edit.setMinimumWidth(metrics.horizontalAdvance("000 00") + 24)
        self.city_edit.setMinimumWidth(metrics.horizontalAdvance("Kungsbacka") + 24)
        city_label = self.buddy_label(self.tr("O&rt:"), self.city_edit)
        # As tall as the fields, so its text sits on their line also when a message opens under Postnummer.
        city_label.setMinimumHeight(self.city_edit.sizeHint().height())
        postal.addWidget(self.postal_edit, 0, Qt.AlignmentFlag.AlignTop)
        postal.addWidget(city_label, 0, Qt.AlignmentFlag.AlignTop)
        postal.addWidget(self.city_edit, 2, Qt.AlignmentFlag.AlignTop)
        contact.addRow(self.buddy_label(self.tr("Postn&ummer:"), self.postal_edit), postal)
        contact.addRow(self.buddy_label(self.tr("Lan&d:"), self.country_edit), self.country_edit)
        contact.addRow(self.buddy_label(self.tr("&E-post:"), self.email_edit), self.email_edit)
        contact.addRow(self.buddy_label(self.tr("&Telefon:"), self.phone_edit), self.phone_edit)
        contact.addRow(self.buddy_label(self.tr("Er re&ferens:"), self.reference_edit), self.reference_edit)
        contact.addRow(self.tr("Bonussaldo:"), self.bonus_label)
        contact.addRow(self.buddy_label(self.tr("Anteckn&ingar:"), self.notes_edit), self.notes_edit)
        contact.addRow("", self.active_check)

        columns = QGridLayout()
        left, right = QGroupBox(self.tr("Kund"), self), QGroupBox(self.tr("Adress och kontakt"), self)
        # The rows keep their own height; spare height goes below them, not between them.
        for box, form in ((left, ident), (right, contact)):
            outer = QVBoxLayout(box)
            outer.addLayout(form)
            outer.addStretch(1)
            # Never squeezed below the height the rows ask for (each field keeps its message line): a
            # squeezed form moved its rows whenever the Fakturering box below grew or shrank.
            box.setMinimumHeight(box.sizeHint().height())
        columns.addWidget(left, 0, 0)
        columns.addWidget(right, 0, 1)
        columns.setColumnStretch(0, 1)
        columns.setColumnStretch(1, 1)
        # The long scheme names must not claim the width the address column needs.
        for combo in (self.legal_combo, self.scheme_combo, self.category_combo, self.treatment_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        einvoice = QGroupBox(self.tr("Fakturering"), self)
        billing = QVBoxLayout(einvoice)
        billing.addWidget(self.einvoice_label)
        billing.addWidget(self.problems_label)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(einvoice)
        # Spare height goes below the Fakturering box: as its list of problems grows and shrinks, the
        # form above it keeps its place instead of its rows being spread and squeezed.
        layout.addStretch(1)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self.resize(920, 520)

    # -- values -----------------------------------------------------------------------

    def _load(self, c: Customer | None) -> None:
        if c is None:
            self.number_label.setText(self.tr("tilldelas när kunden sparas"))
            self.country_edit.setText("SE")
            self.active_check.setChecked(True)
            self.bonus_label.setText(format_sek(Decimal(0)) + " kr")
            return
        self.number_label.setText(str(c.number))
        self.name_edit.setText(c.name)
        self.private_check.setChecked(c.is_private)
        self.org_edit.setText(format_orgnr(c.org_number))
        self.vat_edit.setText(c.vat_number)
        self.gln_edit.setText(c.gln)
        self.scheme_combo.setCurrentIndex(max(0, self.scheme_combo.findData(c.endpoint_scheme)))
        self.endpoint_edit.setText(c.endpoint_id)
        self.street_edit.setText(c.street)
        self.postal_edit.setText(format_postal_code(c.postal_code) if c.country == "SE" else c.postal_code)
        self.city_edit.setText(c.city)
        self.country_edit.setText(c.country)
        self.email_edit.setText(c.email)
        self.phone_edit.setText(c.phone)
        self.reference_edit.setText(c.reference)
        self.category_combo.setCurrentIndex(max(0, self.category_combo.findData(c.category_id)))
        self.legal_combo.setCurrentIndex(max(0, self.legal_combo.findData(c.legal_scheme)))
        self.treatment_combo.setCurrentIndex(max(0, self.treatment_combo.findData(c.vat_treatment)))
        self.bonus_label.setText(format_sek(c.bonus_balance) + " kr")
        self.notes_edit.setPlainText(c.notes)
        self.active_check.setChecked(c.active)

    def _validated_fields(self) -> list[ValidatedLineEdit]:
        return [self.name_edit, self.org_edit, self.vat_edit, self.gln_edit, self.endpoint_edit,
                self.postal_edit, self.country_edit, self.email_edit]

    def _check_postal(self, text: str) -> str:
        if (self.country_edit.text().upper() or "SE") != "SE":
            return text
        return check_postal_code(text)

    def _private_toggled(self, private: bool) -> None:
        if private:
            self.org_label.setText(self.tr("&Personnummer:"))
            self.org_edit.edit.setPlaceholderText(self.tr("ÅÅMMDD-NNNN"))
            self.org_edit.set_checker(check_personnummer)
        else:
            self.org_label.setText(self.tr("&Org.nummer:"))
            self.org_edit.edit.setPlaceholderText(self.tr("556677-8899") if self._country() == "SE" else "")
            self.org_edit.set_checker(check_orgnr if self._country() == "SE" and not self.legal_combo.currentData()
                                      else self._check_foreign_org)
        self.vat_edit.setEnabled(not private)
        self.vat_edit.set_checker(check_vat if self._country() == "SE" else self._check_foreign_vat)
        self._update_vat_hint()

    def _country(self) -> str:
        return (self.country_edit.text() or "SE").upper()

    def _country_changed(self) -> None:
        self.postal_edit.set_checker(self._check_postal)
        self._private_toggled(self.private_check.isChecked())
        self._scheme_changed()

    def _check_foreign_org(self, text: str) -> str:
        scheme = legal_scheme_of(self._country(), self.legal_combo.currentData() or "")
        if not scheme:
            return text  # a country without a registration scheme Kassa knows: kept as typed, not sent
        return check_scheme_value(scheme, text, self._country(), self.tr("Organisationsnummer"))

    def _check_foreign_vat(self, text: str) -> str:
        problem = buyer_vat_problem(text, self._country())
        if problem:
            raise InvalidIdentifier("Momsreg.nr", problem)
        return text.replace(" ", "").upper()

    def _update_vat_hint(self) -> None:
        hint = self.tr("SE…01 (av org.numret)")
        if self._country() != "SE":
            hint = self.tr("med landskod, t.ex. NO974760673MVA eller DE136695976")
        elif not self.private_check.isChecked() and self.org_edit.text() and self.org_edit.is_valid():
            hint = vat_from_orgnr(self.org_edit.value())
        self.vat_edit.edit.setPlaceholderText(hint)

    def _scheme_changed(self) -> None:
        scheme = self.scheme_combo.currentData()
        self.endpoint_edit.setEnabled(bool(scheme))
        self.endpoint_edit.required = bool(scheme)
        self.endpoint_edit.required_message = self.tr("Skriv Peppol-adressen, eller välj ”Härleds”.")
        if scheme and (scheme not in _ENDPOINT_CHECKS or self._country() != "SE"):
            self.endpoint_edit.set_checker(
                lambda text: check_scheme_value(scheme, text, self._country(), self.tr("Peppol-adressen")))
        else:
            self.endpoint_edit.set_checker(_ENDPOINT_CHECKS.get(scheme))

    def _category_id(self) -> int | None:
        return self.category_combo.currentData()

    def sends_via_pagero(self) -> bool:
        return self._category_id() in self._pagero_categories

    def _update_einvoice(self) -> None:
        if not self.sends_via_pagero():
            self.einvoice_label.setText(self.tr(PAPER_TEXT))
            self.problems_label.hide()
            return
        self.einvoice_label.setText(f"<b>{self.tr(E_INVOICE_TEXT)}</b>")
        problems = pre_send_problems(self._customer_from_form(strict=False))
        if problems:
            self.problems_label.setText(
                self.tr("Innan en e-faktura kan skickas:") + "<ul>" + "".join(f"<li>{p}</li>" for p in problems)
                + "</ul>")
            self.problems_label.show()
        else:
            self.problems_label.hide()

    def _customer_from_form(self, strict: bool = True) -> Customer:
        """The form as an (unsaved) Customer. Not strict: unparseable fields are taken as typed."""

        def value(field: ValidatedLineEdit) -> str:
            try:
                return field.value()
            except InvalidIdentifier:
                if strict:
                    raise
                return field.text()

        c = Customer() if self.record is None else Customer.get_by_id(self.record.id)
        c.name = self.name_edit.text()
        c.is_private = self.private_check.isChecked()
        c.org_number = value(self.org_edit)
        vat = "" if c.is_private else value(self.vat_edit)
        if not vat and c.org_number and not c.is_private and self.org_edit.is_valid() and self._country() == "SE":
            vat = vat_from_orgnr(c.org_number)  # the Swedish VAT number follows from the org. number
        c.vat_number = vat
        c.gln = value(self.gln_edit)
        c.endpoint_scheme = self.scheme_combo.currentData() or ""
        c.endpoint_id = value(self.endpoint_edit) if c.endpoint_scheme else ""
        c.street = self.street_edit.text().strip()
        c.country = (self.country_edit.text() or "SE").upper()
        c.postal_code = value(self.postal_edit)
        c.city = self.city_edit.text().strip()
        c.email = value(self.email_edit)
        c.phone = self.phone_edit.text().strip()
        c.reference = self.reference_edit.text().strip()
        c.category_id = self._category_id()
        c.legal_scheme = self.legal_combo.currentData() or ""
        c.vat_treatment = self.treatment_combo.currentData() or ""
        c.notes = self.notes_edit.toPlainText()
        c.active = self.active_check.isChecked()
        return c

    def save(self) -> None:
        self.form_error.hide()
        if first_problem(self._validated_fields()) is not None:
            return  # the messages stand next to the fields
        customer = self._customer_from_form()
        try:
            for attempt in range(3):
                try:
                    with write_transaction():
                        if customer.id is None:
                            customer.number = next_customer_number()
                        customer.save()
                    break
                except peewee.IntegrityError:
                    # Another till took the same number in the meantime (PostgreSQL): take the next.
                    if customer.id is not None or attempt == 2:
                        raise
        except peewee.DatabaseError as exc:
            log.exception("saving the customer failed")
            self.show_form_error(self.tr("Kunden kunde inte sparas: %1").replace("%1", str(exc)))
            return
        self.record = customer
        self.accept()


def _check_country(text: str) -> str:
    code = text.strip().upper()
    if len(code) != 2 or not code.isalpha() or not is_country(code):
        raise InvalidIdentifier("Land", "Land ska vara en landskod med två bokstäver (ISO 3166), t.ex. SE, NO, DE.")
    return code


class CustomerRegisterDialog(RegisterDialog):
    """Kundregister."""

    def __init__(self, parent: QWidget | None = None):
        self._category_names: dict[int, str] = {}
        self._pagero_ids: set[int] = set()
        self._load_categories()
        super().__init__(parent)
        self.setWindowTitle(self.tr("Kundregister"))
        self.search_edit.setPlaceholderText(self.tr("Namn, kundnummer eller org.nummer"))

    def _load_categories(self) -> None:
        categories = list(CustomerCategory.select())
        self._category_names = {c.id: c.name for c in categories}
        self._pagero_ids = {c.id for c in categories if c.sends_via_pagero}

    def refresh(self) -> None:
        self._load_categories()
        super().refresh()

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Kundnr"), lambda c: c.number, Customer.number, align_right=True),
            Column(self.tr("Namn"), lambda c: c.name, Customer.name_key, sort_key=lambda c: c.name_key),
            Column(self.tr("Org.nr/personnr"), lambda c: format_orgnr(c.org_number), Customer.org_number),
            Column(self.tr("Ort"), lambda c: c.city, Customer.city),
            Column(self.tr("Telefon"), lambda c: c.phone, Customer.phone),
            Column(self.tr("Kategori"), lambda c: self._category_names.get(c.category_id, ""), Customer.category),
            Column(self.tr("E-faktura"), lambda c: self.tr("Ja") if c.category_id in self._pagero_ids else "",
                   Customer.category),
            Column(self.tr("Status"), lambda c: "" if c.active else self.tr("Inaktiv"), Customer.active),
        ]

    def default_sort_column(self) -> int:
        return 1  # by name

    def base_query(self, include_inactive: bool) -> peewee.ModelSelect[Any]:
        query = Customer.select()
        return query if include_inactive else query.where(Customer.active == True)  # noqa: E712

    def search(self, text: str, include_inactive: bool) -> list[Any]:
        found = search_customers(text, SEARCH_LIMIT)
        if include_inactive and len(found) < SEARCH_LIMIT:
            # search_customers gives active customers only; add inactive ones by name prefix.
            key = text.casefold()
            seen = {c.id for c in found}
            found += [c for c in Customer.select().where(
                (Customer.active == False) & (Customer.name_key >= key)  # noqa: E712
                & (Customer.name_key < prefix_upper_bound(key))).limit(SEARCH_LIMIT - len(found)) if c.id not in seen]
        return found

    def make_editor(self, record: Any | None) -> QDialog:
        return CustomerDialog(record, self)
