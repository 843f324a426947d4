"""Each sport's fan reading on games played through the real rules (no Qt, no server)."""

from __future__ import annotations

from typing import Any

from msgspec.structs import replace

from broadcaster import present
from broadcaster.protocol import Event, GameState
from broadcaster.sports import SPORTS, apply, create_game

Step = tuple[str, dict[str, Any], float]


def play(sport: str, league: str, steps: list[Step]) -> list[Event]:
    """The events of a game created and played through the sport's rules."""
    teams = {
        "home": {"name": "Home Town", "short": "HOM"},
        "away": {"name": "Away City", "short": "AWY"},
    }
    created = {"sport": sport, "league": league, **teams}
    state = create_game("g", created, SPORTS)
    out = [Event("e", 0, 0.0, "g", 0, "game.create", created, state)]
    for seq, (kind, data, at) in enumerate([("game.start", {}, 0.0), *steps], start=1):
        state = apply(SPORTS[sport], state, kind, data, at)
        out.append(Event("e", seq, at, "g", seq, kind, data, state))
    return out


def last(evs: list[Event]) -> GameState:
    return evs[-1].state


def test_baseball_reads_the_half_inning_outs_count_and_runners() -> None:
    evs = play("baseball", "MLB", [
        ("period.start", {}, 1.0), ("out", {}, 2.0), ("out", {}, 3.0), ("out", {}, 4.0),
        ("period.end", {}, 5.0), ("period.start", {}, 6.0),
        ("hit", {"bases": 1, "player": "Shohei Ohtani"}, 7.0),
        ("hit", {"bases": 4, "player": "Masahiro Tanaka"}, 8.0),
        ("pitch", {"result": "ball"}, 9.0), ("pitch", {"result": "strike"}, 10.0),
        ("pitch", {"result": "strike"}, 11.0), ("out", {}, 12.0), ("hit", {"bases": 2}, 13.0),
    ])  # fmt: skip
    board = present.board(last(evs), 0.0)
    assert board.status == "Bot 1st · 1 out · 0-0 · runner on 2nd"
    assert (board.home, board.away, board.bases, board.outs) == ("2", "0", (False, True, False), 1)
    hr = evs[9]
    assert present.play_text(hr.kind, hr.data, hr.state, hr, evs[8].state) == (
        "Home run Tanaka, 2 runs score"
    )
    table = present.line_score(last(evs))
    assert table.columns[-3:] == ("R", "H", "E")
    assert table.rows[0] == ("AWY", ("0", *[""] * 8, "0", "0", "0"))
    assert table.rows[1][1][0] == "2" and table.rows[1][1][-3:] == ("2", "3", "0")


def test_american_football_reads_down_distance_and_field_position() -> None:
    evs = play("american_football", "NFL", [
        ("period.start", {}, 0.0), ("possession", {"team": "away", "ball_on": 25}, 1.0),
        ("down", {"down": 3, "distance": 5, "ball_on": 68}, 2.0),
    ])  # fmt: skip
    board = present.board(last(evs), 2.0)
    assert board.status == "Q1 14:58 · 3rd & 5 at HOM 32"
    assert board.ball == "away" and board.ball_word == "has the ball"
    td = play(
        "american_football",
        "NFL",
        [
            ("period.start", {}, 0.0),
            ("score", {"team": "home", "play": "touchdown", "player": "Jose Ibarra"}, 1.0),
        ],
    )[-1]
    assert present.play_text(td.kind, td.data, td.state, td) == "Touchdown Ibarra (+6)"
    assert present.board(td.state, 1.0).status == "Q1 14:59 · HOM try"


def test_hockey_reads_a_power_play_and_penalties_with_their_clock() -> None:
    evs = play("ice_hockey", "NHL", [
        ("period.start", {}, 0.0), ("period.end", {}, 1200.0), ("period.start", {}, 1300.0),
        ("penalty", {"team": "home", "minutes": 2, "player": "Auston Matthews",
                     "infraction": "tripping"}, 1327.0),
    ])  # fmt: skip
    state = last(evs)
    board = present.board(state, 1330.0)
    assert board.tags == {"away": ("power play",)}
    assert board.status == "2nd · 19:30"
    assert present.board(state, 1300.0 + 27 + 121).tags == {}  # served
    goal = ("score", {"team": "away", "player": "Connor McDavid"}, 1360.0)
    scored = play("ice_hockey", "NHL", [*[(e.kind, dict(e.data), e.time) for e in evs[2:]], goal])
    assert present.board(last(scored), 1365.0, present.story("ice_hockey", scored)).tags == {}
    assert present.panel(state).facts == (
        ("Penalty", "19:33 2nd · Matthews (HOM) 2 min, tripping"),
    )


def test_basketball_reads_the_bonus_and_a_final_in_overtime() -> None:
    fouls = [("foul", {"team": "away"}, 10.0 + i) for i in range(5)]
    evs = play("basketball", "NBA", [("period.start", {}, 0.0), *fouls])
    assert present.board(last(evs), 20.0).tags == {"home": ("bonus",)}
    assert present.panel(last(evs)).stats[0] == ("Team fouls (this period)", "0", "5")
    game = play("basketball", "NBA", [
        *[s for n in range(4) for s in (("period.start", {}, n * 1000.0),
                                         ("period.end", {}, n * 1000.0 + 720))],
        ("period.start", {}, 5000.0), ("score", {"team": "home", "points": 3}, 5001.0),
        ("period.end", {}, 5300.0), ("game.end", {}, 5300.0),
    ])  # fmt: skip
    story = present.story("basketball", game)
    board = present.board(last(game), 0.0, story)
    assert (board.status, board.result) == ("Final/OT", "Home Town won 3–0 in overtime")
    table = present.line_score(last(game), story)
    assert table.columns == ("1", "2", "3", "4", "OT", "T")
    assert table.rows[0] == ("HOM", ("0", "0", "0", "0", "3", "3"))


def test_names_as_fans_say_them() -> None:
    from broadcaster.present.common import surname

    assert surname("Ángel Di María") == "Di María"
    assert surname("CR Brathwaite") == "Brathwaite"
    assert surname("Chan / Venus") == "Chan/Venus"
    assert surname("Pelé") == "Pelé"


def test_a_voided_goal_is_no_scorer_and_a_partial_story_gives_totals_only() -> None:
    evs = play("soccer", "World Cup", [
        ("period.start", {}, 0.0),
        ("score", {"team": "home", "player": "Lionel Messi"}, 600.0),
        ("score", {"team": "away", "player": "Kylian Mbappé"}, 1200.0),
    ])  # fmt: skip
    messi = evs[3]
    assert messi.data["player"] == "Lionel Messi"
    void = {"action": "void", "target": messi.seq}
    story = present.story("soccer", [*evs, replace(evs[-1], seq=9, kind="correction", data=void)])
    assert present.panel(evs[-1].state, story).facts == (("AWY goals", "Mbappé 21'"),)
    partial = present.story("soccer", evs[3:])  # the first events are missing
    assert present.line_score(evs[-1].state, partial).columns == ("Goals",)
    assert present.line_score(evs[-1].state, story).columns == ("1st", "Goals")


def test_soccer_red_cards_and_tennis_retirement() -> None:
    evs = play("soccer", "World Cup", [
        ("period.start", {}, 0.0),
        ("card", {"team": "away", "player": "Zinedine Zidane", "color": "red"}, 60.0),
    ])  # fmt: skip
    assert present.board(last(evs), 60.0).tags == {"away": ("1 red card",)}
    card = evs[-1]
    assert (
        present.play_text(card.kind, card.data, card.state, card) == "Red card Zidane 2', Away City"
    )
    points = [("point", {"team": "home", **({"server": "home"} if i == 0 else {})}, 1.0 + i)
              for i in range(4)]  # fmt: skip
    tennis = play("tennis", "ATP", [("period.start", {}, 0.0), *points,
                                     ("retire", {"team": "away"}, 9.0)])  # fmt: skip
    assert present.board(last(tennis), 0.0).result == "Town won 1–0, City retired"
