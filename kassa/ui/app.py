"""`kassa` without a subcommand: the application window (the settings wizard on first run).

Start-up is kept short so the till is usable at once (target: 0.6 s with 100,000 customers,
benchmarks/bench_startup.py): only the database connection and one row (the company) are read
before the window shows; no customer is loaded (the till searches them on an index as you type).
Rule-pack compilation, the background sender and anything on the network start after the first
paint, off the UI thread.

KASSA_STARTUP_MARK=1 prints "KASSA_READY <epoch seconds>" when the window has been painted and
the event loop runs; KASSA_STARTUP_EXIT=1 then quits (for the benchmark).
"""
from __future__ import annotations

import logging
import os
import sys
import time

from kassa import config

log = logging.getLogger(__name__)


def _setup_logging() -> None:
    from kassa.logging_setup import install_excepthook, setup_logging

    setup_logging()
    install_excepthook(_show_unexpected_error)


_error_relay = None  # a QObject on the UI thread; its queued signal brings messages from any thread


def _make_error_relay() -> None:
    global _error_relay
    from PySide6.QtCore import QObject, Signal

    class ErrorRelay(QObject):
        message = Signal(str)

    def show(message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Kassa", message)

    _error_relay = ErrorRelay()
    _error_relay.message.connect(show)


def _show_unexpected_error(message: str) -> None:
    """Called by the excepthook from any thread; the dialog is shown on the UI thread."""
    if _error_relay is None:
        print(message, file=sys.stderr)
    else:
        _error_relay.message.emit(message)


def _single_instance(app) -> bool:
    """False when another Kassa already runs on this desktop (it is asked to come to the front)."""
    from kassa.ui.single_instance import ensure_single_instance

    return bool(ensure_single_instance(app))


def _start_background_sender(app) -> None:
    """The send queue's sender, in its own thread (no Qt), started after the window shows and
    stopped when the application quits. A step cut short is reconciled at the next start."""
    from kassa.outbox.background import BackgroundSender

    sender = BackgroundSender(till=config.till_designation())
    sender.start()
    app.aboutToQuit.connect(lambda: sender.stop(timeout=5))


def _daily_backup(window) -> None:
    """Today's automatic copy of the SQLite database, in a worker; a failure is shown, not hidden."""
    from kassa.backup import backup_if_due
    from kassa.ui.workers import run_in_background

    def done(outcome) -> None:
        if outcome.warning:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(window, "Kassa", outcome.warning)

    run_in_background(backup_if_due, on_result=done)


def _after_first_paint(app, window) -> None:
    # The rule pack is not compiled here: its helpers start with the first e-invoice and stop
    # again after some idle minutes (kassa.peppol.rules), so a till at rest holds only its own process.
    if os.environ.get("KASSA_STARTUP_MARK"):
        # Wall-clock time for the benchmark, and the CPU the process used so far (steadier on a busy machine).
        print(f"KASSA_READY {time.time():.6f} cpu={time.process_time():.3f}", flush=True)
        if os.environ.get("KASSA_STARTUP_EXIT"):
            app.quit()
            return
    _start_background_sender(app)
    _daily_backup(window)
    _first_run_wizard(window)


def _first_run_wizard(window) -> None:
    """On first run (the company is not filled in) the settings wizard opens over the till."""
    from kassa.models import Company

    if Company.get_solo().is_configured:
        return
    window.open_wizard("company")


def run_application(argv: list[str] | None = None) -> int:
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication, QMessageBox

    from kassa import APP_ID, APP_NAME, __version__

    _setup_logging()
    QLocale.setDefault(QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden))
    QApplication.setOrganizationName(APP_NAME)
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName(APP_ID)  # matches the .desktop entry, for the window's icon
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    _make_error_relay()
    _load_translations(app)
    if not _single_instance(app):
        return 0

    from kassa.models import connection, database

    try:
        connection.connect()
    except Exception as exc:  # a wrong URL, an unreachable server: say so, let the wizard fix it
        log.exception("could not open the database")
        QMessageBox.critical(None, "Kassa", f"Databasen kunde inte öppnas: {exc}\n\n"
                             "Kontrollera databasinställningen (KASSA_DATABASE_URL eller Inställningar → Databas).")
        return 2

    from kassa.ui.main_window import MainWindow

    window = MainWindow()
    window.first_painted.connect(lambda: _after_first_paint(app, window))
    window.show()
    code = app.exec()
    from kassa.ui.workers import wait_for_background

    wait_for_background(5_000)
    window.printing.stop(5_000)  # the till's own threads: the printer's and the register's
    window.session.wait(5_000)
    database.close()
    return code


def _load_translations(app) -> None:
    """Qt's own Swedish texts (standard buttons, file dialog) when Qt ships them."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    translator = QTranslator(app)
    if translator.load("qtbase_sv", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
