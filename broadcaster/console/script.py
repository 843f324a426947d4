"""The console without prompts: the same commands from a file or stdin, for automation.

Each event waits for the broadcaster's answer before the next line is read,
so the script stops at the first refusal with the broadcaster's reason, and
nothing after it is published. A line the console cannot parse stops it too,
and publishes nothing. Exit codes: 0 all published, 1 stopped at a refusal or
a bad line, 3 gave up waiting for the broadcaster (``--timeout``; what was
queued stays in the outbox and goes out next time).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from typing import IO

from broadcaster.console.session import Console, Note

Print = Callable[[str], None]


def _print_to(stream: IO[str]) -> Print:
    return lambda text: print(text, file=stream, flush=True)


async def lines_of(stream: IO[str]) -> AsyncIterator[str]:
    """Lines as they come, without blocking the event loop (stdin may be a slow pipe).

    One line is read only when the previous one is done, so a script that stops
    early (a refusal) leaves no read pending and exits at once.
    """
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, stream.readline):
        yield line


async def run_script(
    console: Console,
    lines: AsyncIterator[str],
    name: str,
    *,
    timeout: float | None = None,
    out: Print | None = None,
    err: Print | None = None,
) -> int:
    out = out or _print_to(sys.stdout)
    err = err or _print_to(sys.stderr)
    refusals: list[str] = []

    def note(n: Note) -> None:
        if n.level == "ok":
            out(n.text)
        elif n.level in ("refused", "error"):
            refusals.append(n.text)
            err(n.text)

    console.notify = note
    number = 0
    async for line in lines:
        number += 1
        if line.split()[:1] == ["undo"]:  # it needs the game's past, which the feed loads
            try:
                await asyncio.wait_for(console.past_loaded(), timeout)
            except TimeoutError:
                return _gave_up(console, err)
        outcome = console.submit(line)
        if outcome.kind == "error":
            err(f"{name}:{number}: {outcome.text} (nothing published)")
            return 1
        if outcome.kind == "quit":
            break
        if outcome.kind == "shown":
            out(outcome.text)
        if outcome.warning:
            err(f"{name}:{number}: {outcome.warning}")
        if outcome.entry is None:
            continue
        try:
            reply = await asyncio.wait_for(console.reply(outcome.entry), timeout)
        except TimeoutError:
            return _gave_up(console, err)
        if not reply.ok:
            err(f"{name}:{number}: stopped at this refusal; nothing after it was published")
            return 1
    try:
        await asyncio.wait_for(console.drained(), timeout)
    except TimeoutError:
        return _gave_up(console, err)
    return 1 if refusals else 0


def _gave_up(console: Console, err: Print) -> int:
    waiting = len(console.outbox.pending())
    err(
        f"gave up waiting for the broadcaster at {console.url}; {waiting} event(s) stay "
        "queued and go out, once each, the next time the console runs"
    )
    return 3
