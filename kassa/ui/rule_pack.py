"""Valideringsregler: whether e-invoices are checked with the official rules, and installing the rule
pack from a folder or a zip file chosen in a file dialog (checked against Kassa's pins).

Reading the pack's state and installing it run in a worker; the window only shows what they say.
`ValidationLine` is the one-line form of the same state, for the E-fakturor window.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kassa.ui.focus import prepare_keyboard
from kassa.ui.workers import run_in_background

if TYPE_CHECKING:
    from kassa.peppol.rules.status import PackStatus


def _pack_status() -> PackStatus:
    """The worker job: the pack's state (the rule pack's modules, lxml among them, load here, in the
    worker, when first asked: the window's start-up does not carry them)."""
    from kassa.peppol.rules.status import rule_pack_status

    return rule_pack_status()

OK_STYLE = "color: #1a7f37;"
HINT_STYLE = "color: #555555;"
COMMAND_HINT = ("För den som sköter datorn: detsamma görs med kommandot kassa rules install KÄLLA "
                "(KÄLLA är mappen eller zip-filen), eller med miljövariabeln KASSA_RULES_DIR.")
WARN_STYLE = "color: #8a5a00;"
ERROR_STYLE = "color: #a40e26;"


class RulePackDialog(QDialog):
    """Inställningar → Valideringsregler: the state, and Installera från mapp / zip-fil."""

    changed = Signal()  # a pack was installed

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("rulePackDialog")
        self.setWindowTitle(self.tr("Valideringsregler för e-faktura"))
        intro = QLabel(self.tr(
            "Innan en e-faktura skickas kontrolleras den med de officiella reglerna (UBL 2.1-schemat, "
            "CEN EN 16931 och Peppol BIS Billing 3.0), så att Pagero och köparen inte avvisar den. "
            "Reglerna är ett regelpaket: en mapp eller zip-fil med mapparna ubl-2.1-xsd, cen-… och peppol-…. "
            "Kassa installerar bara filer som stämmer med kontrollsummorna för versioner Kassa känner till."), self)
        intro.setWordWrap(True)
        self.status_label = QLabel(self.tr("Kontrollerar regelpaketet …"), self)
        self.status_label.setObjectName("rulePackStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint_label = QLabel(self)  # the command line, for whoever looks after the computer
        self.hint_label.setObjectName("rulePackHint")
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(HINT_STYLE)
        self.hint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("rulePackResult")
        self.result_label.setWordWrap(True)
        self.folder_button = QPushButton(self.tr("Installera från &mapp …"), self)
        self.folder_button.setObjectName("installFolderButton")
        self.zip_button = QPushButton(self.tr("Installera från &zip-fil …"), self)
        self.zip_button.setObjectName("installZipButton")
        self.close_button = QPushButton(self.tr("Stäng"), self)
        for button in (self.folder_button, self.zip_button, self.close_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.zip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.status_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.folder_button.clicked.connect(self.choose_folder)
        self.zip_button.clicked.connect(self.choose_zip)
        self.close_button.clicked.connect(self.accept)
        self.resize(640, 320)
        self.status: PackStatus | None = None
        self._installing = False
        prepare_keyboard(self)
        self.folder_button.setDefault(True)  # no field to type in: Enter chooses the folder
        self.folder_button.setFocus()
        self.refresh()

    def refresh(self) -> None:
        run_in_background(_pack_status, on_result=self._show_status, on_error=self._status_failed)

    def _show_status(self, status: PackStatus) -> None:
        if not shiboken6.isValid(self):
            return
        self.status = status
        if status.validated:
            text, hint = status.text, ""
        elif status.missing:  # said for someone who never opens a terminal: what the buttons below do
            text = self.tr(
                "Regelpaketet är inte installerat. Tills det är det kontrolleras e-fakturor bara med Kassas egna "
                "kontroller innan de skickas.\n"
                "Installera det så här: välj Installera från mapp … eller Installera från zip-fil … här nedan "
                "och peka ut regelpaketet (en mapp eller zip-fil med UBL 2.1-schemana, CEN EN 16931-reglerna och "
                "Peppol BIS Billing 3.0-reglerna). Kassa kontrollerar filerna och installerar dem.")
            hint = COMMAND_HINT
        else:
            text = status.text + "\n" + self.tr(
                "Installera ett fungerande regelpaket med Installera från mapp … eller Installera från zip-fil … "
                "här nedan.")
            hint = COMMAND_HINT
        self.status_label.setText(text)
        self.status_label.setStyleSheet(OK_STYLE if status.validated else WARN_STYLE)
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint))

    def _status_failed(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            self.status_label.setText(self.tr("Regelpaketets läge kunde inte läsas: %1").replace("%1", str(exc)))
            self.status_label.setStyleSheet(ERROR_STYLE)

    # -- choosing ---------------------------------------------------------------------

    def _file_dialog(self, name: str, title: str) -> QFileDialog:
        dialog = QFileDialog(self, title)
        dialog.setObjectName(name)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # the same on every desktop, and drivable
        dialog.setDirectory(str(Path.home()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.install)
        return dialog

    def choose_folder(self) -> None:
        dialog = self._file_dialog("rulePackFolderDialog", self.tr("Välj mappen med regelpaketet"))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.open()

    def choose_zip(self) -> None:
        dialog = self._file_dialog("rulePackZipDialog", self.tr("Välj zip-filen med regelpaketet"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(self.tr("Zip-filer (*.zip)"))
        dialog.open()

    # -- installing -------------------------------------------------------------------

    def install(self, source: str) -> None:
        if not source or self._installing:
            return
        self._installing = True
        self.folder_button.setEnabled(False)
        self.zip_button.setEnabled(False)
        self.result_label.setStyleSheet("")
        self.result_label.setText(self.tr("Kontrollerar och installerar %1 …").replace("%1", source))
        run_in_background(_install, Path(source), on_result=self._installed, on_error=self._not_installed,
                          on_done=self._install_done)

    def _installed(self, description: str) -> None:
        if not shiboken6.isValid(self):
            return
        self.result_label.setStyleSheet(OK_STYLE)
        self.result_label.setText(self.tr("Regelpaketet är installerat: %1.").replace("%1", description))
        self.refresh()
        self.changed.emit()

    def _not_installed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.result_label.setStyleSheet(ERROR_STYLE)
        text = str(exc) if str(exc) else type(exc).__name__
        if isinstance(exc, OSError):
            text = self.tr("Regelpaketet kunde inte installeras: %1.").replace("%1", exc.strerror or str(exc))
        self.result_label.setText(text)

    def _install_done(self) -> None:
        if not shiboken6.isValid(self):
            return
        self._installing = False
        self.folder_button.setEnabled(True)
        self.zip_button.setEnabled(True)


def _install(source: Path) -> str:
    """The worker job: install, and say what is installed."""
    from kassa.peppol.rules.install import install_rule_pack

    return install_rule_pack(source).describe()


class ValidationLine(QWidget):
    """"Officiell validering: …" in one line, with a button that opens Valideringsregler."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = QLabel(self.tr("Officiell validering: kontrolleras …"), self)
        self.label.setObjectName("validationState")
        self.label.setWordWrap(True)
        self.button = QPushButton(self.tr("&Regelpaket …"), self)
        self.button.setObjectName("rulePackButton")
        self.button.setAutoDefault(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.button.clicked.connect(self.open_dialog)
        self.dialog: RulePackDialog | None = None
        self.refresh()

    def refresh(self) -> None:
        run_in_background(_pack_status, on_result=self._show, on_error=lambda exc: None)

    def _show(self, status: PackStatus) -> None:
        if not shiboken6.isValid(self):
            return
        self.label.setText(status.line)
        self.label.setStyleSheet(OK_STYLE if status.validated else WARN_STYLE)

    def open_dialog(self) -> RulePackDialog:
        if self.dialog is None or not shiboken6.isValid(self.dialog):
            self.dialog = RulePackDialog(self.window())
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog.changed.connect(self.refresh)
        self.dialog.open()
        return self.dialog
