"""How fresh a game's picture is: pure words from an age in seconds.

A live game that has been silent for longer than its sport usually is (a basketball
game goes two minutes without a basket far less often than a soccer game goes ten
without an event) gets "last update 6 min ago" on its card, so a fan sees at a glance
that the feed for that game may have stalled, without reading the status bar.
"""

from __future__ import annotations

QUIET_AFTER = {  # seconds without an event that are unusual for a live game
    "basketball": 120.0,
    "cricket": 180.0,
    "tennis": 180.0,
    "ice_hockey": 300.0,
    "american_football": 300.0,
    "baseball": 300.0,
    "soccer": 600.0,
}
DEFAULT_QUIET = 300.0


def ago(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


def freshness(status: str, sport: str, age: float | None) -> str:
    """Nothing, unless a live game has been silent unusually long: "last update 6 min ago"."""
    if status != "live" or age is None or age < QUIET_AFTER.get(sport, DEFAULT_QUIET):
        return ""
    return f"last update {ago(age)}"
