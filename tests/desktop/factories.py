"""Plain protocol values for desktop tests (no server needed)."""

from __future__ import annotations

from typing import Any

from broadcaster.protocol import Clock, Event, GameState, Hello, Period, Snapshot, Team

EPOCH = "epoch-a"


def state(
    game_id: str = "g1",
    home: int = 0,
    away: int = 0,
    *,
    sport: str = "basketball",
    league: str = "NBA",
    status: str = "live",
    period: Period | None = None,
    clock: Clock | None = None,
    seq: int = 0,
    names: tuple[str, str] = ("Boston Celtics", "Los Angeles Lakers"),
    detail: dict[str, Any] | None = None,
) -> GameState:
    return GameState(
        game_id=game_id,
        sport=sport,
        league=league,
        status=status,  # type: ignore[arg-type]
        home=Team(names[0], names[0][:3].upper(), home),
        away=Team(names[1], names[1][:3].upper(), away),
        period=period or Period(1, "Q1", True),
        clock=clock or Clock(False, 720.0, "down", 0.0),
        detail=detail or {},
        seq=seq,
    )


def event(
    seq: int,
    game_id: str = "g1",
    kind: str = "score",
    data: dict[str, Any] | None = None,
    *,
    epoch: str = EPOCH,
    home: int = 0,
    away: int = 0,
    game_seq: int | None = None,
    time: float = 0.0,
    **kw: Any,
) -> Event:
    return Event(
        epoch=epoch,
        seq=seq,
        time=time,
        game_id=game_id,
        game_seq=seq if game_seq is None else game_seq,
        kind=kind,
        data=data if data is not None else {"team": "home", "points": 1},
        state=state(game_id, home, away, seq=seq, **kw),
    )


def hello(epoch: str = EPOCH, seq: int = 0, time: float = 1000.0) -> Hello:
    return Hello(epoch=epoch, seq=seq, time=time)


def snapshot(epoch: str = EPOCH, seq: int = 0, *games: GameState) -> Snapshot:
    return Snapshot(epoch=epoch, seq=seq, games=list(games))
