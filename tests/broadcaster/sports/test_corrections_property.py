"""Property: a game with random voids equals the same game without the voided events.

Random valid event sequences go through a real Hub (journal on disk); random
events are then voided with ``correction`` publishes. Every accepted void must
leave the game exactly as if the voided events had never been published, and
every refused void must be one whose removal really breaks the rules.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadcaster.errors import EventRefused, RuleViolation
from broadcaster.hub import Hub
from broadcaster.journal import Journal
from broadcaster.protocol import GameState, Publish
from broadcaster.sports import SPORTS, apply
from broadcaster.sports.replay import GameEvent, fold
from tests.broadcaster.sports.games import new_game

Candidate = tuple[str, dict[str, Any]]

SIDES = st.sampled_from(["home", "away"])
COMMON = [
    st.just(("period.start", {})),
    st.just(("period.end", {})),
    st.just(("game.end", {})),
    st.builds(lambda r: ("clock.set", {"running": r}), st.booleans()),
    st.builds(lambda s: ("status", {"status": s}), st.sampled_from(["break", "live", "suspended"])),
    st.builds(lambda t: ("play", {"text": "a play", "team": t}), SIDES),
]
BASKETBALL = st.one_of(
    *COMMON,
    st.builds(lambda t, p: ("score", {"team": t, "points": p}), SIDES, st.integers(1, 3)),
    st.builds(lambda t, p: ("score", {"team": t, "points": p}), SIDES, st.integers(1, 3)),
    st.builds(lambda t: ("foul", {"team": t}), SIDES),
    st.builds(lambda t: ("timeout", {"team": t}), SIDES),
)
SOCCER = st.one_of(
    *COMMON,
    st.builds(lambda t: ("score", {"team": t}), SIDES),
    st.builds(
        lambda t, c, p: ("card", {"team": t, "color": c, "player": p}),
        SIDES,
        st.sampled_from(["yellow", "red"]),
        st.sampled_from(["A", "B"]),
    ),
    st.builds(lambda m: ("stoppage", {"minutes": m}), st.integers(0, 6)),
    st.builds(lambda t, s: ("shootout", {"team": t, "scored": s}), SIDES, st.booleans()),
)


def valid_prefix(sport: str, candidates: list[Candidate]) -> list[Candidate]:
    """Keep the candidates the rules accept, in order (a valid sequence)."""
    state = new_game(sport, "NBA")
    kept: list[Candidate] = [("game.start", {})]
    state = apply(SPORTS[sport], state, "game.start", {}, 1.0)
    for i, (kind, data) in enumerate(candidates):
        try:
            state = apply(SPORTS[sport], state, kind, data, 10.0 + i)
        except RuleViolation:
            continue
        kept.append((kind, data))
    return kept


def comparable(state: GameState) -> tuple[Any, ...]:
    """Everything but the ``seq`` stamp, which differs by construction."""
    return (state.status, state.home, state.away, state.period, state.clock, state.detail)


def without(events: list[GameEvent], voided: set[int]) -> list[GameEvent]:
    return [e for e in events if e.seq not in voided]


async def scenario(sport: str, sequence: list[Candidate], voids: list[int], db: Path) -> None:
    ticks = iter(range(1, 10_000))
    hub = Hub(Journal.open(db), clock=lambda: float(next(ticks)))
    hub.start()
    try:
        create = new_game(sport, "NBA")
        data = {
            "sport": sport,
            "league": "NBA",
            "home": {"name": create.home.name, "short": create.home.short},
            "away": {"name": create.away.name, "short": create.away.short},
        }
        events: list[GameEvent] = []
        for i, (kind, d) in enumerate([("game.create", data), *sequence]):
            ack = await hub.publish(Publish(f"e{i}", "g", kind, d), "test")
            events.append(GameEvent(ack.seq, kind, d, hub.games["g"].state.clock.at))
        events = [GameEvent(e.seq, e.kind, e.data, float(i + 1)) for i, e in enumerate(events)]
        voided: set[int] = set()
        for n, index in enumerate(voids):
            target = events[1 + index % len(sequence)].seq
            correction = {"target": target, "action": "void"}
            try:
                ack = await hub.publish(Publish(f"v{n}", "g", "correction", correction), "test")
            except EventRefused as exc:
                refusal = exc.message
                if target in voided:
                    assert "already voided" in refusal
                    continue
                try:  # refused: removing it really breaks the game
                    fold("g", without(events, voided | {target}), SPORTS)
                except RuleViolation:
                    continue
                raise AssertionError(f"void of {target} refused but valid: {refusal}") from None
            voided.add(target)
            expected = fold("g", without(events, voided), SPORTS)
            assert comparable(ack.state) == comparable(expected)
        assert comparable(hub.games["g"].state) == comparable(
            fold("g", without(events, voided), SPORTS)
        )
    finally:
        await hub.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sport=st.sampled_from(["basketball", "soccer"]),
    data=st.data(),
    voids=st.lists(st.integers(0, 10_000), min_size=1, max_size=8),
)
def test_voids_equal_never_having_published(
    sport: str, data: st.DataObject, voids: list[int]
) -> None:
    candidates = data.draw(
        st.lists(BASKETBALL if sport == "basketball" else SOCCER, min_size=5, max_size=60)
    )
    sequence = valid_prefix(sport, candidates)
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(scenario(sport, sequence, voids, Path(tmp) / "j.sqlite3"))
