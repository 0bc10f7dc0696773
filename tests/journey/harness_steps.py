"""The harness's screenshot of a real window, run by tests/journey/test_harness.py in a pytest
subprocess on an Xvfb of its own (Qt picks its platform once per process, and the test process
runs offscreen). Not collected on its own: its name does not start with test_.
"""
from __future__ import annotations


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
