"""Player names as operators type them: ``Wall``, ``J. Wall`` and ``John Wall`` are one player.

Pure. A typed name matches a known one when the surnames agree and the given
names, if both have any, agree on their initials. Case and dots do not count.
"""

from __future__ import annotations

from collections.abc import Iterable


def _words(name: str) -> list[str]:
    return name.replace(".", " ").lower().split()


def same(a: str, b: str) -> bool:
    """Whether two spellings name the same player."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    if wa[-1] != wb[-1]:
        return False
    ga, gb = wa[:-1], wb[:-1]
    return not ga or not gb or ga[0][0] == gb[0][0]  # a surname alone, or initials agree


def matches(typed: str, known: Iterable[str]) -> list[str]:
    """The known names ``typed`` may mean, best first (an exact spelling wins)."""
    names = list(dict.fromkeys(known))
    exact = [n for n in names if _words(n) == _words(typed)]
    return exact or [n for n in names if same(typed, n)]
