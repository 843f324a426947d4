"""Scripted runs of the real ``broadcaster console`` process: stop at the first refusal."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.console.drivers import history
from tests.console.procs import TIMEOUT, console_env, run_console
from tests.helpers.proc import BroadcasterProcess

SOCCER_GAME = textwrap.dedent(
    """\
    # the 2018 World Cup final, in short
    new soccer "World Cup" FRA=France CRO=Croatia id=wc-final venue="Luzhniki"
    start
    ps
    g h og Mandzukic text="18' own goal"
    g a Perisic
    yc h Kante
    g h pen Griezmann
    st 2
    end
    ps
    clock 59:00 go
    g h Pogba
    g h Mbappe
    g a Mandzukic
    st 4
    end
    final
    """
)


def test_a_script_plays_a_whole_soccer_game(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    script = tmp_path / "final.txt"
    script.write_text(SOCCER_GAME)
    done = run_console(broadcaster.url, tmp_path / "c", "--script", str(script))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    acks = done.stdout.splitlines()
    assert len(acks) == 17
    assert acks[-1] == "✓ 17 game.end · FRA 4–2 CRO"
    stored = asyncio.run(history(broadcaster.feed, "wc-final"))
    assert stored[3]["data"] == {
        "team": "home", "own_goal": True, "player": "Mandzukic", "text": "18' own goal"
    }  # fmt: skip
    final = stored[-1]["state"]
    assert (final["status"], final["home"]["score"], final["away"]["score"]) == ("final", 4, 2)
    assert final["detail"]["cards"]["home"] == {"yellow": 1, "red": 0}


def test_a_script_stops_at_the_first_refusal_and_says_why(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    script = tmp_path / "bad.txt"
    script.write_text(
        "new basketball NBA BOS LAL id=g\nstart\nh3 Tatum\nps\nh3 Tatum\n"
    )  # line 3: no score before a period has started
    done = run_console(broadcaster.url, tmp_path / "c", "--script", str(script))
    assert done.returncode == 1
    assert "✗ refused: h3 Tatum: no score while the game is live but no period has started" in (
        done.stderr
    )
    assert f"{script}:3: stopped at this refusal" in done.stderr
    stored = asyncio.run(history(broadcaster.feed, "g"))
    assert [e["kind"] for e in stored] == ["game.create", "game.start"]  # nothing after line 3


def test_a_typo_in_a_script_publishes_nothing_and_exits_non_zero(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    script = tmp_path / "typo.txt"
    script.write_text("new basketball NBA BOS LAL id=g\nstart\nps\nh33 Tatum\nh2\n")
    done = run_console(broadcaster.url, tmp_path / "c", "--script", str(script))
    assert done.returncode == 1
    assert (
        f"{script}:4: a basketball score is 1, 2 or 3 points, not 33 (nothing published)"
        in done.stderr
    )
    stored = asyncio.run(history(broadcaster.feed, "g"))
    assert [e["kind"] for e in stored] == ["game.create", "game.start", "period.start"]


def test_commands_on_stdin_run_the_same_way(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    done = run_console(
        broadcaster.url,
        tmp_path / "c",
        stdin="new basketball NBA BOS LAL id=g\nstart\nps\nh3\na2\nlog\namend 5 points=3\nundo\n",
    )
    assert done.returncode == 0, done.stderr
    assert "✓ 4 score BOS +3 · BOS 3–0 LAL" in done.stdout
    assert "     5  score LAL +2" in done.stdout  # the log, with seq numbers
    assert "✓ 6 amend event 5 to score LAL +3 · BOS 3–3 LAL" in done.stdout
    assert "✓ 7 void event 5 (score LAL +3) · BOS 3–0 LAL" in done.stdout


def test_without_a_token_the_console_says_how_to_give_one(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    env = console_env()
    del env["SCORECAST_TOKEN"]
    done = run_console(broadcaster.url, tmp_path / "c", stdin="start\n", env=env)
    assert done.returncode == 2
    assert "no publish token: set $SCORECAST_TOKEN or pass --token-file FILE" in done.stderr


def test_a_wrong_token_fails_the_script(broadcaster: BroadcasterProcess, tmp_path: Path) -> None:
    env = console_env(SCORECAST_TOKEN="not-the-token")
    done = run_console(
        broadcaster.url, tmp_path / "c", stdin="new basketball NBA BOS LAL\n", env=env
    )
    assert done.returncode == 1
    assert "the broadcaster refused the token (HTTP 401)" in done.stderr


def test_a_refusal_ends_the_run_even_if_stdin_stays_open(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    cmd = [sys.executable, "-m", "broadcaster", "console", "--url", broadcaster.url,
           "--data-dir", str(tmp_path / "c")]  # fmt: skip
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=console_env(),
    )  # fmt: skip
    assert proc.stdin is not None
    try:
        proc.stdin.write("new basketball NBA BOS LAL id=g\nfinal\n")  # and nothing more, ever
        proc.stdin.flush()
        assert proc.wait(TIMEOUT) == 1
        assert proc.stderr is not None and "stdin:2: stopped at this refusal" in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait(TIMEOUT)
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
