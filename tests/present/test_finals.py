"""The three real finals read as fans know them: at the end and at chosen moments."""

from __future__ import annotations

from broadcaster import present
from broadcaster.protocol import Event
from tests.present.real import events, final


def board_after(evs: list[Event], index: int, now: float | None = None) -> present.Board:
    story = present.story(evs[0].state.sport, evs[: index + 1])
    event = evs[index]
    return present.board(event.state, event.time if now is None else now, story)


def test_the_world_cup_final_is_won_on_penalties() -> None:
    evs = final("soccer")
    end = evs[-1].state
    story = present.story("soccer", evs)
    assert present.summary(end, 0.0, story) == (
        "Argentina 3, France 3, Argentina won 4–2 on penalties"
    )
    table = present.line_score(end, story)
    assert table.columns == ("1st", "2nd", "ET1", "ET2", "Goals", "Pens")
    assert table.rows == (("ARG", ("2", "0", "0", "1", "3", "4")),
                          ("FRA", ("0", "2", "0", "1", "3", "2")))  # fmt: skip
    panel = present.panel(end, story)
    assert panel.stats[0] == ("Goals", "3", "3")
    assert panel.facts == (
        ("ARG goals", "Messi 23' (pen), Di María 36', Messi 108'"),
        ("FRA goals", "Mbappé 80' (pen), Mbappé 81', Mbappé 118' (pen)"),
    )


def test_the_world_cup_final_while_it_is_played() -> None:
    evs = final("soccer")
    second_half = next(i for i, e in enumerate(evs) if e.state.period.label == "H2")
    now = evs[second_half].time + 26.5 * 60  # 71:30 played
    assert board_after(evs, second_half, now).status == "72' · Messi 23' (pen), Di María 36'"
    messi_108 = next(i for i, e in enumerate(evs) if "108'" in (e.data.get("text") or ""))
    assert board_after(evs, messi_108).status == (
        "108' · Messi 23' (pen), Di María 36', Mbappé 80' (pen), Mbappé 81', Messi 108'"
    )
    kicks = [i for i, e in enumerate(evs) if e.kind == "shootout"]
    in_shootout = board_after(evs, kicks[4])
    assert (in_shootout.home, in_shootout.away, in_shootout.status) == ("3", "3", "Penalties 3–2")
    assert in_shootout.result is None
    text = present.play_text("score", evs[messi_108].data, evs[messi_108].state, evs[messi_108])
    assert text == "GOAL! Messi 108', Argentina"


def test_the_world_t20_final_is_won_by_four_wickets() -> None:
    evs = final("cricket")
    end = evs[-1].state
    board = present.board(end, 0.0)
    assert (board.home, board.away, board.result) == (
        "155/9",
        "161/6",
        "West Indies won by 4 wickets",
    )
    assert present.summary(end, 0.0) == (
        "England 155/9, West Indies 161/6, West Indies won by 4 wickets"
    )
    table = present.line_score(end)
    assert table.rows == (("ENG", ("155/9", "20.0", "5", "7.75")),
                          ("WI", ("161/6", "19.4", "9", "8.19")))  # fmt: skip
    last = evs[-3]
    assert present.play_text(last.kind, last.data, last.state, last) == (
        "SIX! Brathwaite, 19.4, Stokes to Brathwaite"
    )


def test_the_world_t20_final_while_it_is_played() -> None:
    evs = final("cricket")
    deliveries = [i for i, e in enumerate(evs) if e.kind == "delivery"]
    first = board_after(evs, deliveries[29])  # ball 4.6 of England's innings
    assert (first.home, first.away) == ("23/3", "yet to bat")
    assert first.status == "5.0 ov · RR 4.60"
    assert first.ball == "home"
    chase = [i for i in deliveries if evs[i].state.detail["batting"] == "away"]
    before_the_sixes = board_after(evs, chase[-5])  # Stokes to bowl the last over
    assert before_the_sixes.away == "137/6"
    assert before_the_sixes.status == "19.0 ov · WI need 19 from 6"
    assert present.line_score(evs[chase[-5]].state).caption == "Target 156 · required rate 19.00"
    brk = next(i for i, e in enumerate(evs) if e.kind == "period.end")
    assert board_after(evs, brk).status == "Innings break · WI need 156 to win"


def test_the_wimbledon_final_is_won_in_four_sets() -> None:
    evs = final("tennis")
    end = evs[-1].state
    board = present.board(end, 0.0)
    assert board.result == "Djokovic won 6–4 6–1 1–6 6–3"
    assert (board.home, board.away) == ("4 1 6 3", "6 6 1 6")
    story = present.story("tennis", evs)
    assert present.panel(end, story).stats[0] == ("Points won", "82", "95")
    last = evs[-2]
    assert present.play_text(last.kind, last.data, last.state) == "Game, set and match Djokovic"


def test_the_wimbledon_final_while_it_is_played() -> None:
    evs = final("tennis")
    points = [i for i, e in enumerate(evs) if e.kind == "point"]
    tenth = board_after(evs, points[9])  # the manifest: set 1, games 0-1, Nadal 40-15
    assert tenth.status == "0–1 · 40–15, Nadal serving"
    assert tenth.ball == "home"
    eighty_eighth = board_after(evs, points[87])  # set 2, games 1-5, 0-40
    assert eighty_eighth.status == "4–6 1–5 · 40–0, Djokovic serving"  # the server's points first
    assert (eighty_eighth.home, eighty_eighth.away) == ("4 1", "6 5")


def test_a_tie_break_in_the_2019_us_open_mixed() -> None:
    evs = events("tennis-slam", "tennis/slam_2019-usopen-points-mixed.csv",
                 "tennis/slam_2019-usopen-matches-mixed.csv", "5401")  # fmt: skip
    points = [i for i, e in enumerate(evs) if e.kind == "point"]
    in_tb = board_after(evs, points[75])  # the manifest: tie-break 6-3 after point 76
    assert in_tb.status == "6–6 · Tie-break 6–3, Chan/Dodig serving"
    won = points[76]
    assert present.play_text("point", evs[won].data, evs[won].state) == "Set Chan/Venus 7–6(3)"
    table = present.line_score(evs[-1].state)
    assert table.rows[1] == ("Chan/Dodig", ("6(3)", "5", "0"))
    assert present.board(evs[-1].state, 0.0).result == "Chan/Venus won 7–6(3) 7–5"


def test_the_flow_of_the_finals() -> None:
    soccer = present.story("soccer", final("soccer"))
    assert soccer.unit == "min"
    assert [round(m.x) for m in soccer.marks] == [22, 36, 80, 80, 108, 118]  # minutes (22:30 …)
    assert [label for _, label in soccer.periods] == ["H1", "H2", "ET1", "ET2", "PEN"]
    worm = present.story("cricket", final("cricket"))
    assert worm.series["home"][-1] == (20.0, 155)
    assert round(worm.series["away"][-1][0], 2) == 19.67 and worm.series["away"][-1][1] == 161
    assert sum(1 for m in worm.marks if m.side == "home") == 9  # England's wickets
    tennis = present.story("tennis", final("tennis"))
    assert tennis.series["home"][-1][1] == 82 and tennis.series["away"][-1][1] == 95
    assert [m.text for m in tennis.marks] == ["Set 1", "Set 2", "Set 3", "Set 4"]


def test_real_nhl_and_nba_games_end_as_their_fans_know() -> None:
    shootout = events("nhl", "hockey/nhl_2017020006.csv", None, "")
    story = present.story("ice_hockey", shootout)
    assert present.summary(shootout[-1].state, 0.0, story) == (
        "Buffalo Sabres 2, Montréal Canadiens 3, Montréal Canadiens won 3–2 in a shoot-out"
    )
    assert present.line_score(shootout[-1].state, story).columns == ("1", "2", "3", "OT", "SO", "T")
    overtime = events("nhl", "hockey/nhl_2017020002.csv", None, "")
    assert present.board(overtime[-1].state, 0.0).result == "St. Louis Blues won 5–4 in overtime"
    nba = events("nba-stats", "basketball/nba_stats_0021600270.json", None, "")
    table = present.line_score(nba[-1].state, present.story("basketball", nba))
    # the manifest: away-home at each period's end 19-32, 53-60, 84-84, 105-105, 115-126
    assert table.rows == (("OKC", ("32", "28", "24", "21", "21", "126")),
                          ("WAS", ("19", "34", "31", "21", "10", "115")))  # fmt: skip
    assert present.board(nba[-1].state, 0.0).status == "Final/OT"
