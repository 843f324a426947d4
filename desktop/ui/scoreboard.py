"""A game's scoreboard in the detail window: its line score grid and the sport's panel.

Both draw ``broadcaster.present``'s reading (``LineScore``, ``Panel``) and say
every cell in words for screen readers ("ARG, 1st: 2").
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from broadcaster.present import LineScore, Panel

CENTER = Qt.AlignmentFlag.AlignCenter


class LineScoreTable(QTableWidget):
    """Columns per period (then totals), a row per side or innings; sized to its contents."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lineScore")
        self.setAccessibleName("Line score")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._shown: LineScore | None = None
        self.caption = QLabel()
        self.caption.setObjectName("lineCaption")

    def show_line(self, line: LineScore) -> None:
        if line == self._shown:
            return
        self._shown = line
        self.setColumnCount(len(line.columns))
        self.setRowCount(len(line.rows))
        self.setHorizontalHeaderLabels(list(line.columns))
        self.setVerticalHeaderLabels([team for team, _ in line.rows])
        for r, (team, cells) in enumerate(line.rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(CENTER)
                column = line.columns[c] or "score"
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{team}, {column}: {text or '—'}")
                if c >= len(cells) - 1 or column in ("R", "H", "E", "Goals", "Sets", "T"):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.setItem(r, c, item)
        self.caption.setText(line.caption)
        self.caption.setVisible(bool(line.caption))
        self.setAccessibleDescription(self.text())
        height = self.horizontalHeader().height() + sum(
            self.rowHeight(r) for r in range(self.rowCount())
        )
        self.setFixedHeight(height + 2 * self.frameWidth() + 2)

    def text(self) -> str:
        """The whole grid in words: "1st 2nd … | ARG 2 0 … | FRA 0 2 …"."""
        if self._shown is None:
            return ""
        rows = [" ".join([team, *cells]) for team, cells in self._shown.rows]
        return " | ".join([" ".join(self._shown.columns), *rows])


class SportPanel(QFrame):
    """Figures per side (home | what | away) and sentences (what: text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sportPanel")
        self.setAccessibleName("Game facts")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(4, 4, 4, 4)
        self._grid.setColumnStretch(0, 1)
        self._grid.setColumnStretch(2, 1)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._grid.setVerticalSpacing(8)
        self._shown: Panel | None = None
        self.labels: list[QLabel] = []

    def show_panel(self, panel: Panel, home: str, away: str) -> None:
        if panel == self._shown:
            return
        self._shown = panel
        for label in self.labels:
            label.deleteLater()
        self.labels = []
        row = 0
        for what, h, a in panel.stats:
            cells = ((h, f"{home} {what}: {h}", 0), (what, what, 1), (a, f"{away} {what}: {a}", 2))
            for text, spoken, col in cells:
                label = self._add(text, spoken, row, col, 1)
                label.setAlignment(
                    (Qt.AlignmentFlag.AlignLeft, CENTER, Qt.AlignmentFlag.AlignRight)[col]
                    | Qt.AlignmentFlag.AlignVCenter
                )
                label.setProperty("muted", col == 1)
            row += 1
        for what, text in panel.facts:
            self._add(f"<b>{what}</b>  {text}", f"{what}: {text}", row, 0, 3)
            row += 1

    def _add(self, text: str, spoken: str, row: int, col: int, span: int) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        label.setAccessibleName(spoken)
        self._grid.addWidget(label, row, col, 1, span)
        self.labels.append(label)
        return label

    def texts(self) -> list[str]:
        return [label.accessibleName() for label in self.labels]
