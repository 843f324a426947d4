"""A client's list of broadcasters: parsed strictly (a bad item is named), tried stickily."""

from __future__ import annotations

import re

import pytest

from broadcaster.servers import Servers, parse_urls, where


def test_a_list_is_split_on_commas_and_trimmed() -> None:
    assert parse_urls("ws://a:1") == ["ws://a:1"]
    assert parse_urls(" ws://a:1 , wss://b/feed,ws://[::1]:8765") == [
        "ws://a:1",
        "wss://b/feed",
        "ws://[::1]:8765",
    ]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "no broadcaster given"),
        ("  ", "no broadcaster given"),
        ("ws://a:1,", "server 2 of 2 is empty (a stray comma?)"),
        (",ws://a:1", "server 1 of 2 is empty"),
        ("ws://a:1,,ws://b:2", "server 2 of 3 is empty"),
        ("ws://a:1,http://b:2", "server 2 of 2: not a ws:// or wss:// URL: 'http://b:2'"),
        ("a:1", "server 1 of 1: not a ws:// or wss:// URL: 'a:1'"),
        ("ws://:8765", "server 1 of 1: no host in 'ws://:8765'"),
        ("ws://a:port", "server 1 of 1: not a URL: 'ws://a:port'"),
        ("ws://a:99999", "server 1 of 1: not a URL: 'ws://a:99999'"),
        ("ws://a:0", "server 1 of 1: port 0 in 'ws://a:0'"),
        ("ws://a:1,ws://a:1", "server 2 of 2: ws://a:1 is named twice"),
    ],
)
def test_a_bad_list_is_refused_naming_the_server(text: str, why: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(why)):
        parse_urls(text)


def test_where_names_a_server_briefly() -> None:
    assert where("ws://10.0.0.2:8765/feed") == "10.0.0.2:8765"


def test_a_failure_moves_on_at_once_and_a_whole_failed_round_says_wait() -> None:
    servers = Servers.of(["ws://a", "ws://b", "ws://c"])
    assert servers.current == "ws://a"
    assert servers.failed() is False  # a failed: b now, no wait
    assert servers.current == "ws://b"
    servers.connected()  # b works: it stays
    assert servers.current == "ws://b"
    assert [servers.failed() for _ in range(3)] == [False, False, True]  # c, a, then b: wait
    assert servers.current == "ws://b"


def test_one_server_waits_after_every_failure() -> None:
    servers = Servers.of(["ws://a"])
    assert not servers.several
    assert [servers.failed(), servers.failed()] == [True, True]
    assert servers.current == "ws://a"


def test_an_empty_list_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no broadcaster given"):
        Servers.of([])


def test_a_handshake_is_given_up_sooner_while_other_servers_are_left_to_try() -> None:
    servers = Servers.of(["ws://a", "ws://b"])
    assert servers.open_timeout(10.0, 3.0) == 3.0  # b is left if a is silent
    servers.failed()
    assert servers.open_timeout(10.0, 3.0) == 3.0  # a is left if b is
    servers.failed()
    assert servers.open_timeout(10.0, 3.0) == 10.0  # both were: maybe a slow network
    servers.connected()
    assert servers.open_timeout(10.0, 3.0) == 3.0
    assert servers.open_timeout(0.5, 3.0) == 0.5
    assert Servers.of(["ws://a"]).open_timeout(10.0, 3.0) == 10.0  # nowhere else to go
