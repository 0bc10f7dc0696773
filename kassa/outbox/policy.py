"""The send queue's timings (kassa.outbox.sender and its follow-up steps share them)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SendPolicy:
    """Timings of the queue, in seconds. The defaults suit Pagero; tests make them short."""

    poll_intervals: tuple[float, ...] = (5, 10, 30, 60, 300, 900, 3600)  # the last one repeats
    answer_intervals: tuple[float, ...] = (60, 300, 900, 3600, 4 * 3600)  # the buyer's answer, after delivery
    answer_window: float = 30 * 24 * 3600  # stop asking for the buyer's answer after this
    retry_intervals: tuple[float, ...] = (10, 30, 60, 300, 900)  # after a transient failure
    longest_retry_after: float = 3600.0  # a Retry-After (429, 503) longer than this is waited as this
    not_connected_delay: float = 60.0
    lease: float = 300.0  # a claim; another sender may then look at the row, never post it before the grace
    # From marking a row `uploading` to posting it again when Pagero has no document: the
    # longest upload with all the client's retries (about 860 s) and 10 min to become a document.
    reconcile_grace: float = 1500.0
    batch: int = 20
    idle: float = 30.0  # the longest sleep of run() when nothing is due

    @staticmethod
    def pick(intervals: tuple[float, ...], attempt: int) -> float:
        return float(intervals[min(max(attempt, 0), len(intervals) - 1)])
