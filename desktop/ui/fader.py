"""One timer fades every flashing card, in four visible steps, not one animation per card.

Fifty games scoring at once used to mean fifty 60 Hz animations, each
repainting its card every frame; a shared coarse timer that repaints a card
only when its glow actually changes keeps the fade visible and the loop free.
"""

from __future__ import annotations

import math
import time
from typing import Protocol

from PySide6.QtCore import QObject, QTimer

FLASH_SECONDS = 4.0
STEP_MS = 100
LEVELS = 4  # distinct steps a fade goes through


class Fading(Protocol):
    def set_flash(self, level: float) -> None: ...


class Fader(QObject):
    """Moves each started widget's flash level from 1 to 0 over ``duration`` seconds."""

    def __init__(self, parent: QObject | None = None, duration: float = FLASH_SECONDS) -> None:
        super().__init__(parent)
        self.duration = duration
        self._started: dict[Fading, tuple[float, float]] = {}  # widget -> (start, level shown)
        self._timer = QTimer(self)
        self._timer.setInterval(STEP_MS)
        self._timer.timeout.connect(self._on_step)

    def start(self, widget: Fading) -> None:
        """Flash ``widget`` from full again; one already at full is not repainted (under a
        burst a card scores several times a second)."""
        _, shown = self._started.get(widget, (0.0, 0.0))
        self._started[widget] = (time.monotonic(), 1.0)
        if shown != 1.0:
            widget.set_flash(1.0)
        if not self._timer.isActive():
            self._timer.start()

    def forget(self, widget: Fading) -> None:
        """Stop fading ``widget`` (it is going away)."""
        self._started.pop(widget, None)

    def fading(self, widget: Fading) -> bool:
        return widget in self._started

    def _on_step(self) -> None:
        now = time.monotonic()
        for widget, (started, shown) in list(self._started.items()):
            left = max(0.0, 1.0 - (now - started) / self.duration)
            level = math.ceil(left * left * LEVELS) / LEVELS  # ease in, quantized
            if level <= 0:
                del self._started[widget]
            elif level == shown:
                continue
            else:
                self._started[widget] = (started, level)
            widget.set_flash(level)
        if not self._started:
            self._timer.stop()
