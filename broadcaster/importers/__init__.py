"""Importers: real-world data formats → feed files (one module per format).

Each format is a pure function ``parse(text, matches=None) -> [ImportedGame]``;
``run_import`` is the edge that reads the files and writes the feed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from broadcaster.errors import LocalError
from broadcaster.importers import (
    cricsheet,
    nba_live,
    nba_stats,
    nhl,
    openfootball,
    tennis_pbp,
    tennis_slam,
)
from broadcaster.importers.common import ImportedGame, SourceError, feed_lines

Parser = Callable[[str, str | None], list[ImportedGame]]

FORMATS: dict[str, Parser] = {
    "cricsheet": lambda text, matches: cricsheet.parse(text),
    "nba-live": lambda text, matches: nba_live.parse(text),
    "nba-stats": lambda text, matches: nba_stats.parse(text),
    "nhl": lambda text, matches: nhl.parse(text),
    "openfootball": lambda text, matches: openfootball.parse(text),
    "tennis-pbp": lambda text, matches: tennis_pbp.parse(text),
    "tennis-slam": tennis_slam.parse,
}


def parse(fmt: str, text: str, matches: str | None = None) -> list[ImportedGame]:
    if fmt not in FORMATS:
        raise SourceError(f"unknown format {fmt!r}; formats: {', '.join(sorted(FORMATS))}")
    return FORMATS[fmt](text, matches)


def read_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LocalError(f"cannot read {path}: {exc.strerror}") from exc


def run_import(
    fmt: str,
    path: str,
    matches: str | None = None,
    only: list[str] | None = None,
    together: bool = False,
    out: TextIO | None = None,
) -> int:
    """Write the feed of ``path`` to ``out``; returns the number of games."""
    try:
        games = parse(fmt, read_text(path), read_text(matches) if matches else None)
    except SourceError as exc:
        raise LocalError(f"{path}: {exc}") from exc
    if only:
        games = [g for g in games if any(o in g.game_id for o in only)]
    out = out or sys.stdout
    for line in feed_lines(games, together=together):
        out.write(line + "\n")
    return len(games)


__all__ = ["FORMATS", "ImportedGame", "SourceError", "parse", "run_import"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    i = commands.add_parser("import", help="turn a real-data file into a feed (stdout)")
    i.add_argument("format", choices=sorted(FORMATS))
    i.add_argument("file")
    i.add_argument("--matches", help="the matches CSV that names the players (tennis-slam)")
    i.add_argument("--game", action="append", help="only games whose id contains this (repeatable)")
    i.add_argument("--together", action="store_true", help="start every game at 0")


def main(args: argparse.Namespace) -> int:
    run_import(args.format, args.file, args.matches, args.game, args.together)
    return 0
