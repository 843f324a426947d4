"""Scripts wait for what they need, name the line they gave up at, and never publish twice."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from tests.console.drivers import history
from tests.console.procs import TIMEOUT, console_env, run_console
from tests.helpers.proc import BroadcasterProcess

GAME = "g"
NEW = "new basketball NBA BOS LAL id=g"


def kinds(broadcaster: BroadcasterProcess) -> list[str]:
    return [e["kind"] for e in asyncio.run(history(broadcaster.feed, GAME))]


def test_use_and_log_wait_for_the_broadcasters_games(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    first = run_console(broadcaster.url, tmp_path / "a", stdin=f"{NEW}\nstart\nps\nh3 Tatum\n")
    assert first.returncode == 0, first.stderr
    script = tmp_path / "more.txt"
    script.write_text(f"use {GAME}\nlog\na2 James\n")
    done = run_console(broadcaster.url, tmp_path / "b", "--script", str(script))
    assert done.returncode == 0, done.stderr
    assert "not loaded yet" not in done.stdout
    assert "     4  score BOS +3 Tatum" in done.stdout  # the whole past, from another console
    assert "✓ 5 score LAL +2 James · BOS 3–2 LAL" in done.stdout


def test_a_script_that_times_out_names_its_line_and_a_rerun_goes_on_once(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    script = tmp_path / "game.txt"
    script.write_text("new basketball NBA BOS LAL\nstart\nps\nh3 Tatum\n")  # an id of today
    broadcaster.kill()
    data = tmp_path / "c"
    down = run_console(broadcaster.url, data, "--script", str(script), "--timeout", "2")
    assert down.returncode == 3
    assert f"{script}:1: gave up waiting for the broadcaster" in down.stderr
    assert "1 event(s) stay queued" in down.stderr
    broadcaster.start()
    again = run_console(broadcaster.url, data, "--script", str(script), "--timeout", "20")
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("✓") == 4
    once_more = run_console(broadcaster.url, data, "--script", str(script), "--timeout", "20")
    assert once_more.returncode == 0, once_more.stderr  # stored already: the same acks
    games = run_console(broadcaster.url, data, stdin="games\n").stdout.splitlines()
    assert len(games) == 1, games  # one game, not a "-2"
    game_id = games[0].split()[1]
    stored = asyncio.run(history(broadcaster.feed, game_id))
    assert [e["kind"] for e in stored] == ["game.create", "game.start", "period.start", "score"]


def test_game_kept_on_disk_takes_events_while_the_broadcaster_is_down(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    data = tmp_path / "c"
    first = run_console(broadcaster.url, data, stdin=f"{NEW}\nstart\nps\n")
    assert first.returncode == 0, first.stderr
    broadcaster.kill()
    down = run_console(broadcaster.url, data, "--game", GAME, "--timeout", "2", stdin="h3 Tatum\n")
    assert down.returncode == 3
    assert "stdin:1: gave up waiting" in down.stderr and "not known yet" not in down.stderr
    broadcaster.start()
    back = run_console(broadcaster.url, data, "--script", "/dev/null", "--timeout", "20")
    assert back.returncode == 0, back.stderr
    assert kinds(broadcaster) == ["game.create", "game.start", "period.start", "score"]


def test_a_script_started_before_the_broadcaster_waits_for_it(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    broadcaster.kill()
    script = tmp_path / "game.txt"
    script.write_text(f"{NEW}\nstart\nps\nh3 Tatum\nuse {GAME}\nlog\n")
    cmd = [sys.executable, "-m", "broadcaster", "console", "--url", broadcaster.url,
           "--data-dir", str(tmp_path / "c"), "--script", str(script)]  # fmt: skip
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=console_env()
    )
    try:
        broadcaster.start()
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
        proc.wait(TIMEOUT)
    assert proc.returncode == 0, err
    assert "✓ 4 score BOS +3 Tatum" in out
    assert "     4  score BOS +3 Tatum" in out
