"""A card's backdrop (frame, status bar, glow), drawn once per look and blitted after.

Antialiased rounded paths cost more than copying pixels, and a card has few
looks (its size, status, focus and glow level), so each is drawn once into a
pixmap kept in the theme's cache; a paint copies only the patch it needs (a
score label's change repaints that patch, not the card). The cache is
bounded: sizes come and go with what cards show.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from desktop.ui.theme import Accents

BACKDROPS = 96  # looks kept drawn (about 150 KB each)


class Look(NamedTuple):
    width: int
    height: int
    status: str
    focus: bool
    flash: float  # the glow: 1 just changed … 0 none


def paint_backdrop(
    painter: QPainter, area: QRect, look: Look, widget: QWidget, accents: Accents
) -> None:
    """Copy ``area`` of the backdrop for ``look`` (drawn first if it is new)."""
    cache = accents.pixmaps
    backdrop = cache.get(look)
    if backdrop is None:
        if len(cache) >= BACKDROPS:
            del cache[next(iter(cache))]
        backdrop = cache[look] = draw(look, widget, accents)
    painter.drawPixmap(area, backdrop, _scaled(area, backdrop.devicePixelRatio()))


def draw(look: Look, widget: QWidget, accents: Accents) -> QPixmap:
    """The card's frame, status bar and glow, in ``widget``'s palette and pixel ratio."""
    ratio = widget.devicePixelRatioF()
    pixmap = QPixmap(int(look.width * ratio), int(look.height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    palette, rect = widget.palette(), QRect(0, 0, look.width, look.height)
    border = palette.highlight().color() if look.focus else palette.mid().color()
    painter.setPen(QPen(border, 2 if look.focus else 1))
    painter.setBrush(accents["final"] if look.status == "final" else palette.base().color())
    painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 8, 8)
    if look.flash > 0:  # a glowing edge that fades
        color = QColor(accents["flash"])
        color.setAlphaF(look.flash)
        painter.setPen(QPen(color, 4))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(2, 2, -2, -2), 7, 7)
    if look.status in ("live", "break"):  # the status is also in words; the bar only adds
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accents[look.status])
        painter.drawRoundedRect(2, 2, 4, look.height - 4, 2, 2)
    painter.end()
    return pixmap


def _scaled(rect: QRect, ratio: float) -> QRect:
    """``rect`` in a pixmap's device pixels."""
    if ratio == 1:
        return rect
    return QRect(
        int(rect.x() * ratio),
        int(rect.y() * ratio),
        int(rect.width() * ratio),
        int(rect.height() * ratio),
    )
