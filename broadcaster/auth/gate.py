"""The server's one door: admit a handshake, authorize each publish.

``admit`` turns a handshake's ``Authorization`` header (or ``?token=`` on ``/feed``) into an
``Operator`` or a ``Refusal`` (an HTTP status, a sentence, maybe ``Retry-After``). It knows
named tokens (``store.py``), the unnamed legacy tokens (``$SCORECAST_TOKEN``,
``$SCORECAST_FEED_TOKEN``) and the per-address back-off. ``authorize`` is asked before each
publish: the token's own rate (one bucket shared by all its connections), whether it has
been revoked since the handshake, and whether the game is in its scope.

Every refused handshake is logged once, with the address and the reason, never the token;
attempts while an address is shut out are answered 429 without a line each.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qs

from broadcaster.auth.backoff import Backoff
from broadcaster.auth.store import TokenStore
from broadcaster.auth.tokens import NamedToken, Scope, any_equal, find
from broadcaster.config import Config
from broadcaster.limits import TokenBucket
from broadcaster.protocol import ErrorCode

log = logging.getLogger("broadcaster.auth")
FEED_ONLY = Scope(feed_only=True)
EVERYTHING = Scope()


@dataclass(frozen=True)
class Operator:
    """Who is on a connection: a named token, or None for an unnamed (legacy) one."""

    name: str | None
    scope: Scope
    bucket: TokenBucket = field(compare=False)
    token: NamedToken | None = None  # the entry admitted, to notice a revocation


@dataclass(frozen=True)
class Refusal:
    """A handshake turned away: ``status`` and a sentence, never a hint of the token."""

    status: HTTPStatus
    reason: str
    retry_after: int | None = None

    def headers(self) -> list[tuple[str, str]]:
        if self.status is HTTPStatus.UNAUTHORIZED:
            return [("WWW-Authenticate", 'Bearer realm="scorecast"')]
        if self.retry_after is not None:
            return [("Retry-After", str(self.retry_after))]
        return []


@dataclass
class Gate:
    store: TokenStore | None = None
    publish_tokens: Sequence[str] = ()
    feed_tokens: Sequence[str] = ()
    private_feed: bool = False  # /feed needs a token (implied by any feed token)
    token_rate: float = 1000.0  # publishes/s per token, across all its connections
    backoff: Backoff = field(default_factory=Backoff)
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, TokenBucket] = field(default_factory=dict)

    @property
    def feed_is_private(self) -> bool:
        return self.private_feed or bool(self.feed_tokens)

    def admit(
        self, endpoint: str, authorization: Sequence[str], query: str, address: str
    ) -> Operator | Refusal:
        """Who this handshake to ``/publish`` or ``/feed`` is, or why it is turned away."""
        address = _network(address)
        feed = endpoint == "/feed"
        if feed and not self.feed_is_private:
            return Operator(None, FEED_ONLY, self._bucket(""))
        now = self.clock()
        if wait := self.backoff.wait(address, now):
            return Refusal(
                HTTPStatus.TOO_MANY_REQUESTS,
                "too many wrong tokens from this address; try again later",
                math.ceil(wait),
            )
        if len(authorization) > 1:
            return self._failed(endpoint, address, now, HTTPStatus.BAD_REQUEST, "two tokens")
        given = _bearer(authorization[0]) if authorization else None
        if feed and not given:
            given = parse_qs(query).get("token", [None])[0]
        operator = self._identify(given) if given else None
        if operator is None:
            why = "wrong token" if given else "no token"
            return self._failed(endpoint, address, now, HTTPStatus.UNAUTHORIZED, why)
        if not feed and operator.scope.feed_only:
            why = f"{_who(operator)} is read-only"
            return self._failed(endpoint, address, now, HTTPStatus.FORBIDDEN, why)
        self.backoff.succeeded(address)
        return operator

    def authorize(
        self, operator: Operator, game_id: str, league: str | None
    ) -> tuple[ErrorCode, str] | None:
        """The protocol error (code, message) refusing this publish now, or None.

        ``league`` is None for a game that does not exist: the hub says so."""
        if not operator.bucket.allow(self.clock()):
            return "rate_limited", (
                f"more publishes per second than {_who(operator)} is allowed "
                f"({self.token_rate:g}/s across all its connections)"
            )
        if operator.token is not None and self.store is not None:
            now = self.store.current().get(operator.token.name)
            if now is None or now.digest != operator.token.digest:
                return "forbidden", f"{_who(operator)} has been revoked"
        if league is not None and not operator.scope.allows(game_id, league):
            return "forbidden", (
                f"{_who(operator)} may not publish to game {game_id!r} (league {league!r}); "
                f"its scope is {operator.scope.describe()}"
            )
        return None

    def _identify(self, given: str) -> Operator | None:
        if any_equal(given, self.publish_tokens):
            return Operator(None, EVERYTHING, self._bucket(""))
        if any_equal(given, self.feed_tokens):
            return Operator(None, FEED_ONLY, self._bucket(""))
        entry = find(self.store.current(), given) if self.store is not None else None
        if entry is None:
            return None
        return Operator(entry.name, entry.scope, self._bucket(entry.name), entry)

    def _bucket(self, name: str) -> TokenBucket:
        """One bucket per token name (the unnamed tokens share ``''``), kept across reloads."""
        bucket = self._buckets.get(name)
        if bucket is None:
            bucket = self._buckets[name] = TokenBucket(self.token_rate)
        return bucket

    def _failed(
        self, endpoint: str, address: str, now: float, status: HTTPStatus, why: str
    ) -> Refusal:
        """Every refused handshake counts towards the address's back-off."""
        if wait := self.backoff.failed(address, now):
            why = f"{why}; shut out for {wait:g} s"
        return self._refuse(endpoint, address, status, why)

    @staticmethod
    def _refuse(endpoint: str, address: str, status: HTTPStatus, why: str) -> Refusal:
        log.warning("refused %s from %s: %s", endpoint, address, why)
        reasons = {
            HTTPStatus.BAD_REQUEST: "send exactly one Authorization header",
            HTTPStatus.UNAUTHORIZED: f"a valid token is required for {endpoint}",
            HTTPStatus.FORBIDDEN: f"this token may not use {endpoint}: {why}",
        }
        return Refusal(status, reasons[status])


def _network(address: str) -> str:
    """What the back-off counts: an IPv4 address, or an IPv6 /64 (one host's usual share)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _who(operator: Operator) -> str:
    return f"token {operator.name!r}" if operator.name else "this token"


def _bearer(authorization: str) -> str | None:
    """The token of an ``Authorization: Bearer …`` header value."""
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def open_gate(config: Config) -> Gate:
    """The gate a broadcaster's configuration describes (reads the token file once)."""
    return Gate(
        store=TokenStore(config.token_file) if config.token_file is not None else None,
        publish_tokens=config.publish_tokens,
        feed_tokens=config.feed_tokens,
        private_feed=config.private_feed,
        token_rate=config.limits.token_rate,
    )
