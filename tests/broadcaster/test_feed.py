"""/feed on a real broadcaster process: snapshot, resume, filters, history, corrections."""

from __future__ import annotations

import time
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import (
    live_game,
    open_feed,
    open_publisher,
    publish,
    recv,
    recv_type,
    send,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.both_journals]


async def subscribe(url: str, **sub: Any) -> tuple[ClientConnection, dict[str, Any]]:
    ws, _ = await open_feed(url)
    await send(ws, {"type": "subscribe", **sub})
    return ws, await recv(ws)


async def scores(pub: ClientConnection, game: str, n: int) -> list[int]:
    seqs = []
    for _ in range(n):
        ack = await publish(pub, game, "score", {"team": "home", "points": 1})
        seqs.append(ack["seq"])
    return seqs


async def test_hello_tells_epoch_seq_time_and_heartbeat(broadcaster: BroadcasterProcess) -> None:
    pub = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(pub, "g1")
    before = time.time()
    ws, hello = await open_feed(broadcaster.feed)
    assert hello["epoch"] == broadcaster.epoch
    assert hello["seq"] == 3
    assert hello["heartbeat"] == 20
    assert before - 5 < hello["time"] < time.time() + 5
    await ws.close()
    await pub.close()


async def test_snapshot_then_consecutive_live_events(broadcaster: BroadcasterProcess) -> None:
    pub = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(pub, "g1")
    await live_game(pub, "g2", sport="soccer")
    ws, snap = await subscribe(broadcaster.feed, games=["*"])
    assert snap["type"] == "snapshot"
    assert snap["seq"] == 6
    assert sorted(g["game_id"] for g in snap["games"]) == ["g1", "g2"]
    seqs = await scores(pub, "g1", 2) + await scores(pub, "g2", 1)
    events = [await recv(ws) for _ in range(3)]
    assert [e["seq"] for e in events] == seqs == [7, 8, 9]
    assert [e["game_seq"] for e in events] == [4, 5, 4]
    assert events[1]["state"]["home"]["score"] == 2
    assert events[0]["epoch"] == broadcaster.epoch
    await ws.close()
    await pub.close()


async def test_resume_sends_exactly_the_missed_events(broadcaster: BroadcasterProcess) -> None:
    pub = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(pub, "g1")
    ws, _snap = await subscribe(broadcaster.feed)
    await scores(pub, "g1", 3)
    seen = [(await recv(ws))["seq"] for _ in range(3)]
    await ws.close()
    missed = await scores(pub, "g1", 5)
    ws, first = await subscribe(
        broadcaster.feed, resume={"epoch": broadcaster.epoch, "seq": seen[-1]}
    )
    got = [first["seq"]] + [(await recv(ws))["seq"] for _ in range(4)]
    assert got == missed
    live = await scores(pub, "g1", 1)
    assert (await recv(ws))["seq"] == live[0]
    await ws.close()
    await pub.close()


@pytest.mark.parametrize("resume", [{"epoch": "another-epoch", "seq": 2}, {"seq": 999}])
async def test_an_unservable_resume_gets_a_snapshot(
    broadcaster: BroadcasterProcess, resume: dict[str, Any]
) -> None:
    pub = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(pub, "g1")
    await scores(pub, "g1", 2)
    ws, first = await subscribe(broadcaster.feed, resume={"epoch": broadcaster.epoch, **resume})
    assert first["type"] == "snapshot"
    assert first["seq"] == 5
    assert first["games"][0]["home"]["score"] == 2
    await ws.close()
    await pub.close()


async def test_games_and_leagues_narrow_the_feed(broadcaster: BroadcasterProcess) -> None:
    pub = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(pub, "nba1")
    await live_game(pub, "wc1", sport="soccer")
    await live_game(pub, "nba2")
    one, snap1 = await subscribe(broadcaster.feed, games=["nba2"])
    league, snap2 = await subscribe(broadcaster.feed, games=["*"], leagues=["World Cup"])
    assert [g["game_id"] for g in snap1["games"]] == ["nba2"]
    assert [g["game_id"] for g in snap2["games"]] == ["wc1"]
    for game in ("nba1", "wc1", "nba2", "wc1"):
        await scores(pub, game, 1)
    assert (await recv(one))["game_id"] == "nba2"
    assert [(await recv(league))["game_id"] for _ in range(2)] == ["wc1", "wc1"]
    # a second subscribe replaces the first
    await send(one, {"type": "subscribe", "games": ["nba1"]})
    assert [g["game_id"] for g in (await recv(one))["games"]] == ["nba1"]
    await scores(pub, "nba2", 1)
    await scores(pub, "nba1", 1)
    assert (await recv(one))["game_id"] == "nba1"
    for ws in (one, league, pub):
        await ws.close()


async def test_resume_with_a_filter_sends_only_that_game(broadcaster: BroadcasterProcess) -> None:
    pub = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(pub, "a")
    await live_game(pub, "b")
    mark = (await publish(pub, "a", "play", {"text": "mark"}))["seq"]
    b_seqs = []
    for _ in range(3):
        await scores(pub, "a", 1)
        b_seqs += await scores(pub, "b", 1)
    ws, first = await subscribe(
        broadcaster.feed, games=["b"], resume={"epoch": broadcaster.epoch, "seq": mark}
    )
    got = [first] + [await recv(ws) for _ in range(2)]
    assert [e["seq"] for e in got] == b_seqs
    assert {e["game_id"] for e in got} == {"b"}
    await ws.close()
    await pub.close()


async def test_history_is_newest_first_with_before_and_limit(
    broadcaster: BroadcasterProcess,
) -> None:
    pub = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(pub, "g1")
    await live_game(pub, "g2")
    seqs = await scores(pub, "g1", 5)
    ws, _ = await open_feed(broadcaster.feed)
    await send(ws, {"type": "history", "req": "r1", "game_id": "g1"})
    reply = await recv(ws)
    assert reply["type"] == "history"
    assert reply["req"] == "r1"
    assert reply["game_id"] == "g1"
    assert [e["seq"] for e in reply["events"]] == [*reversed(seqs), 3, 2, 1]
    assert reply["events"][-1]["kind"] == "game.create"
    await send(ws, {"type": "history", "req": 2, "game_id": "g1", "before": seqs[3], "limit": 2})
    page = await recv(ws)
    assert page["req"] == 2
    assert [e["seq"] for e in page["events"]] == [seqs[2], seqs[1]]
    await send(ws, {"type": "history", "req": "r3", "game_id": "nope"})
    assert (await recv(ws))["code"] == "unknown_game"
    await send(ws, {"type": "history", "req": "r4", "game_id": "g1", "limit": 5000})
    error = await recv(ws)
    assert (error["code"], error["req"]) == ("bad_message", "r4")
    await ws.close()
    await pub.close()


async def test_a_correction_recomputes_the_game(broadcaster: BroadcasterProcess) -> None:
    pub = await open_publisher(broadcaster.publish, TOKEN)
    kickoff = await live_game(pub, "g1", sport="soccer")
    goal = await publish(pub, "g1", "score", {"team": "home", "player": "Griezmann"})
    second = await publish(pub, "g1", "score", {"team": "away", "player": "Perišić"})
    ws, _ = await subscribe(broadcaster.feed, games=["g1"])
    void = await publish(pub, "g1", "correction", {"target": goal["seq"], "action": "void"})
    assert void["type"] == "ack"
    event = await recv(ws)
    assert event["kind"] == "correction"
    assert event["data"] == {"target": goal["seq"], "action": "void"}
    assert (event["state"]["home"]["score"], event["state"]["away"]["score"]) == (0, 1)
    again = await publish(pub, "g1", "correction", {"target": goal["seq"], "action": "void"})
    assert "already voided" in again["message"]
    amend = await publish(
        pub,
        "g1",
        "correction",
        {"target": second["seq"], "action": "amend", "data": {"team": "home", "own_goal": True}},
    )
    assert (amend["state"]["home"]["score"], amend["state"]["away"]["score"]) == (1, 0)
    bad = await publish(
        pub,
        "g1",
        "correction",
        {"target": second["seq"], "action": "amend", "data": {"team": "home", "points": 2}},
    )
    assert bad["code"] == "invalid_event"
    assert "1 point, not 2" in bad["message"]
    # voiding a period start would leave goals outside any period: refused
    await publish(pub, "g1", "play", {"text": "x"})
    refused = await publish(pub, "g1", "correction", {"target": kickoff["seq"], "action": "void"})
    assert refused["code"] == "invalid_event"
    assert "voiding event 3 is refused: no score while" in refused["message"]
    await send(ws, {"type": "history", "req": "h", "game_id": "g1", "limit": 3})
    history = await recv_type(ws, "history")
    assert [e["kind"] for e in history["events"]] == ["play", "correction", "correction"]
    await ws.close()
    await pub.close()


async def test_voiding_game_end_reopens_the_game(broadcaster: BroadcasterProcess) -> None:
    pub = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(pub, "g1", sport="soccer")
    await publish(pub, "g1", "period.end")
    await publish(pub, "g1", "period.start")
    end = await publish(pub, "g1", "game.end")
    assert end["state"]["status"] == "final"
    assert (await publish(pub, "g1", "score", {"team": "home"}))["code"] == "invalid_event"
    reopened = await publish(pub, "g1", "correction", {"target": end["seq"], "action": "void"})
    assert reopened["state"]["status"] == "live"
    assert (await publish(pub, "g1", "score", {"team": "home"}))["state"]["home"]["score"] == 1
    await pub.close()


async def test_subprotocol_is_selected_when_offered(broadcaster: BroadcasterProcess) -> None:
    async with connect(broadcaster.feed, subprotocols=["scorefeed.v1"]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "scorefeed.v1"
        assert (await recv(ws))["type"] == "hello"
    async with connect(broadcaster.feed) as ws:
        assert ws.subprotocol is None
        assert (await recv(ws))["type"] == "hello"


async def test_unknown_paths_are_404(broadcaster: BroadcasterProcess) -> None:
    with pytest.raises(InvalidStatus) as caught:
        await connect(broadcaster.url + "/nowhere")
    assert caught.value.response.status_code == 404
