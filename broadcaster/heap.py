"""Garbage collection that does not stop the fan-out for half a second.

Ten thousand subscribers are about a million long-lived objects, and CPython's
full (generation 2) collection walks every one: 150–650 ms measured, several a
minute, the event loop frozen meanwhile — the publish→receive p99 of issue #15.
So what survives a full collection is frozen (``gc.freeze``): later
collections walk only what is newer. What closed connections leave in cycles
among frozen objects is not lost for good: once as many connections have closed
as ``churn`` of those open, the heap is unfrozen and the next full collection
(one pause, paid per turnover of the audience, not per minute) finds it all.
With the long-lived objects frozen, CPython's "a quarter more long-lived objects"
rule would start a full collection every second (30–40 ms each, measured), so
the thresholds are raised too: a full collection after 100 middle ones at most.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from typing import Any

THRESHOLDS = (700, 10, 100)  # allocations before a young collection; young ones
# before a middle one; middle ones before a full one (CPython's defaults: 700, 10, 10)
CHURN = 0.25  # closed connections, as a share of the open ones, before a full collection
MIN_CLOSED = 1000


class Heap:
    """Freezes what survives full collections; thaws after enough connections closed."""

    def __init__(self) -> None:
        self.open = 0
        self.closed = 0  # since the heap was last thawed
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thresholds = gc.get_threshold()

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thresholds = gc.get_threshold()
        gc.set_threshold(*THRESHOLDS)
        gc.callbacks.append(self._collected)
        gc.freeze()  # the journal's games and everything loaded at start

    def stop(self) -> None:
        if self._collected in gc.callbacks:
            gc.callbacks.remove(self._collected)
            gc.set_threshold(*self._thresholds)
        gc.unfreeze()

    def opened(self) -> None:
        self.open += 1

    def closed_one(self) -> None:
        self.open -= 1
        self.closed += 1
        if self.closed >= max(MIN_CLOSED, CHURN * self.open):
            self.closed = 0
            gc.unfreeze()  # the next full collection sees everything, then freezes again

    def _collected(self, phase: str, info: dict[str, Any]) -> None:
        """A gc callback, on whichever thread collected: freeze after a full collection."""
        if phase == "stop" and info["generation"] == 2 and self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed
                self._loop.call_soon_threadsafe(gc.freeze)
