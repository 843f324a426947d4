"""The NATS JetStream journal against SQLite, in one run, on a real three-server cluster.

Measures, with the hub's own records (made by the pure ``Core``):
- append → durable: one event per append (a lone publish), and 500-event group commits;
- a node's start (``open``) with 100,000 events: normally (each game from its last event,
  read per subject), and with the publish-id index's ``=through`` rewound to 0 (every
  event read again to index its id: the worst crash), against SQLite's ``Journal.open``.

    .venv/bin/python bench/nats_journal.py [--events 100000] [--games 100] [--replicas 3]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from broadcaster import stream_codec
from broadcaster.core import Core
from broadcaster.journal import Journal
from broadcaster.nats_journal import NatsJournal
from broadcaster.protocol import Publish
from broadcaster.sports import SPORTS
from broadcaster.storage import JournalBackend, Record
from tests.helpers.nats import NatsCluster
from tests.helpers.ws import basketball_game


class Feeder:
    """Records as the hub makes them, for any journal."""

    def __init__(self, journal: JournalBackend) -> None:
        self.core = Core(journal.epoch, journal.games(), journal.last_seq, SPORTS)
        self.n = 0

    def make(self, game: str, kind: str = "score", data: dict[str, object] | None = None) -> Record:
        self.n += 1
        msg = Publish(
            f"p{self.n}", game, kind, {"team": "home", "points": 1} if data is None else data
        )
        accepted = self.core.accept(msg, "bench", None, time.time())
        self.core.commit([accepted])
        return accepted.record

    def games(self, journal: JournalBackend, count: int) -> None:
        for g in range(count):
            game = f"g{g}"
            journal.append([
                self.make(game, "game.create", basketball_game(game)),
                self.make(game, "game.start", {}),
                self.make(game, "period.start", {}),
            ])  # fmt: skip


def fill(journal: JournalBackend, events: int, games: int) -> Feeder:
    feeder = Feeder(journal)
    feeder.games(journal, games)
    while feeder.n < events:
        batch = min(1000, events - feeder.n)
        journal.append([feeder.make(f"g{(feeder.n + i) % games}") for i in range(batch)])
    return feeder


def latencies(journal: JournalBackend, feeder: Feeder, size: int, rounds: int) -> list[float]:
    out = []
    for r in range(rounds):
        records = [feeder.make(f"g{(r + i) % 10}") for i in range(size)]
        t = time.perf_counter()
        journal.append(records)
        out.append((time.perf_counter() - t) * 1000)
    return out


def reads(last: int) -> dict[str, Callable[[JournalBackend], object]]:
    """What a node reads: a resume of the last 100 events, a game's last 50, an old id."""
    return {
        "resume: frames of the last 100 events": lambda j: j.frames(last - 100, last, None, 500),
        "history: a game's last 50 events": lambda j: j.history("g1", None, 50),
        "find_publish of an old id": lambda j: j.find_publish("p500"),
    }


def timed(fn: Callable[[], object], rounds: int = 30) -> list[float]:
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def timed_open(opener: object) -> float:
    t = time.perf_counter()
    journal = opener()  # type: ignore[operator]
    took = time.perf_counter() - t
    journal.close()  # not timed: it waits for the ids indexed behind
    return took


async def rewind(urls: list[str], stream: str) -> None:
    nc = await nats.connect(urls)
    await nc.jetstream().publish(f"$KV.{stream}_IDS.{stream_codec.THROUGH_KEY}", b"0")
    await nc.close()


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--games", type=int, default=100)
    ap.add_argument("--replicas", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cluster = NatsCluster(Path(tmp) / "nats").start()
        try:
            run(args, cluster, Path(tmp))
        finally:
            cluster.stop()


def run(args: argparse.Namespace, cluster: NatsCluster, tmp: Path) -> None:
    urls = cluster.urls
    nj = NatsJournal.open(urls, stream="BENCH", replicas=args.replicas)
    sq = Journal.open(tmp / "j.sqlite3")
    print(f"filling {args.events} events over {args.games} games …", flush=True)
    t = time.perf_counter()
    nf = fill(nj, args.events, args.games)
    nats_fill = time.perf_counter() - t
    t = time.perf_counter()
    sf = fill(sq, args.events, args.games)
    sqlite_fill = time.perf_counter() - t
    print(
        f"fill (1000-event appends): NATS R{args.replicas} {nats_fill:.1f} s, "
        f"SQLite {sqlite_fill:.1f} s"
    )
    for size in (1, 500):
        rounds = args.rounds if size == 1 else max(10, args.rounds // 10)
        n, s = latencies(nj, nf, size, rounds), latencies(sq, sf, size, rounds)
        print(
            f"append of {size:>3} event(s) → durable, ms: NATS median {statistics.median(n):.2f} "
            f"p99 {p(n, 99):.2f} | SQLite median {statistics.median(s):.2f} p99 {p(s, 99):.2f}"
        )
    last = nj.last_seq
    for name, read in reads(last).items():
        n, q = timed(functools.partial(read, nj)), timed(functools.partial(read, sq))
        print(
            f"{name}, ms: NATS median {statistics.median(n):.2f} p99 {p(n, 99):.2f} "
            f"| SQLite median {statistics.median(q):.2f}"
        )
    nj.close()
    sq.close()
    opens = [timed_open(lambda: NatsJournal.open(urls, stream="BENCH")) for _ in range(3)]
    print(f"open with {last} events in {args.games} games: {min(opens):.2f} s (min of 3)")
    replays = []
    for _ in range(2):
        asyncio.run(rewind(urls, "BENCH"))
        replays.append(timed_open(lambda: NatsJournal.open(urls, stream="BENCH")))
    print(f"open with {last} events, id index rewound (read all): {min(replays):.2f} s")
    sqlite = [timed_open(lambda: sqlite_open(tmp / "j.sqlite3")) for _ in range(3)]
    print(f"SQLite Journal.open + games() with {last} events: {min(sqlite):.2f} s (min of 3)")


def sqlite_open(path: Path) -> Journal:
    journal = Journal.open(path)
    journal.games()  # what a hub's start reads
    return journal


if __name__ == "__main__":
    main()
