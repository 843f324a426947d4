"""The desktop scoreboard under a burst, beside a bare websockets client.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/desktop_burst.py \
        [--games 50 --rate 2000 --seconds 10 --publishers 2]

A real broadcaster process (its per-publisher and per-token publish limits
raised to the offered rate); ``--publishers`` publisher processes, each
owning a share of the ``--games`` live games, together offering ``--rate``
home-score events/s for ``--seconds``, each publish stamped with the wall
clock; a baseline process, a bare websockets subscriber, stamps each event
as it arrives and probes its own loop with a 10 ms timer. In this process the
real app (FeedClient → GamesModel → filter → GameGrid → GameCard, every card
on screen) stamps each *paint* of a home score label. The screen may skip a
score within one frame, so an event counts as painted when its card first
paints that score *or a newer one*. A 10 ms QTimer probes the UI loop.

After the burst, lost = games whose card (its accessible name and the score
it last painted) does not end on the broadcaster's final state (a fresh
snapshot). Also: each publisher's achieved rate and CPU share, so the
generator is shown not to be the bottleneck.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_latency import loop_probe, percentiles, runqueue_wait  # bench/ is on a bench's path

from tests.helpers.proc import TOKEN, BroadcasterProcess

FEED_WAIT = 60.0  # seconds the load may take to end after the burst

# --------------------------------------------------------------------------- load processes


def game_ids(games: int) -> list[str]:
    return [f"burst-{i:03d}" for i in range(games)]


async def publisher(url: str, ids: list[str], rate: float, seconds: float) -> dict[str, Any]:
    """Create ``ids`` (soccer if the id says so, else basketball), say ready, wait for "go"
    on stdin, then offer ``rate`` home scores/s round-robin for ``seconds``."""
    from tests.helpers.ws import (
        basketball_game,
        open_publisher,
        pub,
        publish,
        recv,
        send,
        soccer_game,
    )

    ws = await open_publisher(f"{url}/publish", TOKEN)
    for game_id in ids:  # (ids of our own: publish ids are unique across publishers)
        game = soccer_game(game_id) if "soccer" in game_id else basketball_game(game_id)
        for kind, data in (("game.create", game), ("game.start", {})):
            reply = await publish(ws, game_id, kind, data, id=f"{game_id}-{kind}")
            assert reply["type"] == "ack", reply
        await publish(ws, game_id, "period.start", {}, id=f"{game_id}-period")
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    total = int(rate * seconds)
    sent: dict[str, float] = {}
    scores = dict.fromkeys(ids, 0)
    refused: list[str] = []

    async def drain() -> None:
        for _ in range(total):
            reply = await recv(ws, 60)
            if reply["type"] != "ack":
                refused.append(reply.get("code", reply["type"]))

    acks = asyncio.create_task(drain())
    cpu, start = time.process_time(), time.perf_counter()
    n = 0
    while n < total:  # every event due by now, then sleep a little: sleep() is coarse
        due = min(total, int((time.perf_counter() - start) * rate) + 1)
        while n < due:
            game_id = ids[n % len(ids)]
            scores[game_id] += 1
            sent[f"{game_id}:{scores[game_id]}"] = time.time()
            score = {"team": "home", "points": 1}
            await send(ws, pub(game_id, "score", score, id=f"{game_id}-{scores[game_id]}"))
            n += 1
        await asyncio.sleep(0.001)
    wall = time.perf_counter() - start
    await asyncio.wait_for(acks, 60)
    cpu = time.process_time() - cpu
    await ws.close()
    return {"sent": sent, "achieved": total / wall, "cpu": cpu / wall, "refused": refused}


async def baseline(url: str, total: int) -> dict[str, Any]:
    """desktop_latency's bare websockets subscriber, and its own loop's lateness beside it."""
    import desktop_latency

    lateness: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.010)
            now = time.perf_counter()
            lateness.append(max(0.0, now - last - 0.010))
            last = now

    prober = asyncio.create_task(probe())
    result = await desktop_latency.baseline(url, total)
    done.set()
    await prober
    return {**result, "baseline_lateness": lateness}


async def final_scores(url: str) -> dict[str, int]:
    """The broadcaster's own word: each game's home score in a fresh snapshot."""
    from websockets.asyncio.client import connect

    from tests.helpers.ws import recv

    async with connect(f"{url}/feed", max_size=None) as ws:
        await recv(ws)
        await ws.send(json.dumps({"type": "subscribe", "games": ["*"]}))
        snapshot = await recv(ws)
    return {g["game_id"]: g["home"]["score"] for g in snapshot["games"]}


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # clock ticks (USER_HZ = 100)


def publish_burst(
    url: str, ids: list[str], publishers: int, rate: float, seconds: float, ready: Any
) -> list[dict[str, Any]]:
    """``publishers`` processes share ``ids`` and offer ``rate`` events/s in all once
    every game is created and ``ready()`` returns; blocks until they end."""
    me = [sys.executable, __file__, "--rate", str(rate / publishers), "--seconds", str(seconds)]
    pubs = [
        subprocess.Popen(
            [*me, "--publisher", url, "--ids", ",".join(ids[k::publishers])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in range(publishers)
    ]
    for p in pubs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    ready()
    for p in pubs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    return [json.loads(p.communicate(timeout=seconds + FEED_WAIT)[0]) for p in pubs]


def run_load(url: str, args: argparse.Namespace, cards_ready: Any) -> dict[str, Any]:
    """Baseline and publishers, each a process; the burst starts once every card exists."""
    total = int(args.rate / args.publishers * args.seconds) * args.publishers
    watcher = subprocess.Popen(
        [sys.executable, __file__, "--baseline", url, "--total", str(total)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert watcher.stdout is not None
    assert watcher.stdout.readline().strip() == "subscribed"
    ids = game_ids(args.games)
    results = publish_burst(url, ids, args.publishers, args.rate, args.seconds, cards_ready)
    out, _ = watcher.communicate(timeout=FEED_WAIT)
    sent: dict[str, float] = {}
    for r in results:
        sent.update(r["sent"])
    return {
        **json.loads(out),
        "sent": sent,
        "publishers": [{k: r[k] for k in ("achieved", "cpu", "refused")} for r in results],
    }


# --------------------------------------------------------------------------- app side


def run_app(server: BroadcasterProcess, args: argparse.Namespace) -> dict[str, Any]:
    import threading

    import qasync
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    from desktop.feed.client import FeedClient
    from desktop.settings import Settings
    from desktop.ui.card import GameCard
    from desktop.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    painted: dict[str, list[tuple[float, int]]] = defaultdict(list)  # game → (time, score)

    class PaintSpy(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and isinstance(obj, QLabel):
                card = obj.parent()
                if isinstance(card, GameCard) and obj is card.scores["home"] and obj.text():
                    score = int(obj.text())
                    painted[card.game_id].append((time.time(), score))
                    if final.get(card.game_id) == score:
                        caught_up.add(card.game_id)
                        if len(caught_up) == len(final):
                            all_painted.set()
            return False

    spy = PaintSpy()  # on each home score label only: an app-wide filter would cost the app
    lateness: list[float] = []
    ticks: list[float] = []  # the wall clock of each probe tick
    all_cards = threading.Event()
    final: dict[str, int] = {}  # the broadcaster's last word, once the burst is over
    caught_up: set[str] = set()
    all_painted = asyncio.Event()

    async def main() -> dict[str, Any]:
        client = FeedClient()
        window = MainWindow(client, Settings(theme="light"))
        window.resize(args.width, args.height)  # default: every card on screen, 10 a row
        watched: set[str] = set()

        def watch_labels() -> None:
            for game_id, card in window.grid.cards.items():
                if game_id not in watched:
                    watched.add(game_id)
                    card.scores["home"].installEventFilter(spy)
            if len(watched) >= args.games:
                all_cards.set()

        labels = QTimer()  # cards appear as the publishers create their games
        labels.setInterval(100)
        labels.timeout.connect(watch_labels)
        labels.start()
        connected = asyncio.Event()
        client.status_changed.connect(lambda s: s.phase == "connected" and connected.set())
        client.start(server.url)
        window.show()
        await connected.wait()
        timer = loop_probe(lateness, when=ticks)

        loop = asyncio.get_running_loop()

        def cards_ready() -> None:  # (in the load thread)
            all_cards.wait(FEED_WAIT)
            loop.call_soon_threadsafe(timer.start)  # (started on the UI thread)

        assert server.proc is not None
        pid = server.proc.pid
        cpu, waited, served = time.process_time(), runqueue_wait(), cpu_seconds(pid)
        result: dict[str, Any] = await loop.run_in_executor(
            None, run_load, server.url, args, cards_ready
        )
        timer.stop()
        result["cpu"] = time.process_time() - cpu
        result["waited"] = runqueue_wait() - waited
        result["server_cpu"] = cpu_seconds(pid) - served
        final.update(await final_scores(server.url))
        caught_up.update(
            g for g, score in final.items() if painted[g] and painted[g][-1][1] == score
        )
        if len(caught_up) < len(final):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(all_painted.wait(), FEED_WAIT)
        result["final"] = final
        result["names"] = {g: window.grid.cards[g].accessibleName() for g in final}
        result["model"] = {g: s.home.score for g in final if (s := window.games.state(g))}
        await client.stop()
        window.close()
        return result

    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        if args.profile:  # the UI thread only (the load processes are not in it)
            import cProfile

            with cProfile.Profile() as profile:
                result = runner.run(main())
            profile.dump_stats(args.profile)
        else:
            result = runner.run(main())
    result["painted"] = painted
    result["lateness"] = lateness
    result["ticks"] = ticks
    return result


# --------------------------------------------------------------------------- report


def paint_latency(
    sent: dict[str, float], painted: dict[str, list[tuple[float, int]]]
) -> list[float]:
    """Each event: from its publish to its card's first paint of that score or a newer one."""
    firsts: dict[str, tuple[list[int], list[float]]] = {}
    for game_id, paints in painted.items():
        scores: list[int] = []
        times: list[float] = []
        for t, score in sorted(paints):
            if not scores or score > scores[-1]:
                scores.append(score)
                times.append(t)
        firsts[game_id] = (scores, times)
    latencies = []
    for key, t in sent.items():
        game_id, score = key.rsplit(":", 1)
        scores, times = firsts.get(game_id, ([], []))
        i = bisect.bisect_left(scores, int(score))
        if i < len(scores):
            latencies.append(max(0.0, times[i] - t))
    return latencies


def lost(result: dict[str, Any]) -> dict[str, int]:
    final, model, names = result["final"], result["model"], result["names"]
    painted = result["painted"]
    return {
        "model": sum(model.get(g) != s for g, s in final.items()),
        "painted": sum(not painted[g] or painted[g][-1][1] != s for g, s in final.items()),
        "accessible name": sum(
            not names[g].startswith(f"Boston Celtics {s}, ") for g, s in final.items()
        ),
    }


def report(args: argparse.Namespace, result: dict[str, Any]) -> None:
    sent, base = result["sent"], result["baseline"]
    a = percentiles(paint_latency(sent, result["painted"]))
    b = percentiles([base[k] - t for k, t in sent.items() if k in base])
    ui, bl = percentiles(result["lateness"]), percentiles(result["baseline_lateness"])
    print(
        f"\n{args.games} live games, {args.rate:g} events/s offered for {args.seconds:g} s "
        f"by {args.publishers} publishers ({len(sent)} score events), one broadcaster process"
    )
    print("\n| | n | p50 ms | p90 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for name, s in (
        ("app: publish → score painted (that or newer)", a),
        ("baseline: publish → bare websockets client received", b),
        ("app: UI loop late (10 ms QTimer)", ui),
        ("baseline: its loop late (10 ms asyncio sleep)", bl),
    ):
        cells = " | ".join(f"{s[k]:.1f}" for k in ("p50", "p90", "p99", "max"))
        print(f"| {name} | {s['n']} | {cells} |")
    print(
        f"\nratio app/baseline latency: p50 {a['p50'] / b['p50']:.2f}x, "
        f"p99 {a['p99'] / b['p99']:.2f}x"
    )
    print(f"ratio app/baseline loop lateness: p99 {ui['p99'] / max(bl['p99'], 0.1):.2f}x")
    print(f"lost (games not ending on the broadcaster's final score): {lost(result)}")
    print(f"baseline lost events: {len(sent) - b['n']}")
    start = min(sent.values())
    worst = sorted(zip(result["lateness"], result["ticks"], strict=True), reverse=True)[:5]
    stalls = ", ".join(f"{late * 1000:.0f} ms at {t - start:+.1f} s" for late, t in worst)
    print(f"worst UI loop stalls (time from the first publish): {stalls}")
    for i, p in enumerate(result["publishers"]):
        refused = f", refused {len(p['refused'])}" if p["refused"] else ""
        print(
            f"publisher {i}: achieved {p['achieved']:.0f} events/s, "
            f"CPU {p['cpu'] * 100:.0f}% of a core{refused}"
        )
    print(f"broadcaster CPU during the run: {result['server_cpu']:.2f} s")
    per_event = result["cpu"] / len(sent) * 1000
    print(f"app CPU during the run: {result['cpu']:.2f} s ({per_event:.2f} ms/event)")
    print(f"app UI thread runnable but waiting for a CPU (other jobs): {result['waited']:.2f} s")


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--baseline", metavar="URL", help=argparse.SUPPRESS)
    p.add_argument("--publisher", metavar="URL", help=argparse.SUPPRESS)
    p.add_argument("--ids", help=argparse.SUPPRESS)
    p.add_argument("--total", type=int, help=argparse.SUPPRESS)
    p.add_argument("--games", type=int, default=50)
    p.add_argument("--rate", type=float, default=2000.0, help="events/s, all publishers")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--publishers", type=int, default=2)
    p.add_argument("--profile", metavar="FILE", help="cProfile the app's thread into FILE")
    p.add_argument("--width", type=int, default=3300)
    p.add_argument("--height", type=int, default=1000)
    args = p.parse_args()
    if args.baseline:
        print(json.dumps(asyncio.run(baseline(args.baseline, args.total))))
        return 0
    if args.publisher:
        ids = args.ids.split(",")
        print(json.dumps(asyncio.run(publisher(args.publisher, ids, args.rate, args.seconds))))
        return 0
    report(args, with_broadcaster(args.rate, lambda server: run_app(server, args)))
    return 0


def with_broadcaster(rate: float, body: Callable[[BroadcasterProcess], Any]) -> Any:
    """``body(server)`` with a real broadcaster whose publish limits are above ``rate``
    (its abuse limits are not what is measured)."""
    limit = str(rate * 2)
    with tempfile.TemporaryDirectory() as tmp:
        server = BroadcasterProcess(
            Path(tmp) / "bench.sqlite3", extra=["--publish-rate", limit, "--token-rate", limit]
        ).start()
        try:
            return body(server)
        finally:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
