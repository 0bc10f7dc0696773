"""One Kassa per data directory on a computer, so two windows never work one send queue by accident.

    app = QApplication(sys.argv)
    if not ensure_single_instance(app):     # another Kassa runs; it has been told to come forward
        return 0

or, by hand:

    instance = SingleInstance(config.data_dir())
    if instance.already_running():
        print(instance.message(), file=sys.stderr)
        return 0
    instance.activated.connect(lambda: bring_to_front(window))

Who is first is decided by a lock file in the data directory (QLockFile: released by the OS when
a process dies, and a lock left by a dead process is taken over). The first instance also
listens on a QLocalServer whose name is derived from the user and the data directory; a second
start connects to it and sends "raise". The winner removes any socket left by a crashed run
(QLocalServer.removeServer) before listening, which is safe because it holds the lock.
"""
from __future__ import annotations

import getpass
import hashlib
import logging
import sys
import time
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from kassa import config

log = logging.getLogger(__name__)

LOCK_NAME = "kassa.instance.lock"
RAISE = b"raise\n"
ACK = b"ok\n"


def server_name(data_dir: Path | str) -> str:
    """A local socket name for this user and data directory (sockets of all users share /tmp)."""
    key = f"{getpass.getuser()}\0{Path(data_dir).resolve()}"
    return "kassa-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def bring_to_front(window: QWidget) -> None:
    """Show `window` on top: restored if minimised, raised and given focus where the WM allows."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def raise_main_window() -> None:
    """Bring the application's main window forward, and a dialog open over it (the wizard)."""
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
    for window in windows:
        bring_to_front(window)
    modal = QApplication.activeModalWidget()
    if modal is not None:
        bring_to_front(modal)


def ensure_single_instance(app: QApplication, data_dir: Path | str | None = None) -> bool:
    """True: this is the only Kassa on the data directory; it now answers later starts by raising its
    main window. False: another one runs and has been asked to come forward; the caller should exit.

    The SingleInstance is kept on `app` so it lives as long as the application.
    """
    instance = SingleInstance(data_dir if data_dir is not None else config.data_dir(), app)
    if instance.already_running():
        message = instance.message()
        print(message, file=sys.stderr)
        if not instance.answered:  # nothing came forward, so say it where the person looks
            QMessageBox.information(None, "Kassa", message)
        return False
    instance.activated.connect(raise_main_window)
    app.setProperty("kassa_single_instance", instance)
    return True


class SingleInstance(QObject):
    """Create after the QApplication, before the main window. Keep it alive as long as the app runs."""

    activated = Signal()  # another start asked this instance to come forward

    def __init__(self, data_dir: Path | str, parent: QObject | None = None):
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.name = server_name(self.data_dir)
        self.answered = False  # after already_running(): the running instance confirmed
        self._lock: QLockFile | None = None
        self._server: QLocalServer | None = None
        self._buffers: dict[int, bytes] = {}

    def already_running(self, timeout_ms: int = 3000) -> bool:
        """True when another Kassa uses this data directory; it has then been asked to come forward.

        False: this is the first instance, which from now on listens for later starts.
        """
        if self._server is not None:
            return False
        self.data_dir.mkdir(parents=True, exist_ok=True)
        lock = QLockFile(str(self.data_dir / LOCK_NAME))
        lock.setStaleLockTime(0)  # a live holder is never stale, however long it has run
        if lock.tryLock(0):
            self._lock = lock
            self._listen()
            return False
        self.answered = self._notify(timeout_ms)
        log.info("another Kassa runs on %s (%s)", self.data_dir, "raised" if self.answered else "not answering")
        return True

    def message(self) -> str:
        """What to tell the person after already_running() returned True (Swedish)."""
        if self.answered:
            return (f"Kassa är redan igång för datamappen {self.data_dir}. "
                    "Det fönstret har tagits fram; fortsätt arbeta där.")
        return (f"Kassa är redan igång för datamappen {self.data_dir} men svarar inte. Vänta en stund, "
                "eller avsluta det andra Kassa-fönstret och starta igen.")

    def release(self) -> None:
        """Stop listening and give up the lock (also happens when the process ends)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    # --- first instance ------------------------------------------------------------------------

    def _listen(self) -> None:
        # We hold the lock, so a socket by this name is left from a run that crashed.
        QLocalServer.removeServer(self.name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # Still the only instance (the lock says so); later starts just cannot raise this window.
            log.warning("could not listen on local socket %s: %s", self.name, server.errorString())
            return
        server.newConnection.connect(self._accept)
        self._server = server

    def _accept(self) -> None:
        while self._server is not None and self._server.hasPendingConnections():
            conn = self._server.nextPendingConnection()
            conn.readyRead.connect(lambda c=conn: self._read(c))
            conn.disconnected.connect(lambda c=conn: self._forget(c))
            if conn.bytesAvailable():
                self._read(conn)

    def _read(self, conn: QLocalSocket) -> None:
        data = self._buffers.get(id(conn), b"") + bytes(conn.readAll().data())
        line, newline, rest = data.partition(b"\n")
        if not newline:
            self._buffers[id(conn)] = data[-64:]  # only a short command is expected
            return
        self._buffers.pop(id(conn), None)
        if line + newline == RAISE:
            conn.write(ACK)
            conn.flush()
            self.activated.emit()
        conn.disconnectFromServer()

    def _forget(self, conn: QLocalSocket) -> None:
        self._buffers.pop(id(conn), None)
        conn.deleteLater()

    # --- later starts ------------------------------------------------------------------------

    def _notify(self, timeout_ms: int) -> bool:
        """Send "raise"; True when the running instance confirmed it.

        Retries for a moment: the lock holder may be between taking the lock and listening.
        """
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            remaining = max(1, int((deadline - time.monotonic()) * 1000))
            sock = QLocalSocket()
            sock.connectToServer(self.name)
            if sock.waitForConnected(min(remaining, 500)):
                sock.write(RAISE)
                sock.waitForBytesWritten(remaining)
                answer = b""
                while ACK not in answer and sock.waitForReadyRead(max(1, int((deadline - time.monotonic()) * 1000))):
                    answer += bytes(sock.readAll().data())
                sock.abort()
                return ACK in answer
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
