"""Inställningar: the settings wizard, on first start and from the menu later.

Pages: the company (checked with kassa.identifiers), the database (this computer, or a shared
PostgreSQL with "Testa anslutning"), "Anmäl intresse" for Pagero (stored first, sent by the
send queue), "Anslut till Pagero" (the OAuth login in the browser; the link is also shown,
selectable and copyable, for a till whose browser does not open), and a last page with the
desktop shortcut. Finish saves to Company.get_solo() and kassa.config's settings file; the
PostgreSQL password and Pagero's tokens go to the keyring only.
"""
from __future__ import annotations

import importlib
import logging
import os
import threading
import urllib.parse
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import peewee
import shiboken6
from PySide6.QtCore import QThreadPool, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from kassa import config
from kassa.identifiers import (
    InvalidIdentifier,
    check_bankgiro,
    check_bic,
    check_email,
    check_iban,
    check_orgnr,
    check_plusgiro,
    check_postal_code,
    check_vat,
    format_bankgiro,
    format_orgnr,
    format_plusgiro,
    format_postal_code,
    vat_from_orgnr,
)
from kassa.models import SEND_MODES, Company, CustomerCategory
from kassa.money import format_sek
from kassa.ui.validated_fields import ValidatedLineEdit, amount_checker, first_problem
from kassa.ui.workers import run_in_background

log = logging.getLogger(__name__)

PAGE_IDS = {"company": 0, "database": 1, "interest": 2, "connect": 3, "finish": 4}
E_INVOICE_CATEGORY = "e-fakturakund"
SEND_MODE_LABELS = {"Test": "Test", "Certification": "Certifiering", "Production": "Produktion (skarpt)"}
LOGIN_TIMEOUT = 600.0
OK_STYLE = "color: #1a7f37; font-weight: bold;"
ERROR_STYLE = "color: #a40e26;"


def _check_orgnr_or_sole_trader(text: str) -> str:
    return check_orgnr(text, allow_personnummer=True)


def _check_uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise InvalidIdentifier("Företags-id", "Företags-id hos Pagero är ett UUID, t.ex. "
                                               "7a4f1c2e-3b5d-4e6f-8a9b-0c1d2e3f4a5b.") from None


def _form_row(form: QFormLayout, text: str, field: QWidget) -> None:
    label = QLabel(text)
    label.setBuddy(field)
    form.addRow(label, field)


# -- company ------------------------------------------------------------------------------


class CompanyPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Företaget"))
        self.setSubTitle(self.tr("Uppgifterna står på varje faktura. Fält med fel visas i rött med vad som ska rättas."))
        self.name_edit = ValidatedLineEdit(required=True, required_message=self.tr("Skriv företagets namn."))
        self.org_edit = ValidatedLineEdit(_check_orgnr_or_sole_trader, required=True,
                                          required_message=self.tr("Skriv organisationsnumret."),
                                          placeholder="556677-8899")
        self.vat_edit = ValidatedLineEdit(check_vat, placeholder=self.tr("SE…01 (av org.numret)"))
        self.street_edit = ValidatedLineEdit(required=True, required_message=self.tr("Skriv gatuadressen."))
        self.postal_edit = ValidatedLineEdit(check_postal_code, required=True,
                                             required_message=self.tr("Skriv postnumret."), placeholder="411 01")
        self.city_edit = ValidatedLineEdit(required=True, required_message=self.tr("Skriv orten."))
        self.office_edit = QLineEdit(self)
        self.office_edit.setPlaceholderText(self.tr("kommunen där styrelsen har sitt säte"))
        self.email_edit = ValidatedLineEdit(check_email)
        self.phone_edit = QLineEdit(self)
        self.bankgiro_edit = ValidatedLineEdit(check_bankgiro, placeholder="5050-1055")
        self.plusgiro_edit = ValidatedLineEdit(check_plusgiro)
        self.iban_edit = ValidatedLineEdit(check_iban, placeholder="SE45 5000 0000 0583 9825 7466")
        self.bic_edit = ValidatedLineEdit(check_bic, placeholder="ESSESESS")
        self.f_skatt_check = QCheckBox(self.tr("Godkänd för &F-skatt"), self)
        self.terms_spin = QSpinBox(self)
        self.terms_spin.setRange(0, 365)
        self.terms_spin.setSuffix(self.tr(" dagar"))
        self.fee_edit = ValidatedLineEdit(amount_checker("Fakturaavgift"), placeholder="0,00")
        self.rounding_check = QCheckBox(self.tr("Öres&avrundning på fakturor (till hela kronor)"), self)
        self.org_edit.edit.textChanged.connect(self._vat_hint)

        who = QFormLayout()
        _form_row(who, self.tr("Företags&namn:"), self.name_edit)
        _form_row(who, self.tr("&Org.nummer:"), self.org_edit)
        _form_row(who, self.tr("&Momsreg.nr:"), self.vat_edit)
        _form_row(who, self.tr("&Gatuadress:"), self.street_edit)
        _form_row(who, self.tr("&Postnummer:"), self.postal_edit)
        _form_row(who, self.tr("O&rt:"), self.city_edit)
        _form_row(who, self.tr("&Säte:"), self.office_edit)
        _form_row(who, self.tr("&E-post:"), self.email_edit)
        _form_row(who, self.tr("&Telefon:"), self.phone_edit)
        pay = QFormLayout()
        _form_row(pay, self.tr("&Bankgiro:"), self.bankgiro_edit)
        _form_row(pay, self.tr("P&lusgiro:"), self.plusgiro_edit)
        _form_row(pay, self.tr("&IBAN:"), self.iban_edit)
        _form_row(pay, self.tr("BI&C:"), self.bic_edit)
        pay.addRow("", self.f_skatt_check)
        _form_row(pay, self.tr("Betalnings&villkor:"), self.terms_spin)
        _form_row(pay, self.tr("Fakturaavgi&ft (kr exkl. moms):"), self.fee_edit)
        pay.addRow("", self.rounding_check)
        left, right = QGroupBox(self.tr("Företag"), self), QGroupBox(self.tr("Betalning"), self)
        left.setLayout(who)
        right.setLayout(pay)
        grid = QGridLayout(self)
        grid.addWidget(left, 0, 0)
        grid.addWidget(right, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(1, 1)
        self.load(Company.get_solo())

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

    def _vat_hint(self) -> None:
        hint = self.tr("SE…01 (av org.numret)")
        if self.org_edit.text() and self.org_edit.is_valid():
            hint = vat_from_orgnr(self.org_edit.value())
        self.vat_edit.edit.setPlaceholderText(hint)

    def validatePage(self) -> bool:  # noqa: N802 - Qt naming
        if first_problem(self.fields()) is not None:
            return False
        if not (self.bankgiro_edit.text() or self.plusgiro_edit.text() or self.iban_edit.text()):
            self.bankgiro_edit.error_label.setText(
                self.tr("Fyll i bankgiro, plusgiro eller IBAN, så att kunderna vet vart de ska betala."))
            self.bankgiro_edit.error_label.show()
            self.bankgiro_edit.setFocus()
            return False
        return True

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


# -- database -----------------------------------------------------------------------------


class DatabaseProblem(Exception):
    """A connection test that failed; the message is Swedish."""


def postgres_url(host: str, port: int, database: str, user: str, password: str = "") -> str:
    """postgresql://user[:password]@host:port/database; a host starting with / is a socket directory."""
    credentials = urllib.parse.quote(user, safe="")
    if password:
        credentials += ":" + urllib.parse.quote(password, safe="")
    name = urllib.parse.quote(database, safe="")
    if host.startswith("/"):
        return f"postgresql://{credentials}@:{port}/{name}?host={urllib.parse.quote(host, safe='/')}"
    return f"postgresql://{credentials}@{host}:{port}/{name}"


def describe_database_error(exc: BaseException, host: str, port: int, database: str, user: str) -> str:
    text = str(exc)
    lower = text.lower()
    if "password authentication failed" in lower or "no password supplied" in lower:
        return f"Servern godtog inte användarnamnet {user} eller lösenordet. Kontrollera dem och försök igen."
    if f'database "{database}" does not exist'.lower() in lower:
        return (f"Databasen {database} finns inte på servern. Be den som sköter servern skapa den "
                f"(t.ex. createdb -O {user} {database}), eller rätta namnet.")
    if "role" in lower and "does not exist" in lower:
        return f"Användaren {user} finns inte på PostgreSQL-servern. Rätta användarnamnet."
    if "could not translate host name" in lower or "name or service not known" in lower:
        return f"Servernamnet {host} hittas inte. Kontrollera stavningen, eller skriv serverns IP-adress."
    if any(s in lower for s in ("connection refused", "timeout", "timed out", "could not connect", "no such file")):
        return (f"Kunde inte nå PostgreSQL på {host}:{port}. Kontrollera adress och port, att servern är igång "
                "och att den tar emot anslutningar från den här datorn.")
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"Anslutningen misslyckades: {first}"


def test_database_keeping_password(url: str, keep_saved_password: bool, *parts) -> str:
    """test_database, with the saved password (from the keyring, which may take a while or ask
    the user: hence here in the worker) when the field was left empty for the same server and user."""
    if keep_saved_password:
        saved = config.saved_database_url()
        if saved and config.database_password_key(saved) == config.database_password_key(url):
            url = saved
    return test_database(url, *parts)


def test_database(url: str, host: str, port: int, database: str, user: str) -> str:
    """Connect, ask for the version, disconnect (runs in a worker thread). Returns the version."""
    from kassa.models.database import DatabaseConfigError, make_database

    separator = "&" if "?" in url else "?"
    try:
        db = make_database(f"{url}{separator}connect_timeout=5")
    except DatabaseConfigError as exc:
        raise DatabaseProblem(str(exc)) from None
    try:
        db.connect()
        version = db.execute_sql("SELECT version()").fetchone()[0]
    except peewee.DatabaseError as exc:
        raise DatabaseProblem(describe_database_error(exc, host, port, database, user)) from None
    except Exception as exc:  # psycopg's own errors when peewee does not wrap them
        raise DatabaseProblem(describe_database_error(exc, host, port, database, user)) from None
    finally:
        if not db.is_closed():
            db.close()
    return " ".join(str(version).split()[:2])


class DatabasePage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Databas"))
        self.setSubTitle(self.tr("Var kassans data sparas. Flera kassor kan dela en PostgreSQL-databas."))
        self.local_radio = QRadioButton(self.tr("&Den här datorn (en fil i Kassas datamapp)"), self)
        self.local_path = QLabel(str(config.data_dir() / "kassa.sqlite3"), self)
        self.local_path.setStyleSheet("color: palette(mid);")
        self.shared_radio = QRadioButton(self.tr("Delad &PostgreSQL-server (flera kassor)"), self)
        group = QButtonGroup(self)
        group.addButton(self.local_radio)
        group.addButton(self.shared_radio)
        self.host_edit = QLineEdit(self)
        self.host_edit.setPlaceholderText(self.tr("t.ex. kassaserver.lokalt eller 192.168.1.10"))
        self.port_spin = QSpinBox(self)
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(5432)
        self.name_edit = QLineEdit("kassa", self)
        self.user_edit = QLineEdit("kassa", self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.test_button = QPushButton(self.tr("&Testa anslutning"), self)
        self.test_result = QLabel(self)
        self.test_result.setWordWrap(True)
        self.env_note = QLabel(self)
        self.env_note.setWordWrap(True)
        self.restart_note = QLabel(self)
        self.restart_note.setObjectName("restartNote")
        self.restart_note.setWordWrap(True)
        self.restart_note.setStyleSheet("font-weight: bold;")
        self.restart_note.hide()

        self.server_box = QGroupBox(self.tr("PostgreSQL-servern"), self)
        form = QFormLayout(self.server_box)
        _form_row(form, self.tr("&Server:"), self.host_edit)
        _form_row(form, self.tr("P&ort:"), self.port_spin)
        _form_row(form, self.tr("Data&bas:"), self.name_edit)
        _form_row(form, self.tr("&Användare:"), self.user_edit)
        _form_row(form, self.tr("&Lösenord:"), self.password_edit)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        form.addRow(test_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.local_radio)
        layout.addWidget(self.local_path)
        layout.addWidget(self.shared_radio)
        layout.addWidget(self.server_box)
        layout.addWidget(self.env_note)
        layout.addWidget(self.restart_note)
        layout.addStretch(1)

        self.shared_radio.toggled.connect(self.server_box.setEnabled)
        self.test_button.clicked.connect(self.test_connection)
        self._testing = False
        self._load()
        # The open connection stays as it is until Kassa starts again: say so once the choice differs.
        self._url_in_use = self.url()
        self.shared_radio.toggled.connect(self._update_restart_note)
        for edit in (self.host_edit, self.name_edit, self.user_edit):
            edit.textChanged.connect(self._update_restart_note)
        self.port_spin.valueChanged.connect(self._update_restart_note)

    def _load(self) -> None:
        saved = config.saved_settings().get("database_url") or ""
        parts = urllib.parse.urlsplit(saved)
        if parts.scheme.startswith("postgres"):
            query = dict(urllib.parse.parse_qsl(parts.query))
            self.shared_radio.setChecked(True)
            self.host_edit.setText(query.get("host") or parts.hostname or "")
            self.port_spin.setValue(parts.port or 5432)
            self.name_edit.setText(urllib.parse.unquote(parts.path.lstrip("/")))
            self.user_edit.setText(urllib.parse.unquote(parts.username or ""))
            self.password_edit.setPlaceholderText(self.tr("sparat i nyckelringen; lämna tomt för att behålla"))
        else:
            self.local_radio.setChecked(True)
        self.server_box.setEnabled(self.shared_radio.isChecked())
        if os.environ.get("KASSA_DATABASE_URL"):
            self.env_note.setText(self.tr("Obs: miljövariabeln KASSA_DATABASE_URL är satt och gäller före det "
                                          "som väljs här."))

    def _update_restart_note(self, *args) -> None:
        changed = self.url() != self._url_in_use
        self.restart_note.setText(self.tr("Kassa använder den nya databasen från nästa start. Välj Slutför och "
                                          "starta sedan om Kassa.") if changed else "")
        self.restart_note.setVisible(changed)

    def _parts(self) -> tuple[str, int, str, str]:
        return (self.host_edit.text().strip(), self.port_spin.value(), self.name_edit.text().strip(),
                self.user_edit.text().strip())

    def url(self, with_password: bool = False) -> str | None:
        """The chosen database (None = this computer)."""
        if not self.shared_radio.isChecked():
            return None
        host, port, name, user = self._parts()
        return postgres_url(host, port, name, user, self.password_edit.text() if with_password else "")

    def _missing(self) -> str | None:
        host, _, name, user = self._parts()
        if not host:
            return self.tr("Skriv serverns namn eller adress.")
        if not name:
            return self.tr("Skriv databasens namn.")
        if not user:
            return self.tr("Skriv användarnamnet.")
        return None

    def _report(self, text: str, ok: bool) -> None:
        self.test_result.setText(text)
        self.test_result.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)

    def test_connection(self) -> None:
        if self._testing:
            return
        problem = self._missing()
        if problem:
            self._report(problem, False)
            return
        url = self.url(with_password=True)
        keep_saved_password = not self.password_edit.text()
        self._testing = True
        self.test_button.setEnabled(False)
        self._report(self.tr("Ansluter …"), True)
        run_in_background(test_database_keeping_password, url, keep_saved_password, *self._parts(),
                          on_result=self._test_ok, on_error=self._test_failed)

    def _test_finished(self) -> bool:
        if not shiboken6.isValid(self):
            return False
        self._testing = False
        self.test_button.setEnabled(True)
        return True

    def _test_ok(self, version: str) -> None:
        if self._test_finished():
            self._report(self.tr("Anslutningen fungerar (%1).").replace("%1", version), True)

    def _test_failed(self, exc: BaseException) -> None:
        if self._test_finished():
            self._report(str(exc) if isinstance(exc, DatabaseProblem) else
                         self.tr("Anslutningen misslyckades: %1").replace("%1", type(exc).__name__), False)

    def validatePage(self) -> bool:  # noqa: N802 - Qt naming
        if not self.shared_radio.isChecked():
            return True
        problem = self._missing()
        if problem:
            self._report(problem, False)
            return False
        if self.password_edit.text():
            try:  # the password is a secret: the keyring, or nothing
                import keyring

                keyring.set_password(config.DATABASE_PASSWORD_SERVICE, config.database_password_key(self.url()),
                                     self.password_edit.text())
            except Exception as exc:
                self._report(self.tr("Lösenordet kunde inte sparas i nyckelringen (%1). Starta eller lås upp "
                                     "nyckelringen och försök igen.").replace("%1", type(exc).__name__), False)
                return False
        return True

    def apply(self) -> None:
        config.save_database_url(self.url())


# -- Anmäl intresse -----------------------------------------------------------------------


class InterestPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("E-faktura via Pagero: Anmäl intresse"))
        self.setSubTitle(self.tr("Pagero kontaktar er med ett erbjudande. När avtalet är klart får ni "
                                 "inloggningsuppgifter och ansluter Kassa på nästa sida. Har ni redan ett konto "
                                 "hos Pagero: gå direkt vidare."))
        required = self.tr("Fältet behöver fyllas i.")
        self.company_edit = ValidatedLineEdit(required=True, required_message=required)
        self.address_edit = ValidatedLineEdit(required=True, required_message=required)
        self.org_edit = ValidatedLineEdit(_check_orgnr_or_sole_trader, required=True, required_message=required)
        self.postal_edit = ValidatedLineEdit(check_postal_code, required=True, required_message=required)
        self.invoices_spin = QSpinBox(self)
        self.invoices_spin.setRange(0, 10_000_000)
        self.invoices_spin.setSingleStep(100)
        self.invoices_spin.setGroupSeparatorShown(True)
        self.contact_edit = ValidatedLineEdit(required=True, required_message=required)
        self.email_edit = ValidatedLineEdit(check_email, required=True, required_message=required)
        self.phone_edit = ValidatedLineEdit(required=True, required_message=required)
        self.send_button = QPushButton(self.tr("S&kicka"), self)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)

        form = QFormLayout(self)
        _form_row(form, self.tr("&Företagsnamn:"), self.company_edit)
        _form_row(form, self.tr("&Adress:"), self.address_edit)
        _form_row(form, self.tr("&Orgnummer:"), self.org_edit)
        _form_row(form, self.tr("&Postnummer:"), self.postal_edit)
        _form_row(form, self.tr("&Ungefär hur många fakturor skickar ni per år?"), self.invoices_spin)
        _form_row(form, self.tr("&Namn:"), self.contact_edit)
        _form_row(form, self.tr("&E-post:"), self.email_edit)
        _form_row(form, self.tr("&Telefonnummer:"), self.phone_edit)
        row = QHBoxLayout()
        row.addWidget(self.send_button)
        row.addWidget(self.result_label, 1)
        form.addRow(row)
        self.send_button.clicked.connect(self.send)

    def initializePage(self) -> None:  # noqa: N802 - Qt naming
        # Prefill from the company page (or the saved company) where the fields are still empty.
        wizard = self.wizard()
        company: CompanyPage | None = getattr(wizard, "company_page", None)
        if company is None:
            return
        for target, source in ((self.company_edit, company.name_edit), (self.address_edit, company.street_edit),
                               (self.org_edit, company.org_edit), (self.postal_edit, company.postal_edit),
                               (self.email_edit, company.email_edit)):
            if not target.text():
                target.setText(source.text())
        if not self.phone_edit.text():
            self.phone_edit.setText(company.phone_edit.text())

    def fields(self) -> list[ValidatedLineEdit]:
        return [self.company_edit, self.address_edit, self.org_edit, self.postal_edit, self.contact_edit,
                self.email_edit, self.phone_edit]

    def form(self) -> dict[str, Any]:
        """The keys Pagero's partner form takes."""
        return {
            "companyName": self.company_edit.text(),
            "address": self.address_edit.text(),
            "orgNumber": self.org_edit.value(),
            "postalCode": self.postal_edit.value(),
            "invoicesPerYear": self.invoices_spin.value(),
            "contactName": self.contact_edit.text(),
            "email": self.email_edit.value(),
            "phone": self.phone_edit.text(),
        }

    def send(self) -> None:
        if first_problem(self.fields()) is not None:
            self.result_label.setText(self.tr("Rätta fälten som är markerade."))
            self.result_label.setStyleSheet(ERROR_STYLE)
            return
        from kassa.peppol.outbox import queue_interest

        try:
            queue_interest(self.form())
        except peewee.DatabaseError as exc:
            log.exception("storing the interest form failed")
            self.result_label.setText(self.tr("Anmälan kunde inte sparas: %1").replace("%1", str(exc)))
            self.result_label.setStyleSheet(ERROR_STYLE)
            return
        self.send_button.setEnabled(False)
        self.result_label.setText(self.tr("Intresseanmälan är sparad och skickas till Pagero så snart Kassa når "
                                          "nätet. Pagero hör sedan av sig till %1.").replace("%1",
                                                                                             self.email_edit.text()))
        self.result_label.setStyleSheet(OK_STYLE)


# -- Anslut till Pagero -------------------------------------------------------------------


@dataclass
class LoginAttempt:
    store: Any  # kassa.peppol.credentials.CredentialStore
    oauth: Any  # kassa.peppol.oauth.OAuthClient
    pending: Any  # kassa.peppol.oauth.PendingAuthorization


def begin_login() -> LoginAttempt:
    """Check the keyring, start the loopback listener, build the login URL (worker thread)."""
    from kassa.peppol.credentials import CredentialStore, client_secret_or_raise
    from kassa.peppol.oauth import OAuthClient

    store = CredentialStore()
    store.check()
    oauth = OAuthClient(client_secret=client_secret_or_raise(store))
    return LoginAttempt(store, oauth, oauth.begin())


def finish_login(attempt: LoginAttempt, cancel: threading.Event, timeout: float = LOGIN_TIMEOUT) -> str | None:
    """Wait for the browser's callback, keep the tokens in the keyring (worker thread)."""
    from kassa.peppol.credentials import TokenManager

    tokens = attempt.pending.wait(timeout=timeout, cancel=cancel)
    TokenManager(attempt.store, attempt.oauth).save_new_connection(tokens)
    return tokens.sending_company_id


class ConnectPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("E-faktura via Pagero: Anslut"))
        self.setSubTitle(self.tr("Anslut öppnar Pagero-inloggningen i webbläsaren. Logga in med företagets "
                                 "Pagero-konto; Kassa får då behörighet att skicka e-fakturor."))
        self.connect_button = QPushButton(self.tr("A&nslut"), self)
        self.cancel_button = QPushButton(self.tr("A&vbryt"), self)
        self.cancel_button.setEnabled(False)
        self.url_edit = QLineEdit(self)
        self.url_edit.setReadOnly(True)
        self.url_edit.setPlaceholderText(self.tr("Länken till inloggningen visas här"))
        self.copy_button = QPushButton(self.tr("&Kopiera länk"), self)
        self.copy_button.setEnabled(False)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.company_id_edit = ValidatedLineEdit(_check_uuid, placeholder=self.tr("hämtas vid anslutningen"))
        self.mode_combo = QComboBox(self)
        for mode in SEND_MODES:
            self.mode_combo.addItem(self.tr(SEND_MODE_LABELS.get(mode, mode)), mode)
        self.category_check = QCheckBox(self)
        self.category_check.setChecked(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        link = QHBoxLayout()
        link.addWidget(self.url_edit, 1)
        link.addWidget(self.copy_button)
        form = QFormLayout()
        link_label = QLabel(self.tr("Inloggningsl&änk:"), self)
        link_label.setBuddy(self.url_edit)
        form.addRow(link_label, link)
        _form_row(form, self.tr("Företags-&id hos Pagero:"), self.company_id_edit)
        _form_row(form, self.tr("&Sändläge:"), self.mode_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        layout.addLayout(form)
        layout.addWidget(self.category_check)
        layout.addStretch(1)

        self.connect_button.clicked.connect(self.start_login)
        self.cancel_button.clicked.connect(self.cancel_login)
        self.copy_button.clicked.connect(self.copy_link)
        self._cancel: threading.Event | None = None
        # The wait for the browser may take minutes: its own thread, so it never holds up
        # the shared pool that searches and status updates use.
        self._login_pool = QThreadPool(self)
        self._login_pool.setMaxThreadCount(1)
        self._load()

    def _load(self) -> None:
        company = Company.get_solo()
        self.company_id_edit.setText(company.pagero_company_id)
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(company.pagero_send_mode or "Test")))
        existing = CustomerCategory.get_or_none(CustomerCategory.name == E_INVOICE_CATEGORY)
        if existing is not None:
            self.category_check.setChecked(False)
            self.category_check.setEnabled(False)
            self.category_check.setText(self.tr("Kundkategorin ”%1” finns redan.").replace("%1", E_INVOICE_CATEGORY))
        else:
            self.category_check.setText(self.tr("Skapa kundkategorin ”%1” med noteringen ”pagero”, så att fakturor "
                                                "till kunder i den skickas som e-faktura").replace(
                                                    "%1", E_INVOICE_CATEGORY))

    def _say(self, text: str, style: str = "") -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet(style)

    @property
    def waiting(self) -> bool:
        return self._cancel is not None

    def start_login(self) -> None:
        if self.waiting:
            return
        self._cancel = threading.Event()
        self.connect_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.url_edit.clear()
        self._say(self.tr("Förbereder inloggningen …"))
        run_in_background(begin_login, on_result=self._login_started, on_error=self._login_failed,
                          pool=self._login_pool)

    def show_login_url(self, url: str) -> None:
        self.url_edit.setText(url)
        self.url_edit.setCursorPosition(0)
        self.copy_button.setEnabled(True)

    def _login_started(self, attempt: LoginAttempt) -> None:
        if not shiboken6.isValid(self):
            attempt.pending.close()
            return
        cancel = self._cancel
        if cancel is None or cancel.is_set():
            attempt.pending.close()
            self._login_failed(None)
            return
        self.show_login_url(attempt.pending.url)
        opened = QDesktopServices.openUrl(QUrl(attempt.pending.url))
        if opened:
            self._say(self.tr("Webbläsaren öppnas med Pageros inloggning. Logga in där; Kassa väntar. Öppnades den "
                              "inte: kopiera länken och öppna den i en webbläsare."))
        else:
            self._say(self.tr("Webbläsaren kunde inte öppnas här. Kopiera länken och öppna den i en webbläsare "
                              "(på den här datorn); Kassa väntar på inloggningen."))
        run_in_background(finish_login, attempt, cancel, on_result=self._connected, on_error=self._login_failed,
                          pool=self._login_pool)

    def _login_done(self) -> bool:
        if not shiboken6.isValid(self):
            return False
        self._cancel = None
        self.connect_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        return True

    def _connected(self, company_id: str | None) -> None:
        if not self._login_done():
            return
        if company_id:
            self.company_id_edit.setText(company_id)
        self._say(self.tr("Ansluten till Pagero."), OK_STYLE)
        self.connect_button.setText(self.tr("A&nslut igen"))

    def _login_failed(self, exc: BaseException | None) -> None:
        if not self._login_done():
            return
        from kassa.peppol.oauth import AuthorizationCancelled

        if exc is None or isinstance(exc, AuthorizationCancelled):
            self._say(self.tr("Anslutningen avbröts. Kassa är inte ansluten till Pagero."))
        else:
            self._say(str(exc) or type(exc).__name__, ERROR_STYLE)

    def cancel_login(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def copy_link(self) -> None:
        QGuiApplication.clipboard().setText(self.url_edit.text())
        self._say(self.tr("Länken är kopierad. Klistra in den i webbläsarens adressfält."))

    def validatePage(self) -> bool:  # noqa: N802 - Qt naming
        if self.waiting:
            self._say(self.tr("Kassa väntar på inloggningen hos Pagero. Logga in, eller välj Avbryt."), ERROR_STYLE)
            return False
        return first_problem([self.company_id_edit]) is None

    def apply(self, company: Company) -> None:
        company.pagero_company_id = self.company_id_edit.value()
        company.pagero_send_mode = self.mode_combo.currentData()

    def create_category(self) -> None:
        if self.category_check.isEnabled() and self.category_check.isChecked():
            CustomerCategory.get_or_create(name=E_INVOICE_CATEGORY, defaults={"note": "pagero"})


# -- finish ---------------------------------------------------------------------------------


def _shortcut_module():
    try:
        return importlib.import_module("kassa.shortcut")
    except ImportError:
        return None


class FinishPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Klart"))
        self.setSubTitle(self.tr("Slutför sparar inställningarna. Allt kan ändras senare under Inställningar."))
        self.shortcut_check = QCheckBox(self.tr("Skapa &genväg på skrivbordet och i programmenyn"), self)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.shortcut_check)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        shortcut = _shortcut_module()
        available = shortcut is not None and hasattr(shortcut, "install_shortcut") and (
            getattr(shortcut, "is_freedesktop", lambda: True)())
        self.shortcut_check.setEnabled(available)
        self.shortcut_check.setChecked(available)
        if not available:
            self.shortcut_check.setToolTip(self.tr("Genvägar skapas här inte automatiskt."))

    def validatePage(self) -> bool:  # noqa: N802 - Qt naming
        if not (self.shortcut_check.isEnabled() and self.shortcut_check.isChecked()):
            return True
        try:
            _shortcut_module().install_shortcut()
        except Exception as exc:  # ShortcutError and friends carry a Swedish message
            log.warning("installing the shortcut failed: %s", exc)
            self.result_label.setText(self.tr("Genvägen kunde inte skapas: %1. Bocka ur rutan för att slutföra "
                                              "utan genväg.").replace("%1", str(exc)))
            self.result_label.setStyleSheet(ERROR_STYLE)
            return False
        return True


# -- the wizard -----------------------------------------------------------------------------


class SettingsWizard(QWizard):
    """SettingsWizard(parent=None, start_page='company'|'database'|'interest'|'connect')."""

    def __init__(self, parent: QWidget | None = None, start_page: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Inställningar – Kassa"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Nästa >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< &Tillbaka"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Slutför"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Avbryt"))
        self.company_page = CompanyPage(self)
        self.database_page = DatabasePage(self)
        self.interest_page = InterestPage(self)
        self.connect_page = ConnectPage(self)
        self.finish_page = FinishPage(self)
        for name, page in (("company", self.company_page), ("database", self.database_page),
                           ("interest", self.interest_page), ("connect", self.connect_page),
                           ("finish", self.finish_page)):
            self.setPage(PAGE_IDS[name], page)
            page.setFinalPage(True)  # Slutför from any page: the menu opens the wizard at one page
        if start_page is not None and start_page not in PAGE_IDS:
            raise ValueError(f"unknown start page {start_page!r}; one of {', '.join(PAGE_IDS)}")
        self.setStartId(PAGE_IDS[start_page or "company"])
        self.resize(1000, 640)  # the company page shows whole names and e-mail addresses side by side with payment

    def page_named(self, name: str) -> QWizardPage:
        return self.page(PAGE_IDS[name])

    def accept(self) -> None:
        if self.connect_page.waiting:
            self.connect_page.validatePage()  # says why Finish waits
            return
        company = Company.get_solo()
        if self.hasVisitedPage(PAGE_IDS["company"]):
            self.company_page.apply(company)
        self.connect_page.apply(company)
        from kassa.models import utcnow

        company.updated_at = utcnow()
        company.save()
        if self.hasVisitedPage(PAGE_IDS["database"]):
            self.database_page.apply()
        if self.hasVisitedPage(PAGE_IDS["connect"]):
            self.connect_page.create_category()
        super().accept()

    def done(self, result: int) -> None:
        self.connect_page.cancel_login()  # closing the wizard ends a pending login and its listener
        super().done(result)
