"""A table model over a peewee query that fetches a window at a time.

Opened on the whole register it asks the database for BATCH rows and more only when the
view scrolls (Qt's canFetchMore/fetchMore), so 100,000 customers open as fast as 100.
A search instead hands it a finished, bounded list (`show_rows`), sorted in memory.
Sorting the whole register re-runs the query with ORDER BY on the database.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import peewee
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

BATCH = 200


@dataclass(frozen=True)
class Column:
    title: str  # translated by the caller
    value: Callable[[Any], Any]  # row object -> display value
    sort_field: peewee.Field | None = None  # None: not sortable on the database
    align_right: bool = False
    sort_key: Callable[[Any], Any] | None = None  # for in-memory sorting; defaults to `value`


class LazyQueryModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], query: Callable[[], peewee.ModelSelect[Any]], parent=None):
        super().__init__(parent)
        self.columns = columns
        self._query_factory = query
        self._rows: list[Any] = []
        self._more = False
        self._sort_column = 0
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._fixed = False  # True while showing a search result

    # -- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        """Back to the whole register, first window only."""
        self.beginResetModel()
        self._fixed = False
        self._rows = []
        self._more = True
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def show_rows(self, rows: list[Any]) -> None:
        """A finished list (a search result), sorted like the view."""
        self.beginResetModel()
        self._fixed = True
        self._rows = self._sorted(list(rows))
        self._more = False
        self.endResetModel()

    def _ordered_query(self) -> peewee.ModelSelect[Any]:
        query = self._query_factory()
        column = self.columns[self._sort_column]
        field = column.sort_field
        if field is None:
            field = self.columns[0].sort_field
        assert field is not None, "the first column of a register sorts"
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        primary_key = query.model._meta.primary_key
        assert isinstance(primary_key, peewee.Field)  # every register's model has one
        return query.order_by(field.desc() if descending else field.asc(), primary_key.asc())

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or not self._more:
            return
        batch = list(self._ordered_query().limit(BATCH).offset(len(self._rows)))
        self._more = len(batch) == BATCH
        if batch:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(batch) - 1)
            self._rows.extend(batch)
            self.endInsertRows()

    # -- sorting ----------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        if self._fixed:
            self.layoutAboutToBeChanged.emit()
            self._rows = self._sorted(self._rows)
            self.layoutChanged.emit()
        else:
            self.reload()

    def _sorted(self, rows: list[Any]) -> list[Any]:
        column = self.columns[self._sort_column]
        key = column.sort_key or column.value

        def safe(row):
            value = key(row)
            return (value is None, value if not isinstance(value, str) else value.casefold())

        return sorted(rows, key=safe, reverse=self._sort_order == Qt.SortOrder.DescendingOrder)

    # -- Qt's model interface ---------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(self._rows[index.row()])
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()]
        return None

    def row_object(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, predicate: Callable[[Any], bool]) -> int:
        return next((i for i, obj in enumerate(self._rows) if predicate(obj)), -1)
