"""The wizard's "Anslut till Pagero" page: the login in the browser (through the wizard's PageroConnector),
the company's id at Pagero, the send mode, and the e-invoice customer category."""
from __future__ import annotations

import threading
import uuid

import shiboken6
from PySide6.QtCore import Qt, QThreadPool, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from kassa.identifiers import InvalidIdentifier
from kassa.models import SEND_MODES, Company, CustomerCategory
from kassa.pagero.connector import LoginAttempt, PageroConnector
from kassa.pagero.errors import AuthorizationCancelled
from kassa.ui.validated_fields import ValidatedLineEdit, first_problem
from kassa.ui.wizard.form import ERROR_STYLE, OK_STYLE, form_row
from kassa.ui.workers import run_in_background

E_INVOICE_CATEGORY = "e-fakturakund"
SEND_MODE_LABELS = {"Test": "Test", "Certification": "Certifiering", "Production": "Produktion (skarpt)"}


def _check_uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise InvalidIdentifier("Företags-id", "Företags-id hos Pagero är ett UUID, t.ex. "
                                               "7a4f1c2e-3b5d-4e6f-8a9b-0c1d2e3f4a5b.") from None


class ConnectPage(QWizardPage):
    def __init__(self, connector: PageroConnector, parent: QWidget | None = None):
        super().__init__(parent)
        self.connector = connector
        self.setTitle(self.tr("E-faktura via Pagero: Anslut"))
        self.setSubTitle(self.tr("Anslut öppnar Pagero-inloggningen i webbläsaren. Logga in med företagets "
                                 "Pagero-konto; Kassa får då behörighet att skicka e-fakturor."))
        self.connect_button = QPushButton(self.tr("&Anslut"), self)
        # Shown only while Kassa waits for the login, and named apart from the wizard's own Avbryt.
        self.cancel_button = QPushButton(self.tr("Avbryt &inloggningen"), self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.hide()
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
        link_label = QLabel(self.tr("Inloggnings&länk:"), self)
        link_label.setBuddy(self.url_edit)
        form.addRow(link_label, link)
        form_row(form, self.tr("Företags-i&d hos Pagero:"), self.company_id_edit)
        form_row(form, self.tr("S&ändläge:"), self.mode_combo)
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
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        if self.connect_button.hasFocus():
            # Else disabling it hands the focus on to the wizard's "< Tillbaka", and Enter goes back.
            self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.connect_button.setEnabled(False)
        self._clear_link()
        self._say(self.tr("Förbereder inloggningen …"))
        run_in_background(self.connector.begin_login, on_result=self._login_started, on_error=self._login_failed,
                          pool=self._login_pool)

    def show_login_url(self, url: str) -> None:
        self.url_edit.setText(url)
        self.url_edit.setCursorPosition(0)
        self.copy_button.setEnabled(True)

    def _login_started(self, attempt: LoginAttempt) -> None:
        if not shiboken6.isValid(self):
            attempt.close()
            return
        cancel = self._cancel
        if cancel is None or cancel.is_set():
            attempt.close()
            self._login_failed(None)
            return
        self.show_login_url(attempt.url)
        opened = QDesktopServices.openUrl(QUrl(attempt.url))
        if opened:
            self._say(self.tr("Webbläsaren öppnas med Pageros inloggning. Logga in där; Kassa väntar. Öppnades den "
                              "inte: kopiera länken och öppna den i en webbläsare."))
        else:
            self._say(self.tr("Webbläsaren kunde inte öppnas här. Kopiera länken och öppna den i en webbläsare "
                              "(på den här datorn); Kassa väntar på inloggningen."))
        run_in_background(self.connector.finish_login, attempt, cancel, on_result=self._connected,
                          on_error=self._login_failed, pool=self._login_pool)

    def _login_done(self) -> bool:
        if not shiboken6.isValid(self):
            return False
        self._cancel = None
        had_focus = self.cancel_button.hasFocus() or self.connect_button.hasFocus()
        self.connect_button.setEnabled(True)
        if had_focus:
            self.connect_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.cancel_button.setEnabled(False)
        self.cancel_button.hide()
        self._clear_link()  # the link was for this login only: it leads nowhere now
        return True

    def _clear_link(self) -> None:
        self.url_edit.clear()
        self.copy_button.setEnabled(False)

    def _connected(self, company_id: str | None) -> None:
        if not self._login_done():
            return
        if company_id:
            self.company_id_edit.setText(company_id)
        self._say(self.tr("Ansluten till Pagero."), OK_STYLE)
        self.connect_button.setText(self.tr("&Anslut igen"))
        wizard = self.wizard()
        if wizard is not None and self.connect_button.hasFocus():
            # Done here: Enter goes on to the next page (the default button), never back.
            wizard.button(QWizard.WizardButton.NextButton).setFocus(Qt.FocusReason.OtherFocusReason)

    def _login_failed(self, exc: BaseException | None) -> None:
        if not self._login_done():
            return
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
            self._say(self.tr("Kassa väntar på inloggningen hos Pagero. Logga in, eller välj Avbryt inloggningen."),
                      ERROR_STYLE)
            return False
        return first_problem([self.company_id_edit]) is None

    def apply(self, company: Company) -> None:
        company.pagero_company_id = self.company_id_edit.value()
        company.pagero_send_mode = self.mode_combo.currentData()

    def create_category(self) -> None:
        if self.category_check.isEnabled() and self.category_check.isChecked():
            CustomerCategory.get_or_create(name=E_INVOICE_CATEGORY, defaults={"note": "pagero"})
