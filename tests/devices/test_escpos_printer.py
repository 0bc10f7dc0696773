"""The receipt printer over a real TCP socket (a listener on 127.0.0.1), a file, a serial pty: bytes decoded."""
from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time

import pytest

from kassa.devices.base import PrinterUnavailable
from kassa.devices.escpos_printer import EscposPrinter, render
from kassa.devices.printer_settings import PrinterSettings
from kassa.devices.printout import PrintLine, Printout
from tests.devices.escpos_decoder import decode
from tests.devices.printer_listener import CONDITIONS, PrinterListener
from tests.devices.receipts import receipt, receipt_lines


def printed_text(job: bytes) -> list[str]:
    return [line.text for line in decode(job).lines if line.text]


def test_a_receipt_decodes_to_its_text_with_swedish_letters(listener, printer):
    printer.print(receipt(cash=False))
    job = decode(listener.wait_for_jobs(1)[0])
    assert [line.text for line in job.lines if line.text] == [line.text.replace("–", "-")
                                                              for line in receipt_lines()]
    assert ("codepage", 19) in job.events  # CP858, chosen explicitly after the reset
    assert job.events.index(("init",)) < job.events.index(("codepage", 19))
    assert job.line("Räksmörgås                         89,00").bold is False
    assert job.line("Kassa KASSA-1          Kassör Åsa Öberg").align == "left"
    raw = listener.jobs[0]
    assert "Räksmörgås".encode("cp858") in raw and b"R\x84ksm\x94rg\x86s" in raw
    assert "Åsa Öberg".encode("cp858") == b"\x8fsa \x99berg"


def test_styles_and_alignment(listener, printer):
    printer.print(receipt(cash=False))
    job = decode(listener.wait_for_jobs(1)[0])
    name = job.line("Hörnbutiken & Söner AB")
    assert name.bold and name.align == "center" and not name.double_height
    total = job.line("Att betala                      239,50")
    # Too long for double width on 42 columns: twice as high only, right-aligned.
    assert total.double_height and not total.double_width and total.align == "right"
    assert job.line("Tack för besöket - välkommen åter!").align == "center"


def test_a_copy_has_kopia_in_double_size_twice(listener, printer):
    printer.print(receipt(copy=True))
    job = decode(listener.wait_for_jobs(1)[0])
    kopia = [line for line in job.lines if line.text == "KOPIA"]
    assert len(kopia) == 2
    assert all(line.double and line.align == "center" for line in kopia)
    others = [line for line in job.lines if line.text and line.text != "KOPIA"]
    assert not any(line.double_width for line in others)


def test_the_cut_comes_last_and_the_drawer_opens_only_after_a_cash_sale(listener, printer):
    printer.print(receipt(cash=True))
    printer.print(receipt(cash=False))
    cash, card = (decode(job) for job in listener.wait_for_jobs(2))
    assert cash.count("cut") == 1 and card.count("cut") == 1
    assert cash.events[-2:] == [("cut", "full"), ("drawer", 2, 50, 50)]
    assert card.events[-1] == ("cut", "full") and card.count("drawer") == 0


def test_open_drawer_alone_sends_only_the_pulse(listener, settings):
    EscposPrinter(dataclasses.replace(settings, drawer_pin=5)).open_drawer()
    job = decode(listener.wait_for_jobs(1)[0])
    assert job.events == [("drawer", 5, 50, 50)] and job.lines == []


def test_no_cut_when_the_printout_says_so(listener, printer):
    printer.print(Printout((PrintLine("X-dagrapport", "double", "center"),), cut=False))
    job = decode(listener.wait_for_jobs(1)[0])
    assert job.count("cut") == 0 and job.line("X-dagrapport").double


@pytest.mark.parametrize("codepage, number", [("CP437", 0), ("CP850", 2)])
def test_other_code_pages_keep_the_swedish_letters(listener, settings, codepage, number):
    EscposPrinter(dataclasses.replace(settings, codepage=codepage)).print(
        Printout((PrintLine("Åäö ÅÄÖ é ü"),)))
    job = decode(listener.wait_for_jobs(1)[0])
    assert ("codepage", number) in job.events
    assert job.text == ["Åäö ÅÄÖ é ü"]


def test_what_the_code_page_lacks_is_written_plainly():
    settings = PrinterSettings(kind="file", path="/dev/null")
    job = decode(render(Printout((PrintLine("Pris – 5 € … ‘ok’ 🙂 \x1b@ ℌ"),)), settings))
    assert job.text == ["Pris - 5 € ... 'ok' ? @ H"]  # the ESC byte is dropped, never sent
    cp437 = decode(render(Printout((PrintLine("5 €"),)), dataclasses.replace(settings, codepage="CP437")))
    assert cp437.text == ["5 ?"]


def test_the_logo_is_printed_centred_above_the_text(listener, settings, tmp_path):
    from PIL import Image, ImageDraw

    logo = tmp_path / "logo.png"
    image = Image.new("RGBA", (600, 150), (255, 255, 255, 0))
    ImageDraw.Draw(image).rectangle((20, 20, 580, 130), fill=(0, 0, 0, 255))
    image.save(logo)
    EscposPrinter(dataclasses.replace(settings, logo=str(logo))).print(receipt(cash=False))
    job = decode(listener.wait_for_jobs(1)[0])
    images = [e for e in job.events if e[0] == "image"]
    assert images == [("image", 384, 96)]  # scaled to 384 dots, aspect kept
    assert job.text[0] == "Hörnbutiken & Söner AB"


def test_a_missing_logo_does_not_stop_the_receipt(listener, settings, tmp_path, caplog):
    EscposPrinter(dataclasses.replace(settings, logo=str(tmp_path / "borta.png"))).print(receipt(cash=False))
    job = decode(listener.wait_for_jobs(1)[0])
    assert job.count("image") == 0 and job.text[0] == "Hörnbutiken & Söner AB"
    assert "logo" in caplog.text


def test_a_printer_that_is_off_is_named_at_once(listener, printer):
    listener.stop()
    started = time.monotonic()
    with pytest.raises(PrinterUnavailable) as caught:
        printer.print(receipt())
    assert time.monotonic() - started < 2
    text = str(caught.value)
    assert f"127.0.0.1:{listener.port} svarar inte" in text and "påslagen" in text
    assert "skrivs ut när skrivaren fungerar igen" in text


@pytest.mark.parametrize("condition, words", [
    ("paper_out", "slut på papper"),
    ("cover_open", "lock är öppet"),
    ("error", "har ett fel"),
    ("offline", "offline"),
])
def test_a_printer_that_is_not_ready_gets_nothing(listener, printer, condition, words):
    listener.condition = condition
    with pytest.raises(PrinterUnavailable, match=words):
        printer.print(receipt())
    job = decode(listener.wait_for_jobs(1)[0])
    assert job.lines == [] and job.count("cut") == 0 and job.count("drawer") == 0  # only the questions
    assert job.count("status") >= 2


def test_a_printer_that_does_not_answer_status_questions_is_printed_to(listener, printer, caplog):
    caplog.set_level(logging.INFO)
    listener.condition = "silent"
    printer.print(receipt(cash=False))
    printer.print(receipt(cash=False))
    first, second = (decode(job) for job in listener.wait_for_jobs(2))
    assert first.count("status") == 1 and first.text == second.text
    assert second.count("status") == 0  # not asked again
    assert "does not answer status questions" in caplog.text


def test_status_in_words(listener, printer):
    assert printer.status().ok and "är redo" in printer.status().text
    listener.condition = "paper_low"
    status = printer.status()
    assert status.ok and "håller på att ta slut" in status.text
    listener.condition = "paper_out"
    assert not printer.status().ok and "slut på papper" in printer.status().text
    listener.stop()
    assert not printer.status().ok and "svarar inte" in printer.status().text


def test_the_printer_back_on_the_same_port_prints_again(listener, printer):
    listener.stop()
    with pytest.raises(PrinterUnavailable):
        printer.print(receipt())
    with PrinterListener(port=listener.port) as back:
        printer.print(receipt(cash=False))
        assert printed_text(back.wait_for_jobs(1)[0])[0] == "Hörnbutiken & Söner AB"


def test_a_file_or_device(tmp_path):
    path = tmp_path / "lp0"
    EscposPrinter(PrinterSettings(kind="file", path=str(path))).print(receipt())
    job = decode(path.read_bytes())
    assert job.text[0] == "Hörnbutiken & Söner AB" and job.count("drawer") == 1
    assert job.count("status") == 0  # a file cannot answer


def test_a_file_that_cannot_be_opened(tmp_path):
    printer = EscposPrinter(PrinterSettings(kind="file", path=str(tmp_path / "saknas" / "lp0")))
    with pytest.raises(PrinterUnavailable, match="kan inte öppnas"):
        printer.print(receipt())


def test_a_serial_printer_on_a_pty(tmp_path):
    master, slave = os.openpty()
    received = bytearray()
    done = threading.Event()

    def printer_side() -> None:  # the printer at the other end of the line: answers "ready"
        while not done.is_set():
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            received.extend(chunk)
            while received.endswith(b"\x10\x04\x01") or received.endswith(b"\x10\x04\x04"):
                os.write(master, bytes([CONDITIONS["ready"][0 if received[-1] == 1 else 2]]))
                break

    thread = threading.Thread(target=printer_side, daemon=True)
    thread.start()
    try:
        EscposPrinter(PrinterSettings(kind="serial", serial_device=os.ttyname(slave), baudrate=19200,
                                      timeout=2.0)).print(receipt(cash=True))
        deadline = time.monotonic() + 5
        while b"\x1bp" not in received and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        done.set()
        os.close(slave)
        os.close(master)
    job = decode(bytes(received))
    assert job.count("status") == 2 and job.text[0] == "Hörnbutiken & Söner AB"
    assert job.events[-1] == ("drawer", 2, 50, 50)


def test_a_serial_port_that_does_not_exist():
    printer = EscposPrinter(PrinterSettings(kind="serial", serial_device="/dev/ttyKASSA-saknas"))
    with pytest.raises(PrinterUnavailable, match="Serieporten /dev/ttyKASSA-saknas"):
        printer.print(receipt())


def test_a_usb_printer_that_is_not_plugged_in():
    printer = EscposPrinter(PrinterSettings(kind="usb", usb_vendor=0x04B8, usb_product=0x0E15))
    with pytest.raises(PrinterUnavailable) as caught:
        printer.print(receipt())
    text = str(caught.value)
    # Without libusb on the machine (as on the test machines) the message says that instead.
    assert "USB 04b8:0e15" in text and ("hittades inte" in text or "libusb" in text)
