"""One game's card in the grid: teams, each side's headline, the fan's status line.

What it shows is ``broadcaster.present``'s reading of the game (the model's
``Role.BOARD``): "155/9" and "yet to bat", "4 1 6 3", a dot beside the side
serving, batting or with the ball, tags ("1 red card", "power play", "bonus"),
a bases diamond with outs in baseball, and under it the status or a final's
result ("Argentina won 4–2 on penalties"). When the feed is lost the card says
so and how old its score is (``set_stale``).

A dumb view of one model row (``show_row``). When a score it shows goes up
(or down, after a correction) the card flashes: a glowing edge that fades,
and a ``▲ +3`` badge beside the score and a bar under it while it does (so
the change is not told by colour alone); screen readers hear the focused
game's and the favourites' changes (``desktop.ui.announce``). The
card's accessible name is always the whole line, scores included.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QRegion,
)
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QToolButton, QWidget

from broadcaster.present import Board
from broadcaster.protocol import GameState
from desktop.models.games import CardView, Role
from desktop.ui.backdrop import Look, paint_backdrop
from desktop.ui.bases import BasesDiamond
from desktop.ui.fader import Fader
from desktop.ui.theme import Accents, style

Index = QModelIndex | QPersistentModelIndex
CARD_WIDTH = 300
MARGIN = 10
SPACING = 8
SHORT_WIDTH = 34
SCORE_PX = 22
ELIDE = Qt.TextElideMode.ElideRight
_STATUS = {
    "live": "● LIVE",
    "break": "❚❚ BREAK",
    "final": "■ FINAL",
    "scheduled": "◷ SCHEDULED",
    "suspended": "⚠ SUSPENDED",
    "postponed": "⚠ POSTPONED",
    "cancelled": "✕ CANCELLED",
}


class GameCard(QFrame):
    """Shows one game; Enter, a click or a double click opens its detail.

    Signals:
        activated(str): the game id, to open its detail.
        favourite_toggled(str): the star was pressed.
        reveal(str): R was pressed: show this game's score while scores are hidden.
        navigate(str, int): an arrow key was pressed on this card (game id, Qt key).
    """

    activated = Signal(str)
    favourite_toggled = Signal(str)
    reveal = Signal(str)
    navigate = Signal(str, int)

    def __init__(
        self, game_id: str, fader: Fader, accents: Accents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.game_id = game_id
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.NoFrame)  # painted here: no style sheet (see theme)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFixedWidth(CARD_WIDTH)  # the grid widens cards to use its width (set_width)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._state: GameState | None = None
        self._flash = 0.0
        self._flashed: set[str] = set()  # sides whose score changed
        self._score_w = self._score_h = self._figures = 0  # score labels' size; "888"'s width
        self._refit = False  # what the card shows changed its layout
        self._favourite = False
        self._names_shown: tuple[str, str, int] | None = None  # names elided to a width
        self._teams: tuple[str, ...] = ()  # league and teams shown
        self._extras: dict[str, tuple[str, str, str]] = {}  # side → (name, ball, tags) shown
        self._accents = accents
        self._fader = fader
        self._build()
        self.restyle()

    def _build(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(MARGIN, 8, MARGIN, 8)
        grid.setHorizontalSpacing(SPACING)
        grid.setVerticalSpacing(2)
        self.status = _label("status")
        self.star = QToolButton(self)
        self.star.setObjectName("star")
        self.star.setAutoRaise(True)
        self.star.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # F on the card does the same
        self.star.clicked.connect(self._on_star)
        grid.addWidget(self.status, 0, 0, 1, 2)
        grid.addWidget(self.star, 0, 2, 1, 4, Qt.AlignmentFlag.AlignRight)
        self.names: dict[str, QLabel] = {}
        self.scores: dict[str, QLabel] = {}
        self.badges: dict[str, QLabel] = {}
        self.dots: dict[str, QLabel] = {}
        self.tags: dict[str, QLabel] = {}
        for row, side in ((1, "home"), (3, "away")):
            short, name = _label("short"), _label("team")
            name.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            score, badge, dot, tag = _label("score"), _label("badge"), _label("dot"), _label("tag")
            score.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(short, row, 0)
            grid.addWidget(name, row, 1)
            grid.addWidget(dot, row, 2)
            grid.addWidget(score, row, 3)
            grid.addWidget(badge, row, 4)
            grid.addWidget(tag, row + 1, 1, 1, 3)
            self.names[side], self.scores[side], self.badges[side] = name, score, badge
            self.dots[side], self.tags[side] = dot, tag
            tag.hide()  # shown when there is something to say
            self.names[side + "_short"] = short
        self.bases = BasesDiamond(self)
        grid.addWidget(self.bases, 1, 5, 4, 1, Qt.AlignmentFlag.AlignVCenter)
        self.phase = _label("phase")
        grid.addWidget(self.phase, 5, 0, 1, 6)
        grid.setColumnStretch(1, 1)
        self._stale = ""
        self._quiet = ""  # "last update 6 min ago": this live game has been silent long

    def restyle(self) -> None:
        """Fonts and colours from the current palette and accents (after a theme change)."""
        muted = self._accents["muted"]
        live = self._accents["live"] if self.property("status") == "live" else muted
        style(self.status, px=11, bold=True, color=live)
        style(self.star, px=16, color=self._accents["star"])
        for side in ("home", "away"):
            style(self.names[side + "_short"], px=12, bold=True, color=muted)
            style(self.names[side], px=13)
            self._style_score(self.scores[side])
            style(self.badges[side], px=12, bold=True, color=self._accents["badge"])
            style(self.dots[side], px=12, color=self._accents["live"])
            style(self.tags[side], px=11, color=muted)
        style(self.phase, px=12)
        big = QFont(self.scores["home"].font())
        big.setPixelSize(SCORE_PX)
        big.setBold(True)
        self._names_shown = None  # the names are elided again in the new font
        self._figures = QFontMetrics(big).horizontalAdvance("888") + 4
        self._score_h = QFontMetrics(big).height()
        self._score_w = max(self._score_w, self._figures)
        self._fix_sizes()
        self.update()

    def _fix_sizes(self) -> None:
        """Fixed sizes for what changes often (scores, badges, the clock line) and the card.

        A widget whose size is fixed does not ask its parent's layout to recompute when its
        text changes; without this every score or clock tick re-laid out the whole grid.
        """
        for side in ("home", "away"):
            score, badge = self.scores[side], self.badges[side]
            score.setFixedSize(self._score_w, self._score_h)
            badge.setFixedSize(
                badge.fontMetrics().horizontalAdvance("▲ +88"), badge.fontMetrics().height()
            )
            dot = self.dots[side]
            dot.setFixedSize(dot.fontMetrics().horizontalAdvance("●"), self._score_h)
            self.tags[side].setFixedHeight(self.tags[side].fontMetrics().height())
        self.phase.setFixedSize(self.width() - 2 * MARGIN, self.phase.fontMetrics().height())
        self._fix_name_widths()
        self.status.setFixedHeight(self.status.fontMetrics().height())
        self.setMinimumHeight(0)
        self.setMaximumHeight(16777215)
        self.setFixedHeight(self.sizeHint().height())

    # ------------------------------------------------------------------ showing a row

    def show_row(self, index: Index) -> None:
        """Take everything shown from the model row ``index``."""
        self.show_view(index.data(Role.CARD))

    def show_view(self, view: CardView) -> None:
        """Show one row's ``CardView``; only what changed is touched: a clock tick costs
        two texts, not twelve."""
        state, favourite, board = view.state, view.favourite, view.board
        old, self._state = self._state, state
        changed = old is not state or favourite != self._favourite
        if changed:  # (no "+3" badge while scores are hidden)
            self._show_state(state, None if view.hidden else old, view.status, favourite)
        phase = self._stale or " · ".join(t for t in (board.line, self._quiet) if t)
        if changed or phase != self.phase.toolTip():
            self._show_board(board, state)
            self.phase.setText(
                self.phase.fontMetrics().elidedText(phase, ELIDE, self.phase.width())
            )
            self.phase.setToolTip(phase)
            self.phase.setAccessibleName(phase)
            extra = self._stale or self._quiet
            self.setAccessibleName(f"{view.text}, {extra}" if extra else view.text)

    def _style_score(self, score: QLabel) -> None:
        """A score in big figures; words ("yet to bat") smaller and muted."""
        words = bool(score.property("words"))
        score.setPalette(self.palette())
        muted = self._accents["muted"] if words else None
        style(score, px=13 if words else SCORE_PX, bold=not words, color=muted)

    def _show_board(self, board: Board, state: GameState) -> None:
        """Headlines, the dot, tags and the bases: what the sport adds to two numbers."""
        shown = state.status not in ("scheduled", "postponed", "cancelled")
        width = 0
        for side, team in (("home", state.home), ("away", state.away)):
            head = board.headline(side) if shown else "–"
            score = self.scores[side]
            words = not head[:1].isdigit() and head != "–"  # "yet to bat": words, not a score
            if bool(score.property("words")) != words:
                score.setProperty("words", words)
                self._style_score(score)
            width = max(width, score.fontMetrics().horizontalAdvance(head) + 4)
            score.setText(head)
            score.setAccessibleName(f"{team.name} {head}" if shown else team.name)
            ball = board.ball_word if board.ball == side else ""
            extras = (team.name, ball, ", ".join(board.tags.get(side, ())))
            if extras != self._extras.get(side):  # (the same most of the time: not touched)
                self._extras[side] = extras
                self._show_extras(side, *extras)
        had_bases = self.bases.isVisibleTo(self)
        self.bases.show_bases(board.bases, board.outs)
        if had_bases != self.bases.isVisibleTo(self) or max(width, self._figures) != self._score_w:
            self._score_w = max(width, self._figures)  # "4 1 6 3" takes room from the names
            self._refit = True
        if self._refit:  # the card's height and the names' widths follow what it shows
            self._refit = False
            self._fix_sizes()
        names = (state.home.name, state.away.name, self.names["home"].width())
        if names != self._names_shown:  # elided to the width: only when either changed
            self._names_shown = names
            for side, team in (("home", state.home), ("away", state.away)):
                name, full = self.names[side], team.name
                name.setText(name.fontMetrics().elidedText(full, ELIDE, name.width()))
                name.setToolTip(full if name.text() != full else "")

    def _show_extras(self, side: str, name: str, ball: str, tags: str) -> None:
        """The dot beside the side with the ball (serving, batting) and the side's tags."""
        self.dots[side].setText("●" if ball else "")
        self.dots[side].setAccessibleName(f"{name} {ball}" if ball else "")
        self.dots[side].setToolTip(ball)
        self.tags[side].setText(tags)
        self.tags[side].setAccessibleName(f"{name}: {tags}" if tags else "")
        if self.tags[side].isVisibleTo(self) != bool(tags):
            self.tags[side].setVisible(bool(tags))
            self._refit = True

    def _fix_name_widths(self) -> None:
        """Names get what the numbers, the dot and the bases leave; longer ones are elided."""
        bases = self.bases.sizeHint().width() + SPACING if self.bases.isVisibleTo(self) else 0
        h = self.scores["home"].width() + self.badges["home"].width() + self.dots["home"].width()
        width = self.width() - 2 * MARGIN - SHORT_WIDTH - h - bases - 4 * SPACING
        for side in ("home", "away"):
            self.names[side + "_short"].setFixedWidth(SHORT_WIDTH)
            self.names[side].setFixedWidth(max(40, width))

    def set_width(self, width: int) -> None:
        """As wide as the grid's columns make it: names and the status line get the room."""
        if width != self.width():
            self.setFixedWidth(width)
            self._fix_sizes()
            self._state = None  # show the next row whole: the texts are elided to the width

    def set_quiet(self, text: str) -> bool:
        """Say a live game has been silent unusually long; returns whether that changed."""
        changed, self._quiet = text != self._quiet, text
        return changed

    def set_stale(self, text: str) -> None:
        """Say the score may be old ("⚠ no connection · updated 2 min ago"); "" clears it."""
        if text != self._stale:
            self._stale = text
            if self._state is not None:
                self.status.setText(
                    "⚠ NOT LIVE" if text else _STATUS.get(str(self.property("status")), "")
                )

    def _show_state(
        self, state: GameState, old: GameState | None, status: str, favourite: bool
    ) -> None:
        self.status.setText("⚠ NOT LIVE" if self._stale else _STATUS.get(status, status.upper()))
        if self.property("status") != status:
            self.setProperty("status", status)
            live = self._accents["live"] if status == "live" else self._accents["muted"]
            style(self.status, px=11, bold=True, color=live)
            self.update()
        if favourite != self._favourite or old is None:
            self._favourite = favourite
            self.star.setText("★" if favourite else "☆")
            tip = "Remove from favourites (F)" if favourite else "Add to favourites (F)"
            self.star.setToolTip(tip)
            self.star.setAccessibleName("favourite" if favourite else "not a favourite")
        teams = (state.league, state.home.name, state.home.short, state.away.name, state.away.short)
        if teams != self._teams:
            self._teams = teams
            for side, team in (("home", state.home), ("away", state.away)):
                self.names[side].setAccessibleName(team.name)
                self.names[side + "_short"].setText(team.short)
            self.setToolTip(f"{state.league}: {state.home.name} v {state.away.name}")
        if old is not None:
            for side, team, was in (("home", state.home, old.home), ("away", state.away, old.away)):
                if team.score != was.score:
                    self._start_flash(side, team.score - was.score)

    def _start_flash(self, side: str, delta: int) -> None:
        badge = self.badges[side]
        badge.setText(f"▲ +{delta}" if delta > 0 else f"▼ {delta}")
        badge.setAccessibleName(f"{self.names[side].text()} scored {delta}")
        self._flashed.add(side)
        self._fader.start(self)  # (screen readers hear of it from desktop.ui.announce)
        self.update(self._bar(side))  # (a glow already at full is not repainted)

    @property
    def flashing(self) -> bool:
        return self._fader.fading(self)

    def set_flash(self, level: float) -> None:
        """The fader's step: ``level`` 1 (just changed) … 0 (done).

        The glow is a ring along the card's edge, so a step repaints only that ring (and
        the bars under the scores), not the labels inside.
        """
        self._flash = level
        ring = QRegion(self.rect()).subtracted(QRegion(self.rect().adjusted(5, 5, -5, -5)))
        for side in self._flashed:
            ring = ring.united(self._bar(side))
        if level <= 0:
            for side in self._flashed:
                self.badges[side].clear()
                self.badges[side].setAccessibleName("")
            self._flashed.clear()
        self.update(ring)

    def _bar(self, side: str) -> QRect:
        """Where the bar under a changed score goes: under its digits."""
        label = self.scores[side]
        g = label.geometry()
        width = label.fontMetrics().horizontalAdvance(label.text())
        return QRect(g.right() - width, g.bottom() - 1, width, 3)

    # ------------------------------------------------------------------ painting, input

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        status = str(self.property("status") or "")
        look = Look(self.width(), self.height(), status, self.hasFocus(), self._flash)
        paint_backdrop(painter, event.rect(), look, self, self._accents)
        if self._flash > 0:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.palette().windowText())
            for side in self._flashed:  # a bar under the changed score: not colour alone
                painter.drawRect(self._bar(side))

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self.game_id)
        elif key == Qt.Key.Key_F:
            self.favourite_toggled.emit(self.game_id)
        elif key == Qt.Key.Key_R:
            self.reveal.emit(self.game_id)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.navigate.emit(self.game_id, key)
        else:
            super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.setFocus()
            self.activated.emit(self.game_id)
        super().mouseReleaseEvent(event)

    def _on_star(self) -> None:
        self.favourite_toggled.emit(self.game_id)


def _label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    return label
