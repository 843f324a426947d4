"""Named operator tokens as pure values: secrets, salted hashes, scopes, the file's text.

A secret reads ``NAME.RANDOM`` (43 url-safe characters, 256 bits from ``secrets``), so the
broadcaster finds the one entry to check without trying every hash. Only a salted
PBKDF2-HMAC-SHA256 of the secret is stored. The secret is already 256 random bits, so the
hash does not have to be slow to be safe: a modest iteration count keeps a handshake's
check about a millisecond on the event loop, and it is stored per entry so it can grow.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from broadcaster.errors import LocalError

ITERATIONS = 5_000
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
FORMAT_VERSION = 1


class TokenFileError(LocalError):
    """The token file, or a command about it, is wrong: said plainly, nothing written."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What a token may do: read the feed only, or publish to some leagues/games (or all)."""

    feed_only: bool = False
    leagues: frozenset[str] = frozenset()
    games: frozenset[str] = frozenset()

    @property
    def everything(self) -> bool:
        return not (self.feed_only or self.leagues or self.games)

    def allows(self, game_id: str, league: str) -> bool:
        """May this scope publish to ``game_id`` of ``league``?"""
        if self.feed_only:
            return False
        return self.everything or league in self.leagues or game_id in self.games

    def describe(self) -> str:
        if self.feed_only:
            return "read-only (feed)"
        if self.everything:
            return "publish: all games"
        parts = []
        if self.leagues:
            parts.append("leagues " + ", ".join(sorted(self.leagues)))
        if self.games:
            parts.append("games " + ", ".join(sorted(self.games)))
        return "publish: " + "; ".join(parts)


@dataclass(frozen=True, slots=True)
class NamedToken:
    """One operator's token as stored: never the secret itself."""

    name: str
    salt: bytes
    digest: bytes
    scope: Scope
    created: float
    iterations: int = ITERATIONS

    def matches(self, secret: str) -> bool:
        """Constant-time check of a presented secret against the stored hash."""
        return hmac.compare_digest(self.digest, _hash(secret, self.salt, self.iterations))


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise TokenFileError(
            f"a token name is 1-64 letters, digits, '-' or '_' starting with a letter or "
            f"digit, not {name!r}"
        )
    return name


def new_token(name: str, scope: Scope, now: float) -> tuple[NamedToken, str]:
    """A fresh token and its secret; the secret is shown once and never stored."""
    secret = f"{check_name(name)}.{secrets.token_urlsafe(32)}"
    salt = secrets.token_bytes(16)
    return NamedToken(name, salt, _hash(secret, salt, ITERATIONS), scope, now), secret


def name_of(secret: str) -> str:
    """The name part of a presented secret ('' when it has none)."""
    name, dot, _ = secret.partition(".")
    return name if dot else ""


def find(tokens: Mapping[str, NamedToken], secret: str) -> NamedToken | None:
    """The token this secret belongs to, or None.

    A name is no secret (every event names its operator as ``by``), so an unknown name is
    refused without hashing: guesses cost the broadcaster next to nothing."""
    entry = tokens.get(name_of(secret))
    return entry if entry is not None and entry.matches(secret) else None


def any_equal(given: str, secrets_: Iterable[str]) -> bool:
    """Constant-time comparison against every unnamed (legacy) token."""
    ok = False
    for secret in secrets_:
        ok |= hmac.compare_digest(given.encode(), secret.encode())
    return ok


def _hash(secret: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, iterations)


# --------------------------------------------------------------------------- the file's text


def dumps(tokens: Iterable[NamedToken]) -> str:
    """The token file's JSON text, entries sorted by name."""
    entries = [_entry(t) for t in sorted(tokens, key=lambda t: t.name)]
    return json.dumps({"version": FORMAT_VERSION, "tokens": entries}, indent=2) + "\n"


def loads(text: str, where: str = "the token file") -> dict[str, NamedToken]:
    """Parse the token file; any flaw is a ``TokenFileError`` naming it."""
    try:
        doc: Any = json.loads(text) if text.strip() else {"version": FORMAT_VERSION, "tokens": []}
        if doc.get("version") != FORMAT_VERSION:
            raise ValueError(f"version {doc.get('version')!r}, expected {FORMAT_VERSION}")
        tokens = [_token(e) for e in doc["tokens"]]
    except KeyError as exc:
        raise TokenFileError(f"{where} is not a valid token file: no {exc} member") from exc
    except (ValueError, TypeError, AttributeError, TokenFileError) as exc:
        raise TokenFileError(f"{where} is not a valid token file: {exc}") from exc
    named = {t.name: t for t in tokens}
    if len(named) != len(tokens):
        raise TokenFileError(f"{where} names one token twice")
    return named


def _entry(t: NamedToken) -> dict[str, Any]:
    return {
        "name": t.name,
        "salt": t.salt.hex(),
        "hash": t.digest.hex(),
        "iterations": t.iterations,
        "scope": {
            "feed_only": t.scope.feed_only,
            "leagues": sorted(t.scope.leagues),
            "games": sorted(t.scope.games),
        },
        "created": t.created,
    }


def _token(e: Mapping[str, Any]) -> NamedToken:
    scope = e["scope"]
    leagues, games = scope.get("leagues", []), scope.get("games", [])
    if not all(isinstance(x, str) for x in [*leagues, *games]):
        raise ValueError(f"token {e['name']!r}: leagues and games are strings")
    iterations = e.get("iterations", ITERATIONS)
    if not isinstance(iterations, int) or iterations < 1:
        raise ValueError(f"token {e['name']!r}: iterations must be a positive integer")
    return NamedToken(
        name=check_name(str(e["name"])),
        salt=bytes.fromhex(e["salt"]),
        digest=bytes.fromhex(e["hash"]),
        scope=Scope(bool(scope.get("feed_only", False)), frozenset(leagues), frozenset(games)),
        created=float(e["created"]),
        iterations=iterations,
    )
