"""The connection, always in sight: a status-bar label that says it in words.

"● Connected · last event 3 s ago", "↻ Reconnecting · attempt 3 · next try
in 2.4 s", "⟳ Resyncing · …", "○ Offline". A symbol and words, never colour
alone; refreshed once a second so the times stay true.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from broadcaster.servers import where
from desktop.feed.connection import Status
from desktop.models.freshness import ago


def describe(status: Status, last_event: float | None, now: float) -> str:
    """The indicator's text for ``status`` at monotonic time ``now``."""
    if status.phase == "connected":
        to = f" to {where(status.url)}" if status.servers > 1 else ""  # which of the servers
        if last_event is None:
            return f"● Connected{to} · no events yet"
        return f"● Connected{to} · last event {ago(now - last_event)}"
    if status.phase == "reconnecting":
        text = f"↻ Reconnecting · attempt {status.attempt}"
        if status.retry_at is not None:
            wait = max(0.0, status.retry_at - now)
            text += f" · next try in {wait:.1f} s" if wait > 0 else " · trying now"
        return text + (f" · {status.error}" if status.error else "")
    if status.phase == "resyncing":
        return f"⟳ Resyncing · {status.reason}" if status.reason else "⟳ Resyncing"
    if status.phase == "connecting":
        return f"… Connecting to {status.url}"
    return f"○ Offline · {status.error}" if status.error else "○ Offline"


class ConnectionIndicator(QLabel):
    """Shows the feed client's status; ``last_event`` is read on every refresh."""

    def __init__(self, last_event: Callable[[], float | None], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("connection")
        self._status = Status()
        self._last_event = last_event
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._on_refresh)
        self._timer.start()
        self._on_refresh()

    @property
    def status(self) -> Status:
        return self._status

    def show_status(self, status: Status) -> None:
        self._status = status
        self._on_refresh()

    def _on_refresh(self) -> None:
        text = describe(self._status, self._last_event(), time.monotonic())
        if text != self.text():
            self.setText(text)
            self.setAccessibleName(f"Connection: {text}")
        self.setProperty("phase", self._status.phase)


class DelayLabel(QLabel):
    """Says "⏱ 45 s behind" while a spoiler delay holds the scores back; hidden without one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("delay")
        self.hide()

    def show_delay(self, seconds: int) -> None:
        self.setText(f"⏱ {seconds} s behind" if seconds else "")
        self.setAccessibleName(f"Spoiler delay: {seconds} seconds" if seconds else "")
        self.setVisible(bool(seconds))
