"""How long a broadcaster takes to come back with a big journal.

Fills a journal with N events over many games through a real Hub, then times
a restart (open the journal, check it, load every game from the state table)
side by side with the baseline a journal without a state table would need:
reading every event and folding it through the rules.

    .venv/bin/python bench/restart.py [--events 100000] [--games 200]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from broadcaster.hub import Hub
from broadcaster.journal import Journal
from broadcaster.protocol import Publish
from broadcaster.sports import SPORTS
from broadcaster.sports.replay import GameEvent, fold

GAME = {
    "sport": "basketball",
    "league": "NBA",
    "home": {"name": "Home", "short": "HOM"},
    "away": {"name": "Away", "short": "AWY"},
}


async def fill(path: Path, events: int, games: int) -> None:
    hub = Hub(Journal.open(path))
    hub.start()
    n = 0
    for g in range(games):
        for kind, data in (("game.create", GAME), ("game.start", {}), ("period.start", {})):
            await hub.publish(Publish(f"s{n}", f"g{g}", kind, data), "bench")
            n += 1
    pending = []
    while n < events:
        msg = Publish(f"s{n}", f"g{n % games}", "score", {"team": "home", "points": 1 + n % 3})
        pending.append(hub.publish(msg, "bench"))
        n += 1
        if len(pending) >= 2000:
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)
    await hub.close()


def restart(path: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    journal = Journal.open(path)
    hub = Hub(journal)
    elapsed = time.perf_counter() - t0
    count = len(hub.games)
    journal.close()
    return elapsed, count


def replay_everything(path: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    journal = Journal.open(path)
    import msgspec

    games: dict[str, list[GameEvent]] = {}
    for stored in journal.games():
        games[stored.game_id] = [
            GameEvent(r.seq, r.kind, msgspec.json.decode(r.data), r.time)
            for r in journal.game_events(stored.game_id)
        ]
    states = {g: fold(g, events, SPORTS) for g, events in games.items()}
    elapsed = time.perf_counter() - t0
    journal.close()
    return elapsed, len(states)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--games", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "journal.sqlite3"
        t0 = time.perf_counter()
        asyncio.run(fill(path, args.events, args.games))
        filled = time.perf_counter() - t0
        size = path.stat().st_size / 1e6
        ours, n1 = restart(path)
        base, n2 = replay_everything(path)
    assert n1 == n2 == args.games
    print(
        f"\njournal: {args.events} events, {args.games} games, {size:.0f} MB "
        f"(filled in {filled:.1f} s)"
    )
    print(f"{'restart (state table + quick_check)':40} {ours * 1000:8.0f} ms")
    print(f"{'baseline: replay every event':40} {base * 1000:8.0f} ms")
    print(f"ratio: {base / ours:.1f}x faster")


if __name__ == "__main__":
    main()
