"""The outbox keeps every queued event, with its id, through kills and restarts."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from broadcaster.console.outbox import Outbox, OutboxError


def test_queued_events_survive_a_reopen_with_their_ids(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    with Outbox.open(path) as box:
        a = box.add("g1", "score", {"team": "home", "points": 3}, text="h3", at=1.5)
        b = box.add("g1", "correction", {"action": "void"}, text="undo", ref=a.id)
        c = box.add("g1", "foul", {"team": "away"}, text="f a")
        box.done(a.id, 41)
        box.refused(c.id, "invalid_event", "no foul while the game is scheduled")
    with Outbox.open(path) as box:
        assert box.pending() == [b]
        assert box.seq_of(a.id) == 41  # a queued undo of it can still be resolved
        assert box.refusal_of(c.id) == "no foul while the game is scheduled"
        fresh = box.add("g1", "score", {"team": "away", "points": 2})
        assert fresh.id not in (a.id, b.id, c.id)


def test_the_file_is_emptied_once_nothing_is_pending(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    with Outbox.open(path) as box:
        entry = box.add("g1", "game.start", {})
        assert path.stat().st_size > 0
        box.done(entry.id, 7)
        assert path.stat().st_size == 0
        assert box.pending() == []


def test_a_torn_last_line_is_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    with Outbox.open(path) as box:
        kept = box.add("g1", "game.start", {})
    with path.open("ab") as f:
        f.write(b'{"op":"add","id":"console-x-2","game_id":"g1","ki')
    with Outbox.open(path) as box:
        assert box.pending() == [kept]
        box.add("g1", "period.start", {})
    with Outbox.open(path) as box:
        assert [e.kind for e in box.pending()] == ["game.start", "period.start"]


def test_a_damaged_line_is_reported_not_skipped(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    path.write_bytes(b'{"op":"add","id":"x","game_id":"g"}\nnot json\n')
    with pytest.raises(OutboxError, match="damaged at line 2"):
        Outbox.open(path)


def test_one_console_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    with Outbox.open(path), pytest.raises(OutboxError, match="another console"):
        Outbox.open(path)
    Outbox.open(path).close()  # free again once closed


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from broadcaster.console.outbox import Outbox
    box = Outbox.open(Path(sys.argv[1]))
    n = 0
    while True:
        n += 1
        entry = box.add("g1", "score", {"team": "home", "points": 2}, text=f"h2 #{n}")
        print(entry.id, flush=True)
    """
)


def test_every_event_reported_queued_survives_kill_9(tmp_path: Path) -> None:
    """A real process adding as fast as it can is killed; all it reported is still there."""
    path = tmp_path / "outbox.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    try:
        reported = [proc.stdout.readline().strip() for _ in range(200)]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(20)
        proc.stdout.close()
    with Outbox.open(path) as box:
        ids = [e.id for e in box.pending()]
    assert ids[: len(reported)] == reported
    assert len(ids) >= len(reported)
