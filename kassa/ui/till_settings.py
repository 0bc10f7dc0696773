"""Inställningar → Kassa: the till's designation (kassabeteckning), and what the shop reports to
Skatteverket about this register (model designation with SE, manufacturing number, version, the
control unit's number), with a button that copies it.

The designation is saved with kassa.register.setting_changes.change_till (journalled; refused
while the day is open). KASSA_TILL, when set, decides it: the field then shows it and cannot be
changed. The identity is read in a worker: it asks the control unit for its number.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kassa import config
from kassa.identifiers import InvalidIdentifier
from kassa.register.identity import RegisterIdentity, identity_with_unit
from kassa.register.setting_changes import change_till, check_designation
from kassa.till import TillError
from kassa.ui.focus import prepare_keyboard
from kassa.ui.validated_fields import ValidatedLineEdit
from kassa.ui.workers import run_in_background

log = logging.getLogger(__name__)

OK_STYLE = "color: #1b5e20;"
ERROR_STYLE = "color: #b71c1c;"


def designation_checker(text: str) -> str:
    """check_designation for a ValidatedLineEdit: its Swedish refusal at the field."""
    try:
        return check_designation(text)
    except TillError as exc:
        raise InvalidIdentifier("Kassabeteckning", str(exc)) from None


def identity_text(rows: list[tuple[str, str]]) -> str:
    return "\n".join(f"{label}: {value}" for label, value in rows)


class TillSettingsDialog(QDialog):
    """`till_changed(new, old)` after a new designation is saved."""

    till_changed = Signal(str, str)

    def __init__(self, parent: QWidget | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tillSettingsDialog")
        self.setWindowTitle(self.tr("Inställningar – Kassa"))
        self.pool = pool
        self.from_env = config.till_source() == "env"
        self.current = config.till_designation()
        self.rows: list[tuple[str, str]] = []

        till_box = QGroupBox(self.tr("Kassan"), self)
        self.till_edit = ValidatedLineEdit(designation_checker, required=True,
                                           required_message=self.tr("Skriv en kassabeteckning, t.ex. Kassa 1."),
                                           placeholder=self.tr("t.ex. Kassa 1"), parent=till_box)
        self.till_edit.edit.setObjectName("tillDesignation")
        self.till_edit.setText(self.current)
        about = QLabel(self.tr("Beteckningen står på varje kvitto och dagrapport och skickas till kontrollenheten "
                               "(högst 16 tecken). Kassor som delar databas ska ha olika beteckningar."), till_box)
        about.setWordWrap(True)
        self.source_label = QLabel(till_box)
        self.source_label.setObjectName("tillSource")
        self.source_label.setWordWrap(True)
        if self.from_env:
            self.till_edit.edit.setReadOnly(True)
            self.source_label.setText(self.tr("Bestäms av miljövariabeln KASSA_TILL och kan inte ändras här. Ta bort "
                                              "variabeln för att ändra beteckningen under Inställningar → Kassa."))
        elif config.till_source() == "computer":
            self.source_label.setText(self.tr("Ingen beteckning är sparad: datorns namn används. Spara en "
                                              "beteckning som står sig om datorn byts."))
        till_form = QFormLayout(till_box)
        caption = QLabel(self.tr("Kassa&beteckning:"), till_box)
        caption.setBuddy(self.till_edit)
        till_form.addRow(caption, self.till_edit)
        till_form.addRow(self.source_label)
        till_form.addRow(about)

        report_box = QGroupBox(self.tr("Anmälan till Skatteverket"), self)
        report_intro = QLabel(self.tr("Företaget anmäler varje kassaregister det använder till Skatteverket. Kassa "
                                      "kan inte göra anmälan, men här står uppgifterna som ska med."), report_box)
        report_intro.setWordWrap(True)
        self.identity_form = QFormLayout()
        # The rows are there from the start (their values come from a worker), so the window has their room.
        self.identity_values: list[QLabel] = []
        for label, _value in RegisterIdentity("", "", "", "", "", "").rows():
            value = QLabel("…", report_box)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.identity_values.append(value)
            self.identity_form.addRow(label + ":", value)
        self.identity_status = QLabel(self.tr("Hämtar uppgifterna …"), report_box)
        self.identity_status.setObjectName("identityStatus")
        self.copy_button = QPushButton(self.tr("K&opiera uppgifterna"), report_box)
        self.copy_button.setObjectName("copyIdentity")
        self.copy_button.setAutoDefault(False)
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_identity)
        report_layout = QVBoxLayout(report_box)
        report_layout.addWidget(report_intro)
        report_layout.addLayout(self.identity_form)
        report_layout.addWidget(self.identity_status)
        report_layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.message = QLabel(self)
        self.message.setObjectName("tillSettingsMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(self.tr("&Spara"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(self.tr("Avbryt"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(till_box)
        layout.addWidget(report_box)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        self._keyboard_ready = False
        run_in_background(identity_with_unit, self.current, on_result=self._show_identity,
                          on_error=self._identity_failed)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        if not self._keyboard_ready:
            self._keyboard_ready = True
            prepare_keyboard(self)
        super().showEvent(event)

    # --- what to report ----------------------------------------------------------------------------

    def _show_identity(self, identity: RegisterIdentity) -> None:
        self.rows = identity.rows()
        for shown, (_label, value) in zip(self.identity_values, self.rows, strict=True):
            shown.setText(value)
        self.identity_status.setText("")
        self.copy_button.setEnabled(True)

    def _identity_failed(self, exc: BaseException) -> None:
        log.error("reading the register identity failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.identity_status.setText(self.tr("Uppgifterna kunde inte läsas: %1").replace("%1", str(exc)))

    def copy_identity(self) -> None:
        QGuiApplication.clipboard().setText(identity_text(self.rows))
        self._say(self.tr("Uppgifterna är kopierade. Klistra in dem i anmälan."))

    # --- saving ------------------------------------------------------------------------------------

    def save(self) -> None:
        if self.from_env:
            self.accept()
            return
        if not self.till_edit.show_problem():
            self.till_edit.edit.setFocus()
            return
        new = self.till_edit.value()
        if new == self.current and config.till_source() == "saved":
            self.accept()
            return
        self.save_button.setEnabled(False)
        run_in_background(change_till, new, pool=self.pool, on_result=lambda old: self._saved(new, old),
                          on_error=self._not_saved)

    def _saved(self, new: str, old: str) -> None:
        self.till_changed.emit(new, old)
        self.accept()

    def _not_saved(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, TillError):
            self.till_edit.show_error(str(exc))  # at the field: the cashier changes it or closes the day first
            self.till_edit.edit.setFocus()
        else:
            log.error("saving the till designation failed", exc_info=(type(exc), exc, exc.__traceback__))
            self._say(self.tr("Kassabeteckningen kunde inte sparas: %1").replace("%1", str(exc)), ok=False)

    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)
