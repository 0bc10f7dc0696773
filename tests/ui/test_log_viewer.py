"""Hjälp → Visa logg: the dialog shows the end of the log, without secrets, and opens the log folder."""
from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from kassa import logging_setup
from kassa.ui.log_viewer import LogViewerDialog


@pytest.fixture
def logfile(isolated_data_dir):
    path = logging_setup.setup_logging()
    yield path
    logging_setup.stop_file_logging()


class UrlCatcher(QObject):
    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_shows_the_newest_lines_without_secrets(qtbot, logfile):
    log = logging.getLogger("kassa.pagero.client")
    log.info("uploaded invoice 17 with Authorization: Bearer abc.def-123456")
    log.info("the newest line")
    dialog = LogViewerDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "the newest line" in dialog.text.toPlainText())
    text = dialog.text.toPlainText()
    assert "uploaded invoice 17" in text and "abc.def-123456" not in text
    assert dialog.text.isReadOnly()
    assert str(logfile) in dialog.location.text()

    log.info("written after opening")
    qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "written after opening" in dialog.text.toPlainText())


def test_empty_log_says_so(qtbot, isolated_data_dir):
    dialog = LogViewerDialog()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "tom än så länge" in dialog.text.toPlainText())


def test_open_folder_opens_the_log_directory(qtbot, logfile):
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        dialog = LogViewerDialog()
        qtbot.addWidget(dialog)
        dialog.open_folder_button.click()
        assert [u.toLocalFile() for u in catcher.urls] == [str(logfile.parent)]
    finally:
        QDesktopServices.unsetUrlHandler("file")
