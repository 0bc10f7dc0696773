"""The background helper: results and errors come back on the UI thread; stale answers are dropped."""
from __future__ import annotations

import threading

from kassa.ui.workers import LatestOnly, run_in_background


def test_result_arrives_on_the_ui_thread(qtbot):
    seen = []
    ui_thread = threading.current_thread()

    def work(a, b):
        return a + b, threading.current_thread()

    run_in_background(work, 2, 3, on_result=lambda value: seen.append((value, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(seen))
    (total, worker_thread), delivered_on = seen[0]
    assert total == 5
    assert worker_thread is not ui_thread
    assert delivered_on is ui_thread


def test_error_is_handed_to_on_error(qtbot):
    errors = []

    def fails():
        raise ValueError("Kunden saknas")

    run_in_background(fails, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert str(errors[0]) == "Kunden saknas"


def test_latest_only_delivers_the_newest_answer(qtbot):
    gate = threading.Event()
    answers = []

    def search(text):
        if text == "a":
            gate.wait(5)  # the first, slow query finishes after the second
        return text

    runner = LatestOnly(search, delay_ms=0)
    runner.result.connect(answers.append)
    runner.request("a", immediately=True)
    runner.request("ab", immediately=True)
    qtbot.waitUntil(lambda: answers == ["ab"])
    gate.set()
    qtbot.waitUntil(lambda: not runner.is_busy)
    qtbot.wait(50)  # the slow answer has now arrived too, and must have been dropped
    assert answers == ["ab"]
