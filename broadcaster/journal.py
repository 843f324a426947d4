"""The durable journal: one SQLite file in WAL mode.

``events`` holds every accepted event with its publish id, its publisher (the
audit trail) and its encoded frame, so resume and history send bytes straight
from disk. ``games`` holds each game's latest state, written in the same
transaction, so a restart reads one row per game instead of replaying the
journal. ``meta`` holds the epoch, fixed when the file is created.

Writes happen on one thread (``append``), reads on others; every method that
touches SQLite is blocking, and the hub calls the slow ones off the event loop.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from broadcaster.errors import JournalError
from broadcaster.storage import Record, StoredGame

SCHEMA_VERSION: Final = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events(
    seq INTEGER PRIMARY KEY,
    game_id TEXT NOT NULL,
    game_seq INTEGER NOT NULL,
    pub_id TEXT NOT NULL UNIQUE,
    publisher TEXT NOT NULL,
    kind TEXT NOT NULL,
    data BLOB NOT NULL,
    time REAL NOT NULL,
    frame BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_game ON events(game_id, seq);
CREATE TABLE IF NOT EXISTS games(
    game_id TEXT PRIMARY KEY,
    game_seq INTEGER NOT NULL,
    state BLOB NOT NULL
);
"""


class Journal:
    """An open SQLite journal file (a ``JournalBackend``). Create with ``Journal.open(path)``."""

    remote = False  # reads are local and indexed: cheap enough for the event loop
    reachable = True  # a file has no connection to lose (a full disk fails the write)

    def __init__(self, path: Path, writer: sqlite3.Connection) -> None:
        self.path = path
        self._writer = writer
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        row = writer.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
        self.epoch: str = row[0]
        self.last_seq: int = writer.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[
            0
        ]

    # ------------------------------------------------------------------ open / close

    @classmethod
    def open(cls, path: str | Path, *, check: bool = True) -> Journal:
        """Open or create the journal at ``path``; ``JournalError`` says why it cannot."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise JournalError(f"cannot create the journal's folder {path.parent}: {exc}") from exc
        try:
            conn = _connect(path)
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise JournalError(f"journal {path}: cannot use WAL mode (got {mode})")
            if check:
                result = conn.execute("PRAGMA quick_check").fetchone()[0]
                if result != "ok":
                    raise JournalError(
                        f"journal {path} is corrupted ({result}); move it aside to start a new one"
                    )
            with conn:
                conn.executescript(_SCHEMA)
                conn.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('epoch', ?), ('schema', ?)",
                    (uuid.uuid4().hex, SCHEMA_VERSION),
                )
            schema = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
            if schema != SCHEMA_VERSION:
                raise JournalError(f"journal {path} has schema {schema}, expected {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"cannot use journal {path}: {_explain(exc)}") from exc
        return cls(path, conn)

    def close(self) -> None:
        with self._lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        self._writer.close()

    # ------------------------------------------------------------------ writing

    def append(self, records: Sequence[Record]) -> None:
        """Store records and their games' states in one durable transaction."""
        try:
            with self._writer as conn:
                conn.executemany(
                    "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            r.seq,
                            r.game_id,
                            r.game_seq,
                            r.pub_id,
                            r.publisher,
                            r.kind,
                            r.data,
                            r.time,
                            r.frame,
                        )
                        for r in records
                    ],
                )
                latest = {r.game_id: r for r in records}
                conn.executemany(
                    "INSERT OR REPLACE INTO games VALUES (?, ?, ?)",
                    [(r.game_id, r.game_seq, r.state) for r in latest.values()],
                )
        except sqlite3.Error as exc:
            raise JournalError(f"journal {self.path}: write failed: {_explain(exc)}") from exc
        self.last_seq = records[-1].seq

    # ------------------------------------------------------------------ reading

    def games(self) -> list[StoredGame]:
        with self._reading() as conn:
            rows = conn.execute("SELECT game_id, game_seq, state FROM games").fetchall()
        return [StoredGame(*row) for row in rows]

    def find_publish(self, pub_id: str) -> Record | None:
        """The stored event with this publish id, if any."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT seq, game_id, game_seq, pub_id, publisher, kind, data, time, frame "
                "FROM events WHERE pub_id = ?",
                (pub_id,),
            ).fetchone()
        return None if row is None else _record(row)

    def find_publishes(self, pub_ids: Sequence[str]) -> dict[str, Record]:
        found = (self.find_publish(pub_id) for pub_id in pub_ids)
        return {r.pub_id: r for r in found if r is not None}

    def follow(self, after: int, deliver: Callable[[Record], None]) -> None:
        """The file has one writer, this node's hub: nothing to follow."""
        return None

    def game_events(self, game_id: str) -> list[Record]:
        """Every stored event of one game, oldest first."""
        with self._reading() as conn:
            return _game_events(conn, game_id)

    def source(self) -> JournalFile:
        """A picklable reader of this journal for another process (the refold worker)."""
        return JournalFile(self.path)

    def frames(
        self, after: int, upto: int, games: Sequence[str] | None, limit: int
    ) -> list[tuple[int, str, bytes]]:
        """``(seq, game_id, frame)`` of events in ``(after, upto]``, oldest first.

        ``games`` narrows to those game ids (None: every game).
        """
        sql = "SELECT seq, game_id, frame FROM events WHERE seq > ? AND seq <= ?"
        args: list[object] = [after, upto]
        if games is not None:
            sql += f" AND game_id IN ({','.join('?' * len(games))})"
            args += games
        sql += " ORDER BY seq LIMIT ?"
        args.append(limit)
        with self._reading() as conn:
            return conn.execute(sql, args).fetchall()

    def history(self, game_id: str, before: int | None, limit: int, after: int = 0) -> list[bytes]:
        """Frames of one game's events, newest first, in ``(after, before)``."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT frame FROM events WHERE game_id = ? AND seq > ? AND seq < ? "
                "ORDER BY seq DESC LIMIT ?",
                (game_id, after, before if before is not None else 2**62, limit),
            ).fetchall()
        return [row[0] for row in rows]

    def publisher_of(self, seq: int) -> str | None:
        with self._reading() as conn:
            row = conn.execute("SELECT publisher FROM events WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else str(row[0])

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A read connection of this thread's own (WAL readers never block the writer)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path)
            self._local.conn = conn
            with self._lock:
                self._readers.append(conn)
        try:
            yield conn
        except sqlite3.Error as exc:
            raise JournalError(f"journal {self.path}: read failed: {_explain(exc)}") from exc


@dataclass(frozen=True)
class JournalFile:
    """Reads one game's events from a journal file, in any process (read-only)."""

    path: Path

    def game_events(self, game_id: str) -> list[Record]:
        conn = _readonly.get(self.path)
        if conn is None:
            conn = _readonly[self.path] = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            return _game_events(conn, game_id)
        except sqlite3.Error as exc:
            raise JournalError(f"journal {self.path}: read failed: {_explain(exc)}") from exc


_readonly: dict[Path, sqlite3.Connection] = {}  # per process: the refold worker's readers


def _game_events(conn: sqlite3.Connection, game_id: str) -> list[Record]:
    rows = conn.execute(
        "SELECT seq, game_id, game_seq, pub_id, publisher, kind, data, time, frame "
        "FROM events WHERE game_id = ? ORDER BY seq",
        (game_id,),
    ).fetchall()
    return [_record(row) for row in rows]


def _record(row: tuple[object, ...]) -> Record:
    """A ``Record`` read back (the game's state after it lives inside ``frame``)."""
    return Record(*row, b"")  # type: ignore[arg-type,call-arg]


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level="DEFERRED", check_same_thread=False)
    conn.execute("PRAGMA synchronous=FULL")  # an ack means the event is on disk
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def _explain(exc: sqlite3.Error) -> str:
    text = str(exc)
    hints = {
        "unable to open database file": "the file or its folder is missing or not writable",
        "readonly database": "the file or its folder is read-only",
        "file is not a database": "the file is not a Scorecast journal or is corrupted",
        "database or disk is full": "the disk is full",
        "disk I/O error": "the disk failed",
    }
    for needle, hint in hints.items():
        if needle in text:
            return f"{text} ({hint})"
    return text
