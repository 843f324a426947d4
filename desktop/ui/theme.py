"""Light and dark themes: a Fusion palette plus the style sheet in resources/themes/."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from desktop.resources import themes_dir

log = logging.getLogger("desktop.ui")

_DARK = {
    QPalette.ColorRole.Window: "#1e2127",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#16181d",
    QPalette.ColorRole.AlternateBase: "#22262d",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#2a2e36",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.Highlight: "#3d7eff",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2a2e36",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#9aa0a6",
}


def apply_theme(app: QApplication, name: str) -> None:
    """Switch the whole app to ``name`` ("light" or "dark")."""
    app.setStyle("Fusion")
    palette = app.style().standardPalette()
    if name == "dark":
        for role, color in _DARK.items():
            palette.setColor(role, QColor(color))
    app.setPalette(palette)
    path = themes_dir() / f"{name}.qss"
    try:
        app.setStyleSheet(path.read_text(encoding="utf-8"))
    except OSError as exc:
        log.warning("theme %s: no style sheet (%s)", name, exc)
        app.setStyleSheet("")
