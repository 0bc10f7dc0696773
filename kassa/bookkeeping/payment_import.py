"""Reading a BgMax file into Kassa: `kassa payments import FILE`, and Fakturor → Inbetalningar från Bankgirot.

The file is parsed whole first (kassa.bookkeeping.bgmax); a malformed file is refused with its
line and the reason, and nothing of it is stored. Then, in one transaction: the file's identity
(SHA-256 of its bytes: the same file twice changes nothing), each payment under a key of its own
(receiving bankgiro, payment date, deposit serial, Bankgirot's serial, amount, reference), so a
payment that arrives again in another file is not stored twice, and the automatic placements.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kassa.bookkeeping.bgmax import BgMaxDeposit, BgMaxError, BgMaxPayment, parse_bgmax
from kassa.bookkeeping.payment_placing import PaymentRef, Placement, match_payments, store_placements
from kassa.identifiers import format_bankgiro
from kassa.models import Company, PaymentFile, ReceivedPayment
from kassa.models.bulk import insert_rows, rows_in
from kassa.models.database import write_transaction
from kassa.money import ZERO, format_sek


class PaymentImportError(ValueError):
    """The file is refused; nothing of it was stored. The message is Swedish."""


@dataclass
class ImportResult:
    name: str
    already_imported_at: dt.datetime | None = None
    payments: int = 0  # payment and deduction records in the file
    new: int = 0
    placed: int = 0  # new payments placed in full
    placed_amount: Decimal = ZERO
    unplaced: int = 0
    unplaced_amount: Decimal = ZERO
    placements: list[Placement] = field(default_factory=list)

    @property
    def already_imported(self) -> bool:
        return self.already_imported_at is not None

    @property
    def duplicates(self) -> int:
        return self.payments - self.new

    def summary(self) -> str:
        if self.already_imported_at is not None:
            return (f"{self.name} är redan inläst ({self.already_imported_at:%Y-%m-%d %H:%M}). "
                    "Inget ändrades.")
        lines = [f"{self.name}: {self.payments} betalningar i filen, {self.new} nya."]
        if self.duplicates:
            lines.append(f"{self.duplicates} fanns redan från en tidigare fil och lades inte till igen.")
        lines.append(f"{self.placed} placerade på sina fakturor ({format_sek(self.placed_amount)} kr).")
        if self.unplaced:
            lines.append(f"{self.unplaced} behöver placeras för hand ({format_sek(self.unplaced_amount)} kr): "
                         "Fakturor → Inbetalningar från Bankgirot, eller kassa payments list.")
        return "\n".join(lines)


def _key(deposit: BgMaxDeposit, payment: BgMaxPayment, occurrence: int) -> str:
    assert deposit.pay_date is not None
    amount_ore = int(payment.amount * 100)
    return ":".join([deposit.receiving_bankgiro or deposit.receiving_plusgiro, f"{deposit.pay_date:%Y%m%d}",
                     deposit.deposit_serial, payment.kind, payment.bgc_serial, str(amount_ore),
                     payment.reference, str(occurrence)])


def _row(deposit: BgMaxDeposit, payment: BgMaxPayment, key: str, file_id: int) -> dict:
    return {
        "file": file_id, "key": key, "kind": payment.kind, "pay_date": deposit.pay_date,
        "amount": payment.signed_amount, "currency": deposit.currency, "reference": payment.reference,
        "reference_code": payment.reference_code, "channel": payment.channel, "bgc_serial": payment.bgc_serial,
        "deposit_serial": deposit.deposit_serial, "receiving_bankgiro": deposit.receiving_bankgiro,
        "payer_bankgiro": payment.payer_bankgiro, "payer_name": " ".join(filter(None, [payment.name,
                                                                                     payment.extra_name])),
        "payer_org_number": payment.org_number, "information": "\n".join(payment.information),
        "extra_references": [{"reference": e.reference, "amount": str(e.amount), "code": e.reference_code,
                              "negative": e.negative} for e in payment.extra_references],
        "deduction_code": payment.deduction_code,
    }


def _check_file(parsed_deposits: list[BgMaxDeposit], test: bool) -> None:
    if test:
        raise PaymentImportError("Filen är en testfil från Bankgirot (testmarkering T på rad 1). "
                                 "Testfiler läses inte in bland riktiga betalningar.")
    company = Company.get_solo()
    ours = (company.bankgiro or "").lstrip("0")
    for deposit in parsed_deposits:
        if deposit.currency != "SEK":
            raise PaymentImportError(f"Rad {deposit.line}: avsnittet är i {deposit.currency}; Kassa tar bara emot "
                                     "betalningar i SEK. Inget av filen lästes in.")
        if ours and deposit.receiving_bankgiro and deposit.receiving_bankgiro != ours:
            raise PaymentImportError(
                f"Rad {deposit.line}: betalningarna gäller bankgiro {format_bankgiro(deposit.receiving_bankgiro)}, "
                f"men företagets bankgiro är {format_bankgiro(ours)}. Inget av filen lästes in.")


def import_bgmax(data: bytes, name: str = "BgMax-filen", actor: str = "") -> ImportResult:
    """Store the file's payments and place what matches. PaymentImportError: refused, nothing stored."""
    digest = hashlib.sha256(data).hexdigest()
    earlier = PaymentFile.get_or_none(PaymentFile.sha256 == digest)
    if earlier is not None:
        return ImportResult(name, already_imported_at=earlier.imported_at)
    try:
        parsed = parse_bgmax(data)
    except BgMaxError as exc:
        raise PaymentImportError(f"{name} läses inte in (inget av den sparades). {exc}") from None
    _check_file(parsed.deposits, parsed.test)

    keyed: list[tuple[str, BgMaxDeposit, BgMaxPayment]] = []
    seen: Counter[str] = Counter()
    for deposit, payment in parsed.payments:
        base = _key(deposit, payment, 0)
        seen[base] += 1
        keyed.append((_key(deposit, payment, seen[base] - 1), deposit, payment))
    result = ImportResult(name, payments=len(keyed))
    with write_transaction():
        earlier = PaymentFile.get_or_none(PaymentFile.sha256 == digest)  # another till, meanwhile
        if earlier is not None:
            return ImportResult(name, already_imported_at=earlier.imported_at)
        keys = [k for k, _d, _p in keyed]
        existing = {k for (k,) in rows_in((ReceivedPayment.key,), ReceivedPayment.key, keys)}
        new = [(k, d, p) for k, d, p in keyed if k not in existing]
        receiving = next((d.receiving_bankgiro for d in parsed.deposits if d.receiving_bankgiro), "")
        file = PaymentFile.create(sha256=digest, name=name, written_at=parsed.written_at,
                                  receiving_bankgiro=receiving, payments=len(keyed), new_payments=len(new),
                                  actor=actor)
        rows = [_row(d, p, k, file.id) for k, d, p in new]
        insert_rows(ReceivedPayment, rows)
        ids: dict[str, int] = dict(ReceivedPayment.select(ReceivedPayment.key, ReceivedPayment.id)
                   .where(ReceivedPayment.file == file.id).tuples())  # type: ignore[arg-type]
        stored = [PaymentRef(ids[row["key"]], row["kind"], row["amount"], row["reference"], row["extra_references"])
                  for row in rows]
        placements = match_payments(stored)
        store_placements(placements, "ocr", actor)
    placed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for placement in placements:
        placed[placement.payment_id] += placement.amount
    result.new = len(stored)
    result.placements = placements
    for row in stored:
        if placed[row.id] == row.amount:
            result.placed += 1
            result.placed_amount += row.amount
        else:
            result.unplaced += 1
            result.unplaced_amount += row.amount - placed[row.id]
    return result


def import_bgmax_file(path: str | Path, actor: str = "") -> ImportResult:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PaymentImportError(f"Kunde inte läsa {path}: {exc.strerror or exc}.") from None
    return import_bgmax(data, path.name, actor)
