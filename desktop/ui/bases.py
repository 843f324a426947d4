"""Baseball's bases diamond and outs, drawn: runners as filled bases, outs as dots.

Its accessible name says it in words ("runners on 1st and 3rd, 2 out"), so a
screen reader (and a test) reads what the eye sees.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from broadcaster.present.common import runners_words

SIZE = 40


def bases_words(bases: tuple[bool, bool, bool], outs: int | None) -> str:
    runners = runners_words(bases)
    return runners if outs is None else f"{runners}, {outs} out"


class BasesDiamond(QWidget):
    """Hidden until there are bases to show (``show_bases``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bases")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(self.sizeHint())
        self._bases: tuple[bool, bool, bool] = (False, False, False)
        self._outs = 0
        self.hide()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(SIZE, SIZE + 8)

    def show_bases(self, bases: tuple[bool, bool, bool] | None, outs: int | None) -> None:
        if bases is None:
            self.hide()
            self.setAccessibleName("")
            return
        self._bases, self._outs = bases, outs or 0
        self.setAccessibleName(f"Bases: {bases_words(bases, outs)}")
        self.setToolTip(bases_words(bases, outs))
        self.show()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = self.palette().windowText().color()
        half = SIZE / 5
        centres = (QPointF(SIZE - half - 2, SIZE / 2), QPointF(SIZE / 2, half + 2),
                   QPointF(half + 2, SIZE / 2))  # first, second, third  # fmt: skip
        for centre, taken in zip(centres, self._bases, strict=True):
            corners = ((0, -half), (half, 0), (0, half), (-half, 0))
            diamond = QPolygonF([centre + QPointF(x, y) for x, y in corners])
            painter.setPen(color)
            painter.setBrush(color if taken else Qt.BrushStyle.NoBrush)
            painter.drawPolygon(diamond)
        for i in range(3):  # outs: filled dots
            painter.setBrush(color if i < self._outs else Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(SIZE / 2 - 9 + 9 * i, SIZE + 3), 3, 3)
        painter.end()
