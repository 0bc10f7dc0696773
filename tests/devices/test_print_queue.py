"""The print queue: receipts kept in the database while the printer is off, printed when it is back."""
from __future__ import annotations

import pytest

from kassa.devices.escpos_printer import EscposPrinter
from kassa.devices.print_queue import CopyRefused, PrintQueue, printout_to_dict
from kassa.models import PrintJob
from tests.devices.escpos_decoder import decode
from tests.devices.printer_listener import PrinterListener
from tests.devices.receipts import receipt

TILL = "KASSA-1"


@pytest.fixture
def queue(db, printer) -> PrintQueue:
    return PrintQueue(printer, till=TILL)


def test_a_receipt_prints_at_once_and_opens_the_drawer(queue, listener):
    result = queue.submit(receipt(cash=True), "receipt:KASSA-1:1")
    assert result.printed and result.text == "Kvittot skrevs ut."
    job = decode(listener.wait_for_jobs(1)[0])
    assert job.text[0] == "Hörnbutiken & Söner AB" and job.count("drawer") == 1
    stored = PrintJob.get_by_id(result.job_id)
    assert stored.state == "printed" and stored.printed_at is not None and stored.attempts == 1


def test_a_printer_that_is_off_keeps_the_receipt_until_it_is_back(queue, listener):
    listener.stop()
    result = queue.submit(receipt(cash=True), "receipt:KASSA-1:1")
    assert not result.printed
    assert "svarar inte" in result.text and "skrivs ut när skrivaren fungerar igen" in result.text
    assert [(j.reference, j.state) for j in queue.pending()] == [("receipt:KASSA-1:1", "queued")]
    assert queue.pending()[0].last_error == result.text
    assert queue.drain() == 0  # still off: nothing lost, nothing printed

    with PrinterListener(port=listener.port) as back:
        assert queue.drain() == 1
        job = decode(back.wait_for_jobs(1)[0])
    assert job.text[0] == "Hörnbutiken & Söner AB"
    assert job.count("cut") == 1 and job.count("drawer") == 0  # later, the drawer stays shut
    assert queue.pending() == []


def test_out_of_paper_then_a_new_roll(queue, listener):
    listener.condition = "paper_out"
    result = queue.submit(receipt(cash=False), "receipt:KASSA-1:2")
    assert not result.printed and "slut på papper" in result.text
    listener.condition = "ready"
    assert queue.drain() == 1
    assert PrintJob.get_by_id(result.job_id).state == "printed"


def test_queued_receipts_print_in_order_before_a_new_one(queue, listener):
    listener.stop()
    for n in (1, 2):
        queue.submit(receipt(cash=False), f"receipt:KASSA-1:{n}")
    with PrinterListener(port=listener.port) as back:
        third = queue.submit(receipt(cash=True), "receipt:KASSA-1:3")
        jobs = [decode(job) for job in back.wait_for_jobs(3)]
    assert third.printed
    assert [job.count("drawer") for job in jobs] == [0, 0, 1]  # the sale in hand opens the drawer
    assert [j.state for j in PrintJob.select().order_by(PrintJob.id)] == ["printed"] * 3


def test_a_copy_only_after_the_original_really_printed_and_only_once(queue, listener):
    listener.stop()
    queue.submit(receipt(), "receipt:KASSA-1:5")
    with pytest.raises(CopyRefused) as caught:
        queue.submit(receipt(copy=True), "receipt:KASSA-1:5", kind="kopia")
    assert "Originalkvittot har inte skrivits ut" in str(caught.value)
    assert PrintJob.select().where(PrintJob.kind == "kopia").count() == 0

    with PrinterListener(port=listener.port) as back:
        queue.drain()
        copy = queue.submit(receipt(copy=True), "receipt:KASSA-1:5", kind="kopia")
        original_job, copy_job = (decode(job) for job in back.wait_for_jobs(2))
    assert copy.printed
    assert [line.text for line in copy_job.lines if line.double_width] == ["KOPIA", "KOPIA"]
    assert copy_job.count("drawer") == 0 and original_job.count("drawer") == 0
    with pytest.raises(CopyRefused, match="redan en kopia"):
        queue.submit(receipt(copy=True), "receipt:KASSA-1:5", kind="kopia")


def test_submitting_the_same_receipt_again_does_not_print_it_twice(queue, listener):
    first = queue.submit(receipt(), "receipt:KASSA-1:6")
    again = queue.submit(receipt(), "receipt:KASSA-1:6")
    assert again.printed and again.job_id == first.job_id and again.text == "Kvittot är redan utskrivet."
    listener.wait_for_jobs(1)
    assert PrintJob.select().count() == 1 and listener.connections == 1


def test_a_receipt_caught_mid_print_by_a_stop_is_not_printed_again_blindly(db, printer, listener):
    PrintJob.create(till=TILL, reference="receipt:KASSA-1:7", payload=printout_to_dict(receipt()), state="printing")
    queue = PrintQueue(printer, till=TILL)  # the till starts again
    [job] = queue.pending()
    assert job.state == "uncertain" and "kom det ut?" in job.last_error
    assert queue.drain() == 0 and listener.connections == 0
    queue.resolve(job.id, printed=False)  # the cashier: it did not come out
    assert queue.drain() == 1
    assert decode(listener.wait_for_jobs(1)[0]).text[0] == "Hörnbutiken & Söner AB"
    with pytest.raises(ValueError):
        queue.resolve(job.id, printed=True)


def test_an_unreadable_stored_printout_is_set_aside_and_does_not_block_the_rest(queue, listener):
    PrintJob.create(till=TILL, reference="receipt:KASSA-1:8", payload={"lines": "?"})
    PrintJob.create(till=TILL, reference="receipt:KASSA-1:9", payload=printout_to_dict(receipt()))
    assert queue.drain() == 1
    assert [(j.reference, j.state) for j in queue.pending()] == [("receipt:KASSA-1:8", "uncertain")]


def test_another_tills_jobs_are_left_alone(db, queue, listener):
    PrintJob.create(till="KASSA-2", reference="receipt:KASSA-2:1", payload=printout_to_dict(receipt()))
    assert queue.drain() == 0 and listener.connections == 0
    assert PrintJob.get(PrintJob.till == "KASSA-2").state == "queued"


@pytest.mark.postgres
def test_the_queue_on_postgresql(pg_db, settings, listener):
    queue = PrintQueue(EscposPrinter(settings), till=TILL)
    listener.stop()
    assert not queue.submit(receipt(), "receipt:KASSA-1:1").printed
    with PrinterListener(port=listener.port) as back:
        assert queue.drain() == 1
        back.wait_for_jobs(1)
    with pytest.raises(CopyRefused):
        queue.submit(receipt(copy=True), "receipt:KASSA-1:2", kind="kopia")


def test_an_existing_database_gets_the_print_queue_table(isolated_data_dir):
    from kassa.models import connection, database, schema

    url = f"sqlite:///{isolated_data_dir / 'old.sqlite3'}"
    connection.connect(url)
    database.db.execute_sql("DROP TABLE print_job")
    schema.SchemaVersion.delete().execute()
    schema.SchemaVersion.create(version=1)
    database.close()
    connection.connect(url)  # migrates 1 → 2
    try:
        assert schema.current_version() == schema.SCHEMA_VERSION
        assert database.db.table_exists("print_job")
        assert list(isolated_data_dir.glob("old.before-migration-*.sqlite3"))
    finally:
        database.close()
