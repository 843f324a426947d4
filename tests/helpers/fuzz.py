"""Hostile frames for the fuzz test and ``bench/attacks.py``: what a careless or
malicious client could send, from random bytes to valid messages with one member wrong."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

WEIRD: list[Any] = [
    None, True, False, 0, -1, 2**31, 2**63, -(2**63), 2**64, 1e308, -1e308, 0.5, "", "x" * 5000,
    "\u0000", "\ud7ff\ue000", "💥", [], {}, [[[[]]]], {"a": {"b": {"c": {}}}}, "*", ["*"],
    "nan", "Infinity",
]  # fmt: skip
KINDS = ["score", "play", "game.create", "game.start", "period.start", "period.end",
         "clock.set", "status", "game.end", "correction", "foul", "card", "point",
         "delivery", "", "x" * 80]  # fmt: skip


def _valid(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(["publish", "subscribe", "history"])
    if kind == "publish":
        return {"type": "publish", "id": f"f{rng.getrandbits(48)}", "game_id": "g1",
                "kind": rng.choice(KINDS), "data": {"team": "home", "points": 2}}  # fmt: skip
    if kind == "subscribe":
        return {"type": "subscribe", "games": ["*"], "resume": {"epoch": "e", "seq": 1}}
    return {"type": "history", "req": rng.getrandbits(16), "game_id": "g1", "limit": 10}


def _mutate(rng: random.Random, msg: dict[str, Any]) -> dict[str, Any]:
    msg = dict(msg)
    for _ in range(rng.randint(1, 3)):
        choice = rng.random()
        key = rng.choice([*msg.keys(), "extra", "type", "data", "resume", "before", "limit"])
        if choice < 0.6:
            msg[key] = rng.choice(WEIRD)
        elif choice < 0.8:
            msg.pop(key, None)
        else:
            msg[key] = {"nested": msg.get(key)}
    return msg


def frames(seed: int, count: int) -> Iterator[str | bytes]:
    """``count`` hostile frames, the same for the same seed."""
    rng = random.Random(seed)
    for _ in range(count):
        roll = rng.random()
        if roll < 0.1:
            yield rng.randbytes(rng.randint(0, 64))  # binary
        elif roll < 0.2:
            yield rng.randbytes(rng.randint(1, 64)).decode("latin-1")  # text, not JSON
        elif roll < 0.3:
            text = json.dumps(_valid(rng))
            yield text[: rng.randint(0, len(text) - 1)]  # truncated JSON
        elif roll < 0.35:
            depth = rng.choice([20, 200, 5000])
            yield "[" * depth + "]" * depth  # deep nesting
        elif roll < 0.4:
            yield json.dumps(rng.choice(WEIRD))  # JSON, not an object
        else:
            yield json.dumps(_mutate(rng, _valid(rng)))
