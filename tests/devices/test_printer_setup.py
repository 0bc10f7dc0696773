"""The settings page's printer actions (Qt-free): choose, test page, status, drawer."""
from __future__ import annotations

import json

import pytest

from kassa import config
from kassa.devices.escpos_printer import EscposPrinter
from kassa.devices.printer_settings import InvalidPrinterSettings, PrinterSettings, forget, save, saved
from kassa.devices.printer_setup import build_printer, check_printer, print_test_page, try_drawer
from tests.devices.escpos_decoder import decode


def test_the_test_page_shows_what_a_receipt_needs(listener, settings):
    status = print_test_page(settings)
    assert status.ok and "å, ä och ö" in status.text
    page = decode(listener.wait_for_jobs(1)[0])
    assert "Åå Ää Öö É é Ü ü € 1 234,50" in page.text and "Räksmörgås, ölkorv och våffla" in page.text
    assert page.line("KOPIA").double and page.line("Fetstil: Att betala").bold
    assert page.line("Mitten").align == "center" and page.line("Höger").align == "right"
    assert page.line("1234567890" * 4 + "12").text  # the 42 columns of the roll
    assert page.count("cut") == 1 and page.count("drawer") == 0


def test_checks_answer_in_swedish_and_never_raise(listener, settings):
    assert check_printer(settings).ok
    assert try_drawer(settings).ok
    assert decode(listener.wait_for_jobs(2)[1]).events == [("drawer", 2, 50, 50)]
    listener.stop()
    for status in (print_test_page(settings), check_printer(settings), try_drawer(settings)):
        assert not status.ok and "svarar inte" in status.text


def test_the_chosen_printer_is_saved_and_built(settings):
    assert build_printer() is None  # none chosen: receipts on screen/PDF only
    save(settings)
    data = json.loads(config.settings_path().read_text(encoding="utf-8"))["printer"]
    assert data["kind"] == "network" and data["port"] == settings.port and data["codepage"] == "CP858"
    assert saved() == settings
    printer = build_printer()
    assert isinstance(printer, EscposPrinter) and printer.settings == settings
    forget()
    assert build_printer() is None


@pytest.mark.parametrize("values, words", [
    ({"kind": "bluetooth"}, "Okänd sorts"),
    ({"kind": "network", "host": ""}, "nätverksadress"),
    ({"kind": "network", "host": "10.0.0.9", "port": 70000}, "65535"),
    ({"kind": "usb"}, "tillverkar-id"),
    ({"kind": "serial", "serial_device": "/dev/ttyS0", "baudrate": 1200}, "9600"),
    ({"kind": "file"}, "Filen eller enheten"),
    ({"kind": "file", "path": "/dev/usb/lp0", "codepage": "UTF-8"}, "Teckentabellen"),
    ({"kind": "file", "path": "/dev/usb/lp0", "drawer_pin": 3}, "stift"),
])
def test_bad_printer_settings_are_named_in_swedish(values, words):
    with pytest.raises(InvalidPrinterSettings) as caught:
        PrinterSettings(**values)
    assert words in str(caught.value) and "Inställningar → Kvittoskrivare" in str(caught.value)


def test_an_unreadable_saved_entry_is_named():
    config.save_settings(printer={"kind": "network"})
    with pytest.raises(InvalidPrinterSettings, match="nätverksadress"):
        saved()
    config.save_settings(printer="lp0")
    with pytest.raises(InvalidPrinterSettings, match="kan inte läsas"):
        build_printer()
