"""stats.nba.com ``playbyplayv2`` JSON → a basketball game.

Rows are replayed in ``rowSet`` order (``EVENTNUM`` has gaps and is not
sorted). Points come from the play, not from the score column: a made field
goal (type 1) is 3 when its description says ``3PT``, else 2; a free throw
(type 3) scores 1 unless it starts with ``MISS``. ``SCORE`` ("AWAY - HOME")
is left for the tests to check the rules against. ``PERSON1TYPE`` says whose
play it is (4/2: home player/team, 5/3: visitor player/team).
"""

from __future__ import annotations

import json
from typing import Any

from broadcaster.importers.common import ImportedGame, SourceError
from broadcaster.importers.nba import TEAMS, Builder
from broadcaster.protocol import Side

MADE, MISSED, FREE_THROW, FOUL, TIMEOUT, START, END = 1, 2, 3, 6, 9, 12, 13
SIDES: dict[int, Side] = {4: "home", 2: "home", 5: "away", 3: "away"}


def rows_of(text: str) -> list[dict[str, Any]]:
    try:
        result = json.loads(text)["resultSets"][0]
        headers = result["headers"]
        return [dict(zip(headers, row, strict=True)) for row in result["rowSet"]]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise SourceError(f"not a playbyplayv2 response: {exc}") from None


def clock(text: str | None) -> float:
    minutes, _, seconds = (text or "0:00").partition(":")
    return int(minutes) * 60.0 + float(seconds or 0)


def teams(rows: list[dict[str, Any]]) -> dict[Side, tuple[str, str]]:
    found: dict[Side, tuple[str, str]] = {}
    for row in rows:
        side = SIDES.get(row.get("PERSON1TYPE") or 0)
        short = row.get("PLAYER1_TEAM_ABBREVIATION")
        if side and short and side not in found and row.get("PLAYER1_TEAM_CITY"):
            name = f"{row['PLAYER1_TEAM_CITY']} {row.get('PLAYER1_TEAM_NICKNAME') or ''}".strip()
            found[side] = (TEAMS.get(short, name), short)
    if len(found) != 2:
        raise SourceError("cannot tell the home and visiting teams apart")
    return found


def parse(text: str) -> list[ImportedGame]:
    rows = rows_of(text)
    names = teams(rows)
    game_id = str(rows[0].get("GAME_ID", "game")) if rows else "game"
    b = Builder(f"nba-{game_id}", names["home"], names["away"])
    for ref, row in enumerate(rows):
        kind, number = row["EVENTMSGTYPE"], int(row["PERIOD"])
        left = clock(row["PCTIMESTRING"])
        side = SIDES.get(row.get("PERSON1TYPE") or 0)
        text_ = row.get("HOMEDESCRIPTION") or row.get("VISITORDESCRIPTION") or ""
        text_ = text_ or row.get("NEUTRALDESCRIPTION") or ""
        player = row.get("PLAYER1_NAME")
        if kind == START:
            b.start_period(number, ref)
        elif kind == END:
            b.end_period(ref)
        elif kind == MADE and side:
            b.score(number, left, side, 3 if "3PT" in text_ else 2, player, text_, ref)
        elif kind == FREE_THROW and side and not text_.upper().startswith("MISS"):
            b.score(number, left, side, 1, player, text_, ref)
        elif kind == FOUL and side:
            b.event(number, left, "foul", {"team": side, "text": text_}, ref)
        elif kind == TIMEOUT and side:
            b.event(number, left, "timeout", {"team": side, "text": text_}, ref)
        elif text_.strip():
            data: dict[str, Any] = {"text": text_}
            if side:
                data["team"] = side
            b.event(number, left, "play", data, ref)
    return [b.finish()]
