"""The wizard's database page: this computer (SQLite) or a shared PostgreSQL server, with "Testa anslutning"."""
from __future__ import annotations

import os
import urllib.parse

import shiboken6
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from kassa import config
from kassa.models.connection_check import DatabaseProblem, check_database_keeping_password, postgres_url
from kassa.ui.wizard.form import ERROR_STYLE, OK_STYLE, form_row
from kassa.ui.workers import run_in_background


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
        self.test_button = QPushButton(self.tr("T&esta anslutning"), self)
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
        form_row(form, self.tr("Se&rver:"), self.host_edit)
        form_row(form, self.tr("P&ort:"), self.port_spin)
        form_row(form, self.tr("Data&bas:"), self.name_edit)
        form_row(form, self.tr("&Användare:"), self.user_edit)
        form_row(form, self.tr("&Lösenord:"), self.password_edit)
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
        run_in_background(check_database_keeping_password, url, keep_saved_password, *self._parts(),
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

                url = self.url()
                assert url is not None  # a shared server was chosen
                keyring.set_password(config.DATABASE_PASSWORD_SERVICE, config.database_password_key(url),
                                     self.password_edit.text())
            except Exception as exc:
                self._report(self.tr("Lösenordet kunde inte sparas i nyckelringen (%1). Starta eller lås upp "
                                     "nyckelringen och försök igen.").replace("%1", type(exc).__name__), False)
                return False
        return True

    def apply(self) -> None:
        config.save_database_url(self.url())
