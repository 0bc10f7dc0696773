"""The journey harness itself: screenshots of a real window, and the log check catches a leaked token."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from kassa import logging_setup
from tests.factories import REPO, artifacts_dir, assert_no_secrets_in_logs

STEPS = REPO / "tests" / "journey" / "harness_steps.py"


def test_screenshot_of_a_real_window(xvfb_display, tmp_path):
    """A real window on an X server, its screenshot saved and not blank (tests/journey/harness_steps.py)."""
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    proc = subprocess.run([sys.executable, "-m", "pytest", str(STEPS), "-q", "-rA", f"--basetemp={tmp_path / 'steps'}"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    report = f"{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
    assert proc.returncode == 0, report
    assert "1 passed" in proc.stdout, report  # ran, not skipped
    picture = artifacts_dir() / "test_screenshot_of_a_real_window" / "01-first-window.png"
    assert picture.stat().st_size > 1000


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
