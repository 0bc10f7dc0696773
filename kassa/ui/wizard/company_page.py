"""The wizard's first page: the seller as every invoice names it, how customers pay, and the till's
designation (kassabeteckning) on this computer."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
    QWizardPage,
)

from kassa import config
from kassa.identifiers import (
    check_bankgiro,
    check_bic,
    check_email,
    check_iban,
    check_plusgiro,
    check_postal_code,
    check_vat,
    format_bankgiro,
    format_orgnr,
    format_plusgiro,
    format_postal_code,
    vat_from_orgnr,
)
from kassa.models import Company
from kassa.money import format_sek
from kassa.register.setting_changes import check_till_change
from kassa.till import TillError
from kassa.ui.till_settings import designation_checker
from kassa.ui.validated_fields import ValidatedLineEdit, amount_checker, focus_first_error
from kassa.ui.wizard.form import check_orgnr_or_sole_trader, form_row


class CompanyPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Företaget"))
        self.setSubTitle(self.tr("Uppgifterna står på varje faktura. "
                                 "Fält med fel visas i rött med vad som ska rättas."))
        self.name_edit = ValidatedLineEdit(required=True, required_message=self.tr("Skriv företagets namn."))
        self.org_edit = ValidatedLineEdit(check_orgnr_or_sole_trader, required=True,
                                          required_message=self.tr("Skriv organisationsnumret."),
                                          placeholder="556677-8899", message_lines=2)  # a wrong check digit's
        self.vat_edit = ValidatedLineEdit(check_vat, placeholder=self.tr("SE…01 (av org.numret)"))
        self.street_edit = ValidatedLineEdit(required=True, required_message=self.tr("Skriv gatuadressen."))
        self.postal_edit = ValidatedLineEdit(check_postal_code, required=True,
                                             required_message=self.tr("Skriv postnumret."), placeholder="411 01")
        self.city_edit = ValidatedLineEdit(required=True, required_message=self.tr("Skriv orten."))
        self.office_edit = QLineEdit(self)
        self.office_edit.setPlaceholderText(self.tr("kommunen där styrelsen har sitt säte"))
        self.email_edit = ValidatedLineEdit(check_email)
        self.phone_edit = QLineEdit(self)
        # Two lines kept for its message: the missing payment account's is long, and the fields below stay put.
        self.bankgiro_edit = ValidatedLineEdit(check_bankgiro, placeholder="5050-1055", message_lines=2)
        self.plusgiro_edit = ValidatedLineEdit(check_plusgiro)
        self.iban_edit = ValidatedLineEdit(check_iban, placeholder="SE45 5000 0000 0583 9825 7466")
        self.bic_edit = ValidatedLineEdit(check_bic, placeholder="ESSESESS")
        self.f_skatt_check = QCheckBox(self.tr("Go&dkänd för F-skatt"), self)
        self.terms_spin = QSpinBox(self)
        self.terms_spin.setRange(0, 365)
        self.terms_spin.setSuffix(self.tr(" dagar"))
        self.fee_edit = ValidatedLineEdit(amount_checker("Fakturaavgift"), placeholder="0,00")
        self.rounding_check = QCheckBox(self.tr("&Öresavrundning på fakturor (till hela kronor)"), self)
        # The till on this computer: its designation on receipts and reports (Inställningar → Kassa too).
        self.till_edit = ValidatedLineEdit(designation_checker, required=True,
                                           required_message=self.tr("Skriv en kassabeteckning, t.ex. Kassa 1."),
                                           placeholder=self.tr("t.ex. Kassa 1"))
        self.till_edit.edit.setObjectName("wizardTill")
        self.till_note = QLabel(self)
        self.till_note.setWordWrap(True)
        self.org_edit.edit.textChanged.connect(self._vat_hint)

        who = QFormLayout()
        form_row(who, self.tr("&Företagsnamn:"), self.name_edit)
        form_row(who, self.tr("&Org.nummer:"), self.org_edit)
        form_row(who, self.tr("&Momsreg.nr:"), self.vat_edit)
        form_row(who, self.tr("&Gatuadress:"), self.street_edit)
        form_row(who, self.tr("&Postnummer:"), self.postal_edit)
        form_row(who, self.tr("O&rt:"), self.city_edit)
        form_row(who, self.tr("S&äte:"), self.office_edit)
        form_row(who, self.tr("&E-post:"), self.email_edit)
        form_row(who, self.tr("Te&lefon:"), self.phone_edit)
        pay = QFormLayout()
        form_row(pay, self.tr("&Bankgiro:"), self.bankgiro_edit)
        form_row(pay, self.tr("Pl&usgiro:"), self.plusgiro_edit)
        form_row(pay, self.tr("&IBAN:"), self.iban_edit)
        form_row(pay, self.tr("BI&C:"), self.bic_edit)
        pay.addRow("", self.f_skatt_check)
        form_row(pay, self.tr("Betalnings&villkor:"), self.terms_spin)
        form_row(pay, self.tr("F&akturaavgift (kr exkl. moms):"), self.fee_edit)
        pay.addRow("", self.rounding_check)
        till = QFormLayout()
        form_row(till, self.tr("&Kassabeteckning:"), self.till_edit)
        till.addRow(self.till_note)
        left, right = QGroupBox(self.tr("Företag"), self), QGroupBox(self.tr("Betalning"), self)
        till_box = QGroupBox(self.tr("Kassan på den här datorn"), self)
        left.setLayout(who)
        right.setLayout(pay)
        till_box.setLayout(till)
        grid = QGridLayout(self)
        grid.addWidget(left, 0, 0, 2, 1)
        grid.addWidget(right, 0, 1)
        grid.addWidget(till_box, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(2, 1)
        self.load(Company.get_solo())
        self._load_till()

    def fields(self) -> list[ValidatedLineEdit]:
        return [self.name_edit, self.org_edit, self.vat_edit, self.street_edit, self.postal_edit, self.city_edit,
                self.email_edit, self.bankgiro_edit, self.plusgiro_edit, self.iban_edit, self.bic_edit, self.fee_edit]

    def load(self, c: Company) -> None:
        self.name_edit.setText(c.name)
        self.org_edit.setText(format_orgnr(c.org_number))
        self.vat_edit.setText(c.vat_number)
        self.street_edit.setText(c.street)
        self.postal_edit.setText(format_postal_code(c.postal_code))
        self.city_edit.setText(c.city)
        self.office_edit.setText(c.registered_office)
        self.email_edit.setText(c.email)
        self.phone_edit.setText(c.phone)
        self.bankgiro_edit.setText(format_bankgiro(c.bankgiro))
        self.plusgiro_edit.setText(format_plusgiro(c.plusgiro))
        self.iban_edit.setText(c.iban)
        self.bic_edit.setText(c.bic)
        self.f_skatt_check.setChecked(c.f_skatt)
        self.terms_spin.setValue(c.payment_terms_days)
        self.fee_edit.setText(format_sek(c.invoice_fee).replace("\u00a0", " "))
        self.rounding_check.setChecked(c.round_invoices)

    def _load_till(self) -> None:
        self.till_edit.setText(config.till_designation())
        if config.till_source() == "env":
            self.till_edit.edit.setReadOnly(True)
            self.till_note.setText(self.tr("Bestäms av miljövariabeln KASSA_TILL."))
        else:
            self.till_note.setText(self.tr("Står på varje kvitto och dagrapport, högst 16 tecken. Kassor som delar "
                                           "databas har olika beteckningar."))

    def till_changed(self) -> bool:
        """Whether Slutför saves a designation (a new one, or the computer's name made to stay)."""
        return config.till_source() != "env" and (self.till_edit.text() != config.till_designation()
                                                 or config.till_source() == "computer")

    def _vat_hint(self) -> None:
        hint = self.tr("SE…01 (av org.numret)")
        if self.org_edit.text() and self.org_edit.is_valid():
            hint = vat_from_orgnr(self.org_edit.value())
        self.vat_edit.edit.setPlaceholderText(hint)

    def validatePage(self) -> bool:  # noqa: N802 - Qt naming
        # Every problem at once, the payment account's beside the fields' own.
        for field in self.fields():
            field.show_problem()
        if not (self.bankgiro_edit.text() or self.plusgiro_edit.text() or self.iban_edit.text()):
            self.bankgiro_edit.show_error(
                self.tr("Fyll i bankgiro, plusgiro eller IBAN, så att kunderna vet vart de ska betala."))
        if self.till_changed() and self.till_edit.show_problem():
            try:
                check_till_change(self.till_edit.value())
            except TillError as exc:  # the day is open, or another till uses the name
                self.till_edit.show_error(str(exc))
        return focus_first_error(self.fields() + [self.till_edit]) is None

    def apply(self, c: Company) -> None:
        c.name = self.name_edit.text()
        c.org_number = self.org_edit.value()
        c.vat_number = self.vat_edit.value() or (vat_from_orgnr(c.org_number) if c.org_number else "")
        c.street = self.street_edit.text()
        c.postal_code = self.postal_edit.value()
        c.city = self.city_edit.text()
        c.registered_office = self.office_edit.text().strip()
        c.email = self.email_edit.value()
        c.phone = self.phone_edit.text().strip()
        c.bankgiro = self.bankgiro_edit.value()
        c.plusgiro = self.plusgiro_edit.value()
        c.iban = self.iban_edit.value()
        c.bic = self.bic_edit.value()
        c.f_skatt = self.f_skatt_check.isChecked()
        c.payment_terms_days = self.terms_spin.value()
        c.invoice_fee = self.fee_edit.value() or Decimal("0.00")
        c.round_invoices = self.rounding_check.isChecked()
