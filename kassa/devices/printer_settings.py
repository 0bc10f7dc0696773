"""Which receipt printer this till uses, saved in the settings file (nothing secret is needed).

    settings.json: {"printer": {"kind": "network", "host": "192.168.1.50", "port": 9100, ...}}

Kinds: ``network`` (raw TCP, port 9100), ``usb`` (vendor and product id), ``serial`` (a port such
as /dev/ttyUSB0 or COM3, and its speed), ``file`` (a file or a device such as /dev/usb/lp0).
The code page is one that common Epson-compatible printers have and that holds å ä ö:
CP858 (ESC t 19; CP850 with the euro sign) by default, CP437 (ESC t 0) or CP850 (ESC t 2) for
printers without it. Every mistake is an `InvalidPrinterSettings` with a Swedish text.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from kassa import config
from kassa.devices.base import PrinterUnavailable

SETTINGS_KEY = "printer"
KINDS = ("network", "usb", "serial", "file")
CODEPAGES = ("CP858", "CP437", "CP850")
PROFILES = ("default", "TM-T20II", "TM-T88V", "TM-T88IV")
WHERE = "Ändra det under Inställningar → Kvittoskrivare."


class InvalidPrinterSettings(PrinterUnavailable):
    """The saved or entered printer settings cannot be used. `str()` is Swedish."""


@dataclass(frozen=True)
class PrinterSettings:
    kind: str  # network | usb | serial | file
    host: str = ""
    port: int = 9100
    usb_vendor: int = 0  # e.g. 0x04B8 (Epson)
    usb_product: int = 0
    serial_device: str = ""
    baudrate: int = 19200
    path: str = ""
    profile: str = "default"  # python-escpos printer profile
    codepage: str = "CP858"
    logo: str = ""  # an image file printed at the top of receipts; optional
    logo_width: int = 384  # dots; 384 fits 58 mm and 80 mm rolls
    drawer_pin: int = 2  # the drawer kick-out connector's pin 2 or 5
    check_status: bool = True  # ask the printer (DLE EOT) whether it is ready before printing
    timeout: float = 5.0  # seconds for connecting and writing

    def __post_init__(self) -> None:
        problem = self._problem()
        if problem:
            raise InvalidPrinterSettings(f"{problem} {WHERE}")

    def _problem(self) -> str:
        if self.kind not in KINDS:
            return f"Okänd sorts skrivaranslutning {self.kind!r}; välj nätverk, USB, seriell eller fil."
        if self.kind == "network":
            if not isinstance(self.host, str) or not self.host.strip() or any(c.isspace() for c in self.host):
                return "Skrivarens nätverksadress (värdnamn eller IP-adress) saknas."
            if not _int_between(self.port, 1, 65535):
                return f"Skrivarens port {self.port!r} ska vara ett tal mellan 1 och 65535 (oftast 9100)."
        if self.kind == "usb" and not (_int_between(self.usb_vendor, 1, 0xFFFF)
                                       and _int_between(self.usb_product, 1, 0xFFFF)):
            return "USB-skrivarens tillverkar-id och produkt-id (t.ex. 04b8 och 0202) saknas."
        if self.kind == "serial":
            if not isinstance(self.serial_device, str) or not self.serial_device.strip():
                return "Serieporten (t.ex. /dev/ttyUSB0 eller COM3) saknas."
            if self.baudrate not in (9600, 19200, 38400, 57600, 115200):
                return f"Hastigheten {self.baudrate!r} ska vara 9600, 19200, 38400, 57600 eller 115200."
        if self.kind == "file" and (not isinstance(self.path, str) or not self.path.strip()):
            return "Filen eller enheten (t.ex. /dev/usb/lp0) saknas."
        if self.codepage not in CODEPAGES:
            return f"Teckentabellen {self.codepage!r} stöds inte; välj {', '.join(CODEPAGES)}."
        if self.profile not in PROFILES:
            return f"Skrivarmodellen {self.profile!r} är okänd; välj {', '.join(PROFILES)}."
        if not isinstance(self.logo, str):
            return "Logotypen ska vara en sökväg till en bildfil."
        if not _int_between(self.logo_width, 64, 640):
            return "Logotypens bredd ska vara 64–640 punkter."
        if self.drawer_pin not in (2, 5):
            return "Kassalådans stift ska vara 2 eller 5."
        if (isinstance(self.timeout, bool) or not isinstance(self.timeout, (int, float))
                or not math.isfinite(self.timeout) or not 0.5 <= self.timeout <= 60):
            return "Skrivarens väntetid ska vara 0,5–60 sekunder."
        return ""

    @property
    def where(self) -> str:
        """Where the printer is, in words for messages."""
        if self.kind == "network":
            return f"{self.host}:{self.port}"
        if self.kind == "usb":
            return f"USB {self.usb_vendor:04x}:{self.usb_product:04x}"
        if self.kind == "serial":
            return self.serial_device
        return self.path

    @classmethod
    def from_dict(cls, data: Any) -> PrinterSettings:
        if not isinstance(data, dict):
            raise InvalidPrinterSettings(f"Skrivarinställningarna kan inte läsas. {WHERE}")
        names = {f.name for f in fields(cls)}
        try:
            return cls(**{k: v for k, v in data.items() if k in names})
        except TypeError:
            raise InvalidPrinterSettings(f"Skrivarinställningarna saknar uppgifter. {WHERE}") from None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _int_between(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def saved() -> PrinterSettings | None:
    """The saved printer; None when none is chosen. An unreadable entry raises (Swedish)."""
    data = config.saved_settings().get(SETTINGS_KEY)
    return None if data is None else PrinterSettings.from_dict(data)


def save(settings: PrinterSettings) -> None:
    config.save_settings(**{SETTINGS_KEY: settings.to_dict()})


def forget() -> None:
    """No receipt printer (receipts on screen, as PDF or e-mail only)."""
    config.save_settings(**{SETTINGS_KEY: None})
