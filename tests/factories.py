"""Helpers the tests share; plain functions and constants, imported by the tests.

The fixtures live in the conftest.py files (and in the plugin modules tests/pagero/fixtures.py and
tests/outbox/fixtures.py that tests/conftest.py registers); a test never imports a fixture or a
conftest. Qt is imported inside the helpers that drive widgets, so that importing this module
loads no Qt.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
# The shared test data beside the repository (README there); also a rule pack as it stands.
SHARED_PEPPOL = REPO.parent / "shared" / "peppol"
EXAMPLES = SHARED_PEPPOL / "examples"

NO_PACK_REASON = (
    "no PEPPOL rule pack: set KASSA_RULES_DIR to one, put the shared test data at "
    f"{SHARED_PEPPOL}, or install one with `kassa rules install SOURCE`"
)


def rule_pack_dir() -> Path | None:
    """KASSA_RULES_DIR if set, else ../shared/peppol beside the repository, else None."""
    env = os.environ.get("KASSA_RULES_DIR")
    if env:
        return Path(env)
    return SHARED_PEPPOL if SHARED_PEPPOL.is_dir() else None


def example(relative: str) -> Path:
    """A document from the shared examples; skips the test when the shared data is absent."""
    path = EXAMPLES / relative
    if not path.is_file():
        pytest.skip(f"example {relative} not found under {EXAMPLES}")
    return path


def run_kassa(*args: str | Path, data_dir: Path, rules_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m kassa ARGS` in a subprocess with its own data directory (and rule pack, if given)."""
    env = {k: v for k, v in os.environ.items() if k not in ("KASSA_RULES_DIR", "KASSA_DATA_DIR")}
    env["KASSA_DATA_DIR"] = str(data_dir)
    if rules_dir is not None:
        env["KASSA_RULES_DIR"] = str(rules_dir)
    return subprocess.run(
        [sys.executable, "-m", "kassa", *map(str, args)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )


def make_company(**overrides):
    from kassa.models import Company

    company = Company.get_solo()
    values = dict(
        name="Hörnbutiken & Söner AB", org_number="5566778899", vat_number="SE556677889901",
        street="Storgatan 1", postal_code="41101", city="Göteborg", registered_office="Göteborg",
        f_skatt=True, bankgiro="50501055", email="info@hornbutiken.se", phone="031-123456",
        payment_terms_days=30, invoice_fee=Decimal("0.00"),
    )
    values.update(overrides)
    for key, value in values.items():
        setattr(company, key, value)
    company.save()
    return company


def open_day(till: str = "Kassa 1", float_amount: str = "500") -> Any:
    """The till's day opened with its cash float, as the cashier does first (else the till asks)."""
    from kassa.register.service import Register

    return Register(till).open_day(float_amount)


def vat_group(rate: int):
    """A default VAT group whose rate is `rate` on every date (12: restaurant, not food, whose rate is dated)."""
    from kassa.models import VatGroup

    key = {25: "standard", 12: "restaurant", 6: "culture", 0: "exempt_care"}[rate]
    return VatGroup.get(VatGroup.key == key)
# --- waiting ------------------------------------------------------------------------------------


def wait_until(condition: Callable[[], object], timeout: float = 10.0, *, interval: float = 0.05,
               between: Callable[[], object] | None = None, message: str | Callable[[], str] = "") -> None:
    """Poll ``condition`` until it is true; AssertionError (with ``message``) after ``timeout`` seconds.

    ``between`` runs instead of sleeping between polls (a sender's round, say). The one way a test
    waits for something outside Qt; widgets are waited for with ``qtbot.waitUntil``.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            text = message() if callable(message) else message
            raise AssertionError(text or f"condition not met within {timeout} s")
        if between is not None:
            between()
        else:
            time.sleep(interval)


# --- the shop at the till, and driving widgets as a person does ----------------------------------

COFFEE = "7310865004703"  # Kaffe 54,90 incl. 12 %
MUG = "7350053850019"  # Mugg 79,00 incl. 25 %

# The offscreen platform warns on every top-level window shown, and that it cannot open a
# browser (the wizard then shows the link to copy); neither says anything about Kassa.
QT_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)",
                                     r"This plugin does not support QPlatformServices::openUrl\(\)")


def top_level(object_name: str | None = None, cls: type | None = None) -> Any:
    """The visible top-level window with this object name (or class), if one is open."""
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if not widget.isVisible():
            continue
        if object_name is not None and widget.objectName() != object_name:
            continue
        if cls is not None and not isinstance(widget, cls):
            continue
        return widget
    return None


def wait_for_window(qtbot: Any, object_name: str | None = None, cls: type | None = None, timeout: int = 5000) -> Any:
    found = []

    def check() -> bool:
        widget = top_level(object_name, cls)
        if widget is not None:
            found.append(widget)
        return widget is not None

    qtbot.waitUntil(check, timeout=timeout)
    return found[-1]


def close_all_dialogs() -> None:
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.isWindow() and widget.objectName() != "mainWindow":
            widget.close()


def type_and_enter(qtbot: Any, widget: Any, text: str) -> None:
    """What a barcode scanner or a cashier does: the characters, then Enter."""
    from PySide6.QtCore import Qt

    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def press(qtbot: Any, widget: Any, keys: str) -> None:
    """A key combination as the menus write it ("Ctrl+Shift+X", "F5"), pressed in `widget`."""
    from PySide6.QtGui import QKeySequence

    combination = QKeySequence(keys)[0]
    qtbot.keyClick(widget, combination.key(), combination.keyboardModifiers())


def show_till(qtbot: Any, window: Any) -> Any:
    """Show the till window and wait until its article index has loaded."""
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.code_field.setFocus()
    qtbot.waitUntil(lambda: bool(window._article_ids), timeout=5000)
    return window


def close_till(window: Any) -> None:
    """Close the till's dialogs and the till; its register and printer threads finish first. A sale left
    open is given up as the cashier would: "Avbryt köpet och avsluta" in the till's question."""
    import time

    import shiboken6
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QMessageBox

    close_all_dialogs()
    window.close()
    deadline = time.monotonic() + 10
    while shiboken6.isValid(window) and window.isVisible() and time.monotonic() < deadline:
        QTest.qWait(10)  # the register's calls on their way, then the question
        box = top_level("quitBox", QMessageBox)
        if box is not None:
            quit_button = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
            quit_button.click()


def scan(qtbot: Any, window: Any, code: str) -> None:
    """The barcode scanner at the till: the code and Enter into the code field; then wait until the
    register has it (the till adds lines in its session's thread)."""
    type_and_enter(qtbot, window.code_field, code)
    qtbot.waitUntil(lambda: not window.session.busy)


def type_text(qtbot: Any, widget: Any, text: str) -> None:
    """qtbot.keyClicks, also for å, ä, ö (QTest's key table knows ASCII only): those are sent as
    key events carrying the character, as a Swedish keyboard layout delivers them."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def type_into(qtbot: Any, field: Any, text: str, replace: bool = True) -> None:
    """Type as a person does: focus, select all (to replace), type, then Tab out of it."""
    from PySide6.QtCore import Qt

    from kassa.ui.validated_fields import ValidatedLineEdit

    widget = field.edit if isinstance(field, ValidatedLineEdit) else field
    widget.setFocus()
    if replace:
        qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    type_text(qtbot, widget, text)
    if hasattr(widget, "editingFinished"):
        widget.editingFinished.emit()  # what Tab does when the window has focus (offscreen may not)


def transmission_state_shown(view: Any, number: int) -> str | None:
    """The Status column E-fakturor shows for invoice ``number`` (None: not listed)."""
    model = view.model
    for row in range(model.rowCount()):
        if model.data(model.index(row, 0)) == str(number):
            return model.data(model.index(row, 2))
    return None


def pdf_text(path: Path | str) -> str:
    """The text of a PDF as a reader sees it (poppler's pdftotext)."""
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return result.stdout


# --- screenshots and logs (the newcomer's journey) ------------------------------------------------

XVFB_REASON = (
    "needs a real X server: run `xvfb-run -a -s \"-screen 0 1280x800x24\" env QT_QPA_PLATFORM=xcb "
    "pytest tests/journey`"
)
XVFB_MISSING = "needs Xvfb for a real window (Debian: apt-get install xvfb)"
# A Bearer credential or a JWT that was not replaced by the redacting filter.
_UNREDACTED = re.compile(rb"Bearer (?!\[REDACTED\])[A-Za-z0-9._~+/=-]{6,}|eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.")


def artifacts_dir() -> Path:
    return Path(os.environ.get("KASSA_TEST_ARTIFACTS") or REPO / "test-artifacts")


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


def issue(customer: Any, *codes: str, **kwargs: Any) -> Any:
    """An invoice issued from a cart of these codes (as F7 does), for the invoice dialogs."""
    from kassa.till import Cart

    cart = Cart(till="Kassa 1")
    for code in codes:
        cart.add_code(code)
    return cart.pay_invoice(customer, **kwargs).invoice
