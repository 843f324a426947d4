"""The grid's view of the games: filtered (sport, league, live only, search), sorted, grouped.

Sorted by ``GamesModel.sort_key`` (favourites first, then league, then live
before scheduled before final), so consecutive rows of one league form its
group. Not ``dynamicSortFilter``: Qt's proxy would re-sort and re-filter on
every ``dataChanged`` (every score, every clock tick), whatever its roles.
It sorts and filters again when the games model says the order may have
changed (a game added, a status or a favourite changed), and when a filter
is set.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
)

from desktop.models.games import GamesModel, Role

Index = QModelIndex | QPersistentModelIndex
LIVE = frozenset({"live", "break"})


class GamesFilter(QSortFilterProxyModel):
    """Filter and order for the game grid; setters filter and sort again at once."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sport = ""
        self._league = ""
        self._live_only = False
        self._words: tuple[str, ...] = ()
        self.setDynamicSortFilter(False)
        self.setSortRole(Role.SORT_KEY)
        self.sort(0)

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802
        old = self.sourceModel()
        if isinstance(old, GamesModel):
            old.order_changed.disconnect(self.invalidate)
        super().setSourceModel(model)
        if isinstance(model, GamesModel):
            model.order_changed.connect(self.invalidate)
        self.invalidate()

    def set_sport(self, sport: str) -> None:
        """Only games of ``sport`` ("" for every sport)."""
        self._sport = sport
        self.invalidate()

    def set_league(self, league: str) -> None:
        self._league = league
        self.invalidate()

    def set_live_only(self, live_only: bool) -> None:
        self._live_only = live_only
        self.invalidate()

    def set_search(self, text: str) -> None:
        """Every word must appear in a team name or short, the league, sport or venue."""
        self._words = tuple(text.casefold().split())
        self.invalidate()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if self._sport and model.data(index, Role.SPORT) != self._sport:
            return False
        if self._league and model.data(index, Role.LEAGUE) != self._league:
            return False
        if self._live_only and model.data(index, Role.STATUS) not in LIVE:
            return False
        if self._words:
            haystack = model.data(index, Role.SEARCH) or ""
            return all(word in haystack for word in self._words)
        return True

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        return bool(model.data(left, Role.SORT_KEY) < model.data(right, Role.SORT_KEY))
