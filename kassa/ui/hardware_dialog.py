"""Inställningar → Kontrollenhet och kvittoskrivare: choose, test and save the till's hardware.

The work (test page, drawer, asking the control unit) runs in a worker; the dialog only shows the
Swedish answers. Saving writes the settings file (no secrets) and the control unit's password to
the keyring. Every field has a mnemonic, so the dialog is used without a mouse.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kassa.devices.base import PrinterStatus, PrinterUnavailable
from kassa.devices.printer_settings import PrinterSettings, forget
from kassa.devices.printer_settings import save as save_printer
from kassa.devices.printer_settings import saved as saved_printer
from kassa.devices.printer_setup import print_test_page, try_drawer
from kassa.register.control_unit.base import ControlUnitUnavailable, UnitStatus
from kassa.register.control_unit.credentials import has_password
from kassa.register.control_unit.settings import ControlUnitSettings, check_control_unit
from kassa.register.control_unit.settings import save as save_unit
from kassa.register.control_unit.settings import saved as saved_unit
from kassa.ui.workers import run_in_background

PRINTER_KINDS = [("", "Ingen kvittoskrivare"), ("network", "Nätverk (TCP 9100)"), ("usb", "USB"),
                 ("serial", "Seriell port"), ("file", "Fil eller enhet")]
UNIT_KINDS = [("xccsp", "XCCSP-tjänst (t.ex. GreenGate Online)"),
              ("none", "Ingen: högst fyra prisbasbelopp om året i kontant- och kortförsäljning")]


def _hex(text: str) -> int:
    try:
        return int(text.strip().lower().removeprefix("0x"), 16)
    except ValueError:
        return 0


class HardwareDialog(QDialog):
    def __init__(self, org_number: str, till: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Kontrollenhet och kvittoskrivare")
        self.org_number, self.till = org_number, till
        layout = QVBoxLayout(self)
        layout.addWidget(self._printer_box())
        layout.addWidget(self._unit_box())
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Spara")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Avbryt")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._load()
        self._kind_changed()

    # -- building -------------------------------------------------------------------------

    def _printer_box(self) -> QGroupBox:
        box = QGroupBox("Kvittoskrivare")
        form = QFormLayout(box)
        self.printer_kind = QComboBox()
        for key, text in PRINTER_KINDS:
            self.printer_kind.addItem(text, key)
        self.printer_kind.currentIndexChanged.connect(self._kind_changed)
        self.host, self.port = QLineEdit(), QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(9100)
        self.usb_ids, self.serial_device, self.path, self.logo = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        self.usb_ids.setPlaceholderText("04b8:0202")
        self.serial_device.setPlaceholderText("/dev/ttyUSB0")
        self.path.setPlaceholderText("/dev/usb/lp0")
        self.codepage = QComboBox()
        self.codepage.addItems(["CP858", "CP437", "CP850"])
        self.drawer_pin = QComboBox()
        self.drawer_pin.addItems(["2", "5"])
        rows = [("&Anslutning:", self.printer_kind), ("Skrivarens ad&ress:", self.host), ("&Port:", self.port),
                ("&USB-id:", self.usb_ids), ("S&erieport:", self.serial_device), ("&Fil eller enhet:", self.path),
                ("&Teckentabell:", self.codepage), ("&Logotyp (bildfil):", self.logo),
                ("Kassalådans st&ift:", self.drawer_pin)]
        for label, field in rows:
            form.addRow(label, field)
        self._form = form
        self.test_print_button = QPushButton("Skri&v ut testsida")
        self.test_print_button.clicked.connect(self.test_print)
        self.drawer_button = QPushButton("Öppna lå&dan")
        self.drawer_button.clicked.connect(self.test_drawer)
        form.addRow(self.test_print_button, self.drawer_button)
        return box

    def _unit_box(self) -> QGroupBox:
        box = QGroupBox("Kontrollenhet")
        form = QFormLayout(box)
        self.unit_kind = QComboBox()
        for key, text in UNIT_KINDS:
            self.unit_kind.addItem(text, key)
        self.unit_kind.currentIndexChanged.connect(self._kind_changed)
        self.url, self.username, self.password = QLineEdit(), QLineEdit(), QLineEdit()
        self.url.setPlaceholderText("https://…/xccsp")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for label, field in [("&Kontrollenhet:", self.unit_kind), ("&Webbadress:", self.url),
                             ("Användar&namn:", self.username), ("Lösen&ord:", self.password)]:
            form.addRow(label, field)
        self._unit_form = form
        self.test_unit_button = QPushButton("Testa kontrollen&heten")
        self.test_unit_button.clicked.connect(self.test_unit)
        form.addRow(self.test_unit_button)
        return box

    def _load(self) -> None:
        try:
            printer, unit = saved_printer(), saved_unit()
        except (PrinterUnavailable, ControlUnitUnavailable) as exc:
            self.message.setText(str(exc))
            return
        if printer is not None:
            self.printer_kind.setCurrentIndex(self.printer_kind.findData(printer.kind))
            self.host.setText(printer.host)
            self.port.setValue(printer.port)
            if printer.usb_vendor:
                self.usb_ids.setText(f"{printer.usb_vendor:04x}:{printer.usb_product:04x}")
            self.serial_device.setText(printer.serial_device)
            self.path.setText(printer.path)
            self.codepage.setCurrentText(printer.codepage)
            self.logo.setText(printer.logo)
            self.drawer_pin.setCurrentText(str(printer.drawer_pin))
        if unit is not None:
            self.unit_kind.setCurrentIndex(self.unit_kind.findData(unit.kind))
            self.url.setText(unit.url)
            self.username.setText(unit.username)
            if unit.kind == "xccsp":  # "oförändrat" only when there is a password to keep (a keyring call)
                run_in_background(has_password, unit.url, unit.username,
                                  on_result=lambda stored: self.password.setPlaceholderText(
                                      "oförändrat" if stored else ""))

    def _kind_changed(self) -> None:
        kind = self.printer_kind.currentData()
        for field, kinds in [(self.host, ("network",)), (self.port, ("network",)), (self.usb_ids, ("usb",)),
                             (self.serial_device, ("serial",)), (self.path, ("file",))]:
            self._form.setRowVisible(field, kind in kinds)
        for field in (self.codepage, self.logo, self.drawer_pin):
            self._form.setRowVisible(field, bool(kind))
        self.test_print_button.setEnabled(bool(kind))
        self.drawer_button.setEnabled(bool(kind))
        xccsp = self.unit_kind.currentData() == "xccsp"
        for field in (self.url, self.username, self.password):
            self._unit_form.setRowVisible(field, xccsp)

    # -- reading the fields -------------------------------------------------------------------

    def printer_settings(self) -> PrinterSettings | None:
        """What the fields say; None for no printer; raises InvalidPrinterSettings (Swedish)."""
        kind = self.printer_kind.currentData()
        if not kind:
            return None
        vendor, _, product = self.usb_ids.text().partition(":")
        return PrinterSettings(kind=kind, host=self.host.text().strip(), port=self.port.value(),
                               usb_vendor=_hex(vendor), usb_product=_hex(product),
                               serial_device=self.serial_device.text().strip(), path=self.path.text().strip(),
                               codepage=self.codepage.currentText(), logo=self.logo.text().strip(),
                               drawer_pin=int(self.drawer_pin.currentText()))

    def unit_settings(self) -> ControlUnitSettings:
        return ControlUnitSettings(kind=self.unit_kind.currentData(), url=self.url.text().strip(),
                                   username=self.username.text().strip())

    # -- actions ---------------------------------------------------------------------------------

    def _show(self, status: PrinterStatus | UnitStatus) -> None:
        self.message.setText(status.text)

    def _busy(self, text: str) -> None:
        self.message.setText(text)

    def test_print(self) -> None:
        self._with_printer(print_test_page, "Skriver ut testsidan …")

    def test_drawer(self) -> None:
        self._with_printer(try_drawer, "Öppnar kassalådan …")

    def _with_printer(self, action: Callable[[PrinterSettings], PrinterStatus], busy: str) -> None:
        try:
            settings = self.printer_settings()
        except PrinterUnavailable as exc:
            self.message.setText(str(exc))
            return
        if settings is not None:
            self._busy(busy)
            run_in_background(action, settings, on_result=self._show, on_error=self._failed)

    def test_unit(self) -> None:
        try:
            settings = self.unit_settings()
        except ControlUnitUnavailable as exc:
            self.message.setText(str(exc))
            return
        self._busy("Frågar kontrollenheten …")
        run_in_background(check_control_unit, settings, org_number=self.org_number, till=self.till,
                          password=self.password.text() or None, on_result=self._show, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, (PrinterUnavailable, ControlUnitUnavailable)):
            self.message.setText(str(exc))  # already Swedish: what is wrong and what to do
        else:
            self.message.setText(f"Det gick inte ({type(exc).__name__}); se loggen under Hjälp → Visa logg.")

    def save(self) -> None:
        """Check the fields here; the keyring and the file are written in a worker (the keyring may block)."""
        try:
            printer, unit = self.printer_settings(), self.unit_settings()
        except (PrinterUnavailable, ControlUnitUnavailable) as exc:
            self.message.setText(str(exc))
            return
        password = self.password.text() or None if unit.kind == "xccsp" else None
        self.buttons.setEnabled(False)
        self._busy("Sparar …")
        run_in_background(_save, printer, unit, password, on_result=lambda _: self.accept(),
                          on_error=self._failed, on_done=lambda: self.buttons.setEnabled(True))


def _save(printer: PrinterSettings | None, unit: ControlUnitSettings, password: str | None) -> None:
    save_unit(unit, password)  # the password to the keyring first: nothing is saved if that fails
    if printer is None:
        forget()
    else:
        save_printer(printer)
