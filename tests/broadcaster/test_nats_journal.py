"""The NATS JetStream journal against a real three-server cluster (replicas 3)."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nats
import pytest

from broadcaster import stream_codec
from broadcaster.cli import main
from broadcaster.core import Core
from broadcaster.errors import AppendConflict, EventRefused, JournalError
from broadcaster.hub import MAX_TRIES, Hub
from broadcaster.journal import Journal
from broadcaster.nats_journal import NatsJournal, close_sources
from broadcaster.protocol import Ack, GameState, Publish, decode_event, decode_state
from broadcaster.sports import SPORTS
from broadcaster.storage import Record, StoredGame
from tests.helpers.crash import nothing_acked_is_lost, publish_then_kill
from tests.helpers.nats import NatsCluster
from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import basketball_game, live_game, open_publisher, publish

_names = itertools.count()
# nats-py leaves the StreamWriter of a connection that a killed server dropped to the garbage
# collector (its own leak, not ours): ignored only in the tests that kill NATS servers, and
# collected before they end, so it never lands in another test.
_NATS_PY_LEAK = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <function StreamWriter.__del__"
    ":pytest.PytestUnraisableExceptionWarning"
)


@pytest.fixture
def _leaks_collected() -> Iterator[None]:
    yield
    gc.collect()


def nats_server_killed(test: Callable[..., Any]) -> Callable[..., Any]:
    marked: Callable[..., Any] = pytest.mark.usefixtures("_leaks_collected")(_NATS_PY_LEAK(test))
    return marked


@pytest.fixture
def stream() -> str:
    """A stream of this test's own on the shared cluster."""
    return f"T{next(_names)}"


@pytest.fixture
def journals(nats_cluster: NatsCluster, stream: str) -> Iterator[list[NatsJournal]]:
    """Opened journals, closed at the end (open more with ``open_journal``)."""
    opened: list[NatsJournal] = []
    yield opened
    for journal in opened:
        journal.close()
    close_sources()  # no client left reconnecting to a cluster that stops


def open_journal(cluster: NatsCluster, stream: str, opened: list[NatsJournal]) -> NatsJournal:
    journal = NatsJournal.open(cluster.urls, stream=stream, replicas=3)
    opened.append(journal)
    return journal


def accept(journal: NatsJournal, *msgs: Publish) -> list[Record]:
    """Records as the hub makes them, validated against what ``journal`` holds."""
    core = Core(journal.epoch, journal.games(), journal.last_seq, SPORTS)
    return [core.accept(m, "tester", None, 1_700_000_000.0 + i).record for i, m in enumerate(msgs)]


def live(game: str) -> list[Publish]:
    return [
        Publish(f"{game}-create", game, "game.create", basketball_game(game)),
        Publish(f"{game}-start", game, "game.start"),
        Publish(f"{game}-q1", game, "period.start"),
    ]


def score(pub_id: str, game: str, points: int = 2) -> Publish:
    return Publish(pub_id, game, "score", {"team": "home", "points": points})


def stored(record: Record) -> Record:
    """What a journal reads back: the state lives inside the frame."""
    return dataclasses.replace(record, state=b"")


def two_nodes(
    cluster: NatsCluster, stream: str, journals: list[NatsJournal]
) -> tuple[NatsJournal, NatsJournal]:
    """Node a with game g live, then node b opened on the same stream."""
    a = open_journal(cluster, stream, journals)
    a.append(accept(a, *live("g")))
    return a, open_journal(cluster, stream, journals)


def games_of(journal: NatsJournal) -> dict[str, tuple[int, GameState]]:
    return {g.game_id: (g.game_seq, decode_state(g.state)) for g in journal.games()}


def test_appended_events_read_back_in_every_way(
    nats_cluster: NatsCluster, stream: str, journals: list[NatsJournal]
) -> None:
    journal = open_journal(nats_cluster, stream, journals)
    assert journal.last_seq == 0
    records = accept(journal, *live("g"), *live("h/€ 1"))
    journal.append(records[:4])
    journal.append(records[4:])
    more = accept(journal, *(score(f"s{i}", "g") for i in range(5)))
    journal.append(more)
    everything = records + more
    assert [r.seq for r in everything] == list(range(1, 12))
    assert journal.last_seq == 11
    assert [decode_event(r.frame).seq for r in everything] == list(range(1, 12))

    assert journal.frames(0, 11, None, 100) == [(r.seq, r.game_id, r.frame) for r in everything]
    assert journal.frames(2, 8, ["h/€ 1"], 2) == [(r.seq, r.game_id, r.frame) for r in records[3:5]]
    assert journal.frames(11, 20, None, 10) == []
    g_frames = [r.frame for r in everything if r.game_id == "g"]
    assert journal.history("g", None, 3) == g_frames[::-1][:3]
    assert journal.history("g", 8, 10, after=1) == [
        more[0].frame,
        records[2].frame,
        records[1].frame,
    ]
    assert journal.game_events("h/€ 1") == [stored(r) for r in records[3:]]
    assert journal.source().game_events("g") == [stored(r) for r in everything if r.game_id == "g"]
    assert journal.find_publish("s3") == stored(more[3])
    assert journal.find_publish("nope") is None
    assert journal.publisher_of(7) == "tester"
    assert journal.publisher_of(99) is None
    assert games_of(journal) == {
        "g": (8, decode_state(more[-1].state)),
        "h/€ 1": (3, decode_state(records[-1].state)),
    }


def test_a_second_node_sees_the_same_epoch_seq_and_games(
    nats_cluster: NatsCluster, stream: str, journals: list[NatsJournal]
) -> None:
    writer = open_journal(nats_cluster, stream, journals)
    for batch in range(20):
        writer.append(accept(writer, *live(f"g{batch}"), score(f"s{batch}", f"g{batch}")))
    other = open_journal(nats_cluster, stream, journals)
    assert (other.epoch, other.last_seq) == (writer.epoch, writer.last_seq) == (writer.epoch, 80)
    assert games_of(other) == games_of(writer)
    assert other.find_publish("s7") == writer.find_publish("s7") is not None


def test_a_new_stream_is_a_new_epoch(
    nats_cluster: NatsCluster, stream: str, journals: list[NatsJournal]
) -> None:
    first = open_journal(nats_cluster, stream, journals)
    first.append(accept(first, *live("g")))
    epoch = first.epoch
    asyncio.run(_delete_stream(nats_cluster, stream))
    again = open_journal(nats_cluster, stream, journals)
    assert again.epoch != epoch
    assert again.last_seq == 0
    assert again.games() == []


async def _delete_stream(cluster: NatsCluster, stream: str) -> None:
    nc = await nats.connect(cluster.urls)
    js = nc.jetstream()
    for name in (stream, f"KV_{stream}_IDS"):
        await js.delete_stream(name)
    await nc.close()


def test_two_writers_on_one_game_conflict_and_nothing_is_stored(
    nats_cluster: NatsCluster, stream: str, journals: list[NatsJournal]
) -> None:
    a = open_journal(nats_cluster, stream, journals)
    a.append(accept(a, *live("g"), *live("h")))
    b = open_journal(nats_cluster, stream, journals)
    from_a, from_b = accept(a, score("a1", "g")), accept(b, score("b1", "g"), score("b2", "h"))
    assert from_a[0].seq == from_b[0].seq == 7  # both validated against the same state
    a.append(from_a)
    with pytest.raises(AppendConflict) as conflict:
        b.append(from_b)
    assert conflict.value.game_ids == ("g",)
    assert a.frames(0, 100, None, 100)[-1][0] == 7 == a.last_seq
    assert b.find_publish("b1") is None and b.find_publish("b2") is None
    assert (b.last_seq, games_of(b)) == (7, games_of(a))  # b caught up on the conflict
    c = open_journal(nats_cluster, stream, journals)
    assert c.last_seq == 7
    assert c.frames(0, 100, None, 100) == a.frames(0, 100, None, 100)
    a.append(accept(a, score("a2", "g")))
    with pytest.raises(AppendConflict) as other_game:
        b.append(accept(b, score("b3", "h")))  # only the stream moved on, not h
    assert other_game.value.game_ids == ()


def test_a_publish_id_stored_by_one_node_is_refused_on_another(
    nats_cluster: NatsCluster, stream: str, journals: list[NatsJournal]
) -> None:
    a = open_journal(nats_cluster, stream, journals)
    a.append(accept(a, *live("g"), *live("h")))
    first = accept(a, score("same-id", "g"))
    a.append(first)
    b = open_journal(nats_cluster, stream, journals)
    assert b.find_publish("same-id") == stored(first[0])  # what a retry on b answers
    racing = accept(b, score("other", "h"), score("same-id", "h"))  # b raced past its lookup
    with pytest.raises(AppendConflict, match="publish ids"):
        b.append(racing)
    assert b.last_seq == a.last_seq == 7
    assert b.find_publish("other") is None


def test_an_opener_indexes_the_ids_a_crashed_writer_did_not(
    nats_cluster: NatsCluster, stream: str, journals: list[NatsJournal]
) -> None:
    writer = NatsJournal.open(nats_cluster.urls, stream=stream, replicas=3)
    writer.append(accept(writer, *live("g")))
    writer.append(accept(writer, score("s1", "g"), *live("h")))
    expected, h_q1 = games_of(writer), writer.find_publish("h-q1")
    writer.close()  # its ids indexed; now lose the end of the index, as in a crash
    asyncio.run(_forget_ids(nats_cluster, stream, "h-q1", through=2))
    reader = open_journal(nats_cluster, stream, journals)
    assert games_of(reader) == expected
    assert set(expected) == {"g", "h"}
    assert reader.find_publish("h-q1") == h_q1 is not None
    reader.close()
    journals.remove(reader)
    again = open_journal(nats_cluster, stream, journals)  # indexed for good by the reader
    assert again.find_publish("h-q1") == h_q1


async def _forget_ids(cluster: NatsCluster, stream: str, pub_id: str, through: int) -> None:
    nc = await nats.connect(cluster.urls)
    js = nc.jetstream()
    kv = f"{stream}_IDS"
    await js.purge_stream(f"KV_{kv}", subject=f"$KV.{kv}.{pub_id}")
    await js.publish(f"$KV.{kv}.{stream_codec.THROUGH_KEY}", str(through).encode())
    await nc.close()


def test_a_node_catches_up_after_a_conflict_and_appends(
    nats_cluster: NatsCluster, stream: str, journals: list[NatsJournal]
) -> None:
    a, b = two_nodes(nats_cluster, stream, journals)
    a.append(accept(a, score("a1", "g"), score("a2", "g")))
    assert [r.pub_id for r in b.catch_up()] == ["a1", "a2"]
    assert b.catch_up() == []
    a.append(accept(a, score("a3", "g")))
    with pytest.raises(AppendConflict):
        b.append(accept(b, score("b1", "g")))
    assert (b.last_seq, games_of(b)) == (a.last_seq, games_of(a))
    again = accept(b, score("b1", "g"))  # validated again, on the caught-up state
    b.append(again)
    assert again[0].seq == 7
    assert decode_state(b.games()[0].state).home.score == 8  # type: ignore[union-attr]


@nats_server_killed
def test_publishing_goes_on_when_the_stream_leader_is_killed(
    nats_cluster: NatsCluster, stream: str, journals: list[NatsJournal]
) -> None:
    journal = open_journal(nats_cluster, stream, journals)
    journal.append(accept(journal, *live("g")))
    acked = []
    leader_name = asyncio.run(_leader(nats_cluster, stream))
    leader = next(s for s in nats_cluster.servers if s.name == leader_name)
    try:
        for i in range(30):
            if i == 10:
                leader.kill()
            records = accept(journal, score(f"s{i}", "g", 1))
            journal.append(records)
            acked.append(records[0])
        assert asyncio.run(_leader(nats_cluster, stream)) != leader_name
    finally:
        nats_cluster.restart(leader)
    reader = open_journal(nats_cluster, stream, journals)
    assert [r.pub_id for r in reader.game_events("g")][3:] == [r.pub_id for r in acked]
    assert decode_event(reader.history("g", None, 1)[0]).state.home.score == 30  # type: ignore[union-attr]


async def _leader(cluster: NatsCluster, stream: str) -> str:
    nc = await nats.connect([s.url for s in cluster.servers if s.running])
    info = await nc.jetstream().stream_info(stream)
    await nc.close()
    assert info.cluster is not None and info.cluster.leader is not None
    return info.cluster.leader


@pytest.mark.asyncio
async def test_a_hub_publishes_on_the_stream_and_a_new_hub_resumes(
    nats_cluster: NatsCluster, stream: str
) -> None:
    journal = await asyncio.to_thread(
        NatsJournal.open, nats_cluster.urls, stream=stream, replicas=3
    )
    hub = Hub(journal)
    hub.start()
    for msg in live("g"):
        await hub.publish(msg, "t")
    acks = await asyncio.gather(*(hub.publish(score(f"s{i}", "g", 1), "t") for i in range(50)))
    assert [a.seq for a in acks] == list(range(4, 54))
    void = await hub.publish(
        Publish("v", "g", "correction", {"target": acks[0].seq, "action": "void"}), "t"
    )  # the refold worker process reads the game from the stream
    assert void.state.home.score == 49  # type: ignore[union-attr]
    retried = await hub.publish(score("s7", "g", 1), "t")
    assert retried.seq == acks[7].seq
    await hub.close()

    again = Hub(await asyncio.to_thread(NatsJournal.open, nats_cluster.urls, stream=stream))
    again.start()
    assert again.epoch == hub.epoch
    assert again.committed_seq == void.seq
    assert again.committed["g"] == void.state
    assert (await again.publish(score("s7", "g", 1), "t")).seq == acks[7].seq
    after = await again.publish(score("s99", "g", 3), "t")
    assert (after.seq, after.state.home.score) == (void.seq + 1, 52)  # type: ignore[union-attr]
    await again.close()


@pytest.mark.asyncio
async def test_broadcaster_nodes_on_the_stream_lose_nothing_acked_in_a_kill_9(
    nats_cluster: NatsCluster, stream: str, tmp_path: Path
) -> None:
    """``broadcaster serve --journal``: one node killed mid-stream, another node on the same
    stream takes over with every acked event, the same epoch and seqs."""
    urls = ",".join(nats_cluster.urls)
    extra = ["--replicas", "3", "--publish-rate", "100000", "--token-rate", "100000"]
    first = BroadcasterProcess(tmp_path / "a" / "j", journal=urls, extra=extra)
    second = BroadcasterProcess(tmp_path / "b" / "j", journal=urls, extra=extra)
    first.start()
    try:
        acked = await publish_then_kill(first)
        second.start()
        assert second.epoch == first.epoch
        assert second.seq >= acked[-1]["seq"]
        await nothing_acked_is_lost(second, acked)
    finally:
        first.stop()
        second.stop()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--journal", "http://127.0.0.1:4222"], "wants nats://HOST:PORT"),
        (["--journal", " , "], "wants nats://HOST:PORT"),
        (["--journal", "nats://127.0.0.1:4222", "--db", "x.sqlite3"], "exclude each other"),
        (["--journal", "nats://127.0.0.1:1"], "connect failed"),
    ],
)
def test_a_bad_journal_option_is_a_clear_error(
    args: list[str], error: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("SCORECAST_TOKEN", TOKEN)
    assert main(["serve", "--port", "0", "--tokens", str(tmp_path / "t.json"), *args]) == 2
    assert error in capsys.readouterr().err
    assert not (tmp_path / "x.sqlite3").exists()


RETRIES: list[str] = []  # publishes a node gave up validating again (``internal``)


async def publish_until_acked(ws: Any, game: str, data: dict[str, Any], id: str) -> dict[str, Any]:
    """Publish; a node validates again by itself when another appended first, and answers
    ``internal`` only after several tries: then retry the same id (counted)."""
    for _ in range(50):
        reply = await publish(ws, game, "score", data, id=id)
        if reply["type"] == "ack":
            return reply
        assert reply["code"] == "internal", reply
        RETRIES.append(id)
    raise AssertionError(f"{id} never acked")


@pytest.mark.asyncio
async def test_two_nodes_publishing_to_one_game_lose_no_update(
    nats_cluster: NatsCluster, stream: str, tmp_path: Path
) -> None:
    """Two operators on two nodes add to one game at once: every score counts once, no
    rule ever runs on a stale state, and both nodes end on the same state."""
    urls = ",".join(nats_cluster.urls)
    extra = ["--replicas", "3", "--publish-rate", "100000", "--token-rate", "100000"]
    nodes = [BroadcasterProcess(tmp_path / n / "j", journal=urls, extra=extra) for n in "ab"]
    try:
        nodes[0].start()
        a = await open_publisher(nodes[0].publish, TOKEN)
        await live_game(a, "g")
        nodes[1].start()  # a node does not follow the others' events yet: it must know g
        b = await open_publisher(nodes[1].publish, TOKEN)
        assert nodes[0].epoch == nodes[1].epoch
        point = {"team": "home", "points": 1}

        async def operator(ws: Any, name: str) -> list[int]:
            return [
                (await publish_until_acked(ws, "g", point, f"{name}{i}"))["seq"] for i in range(100)
            ]

        RETRIES.clear()
        seqs_a, seqs_b = await asyncio.gather(operator(a, "a"), operator(b, "b"))
        print(f"client retries after {MAX_TRIES} validations: {len(RETRIES)} of 200")
        assert len(RETRIES) < 20  # the nodes validated again by themselves
        assert len(set(seqs_a + seqs_b)) == 200
        assert seqs_a == sorted(seqs_a) and seqs_b == sorted(seqs_b)
        last = [
            await publish_until_acked(ws, "g", point, f"last-{n}") for n, ws in (("a", a), ("b", b))
        ]
        assert {r["state"]["home"]["score"] for r in last} <= {201, 202}
        assert max(r["state"]["home"]["score"] for r in last) == 202
        for ws in (a, b):
            await ws.close()
    finally:
        for node in nodes:
            node.stop()


@nats_server_killed
def test_appends_fail_while_nats_is_down_and_work_when_it_is_back(
    nats_cluster: NatsCluster, stream: str, journals: list[NatsJournal]
) -> None:
    journal = NatsJournal.open(nats_cluster.urls, stream=stream, replicas=3, deadline=2)
    journals.append(journal)
    journal.append(accept(journal, *live("g")))
    records = accept(journal, score("s1", "g"))
    with nats_cluster.down():
        with pytest.raises(JournalError, match="append"):
            journal.append(records)
        assert journal.last_seq == 3
        assert not journal.reachable
        with pytest.raises(JournalError, match="unreachable"):
            journal.find_publish("g-q1")  # at once: the hub asks on its event loop
    journal.deadline = 30  # the stream elects its leader again
    journal.append(records)  # the same connection, back by itself
    assert journal.last_seq == 4
    assert journal.reachable
    reader = open_journal(nats_cluster, stream, journals)
    assert [r.pub_id for r in reader.game_events("g")] == ["g-create", "g-start", "g-q1", "s1"]


def test_reads_answer_exactly_as_the_sqlite_journal_does(
    nats_cluster: NatsCluster, stream: str, journals: list[NatsJournal], tmp_path: Path
) -> None:
    """The same records in both journals; every read, over a grid of arguments, the same."""
    nats_journal = open_journal(nats_cluster, stream, journals)
    sqlite = Journal.open(tmp_path / "j.sqlite3")
    try:
        scores = ([score(f"s{i}", ("a", "b/ü")[i % 3 == 0])] for i in range(40))
        for batch in (live("a"), live("b/ü"), *scores):
            records = accept(nats_journal, *batch)
            nats_journal.append(records)
            sqlite.append(records)
        last = sqlite.last_seq
        assert nats_journal.last_seq == last == 46
        for after, upto, games, limit in itertools.product(
            (0, 5, 30, 46),
            (3, 20, 46, 60),
            (None, ["a"], ["b/ü"], ["a", "b/ü"], ["zz"]),
            (1, 7, 500),
        ):
            args = (after, upto, games, limit)
            assert nats_journal.frames(*args) == sqlite.frames(*args), args
        for game, before, limit, after in itertools.product(
            ("a", "b/ü", "zz"), (None, 1, 10, 40), (1, 5, 100), (0, 4, 30)
        ):
            args2 = (game, before, limit, after)
            assert nats_journal.history(*args2) == sqlite.history(*args2), args2
        for game in ("a", "b/ü", "zz"):
            assert nats_journal.game_events(game) == sqlite.game_events(game)
        for pub_id in ("s0", "s39", "b/ü-create", "nope"):
            assert nats_journal.find_publish(pub_id) == sqlite.find_publish(pub_id)
        assert sorted(map(_as_tuple, nats_journal.games())) == sorted(
            map(_as_tuple, sqlite.games())
        )
    finally:
        sqlite.close()


def _as_tuple(game: StoredGame) -> tuple[str, int, GameState]:
    return game.game_id, game.game_seq, decode_state(game.state)


@nats_server_killed
@pytest.mark.asyncio
async def test_a_hub_refuses_with_internal_while_nats_is_down_then_goes_on(
    nats_cluster: NatsCluster, stream: str
) -> None:
    journal = await asyncio.to_thread(
        NatsJournal.open, nats_cluster.urls, stream=stream, replicas=3, deadline=2
    )
    hub = Hub(journal)
    hub.start()
    try:
        for msg in live("g"):
            await hub.publish(msg, "t")
        with nats_cluster.down():
            await asyncio.to_thread(_until, lambda: not journal.reachable)
            with pytest.raises(EventRefused, match="unreachable") as refused:
                await asyncio.wait_for(hub.publish(score("s1", "g"), "t"), 2)  # no timeout
            assert refused.value.code == "internal"
            assert hub.committed_seq == 3 and not hub.dead.is_set()
        journal.deadline = 30
        ack = await _retried(hub, score("s1", "g"))  # the same id, as a client retries
        assert (ack.seq, ack.state.home.score) == (4, 2)  # type: ignore[union-attr]
    finally:
        await hub.close()


async def _retried(hub: Hub, msg: Publish) -> Ack:
    """Publish, retrying the same id while refused with ``internal`` (NATS recovering)."""
    for _ in range(60):
        try:
            return await hub.publish(msg, "t")
        except JournalError:
            pass  # the server answers it with ``internal``
        except EventRefused as exc:
            if exc.code != "internal":
                raise
        await asyncio.sleep(0.5)  # a client's back-off between retries
    raise AssertionError(f"{msg.id} never acked")


def test_a_node_follows_what_another_node_appends(
    nats_cluster: NatsCluster, stream: str, journals: list[NatsJournal]
) -> None:
    a, b = two_nodes(nats_cluster, stream, journals)
    seen: list[Record] = []
    done = threading.Event()

    def deliver(record: Record) -> None:
        seen.append(record)
        if record.pub_id == "s19":
            done.set()

    stop = b.follow(1, deliver)
    try:
        appended = accept(a, *(score(f"s{i}", "g") for i in range(20)))
        for i in range(0, 20, 5):
            a.append(appended[i : i + 5])
        assert done.wait(10)
        expected = (*a.game_events("g")[1:3], *appended)  # with the state it carries
        assert seen == [
            dataclasses.replace(r, state=stream_codec.state_of(r.frame)) for r in expected
        ]
        assert all(r.state for r in seen)
    finally:
        stop()


def _until(condition: Callable[[], bool], timeout: float = 10) -> None:
    """Wait for a condition of another thread's making (a client noticing a dead server)."""
    done = threading.Event()
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met"
        done.wait(0.01)
