"""The filter bar over the grid: search, sport, league, live only.

Each control tells the games filter at once; ``offer`` fills the sport and league
choices with what the feed has shown, keeping the current choice.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QToolBar, QWidget

from broadcaster.protocol import GameState
from desktop.models.filter import GamesFilter

ALL = ""


class FilterBar(QToolBar):
    def __init__(self, view_model: GamesFilter, parent: QWidget | None = None) -> None:
        super().__init__("Filters", parent)
        self.setObjectName("filters")
        self.setMovable(False)
        self.view_model = view_model
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search teams, leagues, venues  (Ctrl+F)")
        self.search.setAccessibleName("Search games")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self.search.textChanged.connect(view_model.set_search)
        self.sport = QComboBox(self)
        self.sport.setAccessibleName("Sport")
        self.sport.addItem("All sports", ALL)
        self.sport.currentIndexChanged.connect(self._on_sport)
        self.league = QComboBox(self)
        self.league.setAccessibleName("League")
        self.league.addItem("All leagues", ALL)
        self.league.currentIndexChanged.connect(self._on_league)
        self.live_only = QCheckBox("Live only", self)
        self.live_only.setAccessibleName("Show live games only")
        self.live_only.toggled.connect(view_model.set_live_only)
        for widget in (self.search, self.sport, self.league, self.live_only):
            self.addWidget(widget)

    def offer(self, states: Sequence[GameState]) -> None:
        """Offer every sport and league seen."""
        _refill(self.sport, "All sports", sorted({s.sport for s in states}))
        _refill(self.league, "All leagues", sorted({s.league for s in states}))

    def _on_sport(self) -> None:
        self.view_model.set_sport(self.sport.currentData() or ALL)

    def _on_league(self) -> None:
        self.view_model.set_league(self.league.currentData() or ALL)


def _refill(combo: QComboBox, everything: str, values: list[str]) -> None:
    """Replace a filter's choices, keeping the current one."""
    current = combo.currentData() or ALL
    if [combo.itemData(i) for i in range(1, combo.count())] == values:
        return
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, ALL)
    for value in values:
        combo.addItem(value.replace("_", " ").capitalize() if value.islower() else value, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)
