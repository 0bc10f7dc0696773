"""The receipt printer and its cash drawer through python-escpos.

`render(printout, settings)` turns a `Printout` into ESC/POS bytes with python-escpos's `Dummy`
printer: ESC @ (reset), the code page chosen explicitly (ESC t n; CP858 by default, so å ä ö Å Ä Ö
are 0x86 0x84 0x94 0x8F 0x8E 0x99), the logo, each line with its alignment, bold and size, the cut
(GS V) and, when the printout asks, the drawer pulse (ESC p). A `double` line is twice as high and
wide; one too long for double width is printed twice as high only (still "at least twice the
height of the amounts", SKVFS 2014:9 7 kap.).

`EscposPrinter(settings)` sends those bytes in one write over the chosen transport (python-escpos's
`Network`, `Usb`, `Serial` or `File`), after asking the printer whether it is ready (DLE EOT 1, 2
and 4) where it answers: a printer that is off, out of paper, open or unreachable raises
`PrinterUnavailable` with a Swedish text and nothing is sent. A printer that does not answer the
status questions is printed to all the same (and not asked again by this object).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from escpos import printer as escpos_printers
from escpos.constants import RT_STATUS
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError

from kassa.devices.base import PrinterStatus, PrinterUnavailable
from kassa.devices.printer_settings import PrinterSettings
from kassa.devices.printout import WIDTH, PrintLine, Printout

log = logging.getLogger(__name__)

STATUS_TIMEOUT = 1.0  # seconds to wait for the answer to one DLE EOT question

# Typographic characters no receipt code page has, written the way a till would.
_PLAIN = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'",
                        "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u202f": "\u00a0", "\u2009": " "})


def printable(text: str, codepage: str) -> str:
    """The text with what the code page lacks written plainly (é stays é, ‘–’ becomes '-', others '?')."""
    out = []
    encoding = codepage.lower()
    for char in text.translate(_PLAIN):
        if char == "\n" or char == "\t":
            out.append(" ")
            continue
        if unicodedata.category(char) in ("Cc", "Cf"):
            continue  # control characters would be printer commands
        try:
            char.encode(encoding)
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(base or "?")
    return "".join(out)


_logo_cache: dict[tuple[str, float, int, str], bytes] = {}
_logo_lock = threading.Lock()


def _logo_bytes(path: str, width: int, profile: str) -> bytes:
    """The logo as raster image bytes, scaled to at most `width` dots; cached per file version."""
    mtime = os.stat(path).st_mtime
    key = (path, mtime, width, profile)
    with _logo_lock:
        cached = _logo_cache.get(key)
    if cached is not None:
        return cached
    from PIL import Image

    with Image.open(path) as source:
        image = source.convert("RGBA")
    background = Image.new("RGBA", image.size, (255, 255, 255, 255))
    image = Image.alpha_composite(background, image).convert("L")
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))))
    dummy = escpos_printers.Dummy(profile=profile)
    dummy.image(image, impl="bitImageRaster")
    data = dummy.output
    with _logo_lock:
        _logo_cache[key] = data
    return data


def render(printout: Printout, settings: PrinterSettings) -> bytes:
    """The ESC/POS bytes of a printout (nothing is sent)."""
    p = escpos_printers.Dummy(profile=settings.profile)
    p.hw("INIT")
    p.charcode(settings.codepage)  # ESC t n, and every later text() is encoded in this page
    if settings.logo:
        try:
            logo = _logo_bytes(settings.logo, settings.logo_width, settings.profile)
        except (OSError, ValueError, EscposError) as exc:
            log.warning("receipt logo %s not printed: %s", settings.logo, type(exc).__name__)
        else:
            p.set(align="center")
            p._raw(logo)
    for line in printout.lines:
        _line(p, line, settings.codepage)
    p.set(align="left", bold=False, normal_textsize=True)
    if printout.cut:
        p.cut()
    if printout.open_drawer:
        p.cashdraw(settings.drawer_pin)
    return p.output


def _line(p: escpos_printers.Dummy, line: PrintLine, codepage: str) -> None:
    text = printable(line.text, codepage)
    double = line.style == "double"
    wide = double and len(text) <= WIDTH // 2
    p.set(align=line.align, bold=line.style == "bold", normal_textsize=not double,
          double_height=double, double_width=wide)
    p.text(text + "\n")


def drawer_pulse(settings: PrinterSettings) -> bytes:
    p = escpos_printers.Dummy(profile=settings.profile)
    p.cashdraw(settings.drawer_pin)
    return p.output


@dataclass(frozen=True)
class _Readiness:
    answered: bool
    online: bool = True
    paper_out: bool = False
    paper_low: bool = False
    cover_open: bool = False
    error: bool = False


def _status_byte(answer: bytes) -> int | None:
    """The one status byte of a DLE EOT answer, or None when it is not one (fixed bits 1 and 4 set, 0 and 7 clear)."""
    if len(answer) < 1 or answer[-1] & 0x93 != 0x12:
        return None
    return answer[-1]


class EscposPrinter:
    """The till's `ReceiptPrinter`: python-escpos over network, USB, serial or a file/device."""

    def __init__(self, settings: PrinterSettings):
        self.settings = settings
        self._answers_status: bool | None = None if settings.check_status and settings.kind != "file" else False
        self._lock = threading.Lock()

    # -- the ReceiptPrinter protocol ---------------------------------------------------------

    def print(self, printout: Printout) -> None:
        data = render(printout, self.settings)
        with self._lock, self._device() as device:
            self._refuse_unless_ready(device)
            self._send(device, data)
        log.info("printed %d lines on %s%s", len(printout.lines), self.settings.where,
                 " and opened the drawer" if printout.open_drawer else "")

    def open_drawer(self) -> None:
        with self._lock, self._device() as device:
            self._send(device, drawer_pulse(self.settings))
        log.info("cash drawer opened through %s", self.settings.where)

    def status(self) -> PrinterStatus:
        try:
            with self._lock, self._device() as device:
                readiness = self._readiness(device)
        except PrinterUnavailable as exc:
            return PrinterStatus(ok=False, text=str(exc))
        if not readiness.answered:
            return PrinterStatus(ok=True, text=f"Kvittoskrivaren på {self.settings.where} går att nå men svarar "
                                                "inte på statusfrågor; papper och lock kan inte kontrolleras.")
        problem = self._problem(readiness)
        if problem:
            return PrinterStatus(ok=False, text=problem)
        text = f"Kvittoskrivaren på {self.settings.where} är redo."
        if readiness.paper_low:
            text += " Pappersrullen håller på att ta slut; byt den snart."
        return PrinterStatus(ok=True, text=text)

    # -- the transport --------------------------------------------------------------------------

    def _make(self) -> Any:
        s = self.settings
        if s.kind == "network":
            return escpos_printers.Network(s.host, port=s.port, timeout=s.timeout, profile=s.profile)
        if s.kind == "usb":
            return escpos_printers.Usb(s.usb_vendor, s.usb_product, timeout=int(s.timeout * 1000),
                                       profile=s.profile)
        if s.kind == "serial":
            return escpos_printers.Serial(s.serial_device, baudrate=s.baudrate, timeout=s.timeout,
                                          profile=s.profile)
        return escpos_printers.File(s.path, profile=s.profile)

    def _open(self, device: Any) -> None:
        if isinstance(device, escpos_printers.Network):
            # Connected here: python-escpos's Network.open leaves a socket unclosed when connecting fails.
            try:
                device.device = socket.create_connection((device.host, device.port), timeout=self.settings.timeout)
            except OSError as exc:
                raise DeviceNotFoundError(f"{device.host}:{device.port}: {exc}") from None
            return
        device.open()

    @contextmanager
    def _device(self) -> Iterator[Any]:
        device = self._make()
        try:
            self._open(device)
        except DeviceNotFoundError as exc:
            log.warning("receipt printer %s cannot be opened: %s", self.settings.where, str(exc).splitlines()[0])
            raise PrinterUnavailable(self._unreachable_text()) from None
        except Exception as exc:  # no libusb (NoBackendError), no permission (USBError), a serial port gone…
            log.warning("receipt printer %s cannot be opened (%s: %s)", self.settings.where, type(exc).__name__, exc)
            raise PrinterUnavailable(self._unreachable_text(str(exc))) from None
        try:
            yield device
        finally:
            try:
                device.close()
            except Exception:  # closing a broken connection; nothing more to do
                log.debug("closing the printer connection failed", exc_info=True)

    def _send(self, device: Any, data: bytes) -> None:
        try:
            device._raw(data)
            flush = getattr(device, "flush", None)
            if callable(flush):
                flush()
        except Exception as exc:  # socket, USB, serial and file errors all end the job the same way
            log.warning("writing to the receipt printer %s failed (%s)", self.settings.where, type(exc).__name__)
            raise PrinterUnavailable(
                f"Utskriften till kvittoskrivaren på {self.settings.where} avbröts. Kontrollera att skrivaren är "
                "påslagen och ansluten; kvittot skrivs ut igen när den fungerar.") from None

    # -- readiness (DLE EOT) --------------------------------------------------------------------

    def _ask(self, device: Any, n: int) -> int | None:
        """One real-time status question; None when the printer does not answer it."""
        sock = device.device if isinstance(device, escpos_printers.Network) else None
        if isinstance(sock, socket.socket):
            sock.settimeout(STATUS_TIMEOUT)
        try:
            if isinstance(device, escpos_printers.Serial):
                # python-escpos reads 16 bytes, which on a serial line waits out the whole timeout.
                device._raw(RT_STATUS + bytes([n]))
                device.device.timeout = STATUS_TIMEOUT
                return _status_byte(bytes(device.device.read(1)))
            return _status_byte(bytes(device.query_status(RT_STATUS + bytes([n]))))
        except (OSError, NotImplementedError, EscposError, ValueError) as exc:
            log.debug("status question %d to %s unanswered (%s)", n, self.settings.where, type(exc).__name__)
            return None
        except Exception as exc:  # pyusb raises its own USBError/USBTimeoutError
            log.debug("status question %d to %s failed (%s)", n, self.settings.where, type(exc).__name__)
            return None
        finally:
            if isinstance(sock, socket.socket):
                sock.settimeout(self.settings.timeout)
            if isinstance(device, escpos_printers.Serial) and device.device is not None:
                device.device.timeout = self.settings.timeout

    def _readiness(self, device: Any) -> _Readiness:
        if self._answers_status is False:
            return _Readiness(answered=False)
        printer = self._ask(device, 1)
        if printer is None:
            if self._answers_status is None:
                log.info("receipt printer %s does not answer status questions; printing without asking",
                         self.settings.where)
            self._answers_status = False
            return _Readiness(answered=False)
        self._answers_status = True
        paper = self._ask(device, 4) or 0x12
        cause = self._ask(device, 2) if printer & 0x08 else 0x12
        cause = cause or 0x12
        return _Readiness(answered=True, online=not printer & 0x08, paper_out=bool(paper & 0x60),
                          paper_low=bool(paper & 0x0C), cover_open=bool(cause & 0x04), error=bool(cause & 0x40))

    def _refuse_unless_ready(self, device: Any) -> None:
        problem = self._problem(self._readiness(device))
        if problem:
            raise PrinterUnavailable(problem)

    def _problem(self, r: _Readiness) -> str:
        where = self.settings.where
        later = "Kvittot skrivs ut när skrivaren fungerar igen."
        if r.paper_out:
            return f"Kvittoskrivaren ({where}) har slut på papper. Lägg i en ny rulle och stäng locket. {later}"
        if r.cover_open:
            return f"Kvittoskrivarens lock är öppet ({where}). Stäng locket. {later}"
        if r.error:
            return (f"Kvittoskrivaren ({where}) har ett fel, t.ex. pappersstopp eller en fastnad kniv. Åtgärda det, "
                    f"eller stäng av och slå på skrivaren. {later}")
        if not r.online:
            return f"Kvittoskrivaren ({where}) är inte redo (offline). Kontrollera skrivaren. {later}"
        return ""

    def _unreachable_text(self, detail: str = "") -> str:
        s = self.settings
        later = "Kvittot skrivs ut när skrivaren fungerar igen."
        if s.kind == "network":
            return (f"Kvittoskrivaren på {s.where} svarar inte. Kontrollera att den är påslagen och ansluten till "
                    f"nätverket, och att adressen under Inställningar → Kvittoskrivare stämmer. {later}")
        if s.kind == "usb":
            if "backend" in detail.lower():
                return (f"Kvittoskrivaren ({s.where}) kan inte användas: USB-stöd (libusb) saknas på datorn. "
                        f"Installera libusb (paketet libusb-1.0-0) eller anslut skrivaren via nätverket. {later}")
            if "access" in detail.lower() or "permission" in detail.lower():
                return (f"Kassa saknar behörighet till USB-skrivaren ({s.where}); en udev-regel för skrivaren "
                        f"behövs. {later}")
            return (f"Kvittoskrivaren ({s.where}) hittades inte. Kontrollera att den är påslagen och att "
                    f"USB-kabeln sitter i. {later}")
        if s.kind == "serial":
            return (f"Serieporten {s.where} till kvittoskrivaren kan inte öppnas. Kontrollera kabeln och att "
                    f"porten under Inställningar → Kvittoskrivare stämmer. {later}")
        return (f"Kvittoskrivarens fil eller enhet {s.where} kan inte öppnas för skrivning. Kontrollera sökvägen "
                f"under Inställningar → Kvittoskrivare. {later}")
