"""One game's play-by-play, newest first, from history pages and live events.

Events are merged by ``seq`` (a play seen both live and in a history page is
one row), so the order of arrival never matters. A ``correction`` is a row of
its own that says what it did; the play it targets stays, struck through and
marked voided (screen readers get the word, not just the strike-through).
Older pages are fetched as the view scrolls (``canFetchMore``/``fetchMore``).
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from broadcaster.present import event_score, play_text, when
from broadcaster.protocol import Event, GameState

Index = QModelIndex | QPersistentModelIndex
HIDDEN_KINDS = frozenset({"clock.set"})  # bookkeeping, not plays
PAGE = 200


class PlayRole(enum.IntEnum):
    SEQ = Qt.ItemDataRole.UserRole + 1
    KIND = enum.auto()
    TEXT = enum.auto()
    VOIDED = enum.auto()
    CORRECTION = enum.auto()  # how a correction changed this play ("" if none)


@dataclass(slots=True)
class Play:
    seq: int
    kind: str
    when: str  # period label and clock at the event
    text: str
    score: str
    state: GameState
    correction: str = ""  # set on a corrected play

    @property
    def voided(self) -> bool:
        return bool(self.correction)


class PlaysModel(QAbstractTableModel):
    """The play-by-play of ``game_id``: when, what, the score after it (three columns).

    Signals:
        history_wanted(str, int): game id and the ``before`` seq of the next older page.
    """

    history_wanted = Signal(str, int)

    def __init__(self, game_id: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.game_id = game_id
        self._plays: list[Play] = []  # newest first
        self._keys: list[int] = []  # -seq, ascending, for bisect
        self._fixes: dict[int, str] = {}  # target seq -> what its correction did
        self._more = False  # the last history page was full: older plays exist
        self._waiting = False

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._plays)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 3

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ("When", "Play", "Score")[section] if 0 <= section < 3 else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._plays) or not 0 <= index.column() < 3:
            return None
        play = self._plays[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (play.when, play.text, play.score)[index.column()]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            voided = f"voided ({play.correction}): " if play.voided else ""
            return f"{play.when}, {voided}{play.text}, {play.score}".strip(", ")
        if role == Qt.ItemDataRole.FontRole and play.voided:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and play.voided:
            return play.correction
        return self._role(play, role)

    @staticmethod
    def _role(play: Play, role: int) -> Any:
        if role == PlayRole.SEQ:
            return play.seq
        if role == PlayRole.KIND:
            return play.kind
        if role == PlayRole.TEXT:
            return play.text
        if role == PlayRole.VOIDED:
            return play.voided
        if role == PlayRole.CORRECTION:
            return play.correction
        return None

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and self._more and not self._waiting

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if self.canFetchMore(parent) and self._keys:
            self._waiting = True
            self.history_wanted.emit(self.game_id, -self._keys[-1])

    # ------------------------------------------------------------------ writing

    def add_history(self, events: list[Event], limit: int = PAGE) -> None:
        """A history page (newest first); a full page means there is more before it."""
        self._waiting = False
        self._more = len(events) >= limit
        self.add(events)

    def add(self, events: Iterable[Event]) -> None:
        """Events of this game, live or from history, in any order; repeats are ignored."""
        for event in events:
            if event.game_id != self.game_id:
                continue
            if event.kind == "correction":
                self._note_correction(event)
            if event.kind not in HIDDEN_KINDS:
                self._insert(event)

    def index(self, row: int, column: int = 0, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        return super().index(row, column, parent)

    def seqs(self) -> list[int]:
        return [p.seq for p in self._plays]

    def _insert(self, event: Event) -> None:
        key = -event.seq
        row = bisect.bisect_left(self._keys, key)
        if row < len(self._keys) and self._keys[row] == key:
            return
        before = self._plays[row].state if row < len(self._plays) else None  # the play before
        play = Play(
            seq=event.seq,
            kind=event.kind,
            when=when(event),
            text=play_text(event.kind, event.data, event.state, event, before),
            score=event_score(event),
            state=event.state,
            correction=self._fixes.get(event.seq, ""),
        )
        self.beginInsertRows(QModelIndex(), row, row)
        self._keys.insert(row, key)
        self._plays.insert(row, play)
        self.endInsertRows()

    def _note_correction(self, event: Event) -> None:
        target, action = event.data.get("target"), event.data.get("action")
        if not isinstance(target, int):
            return
        if action == "amend" and isinstance(event.data.get("data"), dict):
            row = self._row(target)
            kind = self._plays[row].kind if row is not None else "score"
            fix = "amended to: " + play_text(kind, event.data["data"], event.state)
        else:
            fix = f"voided by correction #{event.seq}"
        self._fixes[target] = fix
        row = self._row(target)
        if row is not None:
            self._plays[row].correction = fix
            self.dataChanged.emit(self.index(row, 0), self.index(row, 2))

    def _row(self, seq: int) -> int | None:
        row = bisect.bisect_left(self._keys, -seq)
        return row if row < len(self._keys) and self._keys[row] == -seq else None
