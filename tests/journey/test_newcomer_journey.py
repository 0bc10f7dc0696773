"""Issue 6: the newcomer's journey as one test on a fresh data directory, in a real window.

first start -> settings wizard -> connect to the stand-in -> category -> customer -> articles ->
sale -> invoice -> e-invoice queued -> sent -> delivered, with a screenshot of each step.

The steps (tests/journey/journey_steps.py) run in a pytest subprocess on an Xvfb of our own:
this process's QApplication was made for the offscreen platform, and Qt picks its platform once
per process. The subprocess inherits the D-Bus session, so it uses the same Secret Service keyring.
The screenshots stay in $KASSA_TEST_ARTIFACTS/journey/ (default test-artifacts/journey/).
"""
from __future__ import annotations

import os
import subprocess
import sys

from tests.factories import REPO, artifacts_dir
from tests.journey.journey_steps import SHOTS

STEPS = REPO / "tests" / "journey" / "journey_steps.py"
TIMEOUT = 240  # seconds; the journey itself takes about 10, the subprocess 15


def _text(output: bytes | str | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else (output or "")


def test_newcomer_journey(xvfb_display, secret_service, tmp_path):
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    for name in ("KASSA_DATA_DIR", "KASSA_DATABASE_URL"):
        env.pop(name, None)  # the steps' own test gets a fresh data directory
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", str(STEPS), "-q", "-rA",
                               f"--basetemp={tmp_path / 'steps'}"],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:  # a window waiting for someone: the screenshots show which
        raise AssertionError(f"the journey did not end within {TIMEOUT} s:\n{_text(exc.stdout)[-6000:]}\n"
                             f"{_text(exc.stderr)[-3000:]}") from None
    report = f"{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    assert proc.returncode == 0, report
    assert "1 passed" in proc.stdout, report  # ran, not skipped

    pictures = sorted(p.name for p in (artifacts_dir() / "journey").glob("*.png"))
    assert pictures == [f"{n:02d}-{step}.png" for n, step in enumerate(SHOTS, 1)]
