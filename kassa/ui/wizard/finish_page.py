"""The wizard's last page: the desktop shortcut and menu entry (kassa.shortcut), then Slutför."""
from __future__ import annotations

import logging

from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget, QWizardPage

from kassa import shortcut
from kassa.ui.wizard.form import ERROR_STYLE

log = logging.getLogger(__name__)


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
        available = shortcut.is_freedesktop()
        self.shortcut_check.setEnabled(available)
        self.shortcut_check.setChecked(available)
        if not available:
            self.shortcut_check.setToolTip(self.tr("Genvägar skapas här inte automatiskt."))

    def validatePage(self) -> bool:  # noqa: N802 - Qt naming
        if not (self.shortcut_check.isEnabled() and self.shortcut_check.isChecked()):
            return True
        try:
            shortcut.install_shortcut()
        except Exception as exc:  # ShortcutError and friends carry a Swedish message
            log.warning("installing the shortcut failed: %s", exc)
            self.result_label.setText(self.tr("Genvägen kunde inte skapas: %1. Bocka ur rutan för att slutföra "
                                              "utan genväg.").replace("%1", str(exc)))
            self.result_label.setStyleSheet(ERROR_STYLE)
            return False
        return True
