"""E-fakturor: where every e-invoice stands, and the status-bar indicator of the send queue.

Both read the database in a worker thread on a timer (kassa.ui.workers), so a slow shared
database or a busy send queue never stalls the window. Retry and cancel are the send
queue's own functions (kassa.outbox.actions), also run off the UI thread. What is shown comes
from kassa.outbox.summary.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kassa.models import TransmissionState
from kassa.models.transmissions import PROBLEM_STATES
from kassa.outbox import actions
from kassa.outbox.states import state_text
from kassa.outbox.summary import (
    QueueSummary,
    TransmissionRow,
    load_transmissions,
    local_time,
    queue_summary,
)
from kassa.pagero.connector import PageroConnector
from kassa.pagero.contact import Contact, last_contact
from kassa.plural import count_of
from kassa.ui.focus import prepare_keyboard
from kassa.ui.register_dialog import record_table
from kassa.ui.rule_pack import ValidationLine
from kassa.ui.workers import run_in_background

ANSWER_LABELS = {
    "RecipientAccept": "Godkänd av köparen",
    "RecipientReject": "Avvisad av köparen",
    "RecipientRejectWithClearanceRemoval": "Avvisad av köparen",
}
STATE_COLOURS = {
    TransmissionState.DELIVERED: "#1a7f37", TransmissionState.APPROVED: "#1a7f37",
    TransmissionState.REJECTED: "#a40e26", TransmissionState.ERROR: "#a40e26",
    TransmissionState.NEEDS_ATTENTION: "#a40e26", TransmissionState.AWAITING_INTERACTION: "#8a5a00",
    TransmissionState.CANCELLED: "#6e7781",
}
REFRESH_MS = 5000


def answer_label(answer: str) -> str:
    return ANSWER_LABELS.get(answer, answer)


class TransmissionModel(QAbstractTableModel):
    HEADERS = ("Faktura", "Kund", "Status", "Tid", "Försök", "Pageros meddelande", "Köparens svar")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[TransmissionRow] = []

    def set_rows(self, rows: list[TransmissionRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_object(self, row: int) -> TransmissionRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, transmission_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == transmission_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return r.label
            if column == 1:
                return r.customer
            if column == 2:
                return self.tr(state_text(r.state))
            if column == 3:
                return local_time(r.updated_at)
            if column == 4:
                return str(r.attempts)
            if column == 5:
                return r.messages[-1] if r.messages else r.last_error
            if column == 6:
                return self.tr(answer_label(r.buyer_response)) if r.buyer_response else ""
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and r.state in STATE_COLOURS:
            return QBrush(QColor(STATE_COLOURS[r.state]))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return "\n".join(r.messages) or r.last_error
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return r.customer  # a long name shares the width with the message: whole here
        return None


class EInvoiceStatusDialog(QDialog):
    """E-fakturor: the list, the details of the chosen one, Försök igen / Avbryt sändningen."""

    def __init__(self, parent: QWidget | None = None, refresh_ms: int = REFRESH_MS):
        super().__init__(parent)
        self.setWindowTitle(self.tr("E-fakturor"))
        self.model = TransmissionModel(self)
        self.table = record_table(self, self.model)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # customer and message share the width
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.status_label = QLabel(self)
        self.retry_button = QPushButton(self.tr("&Försök igen"), self)
        self.cancel_button = QPushButton(self.tr("&Avbryt sändningen"), self)
        self.refresh_button = QPushButton(self.tr("&Uppdatera"), self)
        self.close_button = QPushButton(self.tr("Stäng"), self)
        for button in (self.retry_button, self.cancel_button, self.refresh_button, self.close_button):
            button.setAutoDefault(False)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.close_button)
        # Whether what goes out is checked with the official rules, and where to install them.
        self.validation = ValidationLine(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.validation)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self.table.selectionModel().currentRowChanged.connect(self._show_selected)
        self.model.modelReset.connect(self._show_selected)
        self.retry_button.clicked.connect(self.retry_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button.clicked.connect(self.reject)

        self._loading = False
        self._loaded_once = False
        self._selected_id: int | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.resize(1000, 560)
        prepare_keyboard(self)  # the list; the arrows choose an e-invoice
        self._show_selected()
        self.status_label.setText(self.tr("Hämtar …"))
        self.refresh()

    @property
    def loaded(self) -> bool:
        return self._loaded_once

    def refresh(self) -> None:
        if self._loading:
            return  # the previous read is still running; the next tick will catch up
        self._loading = True
        run_in_background(load_transmissions, on_result=self._loaded, on_error=self._load_failed)

    def _alive(self) -> bool:
        return shiboken6.isValid(self)

    def _loaded(self, rows: list[TransmissionRow]) -> None:
        if not self._alive():
            return
        self._loading = False
        selected = self.selected()
        keep = selected.id if selected else self._selected_id
        self.model.set_rows(rows)
        row = self.model.row_of(keep) if keep is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        self._loaded_once = True
        problems = sum(1 for r in rows if r.state in PROBLEM_STATES)
        text = count_of(len(rows), self.tr("e-faktura"), self.tr("e-fakturor"))
        if problems:
            text += " · " + self.tr("%1 behöver åtgärdas").replace("%1", str(problems))
        self.status_label.setText(text + " · " + self.tr("uppdaterad %1").replace(
            "%1", dt.datetime.now().strftime("%H:%M:%S")))

    def _load_failed(self, exc: BaseException) -> None:
        if not self._alive():
            return
        self._loading = False
        self.status_label.setText(self.tr("Kunde inte läsa e-fakturorna: %1").replace("%1", str(exc)))

    def selected(self) -> TransmissionRow | None:
        index = self.table.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def _show_selected(self, *args) -> None:
        r = self.selected()
        self._selected_id = r.id if r else self._selected_id
        self.retry_button.setEnabled(r is not None and r.can_retry)
        self.cancel_button.setEnabled(r is not None and r.can_cancel)
        if r is None:
            self.details.setPlainText("")
            return
        lines = [
            (self.tr("Påminnelse %1 om faktura %2 till %3").replace("%1", str(r.reminder_sequence))
             .replace("%2", str(r.invoice_number)).replace("%3", r.customer) if r.reminder_sequence is not None
             else self.tr("Faktura %1 till %2").replace("%1", str(r.invoice_number)).replace("%2", r.customer)),
            self.tr("Status: %1").replace("%1", self.tr(state_text(r.state))),
            self.tr("Köad: %1 · senast ändrad: %2 · försök: %3 · läge: %4")
            .replace("%1", local_time(r.created_at)).replace("%2", local_time(r.updated_at))
            .replace("%3", str(r.attempts)).replace("%4", r.send_mode),
        ]
        if r.document_id:
            lines.append(self.tr("Pageros dokument-id: %1").replace("%1", r.document_id))
        if r.buyer_response:
            lines.append(self.tr("Köparens svar: %1 (%2)").replace("%1", self.tr(answer_label(r.buyer_response)))
                         .replace("%2", local_time(r.buyer_response_at)))
        if r.last_error:
            lines.append(self.tr("Senaste fel: %1").replace("%1", r.last_error))
        if r.messages:
            lines.append(self.tr("Meddelanden från Pagero:"))
            lines += [f"  • {at} {m}".replace("•  ", "• ") for at, m in zip(r.message_times, r.messages, strict=True)]
        self.details.setPlainText("\n".join(lines))

    def _act(self, function, done_text: str) -> None:
        r = self.selected()
        if r is None:
            return
        self.retry_button.setEnabled(False)
        self.cancel_button.setEnabled(False)

        def finished(_value: Any) -> None:
            if self._alive():
                self.status_label.setText(done_text)
                self.refresh()

        def failed(exc: BaseException) -> None:
            if self._alive():
                self.status_label.setText(str(exc))
                self.refresh()

        run_in_background(function, r.id, on_result=finished, on_error=failed)

    def retry_selected(self) -> None:
        self._act(actions.retry, self.tr("Fakturan läggs i kön igen och skickas strax."))

    def cancel_selected(self) -> None:
        self._act(actions.cancel, self.tr("Sändningen är avbruten."))


# -- the status-bar indicator -----------------------------------------------------------


@dataclass(frozen=True)
class IndicatorState:
    connected: bool | None  # None: the keyring could not be asked
    queue: QueueSummary
    contact: Contact | None = None  # the last contact with Pagero in this process


def indicator_state(connector: PageroConnector) -> IndicatorState:
    """Runs in a worker thread."""
    return IndicatorState(connector.is_connected(), queue_summary(problem_limit=20), last_contact())


def _clock(at: dt.datetime) -> str:
    return at.astimezone().strftime("%H.%M")


def connection_text(state: IndicatorState) -> tuple[str, str, bool]:
    """(what the status bar says of Pagero, the tooltip's detail, whether it is a warning).

    From the last contact's result when there was one; "ansluten" alone only says that Kassa holds
    a login, so it is never said of a Pagero that did not answer."""
    if state.connected is False or state.queue.not_connected:
        return "ej ansluten", state.queue.not_connected_text, True
    contact = state.contact
    if contact is not None and not contact.reached:
        return f"går inte att nå sedan {_clock(contact.since)}", contact.detail, True
    if contact is not None:
        return f"nådd {_clock(contact.at)}", contact.detail, False
    if state.connected is None:
        return "anslutning okänd", "Nyckelringen kunde inte läsas.", True
    return "ansluten, ingen kontakt än", "Kassa har en inloggning hos Pagero men har inte hört av Pagero än.", False


class QueueIndicator(QWidget):
    """"Pagero: ansluten · 2 i kö · 1 problem" in the status bar; click to open E-fakturor."""

    clicked = Signal()
    updated = Signal(object)  # the IndicatorState, after each refresh

    def __init__(self, parent: QWidget | None = None, interval_ms: int = 10_000,
                 connector: PageroConnector | None = None):
        super().__init__(parent)
        self.connector = connector if connector is not None else PageroConnector()
        self.label = QLabel(self.tr("Pagero: …"), self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.tr("E-fakturor: klicka för att se var varje e-faktura står"))
        self.state: IndicatorState | None = None
        self._busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        QTimer.singleShot(0, self.refresh)

    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True
        run_in_background(indicator_state, self.connector, on_result=self._show, on_error=self._failed)

    def _show(self, state: IndicatorState) -> None:
        if not shiboken6.isValid(self):
            return
        self._busy = False
        self.state = state
        queue = state.queue
        said, detail, warning = connection_text(state)
        connection = self.tr(said)
        if warning:
            connection = f"<span style='color:#8a5a00'>{connection}</span>"
        parts = [self.tr("Pagero: %1").replace("%1", connection),
                 self.tr("%1 i kö").replace("%1", str(queue.in_progress))]
        if queue.problems:
            problems = self.tr("%1 problem").replace("%1", str(len(queue.problems)))
            parts.append(f"<b style='color:#a40e26'>{problems}</b>")
        if queue.interest_pending:
            parts.append(self.tr("intresseanmälan väntar"))
        self.label.setText(" · ".join(parts))
        tip = [detail] if detail else []
        tip += [f"{p.label} {p.customer}: {p.text}" for p in queue.problems[:10]]
        self.label.setToolTip("\n".join(tip) or self.tr("E-fakturor: klicka för att se var varje e-faktura står"))
        self.updated.emit(state)

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._busy = False
        self.label.setText(self.tr("Pagero: status okänd"))
        self.label.setToolTip(str(exc))

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)
