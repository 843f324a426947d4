"""``scoreboard --demo``: a real broadcaster in this process, playing the feed files.

The broadcaster runs on the app's own asyncio loop (qasync), on a free
loopback port, with a journal in a temporary directory. Every feed file in
``resources/feeds/`` plays at once, time-compressed (``pacing``). When all
have finished, the finals stay up for ``PAUSE`` seconds, then a new round
starts on a fresh journal on the same port: a new epoch, which the app meets
as any client would (reconnect, resync from a snapshot).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count
from pathlib import Path

from broadcaster.errors import EventRefused
from broadcaster.feed import FeedError, FeedItem, parse_feed
from broadcaster.hub import Hub
from broadcaster.journal import Journal
from broadcaster.protocol import GameState, Publish
from broadcaster.server import Broadcaster, Config
from broadcaster.sports import SPORTS
from desktop.demo.pacing import PeriodRun, period_end_after, schedule, speed_for

log = logging.getLogger("desktop.demo")
PAUSE = 20.0  # seconds the finals stay on screen between rounds
CLOCK_EVERY = 1.0  # seconds between clock re-anchors


@dataclass(frozen=True)
class Script:
    name: str
    items: tuple[FeedItem, ...]


def load_scripts(folder: Path) -> tuple[list[Script], list[str]]:
    """Every ``*.jsonl`` feed in ``folder``; unreadable ones are reported, not fatal."""
    scripts, problems = [], []
    for path in sorted(folder.glob("*.jsonl")):
        try:
            with path.open(encoding="utf-8") as lines:
                items = tuple(parse_feed(lines, path.name))
        except (OSError, FeedError, UnicodeDecodeError) as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        if items:
            scripts.append(Script(path.name, items))
    return scripts, problems


class Demo:
    """An embedded broadcaster replaying ``scripts`` in rounds, until ``stop()``."""

    def __init__(
        self,
        scripts: Sequence[Script],
        *,
        speed: float | None = None,
        pause: float = PAUSE,
        on_message: Callable[[str], None] = lambda text: None,
    ) -> None:
        self.scripts = list(scripts)
        self.speed = speed  # None: chosen per feed (pacing.speed_for)
        self.pause = pause
        self.on_message = on_message
        self.token = secrets.token_urlsafe(16)
        self.round = 0
        self.broadcaster: Broadcaster | None = None
        self._dir = Path(tempfile.mkdtemp(prefix="scoreboard-demo-"))
        self._task: asyncio.Task[None] | None = None
        self._port = 0
        self._ids = count(1)
        self._states: dict[str, GameState] = {}
        self._clocks: dict[str, PeriodRun] = {}
        self._anchors: dict[str, tuple[float, float]] = {}  # game -> (loop time at 0, speed)

    @property
    def url(self) -> str:
        assert self.broadcaster is not None, "start() first"
        return self.broadcaster.url

    async def start(self) -> None:
        await self._open()
        if self.scripts:
            self._task = asyncio.get_running_loop().create_task(self._rounds())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._close()
        shutil.rmtree(self._dir, ignore_errors=True)

    # ------------------------------------------------------------------ broadcaster

    async def _open(self) -> None:
        self.round += 1
        journal = Journal.open(self._dir / f"round-{self.round}.sqlite3")
        config = Config(host="127.0.0.1", port=self._port, publish_tokens=(self.token,))
        self.broadcaster = Broadcaster(Hub(journal), config)
        await self.broadcaster.start()
        self._port = self.broadcaster.port  # later rounds reuse it: the app's URL stays right

    async def _close(self) -> None:
        if self.broadcaster is not None:
            await self.broadcaster.stop()
            self.broadcaster = None

    async def _rounds(self) -> None:
        while True:
            self._states.clear()
            self._clocks.clear()
            count = len(self.scripts)
            self.on_message(f"Demo round {self.round}: {count} feed file(s) playing")
            clocks = asyncio.get_running_loop().create_task(self._keep_clocks())
            try:
                await asyncio.gather(*(self._play(s) for s in self.scripts))
            finally:
                clocks.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await clocks
            self.on_message(f"Demo round {self.round} over; the next starts in {self.pause:.0f} s")
            await asyncio.sleep(self.pause)
            await self._close()
            for old in self._dir.glob("round-*"):
                old.unlink(missing_ok=True)
            await self._open()

    # ------------------------------------------------------------------ playing

    async def _play(self, script: Script) -> None:
        loop = asyncio.get_running_loop()
        speed = self.speed or speed_for(script.items)
        times = schedule(script.items)
        started = loop.time()
        for i, (item, at) in enumerate(zip(script.items, times, strict=True)):
            delay = at / speed - (loop.time() - started)
            if delay > 0:
                await asyncio.sleep(delay)
            state = await self._publish(item.publish)
            if state is None:
                continue
            kind = item.publish.kind
            if kind == "period.start" and state.clock.running:
                spec = SPORTS[state.sport].spec(state) if state.sport in SPORTS else None
                if spec is not None:
                    end = period_end_after(script.items, times, i)
                    run = PeriodRun(spec.start, spec.end, at, end)
                    self._clocks[state.game_id] = run
                    self._anchors[state.game_id] = (started, speed)
            elif kind in ("period.end", "game.end"):
                self._clocks.pop(state.game_id, None)

    async def _publish(self, publish: Publish) -> GameState | None:
        assert self.broadcaster is not None
        try:
            ack = await self.broadcaster.hub.publish(publish, "demo")
        except EventRefused as exc:
            log.warning("demo: %s refused: %s", publish.id, exc.message)
            return None
        self._states[publish.game_id] = ack.state
        return ack.state

    async def _keep_clocks(self) -> None:
        """Re-anchor running game clocks so they keep the feed's compressed pace."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(CLOCK_EVERY)
            for game_id, run in list(self._clocks.items()):
                state = self._states.get(game_id)
                if state is None or not state.clock.running:
                    continue
                started, speed = self._anchors[game_id]
                seconds = run.clock_at((loop.time() - started) * speed)
                data = {"running": True, "seconds": round(seconds, 1)}
                publish = Publish(f"demo-clock-{next(self._ids)}", game_id, "clock.set", data)
                await self._publish(publish)
