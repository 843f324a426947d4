"""What a line asks the console to publish: an event, or one to confirm first. Pure values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Emit:
    """An event to publish; ``ref`` names a queued event this correction voids."""

    game_id: str
    kind: str
    data: dict[str, Any]
    summary: str
    ref: str | None = None
    undone: str | None = None  # what an undo voids, for the toolbar
    warning: str = ""  # stored anyway, but the operator should look (a player's team)
    at: float | None = None  # when it happened, if not now (a restored event keeps its own)
    clock: float | None = None


@dataclass(frozen=True, slots=True)
class Confirm:
    """An event published only once the operator says ``yes`` to ``question``."""

    question: str
    emit: Emit
