"""Harness for the newcomer's journey (issue 6): a real window on an X server, a screenshot of each
step kept as a test artefact, and a check that no log file holds a secret.

The journey runs on a real X server, not the offscreen platform:

    xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb /tmp/venv/bin/pytest tests/journey

and, for the Pagero connection, inside a Secret Service session (see the project conventions:
dbus-run-session + gnome-keyring-daemon). The stand-in and keyring fixtures are in
tests/pagero/fixtures.py. Screenshots go to $KASSA_TEST_ARTIFACTS/<test name>/ (default:
test-artifacts/ in the repository), numbered in the order the steps were taken.
"""
from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest

from tests.factories import XVFB_MISSING, XVFB_REASON, Screenshots, screenshots_in


@pytest.fixture
def x_screen():
    """Skips unless Qt draws on an X server (the journey needs real windows and a window manager's view)."""
    if os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY"):
        pytest.skip(XVFB_REASON)


@pytest.fixture
def screenshots(x_screen, request) -> Screenshots:
    return screenshots_in(request.node.name)


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """An X server of our own (Xvfb, 1280x800, 24 bit) for tests that start a process with real
    windows; yields its DISPLAY (":N"). Xvfb picks a free display number itself (-displayfd), so
    parallel runs never collide. The test process itself keeps its Qt platform (offscreen)."""
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.skip(XVFB_MISSING)
    read_end, write_end = os.pipe()
    errors = tempfile.TemporaryFile()
    proc = subprocess.Popen([binary, "-displayfd", str(write_end), "-screen", "0", "1280x800x24",
                             "-nolisten", "tcp"], pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=errors)
    os.close(write_end)
    try:
        number = b""
        while not number.endswith(b"\n"):
            ready, _, _ = select.select([read_end], [], [], 15)
            chunk = os.read(read_end, 16) if ready else b""
            if not chunk:
                errors.seek(0)
                raise RuntimeError(f"Xvfb did not start: {errors.read().decode(errors='replace')[-2000:]}")
            number += chunk
        yield f":{int(number)}"
    finally:
        os.close(read_end)
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        errors.close()
