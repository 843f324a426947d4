"""Notifications for favourites, delivered through the desktop's own notification system.

``Alerts`` follows a feed source (the ``FeedClient``, whose changes have passed its
spoiler delay: anything with ``applied`` and ``games_reset`` signals), asks the pure
``Notifier`` what is worth telling and shows it with ``QSystemTrayIcon.showMessage``:
the desktop's notification service where its tray is a StatusNotifier one (KDE, GNOME
with the extension), else Qt's own balloon by the tray icon. Where there is no tray
the notice still goes out as ``notified`` (the window shows it in the status bar).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from broadcaster.protocol import GameState
from desktop.feed.state import Applied
from desktop.notify.rules import KINDS, Notice, Notifier

SHOW_MS = 8000


class Alerts(QObject):
    """Signals: notified(Notice): one notice was sent (after the tray showed it)."""

    notified = Signal(object)

    def __init__(
        self,
        now: Callable[[], float],
        favourites: Iterable[str] = (),
        muted: Iterable[str] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.notifier = Notifier(favourites=set(favourites))
        self.notifier.kinds -= set(muted)
        self.enabled = True
        self.tray: QSystemTrayIcon | None = None
        self.sent: deque[Notice] = deque(maxlen=100)  # the latest, for the tray's menu
        self.quiet: Callable[[str], bool] = lambda game_id: False  # its score is hidden
        self._now = now

    def follow(self, source: QObject) -> None:
        """Listen to a source with ``applied(list[Applied])`` and ``games_reset`` signals."""
        source.applied.connect(self.on_applied)  # type: ignore[attr-defined]
        source.games_reset.connect(self.on_reset)  # type: ignore[attr-defined]

    def set_favourites(self, favourites: Iterable[str]) -> None:
        self.notifier.favourites = set(favourites)

    def set_muted(
        self, muted: Iterable[str], muted_for: Mapping[str, Iterable[str]] | None = None
    ) -> None:
        """Kinds nobody is told of, and the kinds each favourite skips."""
        self.notifier.kinds = set(KINDS) - set(muted)
        self.notifier.muted_for = {k: set(v) for k, v in (muted_for or {}).items()}

    def on_reset(self, games: Sequence[GameState], _epoch_changed: bool = False) -> None:
        self.notifier.know(games)

    def on_applied(self, applied: Sequence[Applied]) -> None:
        for notice in self.notifier.take(applied, self._now()):
            if self.enabled and not self.quiet(notice.game_id):
                self.deliver(notice)

    def deliver(self, notice: Notice) -> None:
        tray = self.tray
        if tray is not None and tray.isVisible() and QSystemTrayIcon.supportsMessages():
            icon = QSystemTrayIcon.MessageIcon.Information
            tray.showMessage(notice.title, notice.text, icon, SHOW_MS)
        self.sent.append(notice)
        self.notified.emit(notice)
