"""The journal memory: appending hash-chained rows, and verifying the chain.

One chain per till. A till is the register Skatteverket knows (each till is reported as its own
kassaregister, SKVFS 2014:10 4 kap. 1 §) and the unit the XML export names; and a chain per
till means two tills on one PostgreSQL database never wait for each other's journal: each
appends under its own lock (the NumberSeries row "journal:<till>", the mechanism the invoice
and receipt series use), in the same transaction as what it records.

Row n's hash is SHA-256(hash of row n-1 ‖ canonical JSON of row n's content). `verify` walks a
till's rows in order and names the first one that is missing, altered or out of chain; rows
cut off at the end are found by comparing with the series' counter.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from kassa.models import JournalEntry, NumberSeries, ZReport
from kassa.models.base import utcnow
from kassa.money import round_ore

log = logging.getLogger(__name__)

GENESIS = "0" * 64
BATCH = 2000


def series_name(till: str) -> str:
    return f"journal:{till}"


def normalized(data: Any) -> Any:
    """`data` as it reads back from the database's JSON (Decimals and dates as strings)."""
    return json.loads(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str))


def canonical(till: str, seq: int, at: dt.datetime, event: str, day_id: int | None, receipt_id: int | None,
              amount: Decimal | None, data: Any) -> bytes:
    """The bytes a row's hash covers: every column but the hashes, in one fixed form."""
    body = {
        "till": till, "seq": int(seq), "at": at.isoformat(timespec="microseconds"), "event": event,
        "day": day_id, "receipt": receipt_id, "amount": None if amount is None else str(round_ore(amount)),
        "data": data,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def chain_hash(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + content).hexdigest()


def append(till: str, event: str, data: Any = None, *, day_id: int | None = None, receipt_id: int | None = None,
           amount: Decimal | None = None, at: dt.datetime | None = None) -> JournalEntry:
    """Append one row to `till`'s chain. Call inside `write_transaction()`, with what it records."""
    seq = NumberSeries.take(series_name(till))
    prev_hash = GENESIS
    if seq > 1:
        found = (JournalEntry.select(JournalEntry.hash)
                 .where((JournalEntry.till == till) & (JournalEntry.seq == seq - 1)).scalar())
        if found is None:  # someone removed rows: the new row still chains, verify names the gap
            log.error("journal of till %s has no row %s; chaining row %s to nothing", till, seq - 1, seq)
        else:
            prev_hash = found
    at = (at or utcnow()).replace(tzinfo=None)
    data = normalized({} if data is None else data)
    amount = None if amount is None else round_ore(amount)
    digest = chain_hash(prev_hash, canonical(till, seq, at, event, day_id, receipt_id, amount, data))
    return JournalEntry.create(till=till, seq=seq, at=at, event=event, day=day_id, receipt=receipt_id,
                               amount=amount, data=data, prev_hash=prev_hash, hash=digest)


def row_hash(row: JournalEntry) -> str:
    """The hash `row` should carry, from its stored content and stored previous hash."""
    return chain_hash(row.prev_hash, canonical(row.till, row.seq, row.at, row.event, row.day_id, row.receipt_id,
                                               row.amount, row.data))


# --- verifying ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChainReport:
    """The result for one till: how many rows were checked and the first problem, if any (Swedish)."""

    till: str
    rows: int
    problem: str = ""
    bad_seq: int | None = None  # the journal row (per-till number) where the chain first fails
    bad_id: int | None = None  # its database id, when the row exists

    @property
    def ok(self) -> bool:
        return not self.problem


def tills() -> list[str]:
    """Every till with a journal (rows, or a counter that says it had some)."""
    names = {t for (t,) in cast(Iterable[tuple[str]], JournalEntry.select(JournalEntry.till).distinct().tuples())}
    prefix = series_name("")
    counters = NumberSeries.select(NumberSeries.name).where(NumberSeries.name.startswith(prefix)).tuples()
    names |= {n[len(prefix):] for (n,) in cast(Iterable[tuple[str]], counters)}
    return sorted(names)


def rows_in_order(till: str) -> Iterator[JournalEntry]:
    """A till's rows by their number, fetched a batch at a time (constant memory)."""
    last = 0
    while True:
        batch = list(JournalEntry.select().where((JournalEntry.till == till) & (JournalEntry.seq > last))
                     .order_by(JournalEntry.seq).limit(BATCH))
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def z_anchors(till: str) -> dict[int, tuple[int, str]]:
    """Journal row → (Z report, the row's hash) as each Z report printed it (DayFigures.journal_seq/hash)."""
    anchors = {}
    query = ZReport.select(ZReport.number, ZReport.figures).where(ZReport.till == till).tuples()
    for number, figures in cast(Iterable[tuple[int, dict[str, Any]]], query):
        seq, digest = (figures or {}).get("journal_seq"), (figures or {}).get("journal_hash")
        if seq is not None and digest:
            anchors[int(seq)] = (int(number), str(digest))
    return anchors


def verify_till(till: str) -> ChainReport:
    """Walk the chain; a row's hash must also be the one a Z report printed for it (a journal rewritten with
    its whole chain recomputed still disagrees with the reports, and with their paper)."""
    expected, prev_hash, count = 1, GENESIS, 0
    anchors = z_anchors(till)
    for row in rows_in_order(till):
        count += 1
        if row.seq != expected:
            missing = f"{expected}" if row.seq == expected + 1 else f"{expected}–{row.seq - 1}"
            return ChainReport(till, count, f"Journalrad {missing} saknas (borttagen): nästa rad är {row.seq}.",
                               expected, None)
        if row.prev_hash != prev_hash:
            return ChainReport(till, count, f"Journalrad {row.seq} pekar inte på raden före: kedjan är bruten.",
                               row.seq, row.id)
        if row_hash(row) != row.hash:
            return ChainReport(till, count, f"Journalrad {row.seq} är ändrad: innehållet stämmer inte med "
                                            "dess kontrollsumma.", row.seq, row.id)
        anchor = anchors.get(row.seq)
        if anchor is not None and anchor[1] != row.hash:
            return ChainReport(till, count, f"Journalrad {row.seq} stämmer inte med Z-dagrapport {anchor[0]}, "
                                            "som skrevs när raden var journalens sista: journalen har skrivits om.",
                               row.seq, row.id)
        prev_hash, expected = row.hash, expected + 1
    counter = NumberSeries.get_or_none(NumberSeries.name == series_name(till))
    if counter is not None and counter.next_number > expected:
        last = counter.next_number - 1
        missing = f"{expected}" if last == expected else f"{expected}–{last}"
        return ChainReport(till, count, f"Journalrad {missing} saknas i slutet av journalen (borttagen).",
                           expected, None)
    return ChainReport(till, count)


def verify(till: str | None = None) -> list[ChainReport]:
    return [verify_till(name) for name in ([till] if till else tills())]
