"""Two real broadcasters for failover tests: each on its own SQLite journal, or the second on a
copy of the first's (the same epoch and seqs, as nodes on one NATS journal have)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.helpers.proc import BroadcasterProcess


def copy_journal(source: Path, target: Path) -> None:
    """A consistent copy of a live journal (SQLite's online backup), epoch and all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


@contextlib.contextmanager
def two_broadcasters(
    tmp_path: Path, before_copy: Callable[[BroadcasterProcess], None] | None = None
) -> Iterator[tuple[BroadcasterProcess, BroadcasterProcess]]:
    """``first`` and ``second``, each a process with its own folder. With ``before_copy``,
    it runs against ``first`` and then ``second`` starts on a copy of ``first``'s journal;
    without, ``second`` has a journal of its own (another epoch)."""
    first = BroadcasterProcess(tmp_path / "a" / "journal.sqlite3")
    second = BroadcasterProcess(tmp_path / "b" / "journal.sqlite3")
    for proc in (first, second):
        proc.db.parent.mkdir(parents=True)
    try:
        first.start()
        if before_copy is not None:
            before_copy(first)
            copy_journal(first.db, second.db)
        second.start()
        yield first, second
    finally:
        first.stop()
        second.stop()
