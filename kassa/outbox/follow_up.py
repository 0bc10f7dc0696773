"""Following an e-invoice through Pagero: reconciling an upload of unknown outcome, polling the file and
the document, the buyer's answer. A mix-in of kassa.outbox.sender.Sender.

Pagero's answers are read with kassa.pagero.answers and mapped through the one table of
kassa.outbox.pagero_states. What Kassa cannot read or does not know leaves the row where it was: it is
logged once per row, shown on the row as "Okänt svar från Pagero: …" with Pagero's own value, and
looked at again at growing intervals. Nothing here posts a file except ``_reconcile``, and only when
Pagero verifiably holds nothing with the row's reference after ``SendPolicy.reconcile_grace``.
"""
from __future__ import annotations

import logging
from typing import Any

from kassa.models import Transmission, db_now
from kassa.models.transmissions import TransmissionState as State
from kassa.outbox.documents import document_number
from kassa.outbox.pagero_states import UNKNOWN_TEXT, answer_reading, document_reading, part_reading
from kassa.outbox.policy import SendPolicy
from kassa.outbox.states import MAX_MESSAGES, STATE_TEXTS, reschedule, seconds, timestamp, transition
from kassa.pagero.answers import Document, UnexpectedAnswer, read_document

log = logging.getLogger(__name__)


class FollowUp:
    """The follow-up steps; the Sender gives them ``policy``, ``worker_id``, ``_post`` and ``_company_id``."""

    policy: SendPolicy
    worker_id: str

    def _post(self, row: Transmission, client: Any, company_id: str) -> None:  # pragma: no cover - Sender's
        raise NotImplementedError

    def _company_id(self, row: Transmission) -> str:  # pragma: no cover - Sender's
        raise NotImplementedError

    # -- an upload whose outcome is unknown ------------------------------------------------------

    def _reconcile(self, row: Transmission, client: Any) -> None:
        """A row in `uploading` (a crash, a lost or unreadable answer, any 5xx): adopt what Pagero has;
        post again only when Pagero verifiably holds nothing after the grace period."""
        if row.file_id and self._follow_known_file(row, client):
            return
        found = self._ours(row, client.find_documents(senderReference=row.sender_reference, direction="Sent"))
        if found:
            note = f" ({len(found)} dokument med samma referens hos Pagero)" if len(found) > 1 else ""
            self._adopt_document(row, self._to_follow(found),
                                 f"Hittad hos Pagero efter avbrott eller ett osäkert svar{note}.")
            return
        waited = (db_now() - row.updated_at).total_seconds()  # both on the database's clock
        grace = self.policy.reconcile_grace
        if waited < grace:
            # The file may still be on its way through Pagero's processing: look again, at growing
            # intervals, and once more when the grace is over.
            delay = min(self.policy.pick(self.policy.poll_intervals, row.attempts), grace - waited)
            reschedule(row, max(delay, 0.0), row.last_error)
            return
        company_id = self._company_id(row)
        if not transition(row, State.UPLOADING, "Pagero har ingen fil med fakturans referens; den laddas upp igen.",
                          actor=self.worker_id, next_in=self.policy.lease, only_if_claimed_by=self.worker_id):
            return
        self._post(row, client, company_id)

    def _follow_known_file(self, row: Transmission, client: Any) -> bool:
        """A row in `uploading` that knows its file id: follow that file (True) instead of reconciling."""
        if client.fileparts(row.file_id) or self._ours(row, client.find_documents(fileId=row.file_id)):
            transition(row, State.UPLOADED, f"Pagero har filen (fil-id {row.file_id}); den följs upp.",
                       actor=self.worker_id, next_in=0, last_error="")
            return True
        return False

    # -- the file, the document, the buyer's answer ---------------------------------------------

    def _poll_file(self, row: Transmission, client: Any) -> None:
        parts = client.fileparts(row.file_id)
        if parts:
            part = parts[0]  # one document per file, so one part
            reading = part_reading(part)
            if reading.state is None:
                self._note_unknown(row, reading.unknown)
            elif reading.state is State.PROCESSING:
                self._still_processing(row, filepart_id=part.id)
            elif reading.state is State.ERROR and self._held_already(row, client):
                return
            else:
                transition(row, reading.state, reading.text, actor=self.worker_id, filepart_id=part.id,
                           last_error=reading.text)
            return
        documents = self._ours(row, client.find_documents(fileId=row.file_id), file_id=row.file_id)
        if documents:
            self._follow_document(row, client, self._to_follow(documents))
        else:
            self._still_processing(row)  # processed parts are not listed; the document is on its way

    def _ours(self, row: Transmission, documents: list[Document], **expected: str) -> list[Document]:
        """The documents of a list that may be the row's invoice: none that states another reference or
        invoice number (or another of ``expected``), as a list that ignored its filter would hold."""
        number = document_number(row)  # the invoice number, or a reminder's <invoice>-P<n>
        return [d for d in documents
                if not d.contradicts(sender_reference=row.sender_reference, document_identifier=number, **expected)]

    @staticmethod
    def _to_follow(documents: list[Document]) -> Document:
        """Of several documents of one invoice, the one to follow, whatever order Pagero lists them in:
        one on its way to the buyer (or delivered) before a cancelled one, one of unknown state, one in
        error; among those alike, the first made (``createTime``), then the first listed."""

        def rank(indexed: tuple[int, Document]) -> tuple[int, int, str, int]:
            index, document = indexed
            state = document_reading(document).state
            order = {State.DELIVERED: 0, State.ACCEPTED: 0, State.CANCELLED: 1, None: 2}.get(state, 3)
            return order, not document.create_time, document.create_time, index

        return min(enumerate(documents), key=rank)[1]

    def _held_already(self, row: Transmission, client: Any, besides: str = "") -> bool:
        """The row's file or document is in error or of unknown state: does Pagero hold the invoice as
        another document that is on its way (Pagero's duplicate document control stops a second upload)?
        Then follow that one instead of showing the error. Decided by looking the documents up by the
        row's reference, never by Pagero's wording of the error."""
        held = [d for d in self._ours(row, client.find_documents(senderReference=row.sender_reference,
                                                                  direction="Sent"))
                if d.id != besides and document_reading(d).state in (State.ACCEPTED, State.DELIVERED)]
        if not held:
            return False
        document = self._to_follow(held)
        self._adopt_document(row, document, f"Pagero har redan fakturan (dokument {document.id}); "
                                            f"den senare filen {row.file_id} stoppades som dubblett.")
        return True

    def _follow_document(self, row: Transmission, client: Any, document: Document) -> None:
        """Adopt the document made of the row's file, unless it is in error or unknown while Pagero holds
        the invoice as another document on its way (``_held_already``)."""
        if document_reading(document).state in (State.ERROR, None) and self._held_already(row, client, document.id):
            return
        self._adopt_document(row, document)

    def _still_processing(self, row: Transmission, **fields: Any) -> None:
        if row.state != State.PROCESSING:
            transition(row, State.PROCESSING, "Pagero behandlar filen.", actor=self.worker_id,
                       next_in=self.policy.pick(self.policy.poll_intervals, 0), **fields)
        else:
            reschedule(row, self.policy.pick(self.policy.poll_intervals, row.attempts))

    def _poll_document(self, row: Transmission, client: Any) -> None:
        self._follow_document(row, client, read_document(client.document(row.document_id)))

    def _adopt_document(self, row: Transmission, document: Document, prefix: str = "") -> None:
        reading = document_reading(document)
        if reading.state is None:
            self._note_unknown(row, reading.unknown)
            return
        if not document.file_id and not row.file_id:
            # Every document Kassa sends is made from a file, so Pagero states it; an answer without it is
            # incomplete. Adopting it would leave the row without the file it could be followed by.
            self._note_unknown(row, f"{UNKNOWN_TEXT}: dokument {document.id} utan fil-id",
                               detail="document without fileId")
            return
        fields: dict[str, Any] = dict(document_id=document.id, last_error="")
        if document.file_id:
            fields["file_id"] = document.file_id  # the file that made the document the row follows
        if reading.state is State.ERROR:
            fields["last_error"] = reading.text
        if reading.state == row.state and document.id == row.document_id:
            reschedule(row, self.policy.pick(self.policy.poll_intervals, row.attempts))
            return
        intervals = self.policy.answer_intervals if reading.state is State.DELIVERED else self.policy.poll_intervals
        message = " ".join(t for t in (prefix, reading.text or STATE_TEXTS[reading.state]) if t)
        transition(row, reading.state, message, actor=self.worker_id,
                   next_in=self.policy.pick(intervals, 0), **fields)

    def _poll_answer(self, row: Transmission, client: Any) -> None:
        answer = client.buyer_answer(document_number(row), self._company_id(row))
        if answer is None:
            reschedule(row, self.policy.pick(self.policy.answer_intervals, row.attempts + 1))
            return
        reading = answer_reading(answer)
        if reading.state is None:
            self._note_unknown(row, reading.unknown)
            return
        transition(row, reading.state, reading.text, actor=self.worker_id, buyer_response=answer.sub_type,
                   buyer_response_at=db_now())

    # -- what Kassa does not know --------------------------------------------------------------------

    def _unexpected_answer(self, row: Transmission, exc: UnexpectedAnswer) -> None:
        self._note_unknown(row, f"{UNKNOWN_TEXT}: {exc.raw.strip() or '(ett tomt svar)'}", detail=exc.what)

    def _note_unknown(self, row: Transmission, text: str, detail: str = "") -> None:
        """Pagero said something Kassa does not know: log it once per row, show it on the row, change
        nothing else, and look again later (at growing intervals)."""
        waiting_for_answer = row.state == State.DELIVERED
        intervals = self.policy.answer_intervals if waiting_for_answer else self.policy.poll_intervals
        now = db_now()
        values: dict[str, Any] = dict(next_attempt_at=now + seconds(self.policy.pick(intervals, row.attempts + 1)),
                                      attempts=Transmission.attempts + 1, last_error=text)
        if not any(message.get("unknown") == text for message in row.messages or []):
            log.warning("transmission %s: %s%s; its state stays %s", row.id, text, f" ({detail})" if detail else "",
                        row.state)
            entry = {"at": timestamp(now), "state": str(row.state), "text": text, "unknown": text}
            values["messages"] = (list(row.messages or []) + [entry])[-MAX_MESSAGES:]
        Transmission.update(**values).where((Transmission.id == row.id) & (Transmission.state == row.state)).execute()
