"""Harness for the newcomer's journey (issue 6): a real window on an X server, a screenshot of each
step kept as a test artefact, and a check that no log file holds a secret.

The journey runs on a real X server, not the offscreen platform:

    xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb /tmp/venv/bin/pytest tests/journey

and, for the Pagero connection, inside a Secret Service session (see the project conventions:
dbus-run-session + gnome-keyring-daemon). The stand-in and keyring fixtures are in
tests/peppol/pagero_fixtures.py. Screenshots go to $KASSA_TEST_ARTIFACTS/<test name>/ (default:
test-artifacts/ in the repository), numbered in the order the steps were taken.
"""
from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
XVFB_REASON = (
    "needs a real X server: run `xvfb-run -a -s \"-screen 0 1280x800x24\" env QT_QPA_PLATFORM=xcb "
    "pytest tests/journey`"
)
# A Bearer credential or a JWT that was not replaced by the redacting filter.
_UNREDACTED = re.compile(rb"Bearer (?!\[REDACTED\])[A-Za-z0-9._~+/=-]{6,}|eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.")


def artifacts_dir() -> Path:
    return Path(os.environ.get("KASSA_TEST_ARTIFACTS") or REPO / "test-artifacts")


@pytest.fixture
def x_screen():
    """Skips unless Qt draws on an X server (the journey needs real windows and a window manager's view)."""
    if os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY"):
        pytest.skip(XVFB_REASON)


class Screenshots:
    """`shots.take("wizard-company")` saves the whole screen as NN-wizard-company.png."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.taken: list[Path] = []

    def take(self, step: str) -> Path:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.processEvents()
        screen = QGuiApplication.primaryScreen()
        image = screen.grabWindow(0).toImage()  # the whole screen: dialogs and menus too
        path = self.folder / f"{len(self.taken) + 1:02d}-{step}.png"
        assert image.save(str(path), "PNG"), f"could not save {path}"
        # A black or single-colour picture means nothing was drawn: fail here, not in a reviewer's eyes.
        small = image.scaled(32, 32)
        colours = {small.pixel(x, y) for x in range(32) for y in range(32)}
        assert len(colours) > 1, f"screenshot {path.name} is blank"
        self.taken.append(path)
        return path


def screenshots_in(name: str) -> Screenshots:
    """Screenshots in $KASSA_TEST_ARTIFACTS/<name>/, emptied of an earlier run's pictures."""
    folder = artifacts_dir() / re.sub(r"[^\w.-]+", "_", name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return Screenshots(folder)


@pytest.fixture
def screenshots(x_screen, request) -> Screenshots:
    return screenshots_in(request.node.name)


XVFB_MISSING = "needs Xvfb for a real window (Debian: apt-get install xvfb)"


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


def assert_no_secrets_in_logs(log_dir: Path, secrets: Iterable[str]) -> list[Path]:
    """Every file under `log_dir` is free of each secret and of unredacted bearer tokens/JWTs.

    Returns the files read, so a caller can assert there were logs to read at all.
    """
    wanted = [s.encode("utf-8") for s in secrets if s and len(s) >= 6]
    files = [p for p in Path(log_dir).rglob("*") if p.is_file()]
    for path in files:
        data = path.read_bytes()
        for secret in wanted:
            assert secret not in data, f"{path} contains a secret ({secret[:3].decode()}…)"
        found = _UNREDACTED.search(data)
        assert found is None, f"{path} contains an unredacted token near byte {found.start()}"
    return files


def keyring_secrets() -> list[str]:
    """The Pagero secrets this process stored in the keyring: tokens and client secret."""
    from kassa.pagero.credentials import CredentialStore

    store = CredentialStore()
    tokens = store.load_tokens()
    values = [store.client_secret() or ""]
    if tokens is not None:
        values += [tokens.access_token, tokens.refresh_token]
    return [v for v in values if v]
