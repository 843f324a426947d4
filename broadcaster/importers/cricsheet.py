"""Cricsheet YAML (data version 0.9) → a cricket game.

Read with PyYAML's C loader, without the float resolver, so ball keys stay
text (``0.1`` and ``0.10`` would both be the float 0.1). Deliveries are
published in file order with their runs off the bat, extras and wicket; the
rules count legal balls and overs themselves. ``info.teams[0]`` is the home
side (most matches in these files are on neutral grounds).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from broadcaster.importers.common import ImportedGame, SourceError, slug
from broadcaster.protocol import Side

EXTRAS = ("wides", "noballs", "byes", "legbyes", "penalty")
SECONDS_PER_BALL = 40.0
INNINGS_BREAK = 20 * 60.0


class TextKeyLoader(yaml.CSafeLoader):
    """The safe C loader, with floats left as text (``19.7`` is a ball, not a number)."""


TextKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:float"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def short(name: str) -> str:
    words = name.split()
    return ("".join(w[0] for w in words) if len(words) > 1 else name[:3]).upper()[:8]


def load(text: str) -> dict[str, Any]:
    try:
        doc = yaml.load(text, Loader=TextKeyLoader)  # a safe loader (CSafeLoader)
    except yaml.YAMLError as exc:
        raise SourceError(f"not YAML: {exc}") from None
    if not isinstance(doc, dict) or "info" not in doc or "innings" not in doc:
        raise SourceError("not a Cricsheet match (no info/innings)")
    return doc


def deliveries(innings: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for item in innings.get("deliveries") or []:
        ((ball, body),) = item.items()
        out.append((str(ball), body))
    return out


def delivery_data(ball: str, body: dict[str, Any]) -> dict[str, Any]:
    runs = body.get("runs") or {}
    data: dict[str, Any] = {"runs": int(runs.get("batsman", 0))}
    extras = {k: int(v) for k, v in (body.get("extras") or {}).items() if k in EXTRAS and v}
    if extras:
        data["extras"] = extras
    if sum(extras.values()) + data["runs"] != int(runs.get("total", 0)):
        raise SourceError(f"ball {ball}: runs and extras do not add up to the total")
    if body.get("wicket"):
        w = body["wicket"]
        wicket: dict[str, Any] = {"kind": str(w.get("kind")), "player_out": w.get("player_out")}
        if w.get("fielders"):
            wicket["fielders"] = [str(f) for f in w["fielders"]]
        data["wicket"] = wicket
    for ours, theirs in (
        ("batter", "batsman"),
        ("bowler", "bowler"),
        ("non_striker", "non_striker"),
    ):
        if body.get(theirs):
            data[ours] = str(body[theirs])
    data["text"] = f"{ball} {body.get('bowler', '?')} to {body.get('batsman', '?')}"
    return data


def parse(text: str, name: str = "cricsheet") -> list[ImportedGame]:
    doc = load(text)
    info = doc["info"]
    try:
        t1, t2 = (str(t) for t in info["teams"])
        toss = info["toss"]
    except (KeyError, ValueError) as exc:
        raise SourceError(f"info without two teams and a toss: {exc}") from None
    side = {t1: "home", t2: "away"}
    day = (info.get("dates") or [None])[0]
    start = None
    if isinstance(day, dt.date):
        start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()
    match_type = str(info.get("match_type", "T20"))
    league = "T20" if match_type in ("T20", "IT20") else match_type
    g = ImportedGame(
        f"{name}-{slug(str(day or ''))}-{slug(short(t1))}-{slug(short(t2))}", start=start
    )
    create: dict[str, Any] = {"sport": "cricket", "league": league,
                              "home": {"name": t1, "short": short(t1)},
                              "away": {"name": t2, "short": short(t2)}}  # fmt: skip
    if start is not None:
        create["start"] = start
    if info.get("venue"):
        create["venue"] = str(info["venue"])
    g.add("game.create", create, 0.0)
    won_by: Side = "home" if side.get(str(toss.get("winner"))) == "home" else "away"
    g.add(
        "toss",
        {"won_by": won_by, "elected": "bat" if toss.get("decision") == "bat" else "field"},
        0.0,
    )
    g.add("game.start", {}, 0.0)
    at, ref = 0.0, 0
    for number, item in enumerate(doc["innings"], 1):
        ((_label, innings),) = item.items()
        g.add("period.start", {}, at + (INNINGS_BREAK if number > 1 else 0.0))
        at = g.steps[-1].at
        for ball, body in deliveries(innings):
            at += SECONDS_PER_BALL
            g.add("delivery", delivery_data(ball, body), at, ref)
            ref += 1
        g.add("period.end", {}, at + 30.0)
        at += 30.0
    g.add("game.end", {}, at + 60.0)
    return [g]
