"""A game's sport-specific ``detail`` as a table: item, home, away.

Generic over sports (see ``describe.detail_rows``); rows whose text did not
change are left alone, so a live game's panel updates without a reset.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from broadcaster.protocol import GameState
from desktop.models.describe import detail_rows

Index = QModelIndex | QPersistentModelIndex


class DetailModel(QAbstractTableModel):
    """Three columns: what, the home team's value, the away team's."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str]] = []
        self._headers = ("", "Home", "Away")

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 3

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or not 0 <= index.column() < 3:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            item = self._rows[index.row()]
            if role == Qt.ItemDataRole.AccessibleTextRole and index.column():
                return f"{item[0]}, {self._headers[index.column()]}: {item[index.column()]}"
            return item[index.column()]
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < 3 else None
        return None

    def set_state(self, state: GameState) -> None:
        rows = detail_rows(state)
        headers = ("", state.home.short or "Home", state.away.short or "Away")
        if headers != self._headers:
            self._headers = headers
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 2)
        if [r[0] for r in rows] != [r[0] for r in self._rows]:
            self.beginResetModel()  # the items themselves changed (rare: a shoot-out begins)
            self._rows = rows
            self.endResetModel()
            return
        for i, row in enumerate(rows):
            if row != self._rows[i]:
                self._rows[i] = row
                self.dataChanged.emit(self.index(i, 0), self.index(i, 2))
