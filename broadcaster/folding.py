"""Where a correction's refold runs: a worker process that dies with the broadcaster.

A whole game's refold (``core.refold``) can take a second on a long game; in a
worker process it holds neither the event loop nor its GIL. The worker is
started on the first correction (about 0.3 s), reads the journal itself through
a picklable ``GameEventSource``, and is killed with its parent even after a
``kill -9`` (Linux). Where no process can be started, or the worker died, the
refold runs in a thread instead.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import signal
import sys
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from typing import Any

from broadcaster.core import refold
from broadcaster.protocol import GameState

log = logging.getLogger("broadcaster.hub")
PR_SET_PDEATHSIG = 1


class Folder:
    """Runs ``refold`` off the event loop, in a worker process when it can."""

    def __init__(self) -> None:
        self._pool: Executor | None = None

    async def refold(self, *args: Any) -> GameState:
        loop = asyncio.get_running_loop()
        if self._pool is None:
            self._pool = _start()
        try:
            state: GameState = await loop.run_in_executor(self._pool, refold, *args)
        except BrokenExecutor as exc:
            log.warning("the refold worker died (%r); refolding in a thread from now on", exc)
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="refold")
            state = await loop.run_in_executor(self._pool, refold, *args)
        return state

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)


def _start() -> Executor:
    try:
        return ProcessPoolExecutor(
            1,
            mp_context=get_context("spawn"),
            initializer=_die_with_parent,
            initargs=(os.getpid(),),
        )
    except (OSError, NotImplementedError) as exc:  # no processes on this platform
        log.warning("refolds run in a thread: %s", exc)
        return ThreadPoolExecutor(1, thread_name_prefix="refold")


def _die_with_parent(parent: int) -> None:
    """In the refold worker: end with the broadcaster, even after its kill -9 (Linux),
    instead of living on orphaned with its stdout and stderr."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
