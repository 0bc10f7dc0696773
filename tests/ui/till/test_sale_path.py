"""The sale path at the till, driven by the keyboard, through the register, with the control-unit
emulator over HTTP and a TCP listener as the receipt printer: what the cashier sees, what is stored,
what comes out of the printer (its ESC/POS bytes decoded)."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from kassa.models import JournalEntry, ParkedSale, Payment, PrintJob, Receipt, Sale
from tests.factories import COFFEE, MUG, scan, top_level, wait_for_window
from tests.register.control_unit.units import registrations
from tests.ui.till.keys import CTRL, SHIFT, close, confirm, jobs, key, pay_card, printed, receipt_shown


def test_a_cash_sale_prints_on_the_printer_with_the_drawer_pulse(qtbot, till, unit_chosen, printer_chosen):
    scan(qtbot, till, COFFEE)
    scan(qtbot, till, MUG)  # 133,90 kr: 134 kr in cash
    key(qtbot, till, Qt.Key.Key_F5)
    cash = wait_for_window(qtbot, "cashDialog")
    qtbot.waitUntil(cash.tendered.hasFocus)
    qtbot.keyClicks(cash.tendered, "200")
    qtbot.keyClick(cash.tendered, Qt.Key.Key_Return)

    dialog = receipt_shown(qtbot)
    printed(qtbot, dialog)
    assert dialog.headline.text() == "Växel: 66,00 kr"
    receipt = Receipt.get()
    held = registrations(unit_chosen)
    assert list(held) == ["1"] and [r["code"] for r in held["1"]] == [receipt.control_code]  # one code, the unit's
    job = jobs(qtbot, printer_chosen, 1)[0]
    assert "KASSAKVITTO" in job.text and receipt.control_code in "".join(job.text)  # over two lines
    assert [e[0] for e in job.events if e[0] in ("cut", "drawer")] == ["cut", "drawer"]  # the drawer opens
    assert "Kontrollenhet" in dialog.paper.text() and "Kvittonummer" in dialog.paper.text()  # the same on screen
    payment = Payment.get()
    assert (payment.method, payment.amount, payment.tendered, payment.change) == (
        "cash", Decimal("134.00"), Decimal("200.00"), Decimal("66.00"))
    assert "Växel: 66,00 kr" in till.last_sale_label.text() and till.model.rowCount() == 0


def test_card_and_swish_print_without_opening_the_drawer(qtbot, till, printer_chosen):
    scan(qtbot, till, MUG)
    dialog = pay_card(qtbot, till)
    printed(qtbot, dialog)
    close(qtbot, dialog)
    scan(qtbot, till, COFFEE)
    key(qtbot, till, Qt.Key.Key_F8)
    swish = wait_for_window(qtbot, "swishDialog")
    assert swish.findChild(type(till.message), "swishAmount").text() == "54,90 kr"
    confirm(qtbot, "swishDialog")
    printed(qtbot, receipt_shown(qtbot))
    card, swished = jobs(qtbot, printer_chosen, 2)
    for job in (card, swished):
        assert job.count("drawer") == 0 and job.count("cut") == 1
    assert "Betalt kort" in " ".join(card.text) and "Betalt swish" in " ".join(swished.text)
    assert [p.method for p in Payment.select().order_by(Payment.id)] == ["card", "swish"]


def test_the_unit_down_keeps_the_cart_and_forsok_igen_completes_the_sale(qtbot, till, unit_chosen, printer_chosen):
    scan(qtbot, till, COFFEE)
    scan(qtbot, till, MUG)
    unit_chosen.state.set_behaviour(mode="down")
    key(qtbot, till, Qt.Key.Key_F6)
    confirm(qtbot, "cardDialog")
    box = wait_for_window(qtbot, "controlUnitBox", QMessageBox, timeout=10_000)
    assert "Kontrollenheten" in box.text() and "Försök igen" in box.informativeText()
    assert "avbryt inte köpet" in box.informativeText()  # the card has paid already
    assert Receipt.select().count() == 0 and Sale.select().count() == 0  # nothing registered
    assert till.model.rowCount() == 2 and till.total_label.text() == "133,90 kr"  # the cart stays
    assert "Varukorgen finns kvar" in till.message.text()

    unit_chosen.state.set_behaviour(mode="ok")  # the unit answers again
    qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)  # Försök igen
    printed(qtbot, receipt_shown(qtbot))
    receipt = Receipt.get()
    assert receipt.serial == 1 and receipt.control_code
    assert [r["code"] for r in registrations(unit_chosen)["1"]] == [receipt.control_code]
    assert Payment.get().method == "card" and till.model.rowCount() == 0
    assert JournalEntry.select().where(JournalEntry.event == "control_unit_failed").count() == 1


def test_a_printer_that_is_off_keeps_the_receipt_and_prints_it_when_back(qtbot, till, printer_chosen):
    printer_chosen.stop()  # the printer is off
    scan(qtbot, till, MUG)
    key(qtbot, till, Qt.Key.Key_F5)
    confirm(qtbot, "cashDialog")
    dialog = receipt_shown(qtbot)
    qtbot.waitUntil(lambda: "svarar inte" in dialog.status.text(), timeout=10_000)
    assert "Kassalådan öppnades inte" in dialog.status.text() and "svarar inte" in till.message.text()
    assert Receipt.select().count() == 1 and Sale.get().status == "paid"  # the sale stands
    assert PrintJob.get().state == "queued"
    close(qtbot, dialog)

    key(qtbot, till, Qt.Key.Key_K, CTRL)  # no copy of a receipt that has not printed
    confirm(qtbot, "copyDialog")
    qtbot.waitUntil(lambda: "Originalkvittot har inte skrivits ut" in till.message.text(), timeout=10_000)
    assert Receipt.select().where(Receipt.kind == "copy").count() == 0

    printer_chosen.start()  # back on: the queue's drain prints what waited
    job = jobs(qtbot, printer_chosen, 1)[0]
    assert "KASSAKVITTO" in job.text and job.count("drawer") == 0  # printed later: no drawer
    qtbot.waitUntil(lambda: "har skrivits ut" in till.message.text(), timeout=10_000)
    assert PrintJob.get().state == "printed"


def test_a_split_payment_over_card_swish_and_cash(qtbot, till, printer_chosen):
    scan(qtbot, till, COFFEE)
    scan(qtbot, till, MUG)  # 133,90
    key(qtbot, till, Qt.Key.Key_F11)
    split = wait_for_window(qtbot, "splitDialog")
    qtbot.waitUntil(split.card.hasFocus)
    qtbot.keyClicks(split.card, "50")
    qtbot.keyClick(split.card, Qt.Key.Key_Tab)
    qtbot.keyClicks(split.swish, "20")
    assert split.rest.text() == "64,00 kr"  # 63,90 left, in cash rounded to whole kronor
    qtbot.keyClick(split.swish, Qt.Key.Key_Tab)
    qtbot.keyClicks(split.tendered, "60")
    qtbot.keyClick(split.tendered, Qt.Key.Key_Return)
    assert split.isVisible() and "räcker inte" in split.message.text()  # too little, refused in place
    split.tendered.selectAll()
    qtbot.keyClicks(split.tendered, "100")
    assert split.change.text() == "36,00 kr"
    qtbot.keyClick(split.tendered, Qt.Key.Key_Return)

    dialog = receipt_shown(qtbot)
    printed(qtbot, dialog)
    assert dialog.headline.text() == "Växel: 36,00 kr"
    assert [(p.method, p.amount) for p in Payment.select().order_by(Payment.id)] == [
        ("card", Decimal("50.00")), ("swish", Decimal("20.00")), ("cash", Decimal("64.00"))]
    job = jobs(qtbot, printer_chosen, 1)[0]
    assert job.count("drawer") == 1  # cash was part of it


def test_void_counts_as_unfinished_and_empties_the_cart(qtbot, till):
    scan(qtbot, till, COFFEE)
    key(qtbot, till, Qt.Key.Key_F9)
    box = wait_for_window(qtbot, "voidBox", QMessageBox)
    assert "54,90 kr" in box.text()
    qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)  # Avbryt köpet
    qtbot.waitUntil(lambda: till.model.rowCount() == 0)
    assert "avbrutet" in till.message.text()
    assert JournalEntry.select().where(JournalEntry.event == "voided").count() == 1
    assert Sale.select().count() == 0 and Receipt.select().count() == 0


def test_park_and_take_back_from_the_list(qtbot, till):
    scan(qtbot, till, COFFEE)
    scan(qtbot, till, "2*" + MUG)
    key(qtbot, till, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: till.model.rowCount() == 0)
    assert "parkerat (212,90 kr)" in till.message.text() and ParkedSale.get().status == "parked"
    scan(qtbot, till, COFFEE)  # the next customer pays meanwhile
    close(qtbot, pay_card(qtbot, till))

    key(qtbot, till, Qt.Key.Key_F12, SHIFT)
    listed = wait_for_window(qtbot, "parkedDialog")
    assert listed.model.rowCount() == 1 and listed.model.index(0, 3).data() == "212,90 kr"
    qtbot.waitUntil(listed.table.hasFocus)
    qtbot.keyClick(listed.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.model.rowCount() == 2)
    assert till.total_label.text() == "212,90 kr" and ParkedSale.get().status == "resumed"
    events = [e.event for e in JournalEntry.select().order_by(JournalEntry.seq)]
    assert events.count("parked") == 1 and events.count("resumed") == 1


def test_training_receipts_say_ovningskvitto_in_double_size(qtbot, till, printer_chosen):
    key(qtbot, till, Qt.Key.Key_T, CTRL)
    qtbot.waitUntil(lambda: till.sale_actions.state_label.isVisible())
    assert "ÖVNINGSLÄGE" in till.sale_actions.state_label.text() and "ÖVNINGSLÄGE" in till.windowTitle()
    scan(qtbot, till, MUG)
    dialog = pay_card(qtbot, till)
    printed(qtbot, dialog)
    job = jobs(qtbot, printer_chosen, 1)[0]
    marks = [line for line in job.lines if line.text.strip() == "ÖVNINGSKVITTO"]
    assert len(marks) == 2 and all(line.double for line in marks)  # twice, twice the size
    assert dialog.paper.text().count("font-size:21pt; font-weight:bold'>ÖVNINGSKVITTO") == 2  # so on screen
    receipt = Receipt.get()
    assert receipt.training and Sale.get().status == "training"
    close(qtbot, dialog)
    key(qtbot, till, Qt.Key.Key_T, CTRL)
    qtbot.waitUntil(lambda: not till.sale_actions.state_label.isVisible())
    assert [e.data["on"] for e in JournalEntry.select().where(JournalEntry.event == "training")] == [True, False]


def test_pro_forma_says_ej_kvitto_and_the_cart_stays(qtbot, till, printer_chosen):
    scan(qtbot, till, COFFEE)
    key(qtbot, till, Qt.Key.Key_P, CTRL | SHIFT)
    dialog = receipt_shown(qtbot)
    printed(qtbot, dialog)
    job = jobs(qtbot, printer_chosen, 1)[0]
    assert [line.double for line in job.lines if line.text.strip() == "EJ KVITTO"] == [True, True]
    assert job.count("drawer") == 0
    close(qtbot, dialog)
    assert till.model.rowCount() == 1  # still to be paid
    assert Receipt.get().kind == "proforma"


def test_one_copy_marked_kopia_and_no_second(qtbot, till, printer_chosen):
    scan(qtbot, till, MUG)
    dialog = pay_card(qtbot, till)
    printed(qtbot, dialog)
    close(qtbot, dialog)
    key(qtbot, till, Qt.Key.Key_K, CTRL)
    copy = wait_for_window(qtbot, "copyDialog")
    assert copy.field.text() == "1"  # the last receipt, proposed
    confirm(qtbot, "copyDialog")
    dialog = receipt_shown(qtbot)
    printed(qtbot, dialog)
    original, copied = jobs(qtbot, printer_chosen, 2)
    assert [line.double for line in copied.lines if line.text.strip() == "KOPIA"] == [True, True]
    assert "KOPIA" not in original.text
    close(qtbot, dialog)

    key(qtbot, till, Qt.Key.Key_K, CTRL)
    confirm(qtbot, "copyDialog")
    qtbot.waitUntil(lambda: "redan en kopia" in till.message.text(), timeout=10_000)
    assert Receipt.select().where(Receipt.kind == "copy").count() == 1 and printer_chosen.connections == 2


def test_open_drawer_without_a_sale_is_journalled(qtbot, till, printer_chosen):
    key(qtbot, till, Qt.Key.Key_L, CTRL)
    job = jobs(qtbot, printer_chosen, 1)[0]
    assert job.count("drawer") == 1 and not job.text
    qtbot.waitUntil(lambda: "Kassalådan öppnades" in till.message.text())
    assert JournalEntry.select().where(JournalEntry.event == "drawer_opened").count() == 1


def test_the_next_scan_typed_into_the_receipt_goes_on_at_the_till(qtbot, till):
    scan(qtbot, till, MUG)
    pay_card(qtbot, till)
    for char in COFFEE:  # the scanner types where the keyboard's focus is, before anyone closed the receipt
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)  # the window system queues keys meanwhile
        qtbot.keyClick(QApplication.focusWidget(), char)
    assert top_level("receiptDialog") is None  # closed by the first key
    qtbot.waitUntil(lambda: till.code_field.text() == COFFEE)
    qtbot.keyClick(till.code_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.model.rowCount() == 1)
    assert till.model.index(0, 0).data() == "Kaffe Mellanrost 450 g"


def test_a_receipt_the_till_stopped_printing_is_printed_again_only_if_the_cashier_says_so(qtbot, shop, unit_chosen,
                                                                                          printer_chosen):
    from kassa.devices.print_queue import printout_to_dict
    from kassa.devices.printout import PrintLine, Printout
    from kassa.register.service import Register
    from kassa.ui.main_window import MainWindow
    from tests.factories import close_till, show_till

    # Kassa stopped in the middle of printing receipt 7 (the job was claimed, never marked printed).
    PrintJob.create(till="Kassa 1", reference="receipt:Kassa 1:7", kind="original", state="printing",
                    payload=printout_to_dict(Printout((PrintLine("KASSAKVITTO"), PrintLine("Kvittonummer 7")))))
    Register("Kassa 1").open_day("500")
    window = show_till(qtbot, MainWindow(till_name="Kassa 1", with_indicator=False))
    try:
        box = wait_for_window(qtbot, "uncertainPrintBox", QMessageBox, timeout=10_000)
        assert "kvitto 7" in box.text() and PrintJob.get().state == "uncertain"
        assert printer_chosen.connections == 0  # nothing printed without asking
        qtbot.keyClick(box, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # Nej, skriv ut det
        job = jobs(qtbot, printer_chosen, 1)[0]
        assert "Kvittonummer 7" in job.text
        qtbot.waitUntil(lambda: PrintJob.get().state == "printed")
    finally:
        close_till(window)
