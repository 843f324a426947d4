"""What to notify (desktop/notify/rules.py): pure rules over applied events."""

from __future__ import annotations

from broadcaster.protocol import Period
from desktop.feed.state import Applied
from desktop.notify.rules import TOLD, Notifier
from tests.desktop.factories import event, state

BOS = "Boston Celtics"
SOCCER = {"sport": "soccer", "league": "WC", "names": ("France", "Croatia")}


def news(*events: object, live: bool = True) -> list[Applied]:
    return [Applied(e, news=live) for e in events]  # type: ignore[arg-type]


def test_a_favourites_score_is_told_once_in_the_sports_own_words() -> None:
    notifier = Notifier(favourites={BOS})
    goal = event(2, home=2, data={"team": "home", "points": 2, "player": "Jayson Tatum"})
    (notice,) = notifier.take(news(goal), now=0.0)
    assert notice.kind == "score" and notice.seq == 2 and notice.game_id == "g1"
    assert notice.title.startswith("Boston Celtics 2, Los Angeles Lakers 0")
    assert "Tatum" in notice.text
    assert notifier.take(news(goal), now=0.0) == []  # the same event again: never twice


def test_games_without_a_favourite_are_not_told() -> None:
    notifier = Notifier(favourites={"Chicago Bulls"})
    assert notifier.take(news(event(2, home=2)), now=0.0) == []
    notifier.favourites = {"g1"}  # a game can be a favourite too
    assert [n.seq for n in notifier.take(news(event(3, home=3)), now=0.0)] == [3]


def test_catch_up_after_a_resume_is_never_told_but_is_remembered() -> None:
    notifier = Notifier(favourites={BOS})
    final = event(4, kind="game.end", data={}, home=90, away=80, status="final")
    assert notifier.take(news(event(3, home=90, away=80), final, live=False), now=0.0) == []
    later = event(5, kind="play", data={"text": "handshakes"}, home=90, away=80, status="final")
    assert notifier.take(news(later), now=0.0) == []  # already final: no second "final"


def test_an_event_voided_in_the_same_batch_is_not_told() -> None:
    notifier = Notifier(favourites={BOS})
    goal = event(2, home=2)
    void = event(3, kind="correction", data={"target": 2, "action": "void"})
    assert notifier.take(news(goal, void), now=0.0) == []


def test_a_void_of_a_told_goal_is_told_as_disallowed_even_in_a_back_fill() -> None:
    notifier = Notifier(favourites={"France"})
    goal = event(2, home=1, data={"team": "home", "points": 1, "player": "Kylian Mbappé"}, **SOCCER)
    (told,) = notifier.take(news(goal), now=0.0)
    void = event(3, kind="correction", data={"target": 2, "action": "void"}, **SOCCER)
    (disallowed,) = notifier.take(news(void, live=False), now=0.0)
    assert disallowed.kind == "disallowed"
    assert disallowed.text == f"Disallowed: {told.text}"
    assert disallowed.title.startswith("France 0, Croatia 0")
    assert notifier.take(news(void), now=0.0) == []  # told once
    amend = event(4, kind="correction", data={"target": 2, "action": "amend", "data": {}})
    assert notifier.take(news(amend), now=0.0) == []


def test_period_ends_finals_and_red_cards_are_told_and_each_can_be_muted() -> None:
    notifier = Notifier(favourites={"France"})
    notifier.know([state(**SOCCER)])
    red = {"cards": {"home": {"yellow": 0, "red": 1}, "away": {"yellow": 0, "red": 0}}}
    card = event(2, kind="card", data={"team": "home", "color": "red"}, detail=red, **SOCCER)
    half = event(3, kind="period.end", data={}, detail=red, period=Period(1, "1H", False), **SOCCER)
    end = event(4, kind="game.end", data={}, detail=red, status="final", **SOCCER)
    kinds = [n.kind for n in notifier.take(news(card, half, end), now=0.0)]
    assert kinds == ["red_card", "period", "final"]

    muted = Notifier(favourites={"France"}, kinds={"final"})
    muted.know([state(**SOCCER)])
    assert [n.kind for n in muted.take(news(card, half, end), now=0.0)] == ["final"]


def test_each_favourite_can_skip_kinds_and_a_game_of_two_favourites_needs_only_one() -> None:
    notifier = Notifier(favourites={"France"}, muted_for={"France": {"score"}})
    notifier.know([state(**SOCCER)])
    goal = event(2, home=1, **SOCCER)
    end = event(3, kind="game.end", data={}, home=1, status="final", **SOCCER)
    assert [n.kind for n in notifier.take(news(goal, end), now=0.0)] == ["final"]
    notifier.favourites.add("Croatia")  # Croatia wants every kind
    assert [n.kind for n in notifier.take(news(event(4, home=2, **SOCCER)), now=0.0)] == ["score"]


def test_a_final_won_by_the_side_not_favoured_is_told_as_an_upset() -> None:
    underdog = {"favourite": "home"}  # the odds favoured Boston
    notifier = Notifier(favourites={BOS})
    lost = event(9, kind="game.end", data={}, home=90, away=95, status="final", detail=underdog)
    (notice,) = notifier.take(news(lost), now=0.0)
    assert notice.kind == "upset"
    assert notice.text.startswith("Upset! ")
    favoured_won = Notifier(favourites={BOS})
    won = event(9, kind="game.end", data={}, home=99, away=95, status="final", detail=underdog)
    assert [n.kind for n in favoured_won.take(news(won), now=0.0)] == ["final"]
    only_finals = Notifier(favourites={BOS}, kinds={"final"})  # upsets not wanted: a final
    assert [n.kind for n in only_finals.take(news(lost), now=0.0)] == ["final"]


def test_only_the_latest_notices_are_remembered_and_a_recent_one_can_still_be_disallowed() -> None:
    notifier = Notifier(favourites={BOS})
    total = TOLD + 50
    for seq in range(1, total + 1):  # a long day of a favourite scoring
        assert len(notifier.take(news(event(seq, home=seq)), now=0.0)) == 1
    assert len(notifier.told) == TOLD
    assert min(seq for _, seq in notifier.told) == total - TOLD + 1  # the oldest let go
    void = event(total + 1, kind="correction", data={"target": total, "action": "void"})
    (disallowed,) = notifier.take(news(void), now=0.0)
    assert disallowed.kind == "disallowed"
