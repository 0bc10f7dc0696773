"""The launcher: `python main.py` opens the till and reports when it is painted; first run opens the wizard."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.factories import REPO, make_company


def test_main_py_starts_the_till(db, isolated_data_dir):
    make_company()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KASSA_STARTUP_MARK="1", KASSA_STARTUP_EXIT="1",
               KASSA_DATABASE_URL=f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}", PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, str(REPO / "main.py")], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert any(line.startswith("KASSA_READY ") for line in proc.stdout.splitlines()), proc.stdout + proc.stderr


def test_first_run_opens_the_settings_wizard(qtbot, db):
    from kassa.ui.app import _first_run_wizard
    from kassa.ui.main_window import MainWindow
    from kassa.ui.wizard import SettingsWizard
    from kassa.ui.workers import wait_for_background

    window = MainWindow(with_indicator=False)
    qtbot.addWidget(window)
    window.show()
    _first_run_wizard(window)  # the company is not filled in yet
    wizard = window.findChild(SettingsWizard)
    assert wizard is not None and wizard.isVisible()
    wizard.close()
    assert wait_for_background(10_000)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_the_tills_start_up_compiles_no_rules(db, isolated_data_dir, rule_pack_path):
    """With the official rule pack installed, the painted till holds no rule helper, no SaxonC and not the
    rule pack's modules: they start with the first e-invoice (kassa.peppol.rules) or the first look at the
    pack's state, so a till at rest is its own process only, and small."""
    make_company()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KASSA_STARTUP_MARK="1", KASSA_RULES_DIR=str(rule_pack_path),
               KASSA_DATABASE_URL=f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}", PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, str(REPO / "main.py")], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        while not any(line.startswith("KASSA_READY ") for line in lines):
            line = proc.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        time.sleep(3)  # the background sender, the daily backup and the first-run wizard have started
        assert proc.poll() is None, "".join(lines)
        helpers = [c for c in _children(proc.pid) if "kassa.peppol.rules.worker" in _command_line(c)]
        assert helpers == []
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
        assert "saxonc" not in maps.lower(), "SaxonC was loaded by the start-up"
        # Nor the rule pack's modules (lxml with them, some 5 MB): they load in the worker that first asks.
        assert "lxml/etree" not in maps, "the rule pack's modules were loaded by the start-up"
        # Nor the receipt printer's library (python-escpos with Pillow: some 10 MB): with the first printer used.
        assert "PIL/_imaging" not in maps, "python-escpos (Pillow) was loaded by the start-up"
    finally:
        proc.kill()
        proc.wait(30)
