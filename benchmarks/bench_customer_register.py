"""Customer register with 100,000 customers: time to open (first window) and to answer a search.

    QT_QPA_PLATFORM=offscreen /tmp/venv/bin/python benchmarks/bench_customer_register.py
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["KASSA_DATA_DIR"] = tempfile.mkdtemp(prefix="kassa-bench-")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kassa.models import Customer, connection  # noqa: E402

N = 100_000


def main() -> None:
    db = connection.connect()
    rows = [dict(number=n, name=f"Kund {n:06d}", name_key=f"kund {n:06d}", org_number=f"55{n:08d}")
            for n in range(1, N + 1)]
    with db.atomic():
        for start in range(0, N, 5000):
            Customer.insert_many(rows[start:start + 5000]).execute()
    app = QApplication([])
    from kassa.ui.customers import CustomerRegisterDialog

    opens = []
    for _ in range(5):
        t0 = time.perf_counter()
        dialog = CustomerRegisterDialog()
        dialog.show()
        app.processEvents()
        opens.append(time.perf_counter() - t0)
        dialog.close()
        dialog.deleteLater()
    dialog = CustomerRegisterDialog()
    dialog.show()
    searches = []
    for text in ("kund 0999", "kund 05", "55000123", "kund 1", "777"):
        loop = QEventLoop()
        dialog.model.modelReset.connect(loop.quit)
        QTimer.singleShot(10_000, loop.quit)
        t0 = time.perf_counter()
        dialog.search_edit.setText(text)
        loop.exec()
        searches.append(time.perf_counter() - t0 - 0.2)  # minus the 200 ms typing pause
        dialog.model.modelReset.disconnect(loop.quit)
    print(f"open with {N} customers: median {statistics.median(opens) * 1000:.0f} ms (of {len(opens)})")
    print(f"search after the typing pause: median {statistics.median(searches) * 1000:.0f} ms, "
          f"max {max(searches) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
