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
import hashlib
import sys
from collections.abc import AsyncIterator, Callable
from typing import IO

from broadcaster.console.notes import Note
from broadcaster.console.session import Console, Outcome

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
    same_ids: bool = False,
) -> int:
    """Run the lines; ``same_ids``: a line publishes under an id made from the script so far,
    so the same script run again publishes nothing twice (the broadcaster answers a repeated
    id with its first ack) and goes on where it stopped."""
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
    number, so_far = 0, hashlib.sha256()
    async for line in lines:
        number += 1
        where = f"{name}:{number}"
        so_far.update(line.encode())
        key = f"{so_far.hexdigest()[:24]}-{number}" if same_ids else None
        why = ["no answer"]
        try:
            outcome = await asyncio.wait_for(_submit(console, line, key, why), timeout)
        except TimeoutError:
            return _gave_up(console, err, where, why[-1])
        if outcome.kind == "error":
            err(f"{where}: {outcome.text} (nothing published)")
            return 1
        if outcome.kind == "quit":
            break
        if outcome.kind == "shown":
            out(outcome.text)
        if outcome.warning:
            err(f"{where}: {outcome.warning}")
        if outcome.entry is None:
            continue
        try:
            reply = await asyncio.wait_for(console.reply(outcome.entry), timeout)
        except TimeoutError:
            return _gave_up(console, err, where, "no answer to this line's event")
        if not reply.ok:
            err(f"{where}: stopped at this refusal; nothing after it was published")
            return 1
    try:
        await asyncio.wait_for(console.drained(), timeout)
    except TimeoutError:
        return _gave_up(console, err, f"{name}:{number}", "queued events not answered")
    return 1 if refusals else 0


async def _submit(console: Console, line: str, key: str | None, why: list[str]) -> Outcome:
    """Submit the line once what it needs has arrived (the games, the game's past);
    ``why`` collects what it is waiting for."""
    if line.split()[:1] == ["log"]:
        why.append("the game's past is not loaded yet")
        await console.past_loaded()
    while True:
        outcome = console.submit(line, key)
        if not outcome.waiting:
            return outcome
        why.append(outcome.text)
        await console.changed()


def _gave_up(console: Console, err: Print, where: str, why: str) -> int:
    waiting = len(console.outbox.pending())
    err(
        f"{where}: gave up waiting for the broadcaster at {console.url} ({why}); "
        f"{waiting} event(s) stay queued and go out, once each, the next time the console runs"
    )
    return 3
