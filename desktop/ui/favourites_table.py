"""The Settings dialog's favourites: one row per team (or game id), a check box per kind
of notification, so each favourite can be told of only what its fan wants."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.notify.rules import KIND_NAMES, KINDS


class FavouritesTable(QWidget):
    def __init__(
        self, favourites: list[str], muted_for: dict[str, list[str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 1 + len(KINDS), self)
        self.table.setAccessibleName("Favourites")
        self.table.setHorizontalHeaderLabels(["Team or game", *(KIND_NAMES[k] for k in KINDS)])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumSize(600, 150)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
        for name in favourites:
            self.add(name, muted_for.get(name, []))
        add, remove = QPushButton("&Add", self), QPushButton("&Remove", self)
        add.setAccessibleName("Add a favourite")
        remove.setAccessibleName("Remove the selected favourite")
        add.clicked.connect(self._on_add)
        remove.clicked.connect(self._on_remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add(self, name: str, muted: list[str]) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        for column, kind in enumerate(KINDS, 1):
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            checked = Qt.CheckState.Unchecked if kind in muted else Qt.CheckState.Checked
            item.setCheckState(checked)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{KIND_NAMES[kind]} for {name}")
            self.table.setItem(row, column, item)
        return row

    def _on_add(self) -> None:
        row = self.add("", [])
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.editItem(item)

    def _on_remove(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)

    def chosen(self) -> tuple[list[str], dict[str, list[str]]]:
        """The favourites (blank rows dropped) and the kinds each one skips."""
        favourites: list[str] = []
        muted_for: dict[str, list[str]] = {}
        for row in range(self.table.rowCount()):
            items = [self.table.item(row, column) for column in range(1 + len(KINDS))]
            name = items[0].text().strip() if items[0] is not None else ""
            if not name or name in favourites:
                continue
            favourites.append(name)
            checked = [i is not None and i.checkState() == Qt.CheckState.Checked for i in items]
            skipped = [kind for kind, on in zip(KINDS, checked[1:], strict=True) if not on]
            if skipped:
                muted_for[name] = skipped
        return sorted(favourites), muted_for
