"""Light and dark themes: a Fusion palette plus a few accents, from resources/themes/*.json.

No application style sheet: Qt's style-sheet style draws every widget through
rule matching (a card repainted in 0.35 ms with one, 0.15 ms without), and the
scoreboard repaints cards all day. Fonts are set in code, colours come from
the palette, and the accents a palette has no role for (live, break, badge,
flash) travel in an ``Accents`` value that the grid hands to its cards.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from desktop.resources import themes_dir

log = logging.getLogger("desktop.ui")
_FALLBACK_ACCENTS = {
    "muted": "#5b6470",
    "live": "#d1242f",
    "break": "#bf8700",
    "final": "#f7f8fa",
    "badge": "#8a4b00",
    "star": "#bf8700",
    "flash": "#ffc400",
}


@dataclass
class Accents:
    """Colours with no palette role; one shared, mutable instance per window.

    ``pixmaps`` caches what is drawn from them (card backgrounds); a new theme clears it.
    """

    colors: dict[str, QColor] = field(
        default_factory=lambda: {k: QColor(v) for k, v in _FALLBACK_ACCENTS.items()}
    )
    pixmaps: dict[Hashable, QPixmap] = field(default_factory=dict)

    def __getitem__(self, name: str) -> QColor:
        return self.colors[name]

    def set(self, colors: dict[str, str]) -> None:
        self.pixmaps.clear()
        for name, value in colors.items():
            color = QColor(value)
            if name in self.colors and color.isValid():
                self.colors[name] = color


def read_theme(name: str) -> dict[str, Any]:
    """The theme file's content; an unreadable file is logged and means Fusion's defaults."""
    try:
        data = json.loads((themes_dir() / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("theme %s: %s", name, exc)
        return {}
    return data if isinstance(data, dict) else {}


def apply_theme(app: QApplication, name: str, accents: Accents | None = None) -> None:
    """Switch the whole app to ``name`` ("light" or "dark")."""
    theme = read_theme(name)
    app.setStyle("Fusion")
    app.setStyleSheet("")
    palette = app.style().standardPalette()
    for role, value in dict(theme.get("palette") or {}).items():
        color = QColor(str(value))
        if hasattr(QPalette.ColorRole, role) and color.isValid():
            palette.setColor(getattr(QPalette.ColorRole, role), color)
    app.setPalette(palette)
    if accents is not None:
        accents.set({str(k): str(v) for k, v in dict(theme.get("accents") or {}).items()})


def style(widget: QWidget, *, px: int, bold: bool = False, color: QColor | None = None) -> None:
    """A widget's font size and weight, and its text colour."""
    font = QFont(widget.font())
    font.setPixelSize(px)
    font.setBold(bold)
    widget.setFont(font)
    if color is not None:
        palette = widget.palette()
        palette.setColor(QPalette.ColorRole.WindowText, color)
        palette.setColor(QPalette.ColorRole.ButtonText, color)
        widget.setPalette(palette)


def system_theme() -> str:
    """The theme the desktop asks for: dark or light (light when it does not say)."""
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"
