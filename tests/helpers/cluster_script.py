"""``deploy/cluster.py`` as a real process, for tests: its output read by a thread,
its children found in /proc."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.proc import TOKEN

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "cluster.py"
READY = re.compile(r"cluster ready nodes=(?P<nodes>\S+) nats=(?P<nats>\S+)")
START_TIMEOUT = 45.0


@dataclass
class ClusterScript:
    store: Path
    extra: list[str] = field(default_factory=list)
    proc: subprocess.Popen[str] | None = None
    lines: list[str] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list)  # ws://HOST:PORT of each node
    nats: list[str] = field(default_factory=list)
    _out: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> ClusterScript:
        env = {**os.environ, "SCORECAST_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, str(SCRIPT), "--free-ports", "--store", str(self.store)]
        self.proc = subprocess.Popen(
            [*cmd, *self.extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self.printed("cluster ready", START_TIMEOUT):
            self.stop()
            raise RuntimeError(f"the cluster did not start:\n{self.output}")
        match = READY.search(self.output)
        assert match is not None
        self.nodes, self.nats = match["nodes"].split(","), match["nats"].split(",")
        return self

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._out:
                self.lines.append(line)
                self._out.notify_all()

    @property
    def output(self) -> str:
        with self._out:
            return "".join(self.lines)

    def printed(self, text: str, timeout: float = 20.0) -> bool:
        """Wait until ``text`` is in the output (blocking: ``asyncio.to_thread`` it)."""
        with self._out:
            return self._out.wait_for(lambda: text in "".join(self.lines), timeout)

    def pid(self, name: str) -> int:
        """The pid the script printed for one of its children (``node1``, ``nats2``…)."""
        match = re.search(rf"^  {name}  pid (\d+)", self.output, re.MULTILINE)
        assert match is not None, self.output
        return int(match[1])

    def children(self) -> list[int]:
        """The pids whose parent is the script (read from /proc)."""
        assert self.proc is not None
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[1]) == self.proc.pid:
                found.append(int(stat.parent.name))
        return found

    def terminate(self, timeout: float = 40.0) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self._reap(timeout)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # its children die with it (PR_SET_PDEATHSIG)
        if self.proc is not None:
            self._reap(20)

    def _reap(self, timeout: float) -> int:
        assert self.proc is not None
        code = self.proc.wait(timeout)
        self._reader.join(5)
        if self.proc.stdout is not None and not self.proc.stdout.closed:
            self.proc.stdout.close()
        return code


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pid: int, timeout: float) -> bool:
    """Wait until ``pid`` (any process, not only a child) has ended; False on timeout."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])  # readable once it has ended
    finally:
        os.close(fd)
