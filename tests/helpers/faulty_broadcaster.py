"""``broadcaster serve`` with one commit listener that raises when a play reads "boom".

A stand-in for a bug in the commit path (the fan-out, a metric), to prove the process
is supervised: ``python -m tests.helpers.faulty_broadcaster serve …``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from broadcaster import cli, server
from broadcaster.core import Accepted
from broadcaster.hub import Hub

_init = server.Broadcaster.__init__


def _boom(batch: Sequence[Accepted]) -> None:
    if any(a.data.get("text") == "boom" for a in batch):
        raise RuntimeError("a bug in a commit listener")


def _init_with_a_bug(self: server.Broadcaster, hub: Hub, config: server.Config) -> None:
    _init(self, hub, config)
    hub.listeners.append(_boom)


server.Broadcaster.__init__ = _init_with_a_bug  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[1:]))
