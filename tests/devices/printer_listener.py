"""A TCP listener on 127.0.0.1 standing in for a network receipt printer (raw port 9100).

Each connection is one job: everything received is kept in `jobs`, in the order the connections
were accepted (the order of the prints), whichever closes first. Real-time status questions
(DLE EOT n) sent before any print data are answered like an Epson printer would in `condition`:
ready, paper_low, paper_out, cover_open, error, offline, or silent (no answers at all).
`stop()` closes the port (the printer is off: connections are refused); `start()` opens it again.
"""
from __future__ import annotations

import socket
import threading
import time

# (DLE EOT 1 printer status, DLE EOT 2 offline cause, DLE EOT 4 paper sensor)
CONDITIONS = {
    "ready": (0x12, 0x12, 0x12),
    "paper_low": (0x12, 0x12, 0x1E),
    "paper_out": (0x1A, 0x32, 0x72),
    "cover_open": (0x1A, 0x16, 0x12),
    "error": (0x1A, 0x52, 0x12),
    "offline": (0x1A, 0x12, 0x12),
}


class PrinterListener:
    def __init__(self, port: int = 0, condition: str = "ready"):
        self.condition = condition
        self._slots: list[bytes | None] = []  # one per accepted connection, filled when it closes
        self._port = port
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._changed = threading.Condition(self._lock)

    @property
    def port(self) -> int:
        return self._port

    @property
    def connections(self) -> int:
        return len(self._slots)

    @property
    def jobs(self) -> list[bytes]:
        with self._lock:
            return [job for job in self._slots if job is not None]

    def start(self) -> PrinterListener:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self._port))
        server.listen(8)
        server.settimeout(0.05)
        self._port = server.getsockname()[1]
        self._server = server
        self._thread = threading.Thread(target=self._accept, args=(server,), daemon=True, name="printer-listener")
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> PrinterListener:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> list[bytes]:
        """The first `count` jobs, once their connections have closed."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._slots) < count or any(job is None for job in self._slots[:count]):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self._slots)} connection(s), {count} finished jobs expected")
                self._changed.wait(left)
            return [job for job in self._slots[:count] if job is not None]

    def _accept(self, server: socket.socket) -> None:
        while self._server is server:
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                index = len(self._slots)
                self._slots.append(None)
            threading.Thread(target=self._serve, args=(connection, index), daemon=True).start()

    def _serve(self, connection: socket.socket, index: int) -> None:
        received = bytearray()
        answered = 0  # bytes of status questions already answered
        with connection:
            connection.settimeout(5)
            while True:
                try:
                    chunk = connection.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                received += chunk
                # Answer DLE EOT n while nothing but status questions has arrived.
                while (len(received) >= answered + 3 and received[answered:answered + 2] == b"\x10\x04"
                       and self.condition != "silent"):
                    n = received[answered + 2]
                    status = CONDITIONS[self.condition][{1: 0, 2: 1, 4: 2}.get(n, 0)]
                    connection.sendall(bytes([status]))
                    answered += 3
        with self._changed:
            self._slots[index] = bytes(received)
            self._changed.notify_all()
