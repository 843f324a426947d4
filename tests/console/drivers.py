"""Drive the real console as an operator would, and watch the real broadcaster.

``Typist`` runs the prompt_toolkit REPL on a pipe input in the test's event
loop; ``Watcher`` is an independent ``/feed`` subscriber; ``history`` reads a
game's stored events (what the journal holds). Every wait is on a condition,
with a deadline; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from websockets.asyncio.client import ClientConnection

from broadcaster.console.outbox import Outbox
from broadcaster.console.repl import make_session, run_repl
from broadcaster.console.session import Console
from tests.helpers.proc import TOKEN
from tests.helpers.ws import open_feed, recv, send

DEADLINE = 20.0


class Changes:
    """An event that fires on every change, to wait for a condition without polling."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()

    async def until(self, condition: Callable[[], bool], timeout: float = DEADLINE) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                self._event.clear()
                await self._event.wait()


@contextlib.asynccontextmanager
async def console_on(url: str, data_dir: Path, **kwargs: Any) -> AsyncIterator[Console]:
    """A started console core with its outbox in ``data_dir``."""
    outbox = Outbox.open(data_dir / "outbox.jsonl")
    console = Console(url, TOKEN, outbox, **kwargs)
    await console.start()
    try:
        yield console
    finally:
        await console.close()


class Typist:
    """Types lines into the real REPL and reads what it prints."""

    def __init__(self, console: Console, history: Path | None) -> None:
        self.console = console
        self.history = history
        self.printed: list[tuple[str, str]] = []
        self.changes = Changes()

    def echo(self, style: str, text: str) -> None:
        self.printed.append((style, text))
        self.changes.fire()

    def type(self, *lines: str) -> None:
        for line in lines:
            self.pipe.send_text(line + "\r")

    def press(self, keys: str) -> None:
        self.pipe.send_text(keys)

    async def until_typed(self, text: str) -> None:
        """Wait until the line being edited reads ``text``."""
        buffer = self.session.default_buffer
        try:
            await self.changes.until(lambda: buffer.text == text)
        except TimeoutError:
            raise AssertionError(f"the line reads {buffer.text!r}, not {text!r}") from None

    def said(self, words: str, style: str | None = None) -> bool:
        return any(words in text and style in (None, s) for s, text in self.printed)

    async def until_said(self, words: str, style: str | None = None) -> str:
        try:
            await self.changes.until(lambda: self.said(words, style))
        except TimeoutError:
            raise AssertionError(f"never said {words!r}; said: {self.printed}") from None
        return next(t for s, t in self.printed if words in t and style in (None, s))

    async def offline(self, broadcaster: Any) -> None:
        """Kill the broadcaster (a real process) and wait until the console knows."""
        broadcaster.kill()
        await self.changes.until(lambda: self.console.publisher.status.state != "online")

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Typist]:
        with create_pipe_input() as pipe:
            self.pipe = pipe
            history = FileHistory(str(self.history)) if self.history else InMemoryHistory()
            self.session = make_session(self.console, history, pipe, DummyOutput())
            self.session.default_buffer.on_text_changed += lambda _buffer: self.changes.fire()
            task = asyncio.get_running_loop().create_task(
                run_repl(self.console, None, echo=self.echo, session=self.session)
            )
            await self.until_said("Scorecast console")  # the REPL has hooked itself in
            on_change = self.console.on_change

            def changed() -> None:
                on_change()
                self.changes.fire()

            self.console.on_change = changed
            try:
                yield self
                pipe.send_text("quit\r")
                assert await asyncio.wait_for(task, DEADLINE) == 0
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)


class Watcher:
    """A separate subscriber on ``/feed``: what every client of the broadcaster saw."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []

    async def until(self, condition: Callable[[list[dict[str, Any]]], bool]) -> None:
        async with asyncio.timeout(DEADLINE):
            while not condition(self.events):
                msg = await recv(self.ws, DEADLINE)
                if msg["type"] == "event":
                    self.events.append(msg)

    def kinds(self) -> list[str]:
        return [e["kind"] for e in self.events]


@contextlib.asynccontextmanager
async def watching(feed_url: str) -> AsyncIterator[Watcher]:
    ws, _hello = await open_feed(feed_url)
    try:
        await send(ws, {"type": "subscribe", "games": ["*"]})
        snapshot = await recv(ws)
        assert snapshot["type"] == "snapshot"
        yield Watcher(ws)
    finally:
        await ws.close()


async def history(feed_url: str, game_id: str) -> list[dict[str, Any]]:
    """Every stored event of a game, oldest first, read back from the broadcaster."""
    ws, _hello = await open_feed(feed_url)
    try:
        await send(ws, {"type": "history", "req": "t", "game_id": game_id, "limit": 1000})
        reply = await recv(ws)
    finally:
        await ws.close()
    if reply["type"] == "error":
        assert reply["code"] == "unknown_game", reply
        return []
    return list(reversed(reply["events"]))


async def journal_seq(feed_url: str) -> int:
    """The broadcaster's latest seq (from a fresh hello)."""
    ws, hello = await open_feed(feed_url)
    await ws.close()
    return int(hello["seq"])


def outbox_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@contextlib.asynccontextmanager
async def operator(
    url: str, data_dir: Path, history: Path | None = None, **kwargs: Any
) -> AsyncIterator[Typist]:
    """A console core with the REPL running on it, ready to be typed into."""
    async with (
        console_on(url, data_dir, **kwargs) as console,
        Typist(console, history).running() as typist,
    ):
        yield typist
