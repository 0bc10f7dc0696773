"""The receipt printer's queue: nothing the till prints is lost while the printer is off.

Backed by the database (`kassa.models.PrintJob`, one table), so a receipt that could not print
survives a restart and prints when the printer is back:

- `submit(printout, reference)` stores the job first, then prints what is queued for this till,
  oldest first (this job last). A printer that is off, out of paper or unreachable leaves the jobs
  queued; the result says so in Swedish and the sale stays completed.
- `drain()` prints what is queued (call it from a worker every few seconds, and at start-up).
  A receipt printed later does not open the drawer: only the attempt at the sale itself does.
- A copy (`kind="kopia"`) is accepted only when the original has really been printed, and only
  once (at most one copy of a receipt, SKVFS 2014:9; enforced by a unique key).
- A job is claimed ('printing') before its bytes go out. One found in 'printing' when the queue is
  made (the till stopped mid-print) becomes 'uncertain': it is never printed again blindly; the
  cashier says whether it came out (`resolve`).

Everything here does I/O: never call it on the UI thread. One `PrintQueue` per till per process.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass
from typing import Any

import peewee

from kassa import config
from kassa.devices.base import PrinterUnavailable, ReceiptPrinter
from kassa.devices.printout import PrintLine, Printout
from kassa.models.base import utcnow
from kassa.models.database import write_transaction
from kassa.models.print_jobs import PrintJob

log = logging.getLogger(__name__)

KINDS = ("original", "kopia")


class CopyRefused(Exception):
    """No copy now: the original has not printed, or the receipt already has its copy. `str()` is Swedish."""


@dataclass(frozen=True)
class PrintResult:
    printed: bool
    job_id: int
    text: str  # Swedish, for the cashier


def printout_to_dict(printout: Printout) -> dict[str, Any]:
    return {"lines": [{"text": line.text, "style": line.style, "align": line.align} for line in printout.lines],
            "cut": printout.cut, "open_drawer": printout.open_drawer}


def printout_from_dict(data: Any) -> Printout:
    """The stored printout; ValueError when the stored shape is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
        raise ValueError("not a stored printout")
    lines = []
    for entry in data["lines"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            raise ValueError("not a stored print line")
        style, align = entry.get("style", "normal"), entry.get("align", "left")
        if style not in ("normal", "bold", "double") or align not in ("left", "center", "right"):
            raise ValueError(f"unknown style or alignment {style!r}/{align!r}")
        lines.append(PrintLine(entry["text"], style, align))
    return Printout(tuple(lines), cut=bool(data.get("cut", True)), open_drawer=bool(data.get("open_drawer", False)))


def copy_refusal(till: str, reference: str) -> str:
    """Why the receipt printer may not print a copy of `reference` now, in Swedish; '' when it may.

    For the till to ask before it registers a copy: the original still waits in the queue (never
    printed), or the receipt has its copy already. A receipt this printer never had (sent
    electronically, printed elsewhere) has no job here: ''. Reads the database only."""
    jobs = {job.kind: job for job in PrintJob.select().where(PrintJob.till == till, PrintJob.reference == reference)}
    if "kopia" in jobs:
        return "Kvittot har redan en kopia. Det får bara finnas en kopia av ett kvitto."
    original = jobs.get("original")
    if original is not None and original.state != "printed":
        return ("Originalkvittot har inte skrivits ut än, så någon kopia kan inte tas. Originalet skrivs ut "
                "när skrivaren fungerar igen.")
    return ""


class PrintQueue:
    def __init__(self, printer: ReceiptPrinter, till: str | None = None):
        self.printer = printer
        self.till = till or config.till_designation()
        self._lock = threading.Lock()
        with write_transaction():
            stuck = (PrintJob.update(state="uncertain",
                                     last_error="Kassan stängdes medan kvittot skrevs ut; kom det ut?")
                     .where(PrintJob.till == self.till, PrintJob.state == "printing").execute())
        if stuck:
            log.warning("%d print job(s) of till %s were being printed when Kassa stopped; marked uncertain",
                        stuck, self.till)

    # -- what the register calls ---------------------------------------------------------------

    def submit(self, printout: Printout, reference: str, kind: str = "original") -> PrintResult:
        """Keep the printout, then print it (after older queued ones). Raises CopyRefused for a copy too early."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        with write_transaction():
            existing = PrintJob.get_or_none(till=self.till, reference=reference, kind=kind)
            if existing is not None and kind == "kopia":
                raise CopyRefused("Kvittot har redan en kopia. Det får bara finnas en kopia av ett kvitto.")
            if kind == "kopia":
                original = PrintJob.get_or_none(till=self.till, reference=reference, kind="original")
                if original is None or original.state != "printed":
                    raise CopyRefused(
                        "Originalkvittot har inte skrivits ut än, så någon kopia kan inte tas. Originalet skrivs ut "
                        "när skrivaren fungerar igen.")
            if existing is None:
                try:
                    with PrintJob._meta.database.atomic():
                        existing = PrintJob.create(till=self.till, reference=reference, kind=kind,
                                                   payload=printout_to_dict(printout))
                except peewee.IntegrityError:  # another process queued it meanwhile
                    existing = PrintJob.get(till=self.till, reference=reference, kind=kind)
        if existing.state == "printed":
            return PrintResult(True, existing.id, "Kvittot är redan utskrivet.")
        return self._drain(target=existing.id)

    def drain(self) -> int:
        """Print what is queued for this till, oldest first; stops at the first failure. Returns how many printed."""
        before = self._count_printed()
        self._drain(target=None)
        return self._count_printed() - before

    def pending(self) -> list[PrintJob]:
        """Jobs not yet printed ('queued') or whose fate a person must tell ('uncertain'), oldest first."""
        return list(PrintJob.select().where(PrintJob.till == self.till, PrintJob.state.in_(("queued", "uncertain")))
                    .order_by(PrintJob.id))

    def resolve(self, job_id: int, printed: bool) -> None:
        """The cashier's answer about an uncertain job: it came out (printed) or it did not (print it again)."""
        with write_transaction():
            changed = (PrintJob.update(state="printed" if printed else "queued", last_error="",
                                       printed_at=utcnow() if printed else None)
                       .where(PrintJob.id == job_id, PrintJob.till == self.till, PrintJob.state == "uncertain")
                       .execute())
        if not changed:
            raise ValueError(f"print job {job_id} is not uncertain")

    # -- printing -------------------------------------------------------------------------------

    def _count_printed(self) -> int:
        return PrintJob.select().where(PrintJob.till == self.till, PrintJob.state == "printed").count()

    def _drain(self, target: int | None) -> PrintResult:
        with self._lock:
            jobs = list(PrintJob.select().where(PrintJob.till == self.till, PrintJob.state == "queued")
                        .order_by(PrintJob.id))
            for job in jobs:
                printed, text = self._print_one(job, at_sale=job.id == target)
                if job.id == target:
                    return PrintResult(printed, job.id, "Kvittot skrevs ut." if printed else text)
                if not printed and text:  # the printer failed on an older job: the rest wait behind it
                    return PrintResult(False, target or job.id, text)
        if target is not None:  # not queued any more (printed or set aside meanwhile)
            job = PrintJob.get_by_id(target)
            return PrintResult(job.state == "printed", target,
                               "Kvittot skrevs ut." if job.state == "printed" else job.last_error)
        return PrintResult(True, 0, "")

    def _print_one(self, job: PrintJob, at_sale: bool) -> tuple[bool, str]:
        """(printed, Swedish text); a job whose stored printout cannot be read becomes 'uncertain'."""
        try:
            printout = printout_from_dict(job.payload)
        except ValueError as exc:
            log.error("print job %s has an unreadable printout (%s); set aside", job.id, exc)
            self._set(job.id, "uncertain", "Utskriften kan inte läsas; skriv ut dokumentet på nytt.")
            return False, ""
        if not at_sale and printout.open_drawer:
            printout = dataclasses.replace(printout, open_drawer=False)
        with write_transaction():
            claimed = (PrintJob.update(state="printing", attempts=PrintJob.attempts + 1)
                       .where(PrintJob.id == job.id, PrintJob.state == "queued").execute())
        if not claimed:
            return False, ""
        try:
            self.printer.print(printout)
        except PrinterUnavailable as exc:
            self._set(job.id, "queued", str(exc))
            log.info("print job %s (%s %s) kept in the queue: %s", job.id, job.kind, job.reference, exc)
            return False, str(exc)
        except Exception:
            log.exception("print job %s failed unexpectedly; kept in the queue", job.id)
            text = "Ett oväntat fel hindrade utskriften; kvittot ligger kvar i utskriftskön. Se loggen."
            self._set(job.id, "queued", text)
            return False, text
        self._set(job.id, "printed", "", printed_at=utcnow())
        return True, ""

    @staticmethod
    def _set(job_id: int, state: str, error: str, **extra: Any) -> None:
        with write_transaction():
            PrintJob.update(state=state, last_error=error, **extra).where(PrintJob.id == job_id).execute()
