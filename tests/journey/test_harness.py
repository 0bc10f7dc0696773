"""The journey harness itself: screenshots of a real window, and the log check catches a leaked token."""
from __future__ import annotations

import logging

import pytest

from kassa import logging_setup
from tests.journey.conftest import assert_no_secrets_in_logs


def test_screenshot_of_a_real_window(qtbot, screenshots):
    from PySide6.QtWidgets import QLabel, QMainWindow

    window = QMainWindow()
    window.setWindowTitle("Kassa")
    window.setCentralWidget(QLabel("Välkommen till Kassa"))
    window.resize(640, 400)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    path = screenshots.take("first-window")
    assert path.name == "01-first-window.png" and path.stat().st_size > 1000


def test_log_check_passes_clean_logs_and_catches_a_leak(isolated_data_dir):
    log_file = logging_setup.setup_logging()
    try:
        logging.getLogger("kassa.pagero.client").info(
            "POST /file refresh_token=rt-0123456789 Authorization: Bearer at-0123456789")
        for handler in logging.getLogger().handlers:
            handler.flush()
        assert assert_no_secrets_in_logs(log_file.parent, ["rt-0123456789", "at-0123456789"]) == [log_file]
        (log_file.parent / "other.log").write_text("Authorization: Bearer at-0123456789\n")
        with pytest.raises(AssertionError, match="other.log"):
            assert_no_secrets_in_logs(log_file.parent, ["rt-0123456789"])
    finally:
        logging_setup.stop_file_logging()
