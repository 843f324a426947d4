"""The pure resume/gap/epoch rules of the feed (desktop/feed/state.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.protocol import Error, History, Resume, Subscribe
from desktop.feed.state import (
    Applied,
    FeedState,
    HistoryArrived,
    Reset,
    Resyncing,
    Send,
    ServerError,
    Synced,
)
from tests.desktop.factories import EPOCH, event, hello, snapshot, state


def sends(changes: list[object]) -> list[object]:
    return [c.message for c in changes if isinstance(c, Send)]


def synced_state(seq: int = 5) -> FeedState:
    feed = FeedState()
    feed.receive(hello(seq=seq), now=0.0)
    feed.receive(snapshot(EPOCH, seq, state()), now=0.0)
    return feed


def test_first_hello_subscribes_to_everything_without_resume_and_measures_skew() -> None:
    feed = FeedState()
    changes = feed.receive(hello(time=1010.5), now=1000.0)
    assert sends(changes) == [Subscribe()]
    assert feed.skew == 10.5
    assert feed.server_time(2000.0) == 2010.5


def test_snapshot_replaces_games_and_sets_the_position() -> None:
    feed = FeedState()
    feed.receive(hello(), now=0.0)
    changes = feed.receive(snapshot(EPOCH, 41, state("a"), state("b")), now=0.0)
    assert changes[0] == Reset((state("a"), state("b")), epoch_changed=False)
    assert (feed.epoch, feed.seq, sorted(feed.games)) == (EPOCH, 41, ["a", "b"])


def test_events_apply_once_in_order_and_duplicates_are_dropped() -> None:
    feed = synced_state(5)
    assert feed.receive(event(6, home=1), now=0.0) == [Applied(event(6, home=1))]
    assert feed.receive(event(6, home=1), now=0.0) == []
    assert feed.receive(event(4), now=0.0) == []
    assert (feed.seq, feed.duplicates, feed.games["g1"].home.score) == (6, 2, 1)


def test_reconnect_resumes_from_epoch_and_seq_and_asks_unanswered_history_again() -> None:
    feed = synced_state(5)
    req = feed.request_history("g1")
    changes = feed.receive(hello(seq=9), now=0.0)
    assert sends(changes) == [Subscribe(resume=Resume(EPOCH, 5)), req]
    feed.receive(History(game_id="g1", events=[], req=req.req), now=0.0)
    assert sends(feed.receive(hello(seq=9), now=0.0)) == [Subscribe(resume=Resume(EPOCH, 5))]


def test_events_a_resume_catches_up_on_are_not_news_and_later_ones_are() -> None:
    feed = synced_state(5)
    feed.receive(hello(seq=7), now=0.0)  # the server was at 7 when we came back
    caught_up = [feed.receive(event(seq), now=0.0) for seq in (6, 7, 8)]
    assert caught_up == [
        [Applied(event(6), news=False)],
        [Applied(event(7), news=False)],
        [Applied(event(8), news=True)],
    ]


def test_a_gap_resubscribes_once_and_drops_events_until_continuity_returns() -> None:
    feed = synced_state(5)
    first = feed.receive(event(8), now=0.0)
    assert isinstance(first[0], Resyncing)
    assert sends(first) == [Subscribe(resume=Resume(EPOCH, 5))]
    assert feed.receive(event(9), now=0.0) == []  # no second resubscribe
    assert feed.receive(event(6), now=0.0) == [Synced(), Applied(event(6))]
    assert (feed.seq, feed.gaps, feed.resyncing) == (6, 1, False)


def test_a_new_epoch_means_a_fresh_snapshot_not_a_resume() -> None:
    feed = synced_state(50)
    changes = feed.receive(hello(epoch="epoch-b", seq=3), now=0.0)
    assert isinstance(changes[0], Resyncing)
    assert sends(changes) == [Subscribe()]
    assert feed.resyncing
    reset = feed.receive(snapshot("epoch-b", 3, state("x")), now=0.0)
    assert reset == [Reset((state("x"),), epoch_changed=True), Synced()]
    assert (feed.epoch, feed.seq, list(feed.games), feed.resyncing) == ("epoch-b", 3, ["x"], False)


def test_an_event_of_another_epoch_starts_over() -> None:
    feed = synced_state(5)
    changes = feed.receive(event(6, epoch="other"), now=0.0)
    assert sends(changes) == [Subscribe()]
    assert feed.seq == 5


def test_a_bad_frame_resyncs_from_a_snapshot() -> None:
    feed = synced_state(5)
    changes = feed.bad_frame("not JSON")
    assert isinstance(changes[0], Resyncing)
    assert "not JSON" in changes[0].reason
    assert sends(changes) == [Subscribe()]


def test_history_and_errors_pass_through() -> None:
    feed = synced_state(5)
    req = feed.request_history("g1", before=3, limit=10)
    assert (req.game_id, req.before, req.limit) == ("g1", 3, 10)
    history = History(game_id="g1", events=[event(2)], req=req.req)
    assert feed.receive(history, now=0.0) == [HistoryArrived(history)]
    error = Error("unknown_game", "no game", req="h99")
    assert feed.receive(error, now=0.0) == [ServerError(error)]


@settings(deadline=None)  # pure and fast, but CI machines are shared: no per-example deadline
@given(st.lists(st.integers(min_value=1, max_value=30), max_size=80))
def test_whatever_arrives_each_event_is_applied_once_and_in_order(deliveries: list[int]) -> None:
    """Replays, repeats and gaps in any order: applied seqs are strictly consecutive."""
    feed = synced_state(0)
    applied: list[int] = []
    for seq in deliveries:
        for change in feed.receive(event(seq, home=seq), now=0.0):
            if isinstance(change, Applied):
                applied.append(change.event.seq)
    assert applied == list(range(1, len(applied) + 1))
    assert feed.seq == len(applied)
    if applied:
        assert feed.games["g1"].home.score == applied[-1]
