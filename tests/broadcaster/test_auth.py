"""broadcaster.auth in-process: token hashes, scopes, the file's text, the back-off, the gate.

Time is passed in (a list the test moves forward), so no test waits."""

from __future__ import annotations

import json
from http import HTTPStatus
from pathlib import Path

import pytest

from broadcaster.auth import store
from broadcaster.auth.backoff import Backoff
from broadcaster.auth.gate import Gate, Operator, Refusal
from broadcaster.auth.tokens import (
    Scope,
    TokenFileError,
    dumps,
    find,
    loads,
    name_of,
    new_token,
)

NBA = Scope(leagues=frozenset({"NBA"}))


def test_a_secret_matches_only_its_own_hash() -> None:
    token, secret = new_token("alice", NBA, 1.0)
    assert name_of(secret) == "alice"
    assert token.matches(secret)
    assert not token.matches(secret + "x")
    assert secret.encode() not in token.digest + token.salt
    other, other_secret = new_token("alice", NBA, 1.0)
    assert other.salt != token.salt and other_secret != secret
    tokens = {"alice": token}
    assert find(tokens, secret) is token
    assert find(tokens, other_secret) is None  # same name, another secret
    assert find(tokens, "bob.whatever") is None
    assert find(tokens, "no-dot-at-all") is None


@pytest.mark.parametrize("name", ["", "a b", "-x", "x" * 65, "a.b", "é"])
def test_token_names_are_plain(name: str) -> None:
    with pytest.raises(TokenFileError, match="a token name is"):
        new_token(name, Scope(), 0.0)


def test_scopes() -> None:
    both = Scope(leagues=frozenset({"NBA"}), games=frozenset({"g7"}))
    assert both.allows("g1", "NBA") and both.allows("g7", "Euro")
    assert not both.allows("g1", "WNBA")
    assert Scope().allows("any", "league") and Scope().everything
    assert not Scope(feed_only=True).allows("g1", "NBA")
    assert both.describe() == "publish: leagues NBA; games g7"
    assert Scope().describe() == "publish: all games"
    assert Scope(feed_only=True).describe() == "read-only (feed)"


def test_the_file_text_round_trips_and_holds_no_secret() -> None:
    a, secret = new_token("alice", NBA, 5.0)
    b, _ = new_token("fan", Scope(feed_only=True), 6.0)
    text = dumps([b, a])
    assert secret not in text and secret.split(".")[1] not in text
    assert [e["name"] for e in json.loads(text)["tokens"]] == ["alice", "fan"]
    assert loads(text) == {"alice": a, "fan": b}
    assert loads("") == {}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[1]", "not a valid token file"),
        ('{"version": 2, "tokens": []}', "version 2"),
        ('{"version": 1, "tokens": [{"name": "x"}]}', "no 'scope' member"),
        ("{oops", "not a valid token file"),
    ],
)
def test_a_bad_file_text_is_a_clear_error(text: str, words: str) -> None:
    with pytest.raises(TokenFileError, match=words):
        loads(text)


def test_the_same_name_twice_is_refused() -> None:
    a, _ = new_token("alice", NBA, 5.0)
    doc = json.loads(dumps([a]))
    doc["tokens"] *= 2
    with pytest.raises(TokenFileError, match="names one token twice"):
        loads(json.dumps(doc))


def test_backoff_starts_at_the_last_free_failure_and_doubles_to_the_cap() -> None:
    b = Backoff(free=3, base=1.0, cap=4.0)
    assert [b.failed("a", 0.0) for _ in range(2)] == [0.0, 0.0]
    assert b.wait("a", 0.0) == 0.0
    assert b.failed("a", 0.0) == 1.0
    assert b.wait("a", 0.5) == 0.5
    assert b.wait("b", 0.5) == 0.0  # other addresses are not touched
    assert b.wait("a", 1.0) == 0.0
    assert [b.failed("a", t) for t in (2.0, 10.0, 20.0)] == [2.0, 4.0, 4.0]
    b.succeeded("a")
    assert b.wait("a", 20.5) == 0.0 and b.failed("a", 21.0) == 0.0


def test_backoff_forgets_quiet_addresses_and_stays_bounded() -> None:
    b = Backoff(free=2, forget=60.0, size=3)
    b.failed("a", 0.0)
    assert b.failed("a", 100.0) == 0.0  # the first failure was forgotten
    for n, address in enumerate("bcd"):
        b.failed(address, 101.0 + n)
        b.failed(address, 101.0 + n)
    assert b.wait("a", 105.0) == 0.0 and b.wait("d", 103.5) > 0
    assert len(b._seen) == 3


def gate(clock: list[float], **kwargs: object) -> Gate:
    return Gate(publish_tokens=("legacy",), clock=lambda: clock[0], **kwargs)  # type: ignore[arg-type]


def test_the_gate_admits_the_legacy_token_and_backs_off_guessers() -> None:
    now = [0.0]
    g = gate(now, backoff=Backoff(free=2, base=10.0))
    operator = g.admit("/publish", ["Bearer legacy"], "", "1.2.3.4")
    assert isinstance(operator, Operator) and operator.name is None
    assert g.admit("/publish", [], "", "1.2.3.4") == Refusal(
        HTTPStatus.UNAUTHORIZED, "a valid token is required for /publish"
    )
    refusal = g.admit("/publish", ["Bearer guess"], "", "1.2.3.4")  # a missing one counts too
    assert isinstance(refusal, Refusal) and refusal.status == 401
    shut = g.admit("/publish", ["Bearer legacy"], "", "1.2.3.4")
    assert isinstance(shut, Refusal) and shut.status == 429
    assert shut.headers() == [("Retry-After", "10")]
    assert isinstance(g.admit("/publish", ["Bearer legacy"], "", "5.6.7.8"), Operator)
    now[0] = 10.0
    assert isinstance(g.admit("/publish", ["Bearer legacy"], "", "1.2.3.4"), Operator)
    two = g.admit("/publish", ["Bearer legacy", "Bearer legacy"], "", "9.9.9.9")
    assert isinstance(two, Refusal) and two.status == 400


def test_the_feed_is_open_unless_made_private() -> None:
    now = [0.0]
    assert isinstance(gate(now).admit("/feed", [], "", "a"), Operator)
    private = gate(now, feed_tokens=("fan",))
    assert isinstance(private.admit("/feed", [], "", "a"), Refusal)
    assert isinstance(private.admit("/feed", [], "token=fan", "a"), Operator)
    assert isinstance(private.admit("/feed", ["Bearer legacy"], "", "a"), Operator)
    read_only = private.admit("/publish", ["Bearer fan"], "", "a")
    assert isinstance(read_only, Refusal) and read_only.status == 403


def test_connections_of_one_token_share_its_rate() -> None:
    now = [0.0]
    g = gate(now, token_rate=2.0)
    one, two = (g.admit("/publish", ["Bearer legacy"], "", "a") for _ in range(2))
    assert isinstance(one, Operator) and isinstance(two, Operator)
    assert g.authorize(one, "g1", "NBA") is None
    assert g.authorize(two, "g1", "NBA") is None
    refused = g.authorize(one, "g1", "NBA")
    assert refused is not None and refused[0] == "rate_limited"
    now[0] = 0.5
    assert g.authorize(two, "g1", "NBA") is None


def test_the_store_reloads_a_changed_file_at_most_once_a_second(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    now = [0.0]
    live = store.TokenStore(path, clock=lambda: now[0])
    assert live.current() == {}
    alice, _ = new_token("alice", NBA, 0.0)
    store.write(path, {"alice": alice})
    assert live.current() == {}  # looked less than a second ago
    now[0] = 1.0
    assert live.current() == {"alice": alice}
    path.write_text("{broken")
    now[0] = 2.0
    assert live.current() == {"alice": alice}  # a bad edit keeps the last good tokens
    path.unlink()
    now[0] = 3.0
    assert live.current() == {}  # gone: no named tokens
    assert not list(tmp_path.glob(".tokens.json.*"))  # no temp file left behind


def test_the_back_off_counts_an_ipv6_host_by_its_64() -> None:
    now = [0.0]
    g = gate(now, backoff=Backoff(free=1))
    assert isinstance(g.admit("/publish", ["Bearer guess"], "", "2001:db8::1"), Refusal)
    shut = g.admit("/publish", ["Bearer legacy"], "", "2001:db8::ffff:2")  # same /64
    assert isinstance(shut, Refusal) and shut.status == 429
    assert isinstance(g.admit("/publish", ["Bearer legacy"], "", "2001:db8:0:1::1"), Operator)
    assert isinstance(g.admit("/publish", ["Bearer guess"], "", "::ffff:10.0.0.1"), Refusal)
    shut = g.admit("/publish", ["Bearer legacy"], "", "10.0.0.1")  # the same IPv4 host
    assert isinstance(shut, Refusal) and shut.status == 429
