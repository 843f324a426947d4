"""The outbox: every event the operator typed is on disk before anything else happens.

An append-only JSON Lines file. ``add`` writes one line and ``fsync``s it
before it returns, so an event the console called queued survives a kill -9
or a power cut. Records::

    {"op":"add","id":…,"game_id":…,"kind":…,"data":{…},"text":…,"at":…,"ref":…,"clock":…,
     "epoch":…}                                   (a correction: the journal of its target)
    {"op":"done","id":…,"seq":…,"epoch":…}        the broadcaster (that journal) stored it
    {"op":"refused","id":…,"code":…,"message":…}  the broadcaster will not

The publish id is made once, when the event is typed, and sent with every
retry; the broadcaster answers a repeated id with the original ack, so a
retry never counts twice. ``done`` and ``refused`` are not fsync'd: losing
one only means sending again and getting the same answer. A kill during a
write can only tear the last line, which was never reported as queued; it is
dropped on open. Once nothing is pending the file is emptied. One console at
a time owns an outbox: an advisory lock on a side file says so.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import msgspec

from broadcaster.console.model import Queued
from broadcaster.errors import LocalError

if sys.platform != "win32":
    import fcntl


class Record(msgspec.Struct, omit_defaults=True):
    op: str
    id: str
    game_id: str = ""
    kind: str = ""
    data: dict[str, Any] = msgspec.field(default_factory=dict)
    text: str = ""
    at: float = 0.0
    ref: str | None = None
    seq: int | None = None
    code: str = ""
    message: str = ""
    clock: float | None = None
    epoch: str = ""  # add: the journal of a correction's target; done: the one that acked


class OutboxError(LocalError):
    """The outbox cannot be opened or written (busy, damaged, disk)."""


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(Record).decode


@dataclass
class Outbox:
    path: Path
    _fd: int = -1
    _lock_fd: int = -1
    _pending: dict[str, Queued] = field(default_factory=dict)
    _seqs: dict[str, int] = field(default_factory=dict)
    _refusals: dict[str, str] = field(default_factory=dict)
    _epochs: dict[str, str] = field(default_factory=dict)  # acked id -> the journal's epoch
    _prefix: str = field(default_factory=lambda: f"console-{secrets.token_hex(6)}")
    _ids: count[int] = field(default_factory=lambda: count(1))

    @classmethod
    def open(cls, path: Path) -> Outbox:
        """Lock and load the outbox at ``path`` (created if missing)."""
        box = cls(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            box._lock()
            box._load()
            box._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            _fsync_dir(path.parent)
            if not box._pending:
                os.ftruncate(box._fd, 0)
        except OSError as exc:
            box.close()
            raise OutboxError(f"cannot open the outbox {path}: {exc.strerror or exc}") from exc
        except OutboxError:
            box.close()
            raise
        return box

    def _lock(self) -> None:
        self._lock_fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        if sys.platform == "win32":
            return
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutboxError(
                f"another console is using the outbox {self.path}; "
                "close it, or give this one its own --data-dir"
            ) from None

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        lines = raw.split(b"\n")
        if lines[-1]:  # a torn last write: it was never reported as queued
            with open(self.path, "r+b") as f:
                f.truncate(len(raw) - len(lines[-1]))
                os.fsync(f.fileno())
        for number, line in enumerate(lines[:-1], 1):
            if not line.strip():
                continue
            try:
                self._replay(_decode(line))
            except msgspec.DecodeError as exc:
                raise OutboxError(
                    f"the outbox {self.path} is damaged at line {number} ({exc}); "
                    "move it aside to start an empty one"
                ) from None

    def _replay(self, r: Record) -> None:
        if r.op == "add":
            self._pending[r.id] = Queued(
                r.id, r.game_id, r.kind, r.data, r.text, r.at, r.ref, r.clock, r.epoch or None
            )
        elif r.op == "done" and r.seq is not None:
            self._pending.pop(r.id, None)
            self._seqs[r.id] = r.seq
            if r.epoch:
                self._epochs[r.id] = r.epoch
        elif r.op == "refused":
            self._pending.pop(r.id, None)
            self._refusals[r.id] = r.message

    def _write(self, record: Record, sync: bool) -> None:
        line = _encode(record) + b"\n"
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(self._fd, view) :]
            if sync:
                os.fsync(self._fd)
        except OSError as exc:
            raise OutboxError(f"cannot write the outbox {self.path}: {exc.strerror}") from exc

    # ------------------------------------------------------------------ the queue

    def add(
        self,
        game_id: str,
        kind: str,
        data: Mapping[str, Any],
        *,
        text: str = "",
        at: float = 0.0,
        ref: str | None = None,
        clock: float | None = None,
        id: str | None = None,
        epoch: str | None = None,
    ) -> Queued:
        """Queue one event durably, under a new publish id (or ``id``, if it is not queued
        already: then that entry); returns it once on disk."""
        if id is not None and id in self._pending:
            return self._pending[id]
        pub_id = id or f"{self._prefix}-{next(self._ids)}"
        entry = Queued(pub_id, game_id, kind, dict(data), text, at, ref, clock, epoch)
        record = Record("add", entry.id, game_id, kind, dict(data), text, at, ref, clock=clock)
        record.epoch = epoch or ""
        self._write(record, sync=True)
        self._pending[entry.id] = entry
        return entry

    def done(self, pub_id: str, seq: int, epoch: str = "") -> None:
        """The broadcaster (whose journal is ``epoch``) stored ``pub_id`` as ``seq``."""
        if self._pending.pop(pub_id, None) is not None:
            self._seqs[pub_id] = seq
            if epoch:
                self._epochs[pub_id] = epoch
            self._write(Record("done", pub_id, seq=seq, epoch=epoch), sync=False)
            self._empty_when_idle()

    def refused(self, pub_id: str, code: str, message: str) -> None:
        """The broadcaster (or the console, for an undo of a refused event) will not store it."""
        if self._pending.pop(pub_id, None) is not None:
            self._refusals[pub_id] = message
            self._write(Record("refused", pub_id, code=code, message=message), sync=False)
            self._empty_when_idle()

    def _empty_when_idle(self) -> None:
        if not self._pending:
            with contextlib.suppress(OSError):  # a longer file is only slower to open
                os.ftruncate(self._fd, 0)

    def pending(self) -> list[Queued]:
        """What waits to be sent, in the order it was typed."""
        return list(self._pending.values())

    def seq_of(self, pub_id: str) -> int | None:
        return self._seqs.get(pub_id)

    def epoch_of(self, pub_id: str) -> str | None:
        """The journal ``pub_id`` was stored in (``seq_of`` is a seq of that journal)."""
        return self._epochs.get(pub_id)

    def refusal_of(self, pub_id: str) -> str | None:
        return self._refusals.get(pub_id)

    def close(self) -> None:
        for fd in (self._fd, self._lock_fd):
            if fd >= 0:
                os.close(fd)
        self._fd = self._lock_fd = -1

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fsync_dir(path: Path) -> None:
    """Make a new file's directory entry durable too (POSIX; a no-op elsewhere)."""
    if sys.platform == "win32":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
