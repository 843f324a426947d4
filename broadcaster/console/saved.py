"""What a console keeps between runs besides its outbox: a convenience, never a promise."""

from __future__ import annotations

import contextlib
from pathlib import Path

import msgspec

from broadcaster.protocol import GameState


class Saved(msgspec.Struct):
    """The current game and its last known state (a restart offline can go on), the
    line-ups, and which events this console published (``undo`` takes back only those)."""

    current: str | None = None
    state: GameState | None = None
    rosters: dict[str, dict[str, dict[str, str]]] = msgspec.field(default_factory=dict)
    epoch: str | None = None  # the broadcaster's journal that ``mine`` and ``undos`` are of
    mine: list[int] = msgspec.field(default_factory=list)
    undos: list[int] = msgspec.field(default_factory=list)


def load_saved(path: Path | None) -> Saved:
    if path is None:
        return Saved()
    try:
        return msgspec.json.decode(path.read_bytes(), type=Saved)
    except (OSError, msgspec.DecodeError):
        return Saved()


def save(path: Path | None, saved: Saved) -> None:
    if path is None:
        return
    tmp = path.with_suffix(".tmp")
    with contextlib.suppress(OSError):
        tmp.write_bytes(msgspec.json.encode(saved))
        tmp.replace(path)
