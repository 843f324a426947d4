"""Named operator tokens against a real ``broadcaster serve``: the CLI, scopes, revocation
without a restart, the per-token rate, the per-address back-off, the audit trail."""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from broadcaster.cli import build_parser
from tests.helpers.http import aget
from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import (
    TIMEOUT,
    basketball_game,
    live_game,
    open_feed,
    open_publisher,
    pub,
    publish,
    recv,
    send,
)

Start = Callable[..., BroadcasterProcess]


def token_cli(file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``broadcaster token …`` as an operator types it."""
    command = [sys.executable, "-m", "broadcaster", "token", *args, "--file", str(file)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def add_token(file: Path, name: str, *scope: str) -> str:
    done = token_cli(file, "add", name, *scope)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


async def handshake(url: str, token: str | None) -> int:
    """The HTTP status of a handshake (101 when it opened and said hello)."""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    try:
        async with connect(url, additional_headers=headers, open_timeout=TIMEOUT) as ws:
            assert (await recv(ws))["type"] == "hello"
            return 101
    except InvalidStatus as exc:
        return exc.response.status_code


async def eventually(probe: Callable[[], Awaitable[Any]], want: Any) -> Any:
    """Ask until the answer is ``want`` (the broadcaster looks at the file once a second)."""
    deadline = time.monotonic() + 3 * TIMEOUT
    while (got := await probe()) != want:
        assert time.monotonic() < deadline, f"still {got!r}, waiting for {want!r}"
        await asyncio.sleep(0.05)
    return got


def publishers(proc: BroadcasterProcess) -> list[str]:
    with sqlite3.connect(proc.db) as conn:
        return [row[0] for row in conn.execute("SELECT publisher FROM events ORDER BY seq")]


@pytest.fixture
def tokens(tmp_path: Path) -> Path:
    return tmp_path / "secret-dir" / "tokens.json"


@pytest.fixture
def alice(tokens: Path) -> str:
    """The secret of 'alice', who may publish to every game."""
    return add_token(tokens, "alice")


@pytest.fixture
def start(journal_path: Path, tokens: Path) -> Iterator[Start]:
    procs: list[BroadcasterProcess] = []

    def start(*extra: str, token: str | None = TOKEN) -> BroadcasterProcess:
        proc = BroadcasterProcess(journal_path, token=token, tokens=tokens, extra=list(extra))
        procs.append(proc.start())
        return proc

    yield start
    for proc in procs:
        proc.stop()


def test_add_list_revoke_with_the_cli(tokens: Path) -> None:
    secret = add_token(tokens, "alice", "--league", "NBA", "--game", "g7")
    assert secret.startswith("alice.") and len(secret) > 40
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    assert secret not in tokens.read_text() and secret.split(".", 1)[1] not in tokens.read_text()
    add_token(tokens, "fan", "--feed")
    listed = token_cli(tokens, "list")
    assert listed.returncode == 0
    assert "alice\tpublish: leagues NBA; games g7\tcreated 20" in listed.stdout
    assert "fan\tread-only (feed)" in listed.stdout
    assert secret not in listed.stdout + listed.stderr
    refusals = [
        (("add", "alice"), "a token named 'alice' exists"),
        (("add", "bad name"), "a token name is 1-64 letters"),
        (("add", "x", "--feed", "--league", "NBA"), "takes no --league"),
        (("revoke", "nobody"), "no token named 'nobody'"),
    ]
    for args, words in refusals:
        done = token_cli(tokens, *args)
        assert (done.returncode, done.stdout) == (2, ""), done
        assert words in done.stderr
    assert token_cli(tokens, "revoke", "alice").returncode == 0
    assert "alice" not in token_cli(tokens, "list").stdout
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    tokens.write_text("{not json")
    done = token_cli(tokens, "list")
    assert done.returncode == 2 and "is not a valid token file" in done.stderr


@pytest.mark.asyncio
async def test_events_name_their_operator_on_the_feed_and_in_the_journal(
    start: Start, alice: str
) -> None:
    proc = start()
    feed, _ = await open_feed(proc.feed)
    await send(feed, {"type": "subscribe"})
    assert (await recv(feed))["type"] == "snapshot"
    ws = await open_publisher(proc.publish, alice, user_agent_header="console/1")
    await live_game(ws, "g1")
    legacy = await open_publisher(proc.publish, TOKEN)
    assert (await publish(legacy, "g1", "score", {"team": "home", "points": 2}))["type"] == "ack"
    events = [await recv(feed) for _ in range(4)]
    assert [e.get("by") for e in events] == ["alice", "alice", "alice", None]
    audit = publishers(proc)
    assert all(p.startswith("alice: console/1 from 127.0.0.1:") for p in audit[:3])
    assert not audit[3].startswith("alice")
    for conn in (ws, legacy, feed):
        await conn.close()


@pytest.mark.asyncio
async def test_a_token_added_or_revoked_works_at_once_without_a_restart(
    start: Start, tokens: Path
) -> None:
    add_token(tokens, "old")  # the file exists when the broadcaster starts
    proc = start(token=None)  # named tokens only
    bob = add_token(tokens, "bob")
    await eventually(lambda: handshake(proc.publish, bob), 101)
    ws = await open_publisher(proc.publish, bob)
    await live_game(ws, "g1")
    assert token_cli(tokens, "revoke", "bob").returncode == 0
    await eventually(lambda: handshake(proc.publish, bob), 401)

    async def play() -> str:
        reply = await publish(ws, "g1", "play", {"text": "still bob?"})
        return f"{reply['type']}: {reply.get('message')}"

    await eventually(play, "error: token 'bob' has been revoked")
    again = add_token(tokens, "bob")  # the same name, a new secret: the old one stays out
    await eventually(lambda: handshake(proc.publish, again), 101)
    assert await handshake(proc.publish, bob) == 401
    assert (await publish(ws, "g1", "play", {"text": "old secret"}))["code"] == "forbidden"
    await ws.close()
    assert bob not in proc.stderr and again not in proc.stderr


@pytest.mark.asyncio
async def test_a_publish_outside_the_scope_is_forbidden_and_stores_nothing(
    start: Start, tokens: Path
) -> None:
    nba = add_token(tokens, "nba-desk", "--league", "NBA")
    game7 = add_token(tokens, "g7-desk", "--game", "g7")
    fan = add_token(tokens, "fan", "--feed")
    proc = start()
    assert await handshake(proc.publish, fan) == 403
    ws = await open_publisher(proc.publish, nba)
    await live_game(ws, "g1")
    refused = await publish(ws, "w1", "game.create", basketball_game("w1", league="WNBA"))
    assert (refused["type"], refused["code"]) == ("error", "forbidden")
    assert refused["message"] == (
        "token 'nba-desk' may not publish to game 'w1' (league 'WNBA'); "
        "its scope is publish: leagues NBA"
    )
    other = await open_publisher(proc.publish, game7)
    refused = await publish(other, "g1", "score", {"team": "home", "points": 2})
    assert refused["code"] == "forbidden" and "publish: games g7" in refused["message"]
    assert (await publish(other, "g7", "game.create", basketball_game("g7", "Euro")))["seq"] == 4
    missing = await publish(other, "nope", "score", {"team": "home", "points": 2})
    assert missing["code"] == "unknown_game"  # no game: the hub says so, not the scope
    assert len(publishers(proc)) == 4
    for conn in (ws, other):
        await conn.close()


@pytest.mark.asyncio
async def test_a_token_shares_one_rate_across_all_its_connections(start: Start, alice: str) -> None:
    proc = start("--token-rate", "5")
    setup = await open_publisher(proc.publish, TOKEN)
    await live_game(setup, "g1")
    conns = [await open_publisher(proc.publish, alice) for _ in range(3)]
    began = time.monotonic()
    for i in range(20):
        for n, ws in enumerate(conns):
            await send(ws, pub("g1", "play", {"text": f"{n}-{i}"}))
    replies = [[await recv(ws) for _ in range(20)] for ws in conns]
    elapsed = time.monotonic() - began
    flat = [r for conn in replies for r in conn]
    acks = sum(r["type"] == "ack" for r in flat)
    assert 5 <= acks <= 5 + 5 * elapsed + 1  # the burst, then 5/s for all 3 together
    limited = [r for r in flat if r["type"] == "error"]
    assert {r["code"] for r in limited} == {"rate_limited"}
    assert "token 'alice'" in limited[0]["message"]
    assert all(any(r["type"] == "error" for r in conn) for conn in replies)
    ack = await publish(setup, "g1", "play", {"text": "another token, its own rate"})
    assert ack["type"] == "ack"
    for ws in (*conns, setup):
        await ws.close()


@pytest.mark.asyncio
async def test_wrong_tokens_back_off_with_429_then_the_right_token_works(
    start: Start, alice: str
) -> None:
    proc = start()
    wrong = [f"alice.guess-number-{i}" for i in range(5)]
    for guess in wrong:
        assert await handshake(proc.publish, guess) == 401
    with pytest.raises(InvalidStatus) as caught:
        await connect(proc.publish, additional_headers={"Authorization": f"Bearer {alice}"})
    assert caught.value.response.status_code == 429
    assert int(caught.value.response.headers["Retry-After"]) >= 1
    assert await handshake(proc.feed, None) == 101  # the open feed is not shut
    await eventually(lambda: handshake(proc.publish, alice), 101)
    metrics = (await aget(proc.http + "/metrics"))[1]
    assert 'scorecast_handshakes_refused_total{status="401"} 5.0' in metrics
    assert 'scorecast_handshakes_refused_total{status="429"} ' in metrics
    assert await proc.alogged("shut out for 1 s")  # the log is read by another thread
    refused = [line for line in proc.stderr.splitlines() if "refused /publish" in line]
    assert len(refused) == 5  # once each; the 429s while shut out add no line
    assert "shut out for 1 s" in refused[-1]
    for secret in (*wrong, alice):
        assert secret not in proc.stderr


@pytest.mark.asyncio
async def test_two_authorization_headers_are_a_bad_request(start: Start) -> None:
    proc = start()
    auth = f"Bearer {TOKEN}"
    with pytest.raises(InvalidStatus) as caught:
        await connect(proc.publish, additional_headers=[("Authorization", auth)] * 2)
    assert caught.value.response.status_code == 400


@pytest.mark.asyncio
async def test_who_may_read_a_private_feed(
    start: Start, tokens: Path, alice: str, tmp_path: Path
) -> None:
    fan = add_token(tokens, "fan", "--feed")
    pass_file = tmp_path / "feed.token"
    pass_file.write_text("fan-pass\n")
    proc = start("--feed-token-file", str(pass_file))
    for token in (fan, alice, TOKEN, "fan-pass"):
        assert await handshake(proc.feed, token) == 101
    assert await handshake(proc.feed, None) == 401
    async with connect(proc.feed + "?token=fan-pass") as ws:
        assert (await recv(ws))["type"] == "hello"
    assert await handshake(proc.publish, "fan-pass") == 403  # read-only
    assert "fan-pass" not in proc.stderr
    locked = start("--private-feed")
    assert await handshake(locked.feed, None) == 401
    assert await handshake(locked.feed, fan) == 101


def test_a_bad_token_file_or_no_token_at_all_stops_the_start(
    journal_path: Path, tokens: Path
) -> None:
    command = [sys.executable, "-m", "broadcaster", "serve", "--port", "0"]
    command += ["--db", str(journal_path), "--tokens", str(tokens)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCORECAST_")}

    def serve() -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)

    none = serve()
    assert none.returncode == 2 and "broadcaster token add NAME" in none.stderr
    tokens.parent.mkdir()
    tokens.write_text('{"version": 1, "tokens": [{"name": "x"}]}')
    bad = serve()
    assert bad.returncode == 2 and "is not a valid token file" in bad.stderr


def _options(parser: argparse.ArgumentParser, path: str = "") -> Iterator[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options(sub, f"{path} {name}".strip())
        for option in action.option_strings:
            yield f"{path} {option}"


def test_no_option_of_the_cli_takes_a_secret_value() -> None:
    """Anything on argv is visible in ``ps``: tokens come from files or the environment."""
    secretish = ("token", "secret", "password", "key", "auth")
    risky = {
        o for o in _options(build_parser()) if any(w in o.split()[-1].lower() for w in secretish)
    }
    assert risky == {
        "serve --token-file",
        "serve --tokens",
        "serve --feed-token-file",
        "serve --token-rate",
        "serve --key",  # the TLS key's file
        "console --token-file",
        "replay --token-file",
    }


@pytest.mark.asyncio
async def test_no_secret_in_the_running_process_argv(start: Start, tmp_path: Path) -> None:
    secret_file = tmp_path / "publish.token"
    secret_file.write_text("argv-secret-0123456789\n")
    feed_file = tmp_path / "feed.token"
    feed_file.write_text("argv-feed-secret\n")
    proc = start("--token-file", str(secret_file), "--feed-token-file", str(feed_file))
    assert proc.proc is not None
    argv = (await asyncio.to_thread(Path(f"/proc/{proc.proc.pid}/cmdline").read_bytes)).decode()
    assert "argv-secret" not in argv and "argv-feed-secret" not in argv
    ws = await open_publisher(proc.publish, "argv-secret-0123456789")
    await ws.close()
