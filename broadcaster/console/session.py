"""The console core that the REPL and the script both drive.

It owns the model, the outbox and the two links. ``submit`` acts on one line
at once, without awaiting: a typo is an error and nothing else happens; an
event goes to the outbox (on disk before ``submit`` returns) and the
publisher is woken. Everything the operator should read comes out as
``Note``s through ``notify``; the broadcaster's answer to a queued event can
also be awaited (``reply``), which is how a script stops at a refusal.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from broadcaster.console import views
from broadcaster.console.commands import Context, Quit, SetCrease, Show, Use, parse
from broadcaster.console.describe import event_text, score_line
from broadcaster.console.emit import Confirm, Emit
from broadcaster.console.links import FeedLink, Publisher
from broadcaster.console.model import GameRecord, Model, Queued, Status, is_undo
from broadcaster.console.notes import Note, Others
from broadcaster.console.outbox import Outbox
from broadcaster.console.rosters import RosterCommand, parse_lines
from broadcaster.console.saved import Saved, load_saved, save
from broadcaster.console.words import CommandError, NotYet
from broadcaster.protocol import Ack, Event
from broadcaster.sports import SPORTS, Sport

log = logging.getLogger("broadcaster.console")
LATE = 2.0  # seconds without a ✓ before the operator is warned


@dataclass(frozen=True, slots=True)
class Reply:
    """The broadcaster's answer to one queued event."""

    ok: bool
    text: str
    seq: int | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What ``submit`` did with a line: queued an event, showed something, or nothing."""

    kind: Literal["queued", "shown", "error", "quit", "blank"]
    text: str = ""
    entry: Queued | None = None
    warning: str = ""  # queued, but the operator should check it
    waiting: bool = False  # an error only until the broadcaster has sent what it needs


class Console:
    def __init__(
        self,
        url: str | Sequence[str],
        token: str,
        outbox: Outbox,
        *,
        feed_token: str | None = None,
        sports: Mapping[str, Sport] = SPORTS,
        current: str | None = None,
        saved_path: Path | None = None,
        notify: Callable[[Note], None] = lambda note: None,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.urls = [url] if isinstance(url, str) else list(url)  # tried in turn when one fails
        self.url = ", ".join(self.urls)
        self.outbox, self.notify, self.on_change = outbox, notify, on_change
        self.model = Model(sports)
        self.saved_path = saved_path
        saved = load_saved(saved_path)
        self.current = current or saved.current
        if saved.state is not None and saved.state.game_id == self.current:
            self.model.games[saved.state.game_id] = GameRecord(state=saved.state)
        self.model.rosters = saved.rosters
        self.model.epoch, self.model.mine, self.model.undos = (
            saved.epoch, set(saved.mine), set(saved.undos)
        )  # fmt: skip
        for entry in outbox.pending():
            self.model.queue(entry)
        self.undo_note = ""
        self.confirming: Confirm | None = None  # a question waiting for yes
        self.publisher = Publisher(self.urls, token, outbox, self)
        self.feed = FeedLink(
            self.urls, feed_token or token, self.model, self._changed, self._feed_link, self._seen
        )
        self.others = Others(self.model)
        self.feed.follow(self.current)
        self._waiters: dict[str, asyncio.Future[Reply]] = {}
        self._answers: dict[str, Reply] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._answered = asyncio.Event()
        self._change = asyncio.Event()
        self._was_online: bool | None = False  # None: told the operator it is offline
        self._queued_at: dict[str, float] = {e.id: time.monotonic() for e in outbox.pending()}
        self._late: set[str] = set()  # ids the operator was warned about

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        for coro in (self.publisher.run(), self.feed.run(), self._watch_late()):
            task = loop.create_task(coro)
            task.add_done_callback(self._link_died)
            self._tasks.append(task)

    async def _watch_late(self) -> None:
        """Warn once about each event still without its ✓ after ``LATE`` seconds."""
        while True:
            await asyncio.sleep(LATE / 4)
            now = time.monotonic()
            late = [
                e for e in self.outbox.pending()
                if e.id not in self._late and now - self._queued_at.get(e.id, now) > LATE
            ]  # fmt: skip
            if late:
                self._late.update(e.id for e in late)
                what = ", ".join(e.text or e.kind for e in late)
                self.notify(Note("warn", f"⚠ no ✓ after {LATE:.0f} s: {what}; it stays queued"))
                self._changed()

    def late(self) -> int:
        """How many events wait for their ✓ longer than they should."""
        return len([e for e in self.outbox.pending() if e.id in self._late])

    def _link_died(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("console link failed", exc_info=exc)
            self.notify(Note("error", f"the console cannot go on: {exc}"))
            for waiter in self._waiters.values():
                if not waiter.done():
                    waiter.set_result(Reply(False, f"the console cannot go on: {exc}"))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._save()
        self.outbox.close()

    # ------------------------------------------------------------------ lines

    def context(self) -> Context:
        return Context(self.model, self.current, date.today())

    def submit(self, line: str, key: str | None = None) -> Outcome:
        """Act on one line typed (or read from a script); ``key`` makes its publish id."""
        asked, self.confirming = self.confirming, None
        if asked is not None:
            if line.strip().lower() in ("yes", "y"):
                return self._queue(asked.emit, f"{asked.emit.summary} (confirmed)", key)
            if line.strip().lower() in ("no", "n", ""):
                return Outcome("shown", f"not done: {asked.emit.summary}")
        try:
            cmd = parse(line, self.context())
        except NotYet as exc:
            return Outcome("error", exc.message, waiting=True)
        except CommandError as exc:
            return Outcome("error", exc.message)
        if cmd is None:
            return Outcome("blank")
        if isinstance(cmd, Quit):
            return Outcome("quit")
        if isinstance(cmd, Use):
            self._use(cmd.game_id)
            note = f"; {cmd.note}" if cmd.note else ""
            return Outcome("shown", f"current game: {self._game_title(cmd.game_id)}{note}")
        if isinstance(cmd, Show):
            return Outcome("shown", self.show(cmd))
        if isinstance(cmd, Confirm):
            self.confirming = cmd
            return Outcome("shown", f"{cmd.question} (anything else: not done)")
        if isinstance(cmd, RosterCommand):
            return self._roster(cmd)
        if isinstance(cmd, SetCrease):
            self.model.set_crease(cmd.game_id, cmd.crease)
            self._changed()
            return Outcome("shown", cmd.crease.line())
        return self._queue(cmd, line.strip(), key)

    def _roster(self, cmd: RosterCommand) -> Outcome:
        players = dict(cmd.players)
        if cmd.path is not None:
            try:
                text = Path(cmd.path).expanduser().read_text(encoding="utf-8")
                players.update(parse_lines(text, cmd.path))
            except OSError as exc:
                return Outcome("error", f"cannot read the line-up {cmd.path}: {exc.strerror}")
            except CommandError as exc:
                return Outcome("error", exc.message)
        state = self.model.state(cmd.game_id)
        team = state.team(cmd.side).short if state is not None else cmd.side
        if not players:
            shown = self.model.rosters.get(cmd.game_id, {}).get(cmd.side, {})
            listing = " ".join(f"{n}={p}" for n, p in sorted(shown.items(), key=_number))
            return Outcome("shown", f"{team}: {listing or 'no line-up loaded'}")
        self.model.rosters.setdefault(cmd.game_id, {})[cmd.side] = players
        self._save()
        return Outcome("shown", f"{team} line-up: {len(players)} players")

    def _queue(self, emit: Emit, text: str, key: str | None = None) -> Outcome:
        now = self.now()
        clock = emit.clock if emit.at is not None else self._game_clock(emit.game_id, now)
        entry = self.outbox.add(
            emit.game_id, emit.kind, emit.data, text=text, at=emit.at or now, ref=emit.ref,
            clock=clock, id=None if key is None else _script_id(emit.game_id, key),
            epoch=self.model.epoch if "target" in emit.data else None,
        )  # fmt: skip
        self.model.queue(entry)
        self._queued_at[entry.id] = time.monotonic()
        if emit.kind == "game.create":
            self._use(emit.game_id)
        if emit.undone:
            self.undo_note = f"undone: {emit.undone}"
        self.publisher.wake()
        self._changed()
        warning = f"⚠ {emit.warning}" if emit.warning else ""
        if self.publisher.status.state != "online":
            waiting = len(self.outbox.pending())
            text = f"queued (offline): {emit.summary} · {waiting} waiting"
            return Outcome("queued", text, entry, warning)
        return Outcome("queued", "", entry, warning)

    def _game_clock(self, game_id: str, now: float) -> float | None:
        """The game clock as the operator sees it now, sent with the event."""
        state = self.model.state(game_id)
        sport = self.model.sports.get(state.sport) if state is not None else None
        if state is None or sport is None or state.period.number == 0:
            return None
        if not sport.spec(state).clock:  # cricket, tennis: no game clock
            return None
        return round(max(0.0, state.clock.value(now)), 3)

    def _use(self, game_id: str) -> None:
        if game_id != self.current:
            self.undo_note = ""  # it was about the other game
        self.current = game_id
        self.feed.follow(game_id)
        self._save()
        self._changed()

    def show(self, cmd: Show) -> str:
        return views.show(cmd, self.model, self.current, self.now())

    def _game_title(self, game_id: str) -> str:
        state = self.model.state(game_id)
        return game_id if state is None else f"{game_id} ({score_line(state)})"

    # ------------------------------------------------------------------ answers

    def reply(self, entry: Queued) -> asyncio.Future[Reply]:
        """The broadcaster's answer to ``entry``, when it comes (or came)."""
        waiter = self._waiters.get(entry.id)
        if waiter is None:
            waiter = self._waiters[entry.id] = asyncio.get_running_loop().create_future()
        if entry.id in self._answers and not waiter.done():
            waiter.set_result(self._answers[entry.id])
        return waiter

    def _answer(self, entry: Queued, reply: Reply) -> None:
        self._answers[entry.id] = reply  # also for a reply() asked later
        waiter = self._waiters.get(entry.id)
        if waiter is not None and not waiter.done():
            waiter.set_result(reply)
        self._answered.set()

    async def drained(self) -> None:
        """Return once every queued event has been answered."""
        while self.outbox.pending():
            self._answered.clear()
            await self._answered.wait()

    def published(self, entry: Queued, data: dict[str, Any], ack: Ack) -> None:
        self.model.on_ack(entry.id, ack.seq, ack.state, data)
        what = self.model.describe(entry.game_id, entry.kind, data, ack.state)
        target = data.get("target") if data.get("action") == "void" else None
        logged = self.model.logged(entry.game_id, target) if isinstance(target, int) else None
        record = self.model.games[entry.game_id]
        if entry.kind == "correction" and logged is not None:  # the number is known now
            done = event_text(logged.kind, logged.data, ack.state)
            self.undo_note = f"undone: event {record.number(logged.seq)} {done}"
        text = f"✓ {record.number(ack.seq)} {what} · {score_line(ack.state)}"
        self.notify(Note("ok", text))
        self._settle()
        self._answer(entry, Reply(True, text, ack.seq))
        if entry.game_id == self.current:
            self._save()
        self._changed()

    def refused(self, entry: Queued, code: str, message: str) -> None:
        self.model.on_refused(entry.id)
        reason = _in_words(entry, code, message)
        text = f"✗ refused: {entry.text or entry.kind}: {reason}"
        if entry.kind == "correction" and entry.data.get("action") == "void":
            what = "undo" if is_undo(entry) else (entry.text.split() or ["void"])[0]
            self.undo_note = f"{what} refused: {reason}"
        self.notify(Note("refused", text))
        self._settle()
        self._answer(entry, Reply(False, text))
        self._changed()

    def link(self, status: Status) -> None:
        """The publisher's link changed: say so when it matters to the operator."""
        if status.state == "refused":
            self.notify(Note("error", status.detail))
            for entry in self.outbox.pending():
                self._answer(entry, Reply(False, status.detail))
        elif status.state == "online":
            if not self._was_online:
                waiting = len(self.outbox.pending())
                sending = f"; sending {waiting} queued event(s)" if waiting else ""
                self.notify(Note("link", f"connected to {self.publisher.url}{sending}"))
            self._was_online = True
        elif status.state == "offline" and self._was_online is not None:
            self.notify(
                Note(
                    "link",
                    f"{status.detail}: events are queued "
                    "on disk and go out in order when it is back",
                )
            )
            self._was_online = None  # said once, until it is back
        self._changed()

    def _feed_link(self, status: Status) -> None:
        self._changed()

    def _changed(self) -> None:
        self._change.set()
        self.on_change()

    async def changed(self) -> None:
        """Return at the next change of what the console knows (feed, acks, link)."""
        self._change.clear()
        await self._change.wait()

    async def past_loaded(self) -> None:
        """Wait until the current game's past events are loaded (undo needs them)."""
        while self.current is not None:
            record = self.model.games.get(self.current)
            if record is not None and record.loaded:
                return
            self._change.clear()
            await self._change.wait()

    # ------------------------------------------------------------------ views

    def now(self) -> float:
        """The broadcaster's clock, as far as the console can tell."""
        return time.time() + self.feed.skew

    def toolbar(self) -> str:
        state = self.model.state(self.current) if self.current else None
        return views.toolbar(
            state,
            self.current,
            self.publisher.status,
            len(self.outbox.pending()),
            self.undo_note,
            self.now(),
            self.late(),
        )

    def _seen(self, ev: Event) -> None:
        for note in self.others.seen(ev, self.current, self.outbox.pending()):
            self.notify(note)

    def _settle(self) -> None:
        for note in self.others.settle(self.outbox.pending()):
            self.notify(note)

    def _save(self) -> None:
        state = self.model.state(self.current) if self.current else None
        m = self.model
        mine, undos = sorted(m.mine), sorted(m.undos)
        save(self.saved_path, Saved(self.current, state, m.rosters, m.epoch, mine, undos))


def _script_id(game_id: str, key: str) -> str:
    """The publish id of a script's line: the same for the same script and game, every run."""
    return "script-" + hashlib.sha256(f"{game_id}\n{key}".encode()).hexdigest()[:40]


def _number(item: tuple[str, str]) -> int:
    return int(item[0]) if item[0].isdigit() else 0


def _in_words(entry: Queued, code: str, message: str) -> str:
    """A refusal as the operator should read it."""
    if code == "unknown_game":
        return f"the broadcaster has no game {entry.game_id} (new creates one)"
    if code == "duplicate_id":
        return "the broadcaster holds another event under this id; type it again"
    return message
