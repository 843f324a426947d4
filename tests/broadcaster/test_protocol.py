"""The wire messages: every malformed input maps to its PROTOCOL.md error code."""

from __future__ import annotations

import json

import pytest

from broadcaster.errors import MessageError
from broadcaster.protocol import (
    Error,
    HistoryRequest,
    Publish,
    Subscribe,
    encode,
    error_message,
    parse_client_message,
    parse_server_message,
)


def test_publish_parses_with_its_members() -> None:
    msg = parse_client_message(
        '{"type":"publish","id":"c-1","game_id":"g","kind":"score","data":{"team":"home"}}'
    )
    assert msg == Publish(id="c-1", game_id="g", kind="score", data={"team": "home"})


def test_subscribe_defaults_to_every_game_and_history_to_200() -> None:
    assert parse_client_message('{"type":"subscribe"}') == Subscribe(games=["*"])
    history = parse_client_message('{"type":"history","game_id":"g","req":"r1"}')
    assert history == HistoryRequest(game_id="g", req="r1", limit=200)


DEEP_DATA = '{"type":"publish","id":"x","game_id":"g","kind":"k","data":' + '{"a":' * 20 + "1}"
DEEP_DATA += "}" * 20


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "bad_json"),
        (b'{"type":"subscribe"}', "bad_message"),  # a binary frame
        ("[1, 2]", "bad_message"),
        ('"publish"', "bad_message"),
        ("{}", "bad_message"),
        ('{"type": 7}', "bad_message"),
        ('{"type":"dance"}', "unknown_type"),
        ('{"type":"publish","id":"x","game_id":"g"}', "bad_message"),
        ('{"type":"publish","id":"","game_id":"g","kind":"score"}', "bad_message"),
        ('{"type":"publish","id":"' + "x" * 129 + '","game_id":"g","kind":"k"}', "bad_message"),
        ('{"type":"publish","id":"x","game_id":"g","kind":"k","data":[]}', "bad_message"),
        ('{"type":"history","game_id":"g","limit":1001}', "bad_message"),
        ('{"type":"history","game_id":"g","limit":0}', "bad_message"),
        ('{"type":"subscribe","games":"*"}', "bad_message"),
        ('{"type":"subscribe","resume":{"epoch":"e","seq":-1}}', "bad_message"),
        ("[" * 1000 + "]" * 1000, "bad_json"),  # was a RecursionError: 1011
        (DEEP_DATA, "bad_message"),
        ('{"type":"subscribe","games":[' + ",".join(['"g"'] * 1001) + "]}", "bad_message"),
        ('{"type":"history","game_id":"g","before":' + str(2**63) + "}", "bad_message"),
        ('{"type":"subscribe","resume":{"epoch":"e","seq":' + str(2**64) + "}}", "bad_message"),
    ],
)
def test_malformed_messages_get_their_error_code(raw: str | bytes, code: str) -> None:
    with pytest.raises(MessageError) as caught:
        parse_client_message(raw)
    assert caught.value.code == code
    assert caught.value.message


def test_an_error_echoes_the_id_of_the_message_it_answers() -> None:
    with pytest.raises(MessageError) as caught:
        parse_client_message('{"type":"publish","id":"op-9","game_id":"g","kind":5}')
    reply = json.loads(encode(error_message(caught.value)))
    assert reply["type"] == "error"
    assert reply["code"] == "bad_message"
    assert reply["id"] == "op-9"
    assert "req" not in reply


def test_server_messages_round_trip() -> None:
    err = Error(code="unknown_game", message="no game", req="r2")
    assert parse_server_message(encode(err)) == err
    with pytest.raises(MessageError):
        parse_server_message(b'{"type":"ack"}')
