"""The game-flow chart: both sides' running scores over game time, drawn with QPainter.

Minutes for sports with a clock, overs for cricket (the "worm"), points played
for tennis, innings for baseball (``Story.unit``). Periods are shaded in turn
and labelled; scoring plays are dots on their side's line. Its accessible
name sums it up in words.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from broadcaster.present import Story

PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 34, 10, 18, 22


class FlowChart(QWidget):
    """Draws a ``Story``; ``show_story`` again when it grows."""

    def __init__(self, colors: tuple[QColor, QColor], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("flow")
        self.setMinimumSize(260, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._story: Story | None = None
        self._names = ("", "")
        self.colors = colors

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 200)

    def show_story(self, story: Story, home: str, away: str) -> None:
        self._story, self._names = story, (home, away)
        ends = {side: (s[-1][1] if s else 0) for side, s in story.series.items()}
        self.setAccessibleName(
            f"Game flow over {story.unit or 'time'}: {home} {ends['home']:g}, "
            f"{away} {ends['away']:g}, {len(story.marks)} plays marked"
        )
        self.update()

    def _frame(self) -> QRectF:
        return QRectF(self.rect()).adjusted(PAD_LEFT, PAD_TOP, -PAD_RIGHT, -PAD_BOTTOM)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        story = self._story
        text = palette.windowText().color()
        if story is None or not any(story.series.values()):
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No plays yet")
            return
        xs = [x for s in story.series.values() for x, _ in s] + [story.x]
        ys = [y for s in story.series.values() for _, y in s]
        x_max, y_max = max(max(xs), 1e-9), max(max(ys), 1)
        frame = self._frame()

        def at(x: float, y: float) -> QPointF:
            return QPointF(frame.left() + frame.width() * x / x_max,
                           frame.bottom() - frame.height() * y / y_max)  # fmt: skip

        self._draw_periods(painter, story, frame, x_max)
        painter.setPen(QPen(palette.mid().color(), 1))
        painter.drawLine(frame.bottomLeft(), frame.bottomRight())
        painter.drawLine(frame.bottomLeft(), frame.topLeft())
        painter.setPen(text)
        painter.drawText(QRectF(0, frame.top() - 6, PAD_LEFT - 4, 14),
                         Qt.AlignmentFlag.AlignRight, f"{y_max:g}")  # fmt: skip
        painter.drawText(QRectF(0, frame.bottom() - 6, PAD_LEFT - 4, 14),
                         Qt.AlignmentFlag.AlignRight, "0")  # fmt: skip
        painter.drawText(QRectF(frame.right() - 120, frame.top() - 16, 120, 14),
                         Qt.AlignmentFlag.AlignRight, f"{x_max:.0f} {story.unit}")  # fmt: skip
        for i, side in enumerate(("home", "away")):
            series = story.series[side]
            if not series:
                continue
            path = QPainterPath(at(*series[0]))
            for x, y in series[1:]:
                path.lineTo(at(x, y))
            dash = Qt.PenStyle.SolidLine if i == 0 else Qt.PenStyle.DashLine  # not colour alone
            painter.setPen(QPen(self.colors[i], 2.2, dash))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            painter.setBrush(self.colors[i])
            for mark in (m for m in story.marks if m.side == side):
                y = _y_at(series, mark.x)
                painter.drawEllipse(at(mark.x, y), 3.2, 3.2)
        self._draw_legend(painter)
        painter.end()

    def _draw_periods(self, painter: QPainter, story: Story, frame: QRectF, x_max: float) -> None:
        shade = QColor(self.palette().alternateBase().color())
        painter.setPen(self.palette().placeholderText().color())
        starts = story.periods
        for i, (x, label) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else x_max
            left = frame.left() + frame.width() * x / x_max
            right = frame.left() + frame.width() * end / x_max
            if i % 2:
                painter.fillRect(QRectF(left, frame.top(), right - left, frame.height()), shade)
            if right - left > 18:
                painter.drawText(QRectF(left, frame.bottom() + 4, right - left, 16),
                                 Qt.AlignmentFlag.AlignHCenter, label)  # fmt: skip

    def _draw_legend(self, painter: QPainter) -> None:
        x = float(PAD_LEFT)
        for i, name in enumerate(self._names):
            painter.setPen(QPen(self.colors[i], 3))
            painter.drawLine(QPointF(x, 9), QPointF(x + 14, 9))
            painter.setPen(self.palette().windowText().color())
            painter.drawText(QPointF(x + 18, 13), name)
            x += 26 + painter.fontMetrics().horizontalAdvance(name)


def _y_at(series: list[tuple[float, float]], x: float) -> float:
    """The series' value just after ``x`` (its step up, where a mark sits)."""
    y = series[0][1]
    for px, py in series:
        if px > x:
            break
        y = py
    return y
