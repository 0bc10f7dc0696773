"""The send queue's default timings against the Pagero client's own retries (exactly once)."""
from __future__ import annotations

from kassa.outbox.sender import SendPolicy
from kassa.pagero.client import PageroClient
from kassa.pagero.oauth import OAuthClient

PROCESSING = 600  # what the grace allowed Pagero to make a document of a file before


def longest_upload() -> float:
    """Seconds one upload call of the default client can take: every try timing out at connect
    and read, one more try after a 401 and its refresh, and the longest wait between tries."""
    client = PageroClient(None, api_base="http://127.0.0.1:9")
    connect, read = client.timeout
    retry = client.retry
    refresh = OAuthClient(client_secret="x", sso_base="http://127.0.0.1:9").timeout
    return (retry.attempts + 1) * (connect + read) + refresh \
        + (retry.attempts - 1) * max(retry.max_delay, retry.max_retry_after)


def test_nothing_is_posted_again_before_the_last_possible_upload_could_show_up():
    # A row caught in `uploading` is posted again when Pagero has no document a grace after the
    # row was marked. The sender that marked it may still be in its client's retries (429 with
    # Retry-After, 5xx) when another sender (another till, `kassa outbox run`) looks, and may
    # post as late as the end of those; Pagero then needs time to make a document of it.
    assert SendPolicy().reconcile_grace >= longest_upload() + PROCESSING
