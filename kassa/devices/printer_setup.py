"""The receipt printer as the settings page and the register use it (Qt-free; do I/O in a worker).

- `build_printer()`: the saved printer, or None when none is chosen;
- `print_test_page(settings)`: a test page (å ä ö, double size, bold, alignment, the logo, a cut);
- `check_printer(settings)`: is it ready (reachable, paper, lid)?
- `try_drawer(settings)`: open the cash drawer through it.

Each check answers a `PrinterStatus` with a Swedish text and never raises for a printer problem.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kassa.devices.base import PrinterStatus, PrinterUnavailable
from kassa.devices.printer_settings import PrinterSettings, saved
from kassa.devices.printout import WIDTH, PrintLine, Printout

if TYPE_CHECKING:
    from kassa.devices.escpos_printer import EscposPrinter


def open_printer(settings: PrinterSettings) -> EscposPrinter:
    """The receipt printer of `settings` (python-escpos)."""
    # python-escpos (with Pillow, qrcode, pyusb …: some 15 MB) loads with the first printer used, so a
    # till without a receipt printer, or at rest before its first receipt, does not hold it.
    from kassa.devices.escpos_printer import EscposPrinter

    return EscposPrinter(settings)


def build_printer(settings: PrinterSettings | None = None) -> EscposPrinter | None:
    """The printer to print receipts on: the saved one unless `settings` is given; None when none is chosen."""
    settings = settings if settings is not None else saved()
    return open_printer(settings) if settings is not None else None


def testing_page(settings: PrinterSettings, now: dt.datetime | None = None) -> Printout:
    now = now or dt.datetime.now()
    ruler = "".join(str(n % 10) for n in range(1, WIDTH + 1))
    return Printout((
        PrintLine("Testutskrift från Kassa", "bold", "center"),
        PrintLine(f"{now:%Y-%m-%d %H:%M}", align="center"),
        PrintLine("KOPIA", "double", "center"),
        PrintLine("Åå Ää Öö É é Ü ü € 1 234,50"),
        PrintLine("Räksmörgås, ölkorv och våffla"),
        PrintLine("Fetstil: Att betala", "bold"),
        PrintLine("Vänster"),
        PrintLine("Mitten", align="center"),
        PrintLine("Höger", align="right"),
        PrintLine(ruler),
        PrintLine(f"Anslutning: {settings.where}"),
        PrintLine(f"Teckentabell: {settings.codepage}, modell: {settings.profile}"),
        PrintLine("Syns å, ä och ö rätt ovan är allt klart.", align="center"),
    ), cut=True, open_drawer=False)


def print_test_page(settings: PrinterSettings) -> PrinterStatus:
    try:
        open_printer(settings).print(testing_page(settings))
    except PrinterUnavailable as exc:
        return PrinterStatus(ok=False, text=str(exc))
    return PrinterStatus(ok=True, text=f"Testsidan skickades till kvittoskrivaren ({settings.where}). Kontrollera "
                                       "att å, ä och ö syns rätt och att KOPIA är dubbelt så stor.")


def check_printer(settings: PrinterSettings) -> PrinterStatus:
    return open_printer(settings).status()


def try_drawer(settings: PrinterSettings) -> PrinterStatus:
    try:
        open_printer(settings).open_drawer()
    except PrinterUnavailable as exc:
        return PrinterStatus(ok=False, text=str(exc))
    return PrinterStatus(ok=True, text="Kassalådan skulle nu ha öppnats. Öppnades den inte, prova det andra stiftet "
                                       "(2 eller 5) eller kontrollera kabeln mellan lådan och skrivaren.")
