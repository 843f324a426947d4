"""The scoreboard grid: game cards in rows, under one header per group.

A dumb view over the sorted, filtered games model: groups are consecutive
rows of one league (favourites form the first group). ``dataChanged`` only
refreshes the cards of the changed rows; rows inserted, removed or moved
schedule one re-layout for the next turn of the event loop, however many
arrive at once. Cards are kept per game, so a card that leaves the filter
and comes back remembers nothing wrong and costs no rebuild.

The grid does not move under the pointer: while it is over the grid, a
re-layout (a game starred, a status change re-sorting the games, a new game)
waits until it leaves — for a few seconds at most, or a mouse left resting
on a wall display would hide every new game all day; the cards still show
every change in place. Cards
widen to share the width there is, and narrow to fit a narrow window.
"""

from __future__ import annotations

import time

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QEvent,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.models.games import CardView, Role
from desktop.ui.card import CARD_WIDTH, GameCard
from desktop.ui.fader import Fader
from desktop.ui.theme import Accents, style

SPACING = 10
HOLD_MS = 3000  # how long a re-layout waits for the pointer to leave, at most
MIN_CARD, MAX_CARD = 240, 440
FAVOURITES = "★ Favourites"
BUDGET = 0.004  # seconds of card updates per loop turn; a burst's rest waits a turn


class GameGrid(QScrollArea):
    """Cards for every row of ``model`` (a ``GamesFilter``).

    Signals:
        game_activated(str): a card was opened (click, Enter).
        favourite_toggled(str): a card's star was pressed.
        reveal(str): R on a card: show its score while scores are hidden.
    """

    game_activated = Signal(str)
    favourite_toggled = Signal(str)
    reveal = Signal(str)

    def __init__(
        self, model: QAbstractItemModel, accents: Accents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._accents = accents
        self.setObjectName("grid")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self._model = model
        self._body = QWidget()
        self._body.setObjectName("gridBody")
        self._layout = QGridLayout(self._body)
        self._layout.setSpacing(SPACING)
        self._layout.setContentsMargins(12, 12, 12, 12)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setWidget(self._body)
        self.cards: dict[str, GameCard] = {}
        self._fader = Fader(self)
        self._sections: dict[str, tuple[QWidget, QGridLayout]] = {}
        self._order: list[str] = []
        self._columns = 1
        self._card_width = CARD_WIDTH
        self._deferred = False  # a re-layout waits for the pointer to leave
        self._forced = False  # … unless the window is being resized
        self.empty = QLabel("Waiting for games…")
        self.empty.setObjectName("empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setContentsMargins(0, 40, 0, 40)
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self._on_relayout)
        self.hold = QTimer(self)  # the pointer stays: re-layout anyway (public: tests)
        self.hold.setSingleShot(True)
        self.hold.setInterval(HOLD_MS)
        self.hold.timeout.connect(self._hold_over)
        self._dirty: dict[int, None] = {}  # rows whose cards are yet to show a change
        self._turn: float | None = None  # when this loop turn's card updates began
        self._next_turn = QTimer(self)
        self._next_turn.setSingleShot(True)
        self._next_turn.setInterval(0)
        self._next_turn.timeout.connect(self._on_next_turn)
        model.dataChanged.connect(self._on_data_changed)
        for signal in (
            model.rowsInserted,
            model.rowsRemoved,
            model.rowsMoved,
            model.layoutChanged,
            model.modelReset,
        ):
            signal.connect(self._relayout.start)
        self.restyle()
        self._on_relayout()

    # ------------------------------------------------------------------ public

    def visible_games(self) -> list[str]:
        """Game ids in the order shown."""
        return list(self._order)

    def restyle(self) -> None:
        """Fonts and colours again, after a theme change."""
        style(self.empty, px=15, color=self._accents["muted"])
        for section, _ in self._sections.values():
            for header in section.findChildren(QLabel, "groupHeader"):
                style(header, px=15, bold=True)
        for card in self.cards.values():
            card.restyle()

    @property
    def pending(self) -> int:
        """Changed rows whose cards are yet to show them (a burst's rest, next turn)."""
        return len(self._dirty)

    def set_empty_text(self, text: str) -> None:
        self.empty.setText(text)

    def focus_first(self) -> None:
        if self._order:
            self.cards[self._order[0]].setFocus()

    # ------------------------------------------------------------------ model → cards

    def refresh(self) -> None:
        """Every card shows its row again (after something beside the model changed)."""
        for i in range(self._model.rowCount()):
            index = self._model.index(i, 0)
            card = self.cards.get(index.data(Role.GAME_ID))
            if card is not None:
                card.show_row(index)

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        if self._relayout.isActive():
            return  # the coming re-layout refreshes every card anyway
        self._dirty.update(dict.fromkeys(range(top_left.row(), bottom_right.row() + 1)))
        self._show_dirty()

    def _show_dirty(self, first: bool = False) -> None:
        """Show changed rows on their cards, for at most ``BUDGET`` of each loop turn.

        What is left waits for the next turn (and paint) without blocking it; a row
        changed again meanwhile is shown once, at its newest. The models are always
        whole: this only paces the cards.
        """
        if self._turn is None:
            self._turn = time.perf_counter()
            self._next_turn.start()
        while self._dirty and not self._relayout.isActive():
            if time.perf_counter() - self._turn >= BUDGET and not first:
                break
            first = False  # a new turn shows one row at least, however slow: progress
            row = next(iter(self._dirty))
            del self._dirty[row]
            view: CardView | None = self._model.index(row, 0).data(Role.CARD)  # one read
            if view is None:
                continue  # (a row gone: the re-layout it caused shows every card)
            card = self.cards.get(view.state.game_id)
            moved = card is None or self._group_of(view) != card.property("group")
            if moved and not self._deferred:  # (deferred: it re-lays out when the pointer leaves)
                self._relayout.start()
            if card is not None:
                card.show_view(view)  # in place, even while a re-layout waits

    def _on_next_turn(self) -> None:
        self._turn = None
        if self._dirty:
            self._show_dirty(first=True)

    @staticmethod
    def _group_of(view: CardView) -> str:
        return FAVOURITES if view.favourite else view.league

    def _group(self, index: QModelIndex) -> str:
        return FAVOURITES if index.data(Role.FAVOURITE) else index.data(Role.LEAGUE)

    def _on_relayout(self) -> None:
        """Place every card of the model, in order, in its group's section.

        Sections flow like words: a group with few games takes few columns,
        and the next group starts beside it when it fits.
        """
        if self._order and not self._forced and self.viewport().underMouse():
            self._deferred = True  # the card under the pointer stays put (see leaveEvent)
            if not self.hold.isActive():
                self.hold.start()
            rows = range(self._model.rowCount())  # … but rows moved: every card catches up
            self._dirty = dict.fromkeys(rows)
            self._show_dirty()
            return
        self.hold.stop()
        self._deferred = self._forced = False
        self._dirty.clear()  # every card shows its row below
        layout = self._layout
        for grid in (layout, *(inner for _, inner in self._sections.values())):
            while grid.count():
                item = grid.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.hide()
        columns = self._columns = self._fit_columns()
        self._card_width = self._width_for(columns)
        for c in range(max(columns, layout.columnCount())):  # fewer columns: the rest let go
            layout.setColumnMinimumWidth(c, self._card_width if c < columns else 0)
        groups: dict[str, list[str]] = {}
        for i in range(self._model.rowCount()):
            index = self._model.index(i, 0)
            game_id = index.data(Role.GAME_ID)
            group = self._group(index)
            groups.setdefault(group, []).append(game_id)
            card = self._card(game_id)
            card.set_width(self._card_width)
            card.setProperty("group", group)
            card.show_row(index)
        row = col = 0
        for group, game_ids in groups.items():
            span = min(len(game_ids), columns)
            if col and col + span > columns:
                row, col = row + 1, 0
            section = self._section(group, game_ids, span)
            layout.addWidget(section, row, col, 1, span, Qt.AlignmentFlag.AlignTop)
            section.show()
            col += span
        self._order = [g for ids in groups.values() for g in ids]
        self._forget_gone()
        if not self._order:
            layout.addWidget(self.empty, 0, 0, 1, columns)
            self.empty.show()

    def _forget_gone(self) -> None:
        """Delete the cards of games the model no longer has (a new epoch, games that
        ended long ago): kept, they would pile up over days. Filtered-out ones stay."""
        source = self._model
        if isinstance(source, QAbstractProxyModel):
            source = source.sourceModel()
        games = {source.index(i, 0).data(Role.GAME_ID) for i in range(source.rowCount())}
        for game_id in [g for g in self.cards if g not in games]:
            card = self.cards.pop(game_id)
            self._fader.forget(card)
            card.hide()
            card.deleteLater()

    def _card(self, game_id: str) -> GameCard:
        card = self.cards.get(game_id)
        if card is None:
            card = self.cards[game_id] = GameCard(game_id, self._fader, self._accents, self._body)
            card.activated.connect(self.game_activated)
            card.favourite_toggled.connect(self.favourite_toggled)
            card.reveal.connect(self.reveal)
            card.navigate.connect(self._on_navigate)
        return card

    def _section(self, group: str, game_ids: list[str], span: int) -> QWidget:
        """A group's header over its cards, ``span`` cards wide."""
        if group not in self._sections:
            section = QWidget(self._body)
            section.setObjectName("section")
            box = QVBoxLayout(section)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(4)
            header = QLabel(group, section)
            header.setObjectName("groupHeader")
            header.setAccessibleName(f"{group} games")
            header.setContentsMargins(2, 8, 2, 0)
            style(header, px=15, bold=True)
            box.addWidget(header)
            grid = QGridLayout()
            box.addLayout(grid)
            box.addStretch(1)
            self._sections[group] = section, grid
        section, inner = self._sections[group]
        inner.setSpacing(SPACING)
        for k, game_id in enumerate(game_ids):
            card = self.cards[game_id]
            inner.addWidget(card, k // span, k % span)
            card.show()
        return section

    def _fit_columns(self) -> int:
        width = self._room()
        return max(1, (width + SPACING) // (CARD_WIDTH + SPACING))

    def _room(self) -> int:
        """The width cards may use: the viewport's, less a vertical scroll bar yet to come."""
        bar = self.verticalScrollBar()
        return self.viewport().width() - 24 - (0 if bar.isVisible() else bar.sizeHint().width())

    def _width_for(self, columns: int) -> int:
        """Cards share the width there is (within limits)."""
        width = self._room() - SPACING * (columns - 1)
        return max(MIN_CARD, min(MAX_CARD, width // columns))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        columns = self._fit_columns()
        if columns != self._columns or self._width_for(columns) != self._card_width:
            self._forced = True  # resizing: the pointer is on the window's frame
            self._relayout.start()

    def _hold_over(self) -> None:
        if self._deferred:
            self._forced = True
            self._relayout.start()

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        super().leaveEvent(event)
        if self._deferred:
            self._relayout.start()

    @property
    def waiting(self) -> bool:
        """A re-layout waits for the pointer to leave the grid."""
        return self._deferred

    # ------------------------------------------------------------------ keyboard

    def _on_navigate(self, game_id: str, key: int) -> None:
        """Arrow keys: Left/Right in reading order, Up/Down to the nearest card above/below."""
        if game_id not in self._order:
            return
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            i = self._order.index(game_id) + (1 if key == Qt.Key.Key_Right else -1)
            target = self._order[max(0, min(len(self._order) - 1, i))]
        else:
            here = self._center(game_id)
            sign = 1 if key == Qt.Key.Key_Down else -1
            below = [
                g for g in self._order if (self._center(g).y() - here.y()) * sign > CARD_WIDTH // 4
            ]
            if not below:
                return
            target = min(
                below,
                key=lambda g: (
                    abs(self._center(g).y() - here.y()),
                    abs(self._center(g).x() - here.x()),
                ),
            )
        card = self.cards[target]
        card.setFocus()
        self.ensureWidgetVisible(card)

    def _center(self, game_id: str) -> QPoint:
        card = self.cards[game_id]
        return card.mapTo(self._body, card.rect().center())
