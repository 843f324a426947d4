"""Basketball overtime adds timeouts (NBA 2, FIBA 1): the real 2016 OKC game took eight."""

from __future__ import annotations

from tests.sports.rules import play, refused, started


def test_overtime_adds_the_leagues_timeouts() -> None:
    for league, per_game, more in (("NBA", 7, 2), ("FIBA World Cup", 5, 1)):
        s = started("basketball", league)
        for _ in range(per_game):
            s = play(s, ("timeout", {"team": "home"}))
        refused(s, "timeout", {"team": "home"}, "Home Town have no timeouts left")
        for _ in range(3):
            s = play(s, "period.end", "period.start")
        s = play(s, "period.end", "period.start")
        assert s.period.label == "OT"
        assert s.detail["timeouts"] == {"home": more, "away": per_game + more}
