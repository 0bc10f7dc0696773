"""The launcher: `python main.py` opens the till and reports when it is painted; first run opens the wizard."""
from __future__ import annotations

import os
import subprocess
import sys

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
