"""Cheap WebSocket subscribers for bench/fanout.py: many sockets, one epoll loop.

One process holds thousands of ``/feed`` connections and only counts frames:
it does the HTTP upgrade itself, sends ``{"type":"subscribe"}`` (masked, as a
client must), walks the server's frame headers without decoding payloads,
answers pings with pongs, and counts text frames and bytes. No asyncio, no
JSON: a ready socket costs one ``recv`` and a few integer operations per
frame, so the client side stays far below the server's cost per frame.

Driven by the coordinator over stdin/stdout, one command per line:

    connect K   open K more subscribers; answers "ok OPEN" once each has its
                hello and snapshot (2 frames)
    count       answers "count FRAMES BYTES CLOSED"
    quit        exits

With --batch-ms it sleeps between epoll rounds: each ``recv`` then takes
several frames at once, which cuts this side's cost per frame several-fold
(these counters measure no latency; the frames wait in the kernel).

It also exits on stdin EOF (the coordinator is gone) and after --max-seconds.

bench/fanout_subscribers.c is the same engine in C (the default where cc
works): with 10,000 subscribers each socket holds about one frame per round,
so here every delivery costs a recv() and a parse in Python. Note that
``epoll.poll`` returns at most 1,023 sockets per round: past that, this
engine visits each socket less often (and reads more frames at once).
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import select
import socket
import sys
import time

SUBSCRIBE = b'{"type":"subscribe","games":["*"]}'
BATCH = 64  # connects in flight at once: below the servers' listen backlog (100)
READY_FRAMES = 2  # hello + snapshot


def masked_frame(opcode: int, payload: bytes) -> bytes:
    """A client frame (FIN set, masked; payload under 126 bytes)."""
    assert len(payload) < 126
    key = os.urandom(4)
    body = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + key + body


class Conn:
    """One subscriber socket and where its frame parser stands."""

    __slots__ = ("buf", "closed", "frames", "skip", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""  # an incomplete header (or control frame) carried over
        self.skip = 0  # payload bytes of the current data frame still to come
        self.frames = 0
        self.closed = False

    def feed(self, data: bytes) -> int:
        """Walk the frames in ``data``; returns how many text frames completed."""
        done = 0
        n = len(data)
        i = 0
        if self.skip:
            if self.skip > n:
                self.skip -= n
                return 0
            i = self.skip
            self.skip = 0
            done += 1
        if self.buf:
            data = self.buf + data[i:]
            self.buf = b""
            n = len(data)
            i = 0
        while i < n:
            if n - i < 2:
                self.buf = data[i:]
                break
            b0 = data[i]
            length = data[i + 1] & 0x7F
            head = 2
            if length == 126:
                if n - i < 4:
                    self.buf = data[i:]
                    break
                length = int.from_bytes(data[i + 2 : i + 4], "big")
                head = 4
            elif length == 127:
                if n - i < 10:
                    self.buf = data[i:]
                    break
                length = int.from_bytes(data[i + 2 : i + 10], "big")
                head = 10
            opcode = b0 & 0x0F
            if opcode >= 8:  # control frame: needs its whole payload
                if n - i < head + length:
                    self.buf = data[i:]
                    break
                payload = data[i + head : i + head + length]
                if opcode == 9:  # ping
                    self.send(masked_frame(0xA, payload))
                elif opcode == 8:  # close
                    self.closed = True
                i += head + length
                continue
            i += head
            if length <= n - i:
                i += length
                done += 1
            else:
                self.skip = length - (n - i)
                i = n
        self.frames += done
        return done

    def send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError:
            self.closed = True


def upgrade_request(host: str, port: int, path: str) -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        f"Sec-WebSocket-Version: 13\r\nUser-Agent: scorecast-bench\r\n\r\n"
    ).encode()


class Subscribers:
    def __init__(self, host: str, port: int, path: str) -> None:
        self.host, self.port, self.path = host, port, path
        self.poll = select.epoll()
        self.conns: dict[int, Conn] = {}
        self.frames = 0  # text frames completed, all connections
        self.bytes = 0
        self.closed = 0

    def connect(self, count: int, timeout: float = 60.0) -> int:
        """Open ``count`` subscribers (in batches) and wait until each is subscribed."""
        deadline = time.monotonic() + timeout
        fresh: list[Conn] = []
        for start in range(0, count, BATCH):
            socks = []
            for _ in range(min(BATCH, count - start)):
                sock = socket.create_connection((self.host, self.port), timeout=timeout)
                sock.sendall(upgrade_request(self.host, self.port, self.path))
                socks.append(sock)
            for sock in socks:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = sock.recv(4096)
                    if not chunk:
                        raise ConnectionError("server closed during the handshake")
                    head += chunk
                status, _, rest = head.partition(b"\r\n\r\n")
                if not status.startswith(b"HTTP/1.1 101"):
                    raise ConnectionError(f"upgrade refused: {status[:80]!r}")
                conn = Conn(sock)
                self.frames += conn.feed(rest)
                conn.send(masked_frame(0x1, SUBSCRIBE))
                sock.setblocking(False)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.conns[sock.fileno()] = conn
                self.poll.register(sock.fileno(), select.EPOLLIN)
                fresh.append(conn)
            self.pump(0.0)
        while any(c.frames < READY_FRAMES and not c.closed for c in fresh):
            if time.monotonic() > deadline:
                raise TimeoutError("subscribers did not get hello + snapshot in time")
            self.pump(0.05)
        return sum(not c.closed for c in self.conns.values())

    def pump(self, timeout: float, control: int | None = None) -> bool:
        """One epoll round; True when ``control`` (stdin) is readable."""
        control_ready = False
        conns = self.conns
        for fd, _ in self.poll.poll(timeout):
            if fd == control:
                control_ready = True
                continue
            conn = conns.get(fd)
            if conn is None:
                continue
            try:
                data = conn.sock.recv(262144)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if data:
                self.bytes += len(data)
                self.frames += conn.feed(data)
            if not data or conn.closed:
                self.drop(fd, conn)
        return control_ready

    def drop(self, fd: int, conn: Conn) -> None:
        self.poll.unregister(fd)
        del self.conns[fd]
        conn.sock.close()
        self.closed += 1

    def close(self) -> None:
        for conn in self.conns.values():
            conn.sock.close()
        self.poll.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/feed")
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument(
        "--batch-ms",
        type=float,
        default=0.0,
        help="pause between epoll rounds so that each recv takes several frames",
    )
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    subs = Subscribers(args.host, args.port, args.path)
    control = sys.stdin.fileno()
    os.set_blocking(control, False)
    subs.poll.register(control, select.EPOLLIN)
    out = sys.stdout
    pending = b""
    end = time.monotonic() + args.max_seconds
    try:
        while time.monotonic() < end:
            if args.batch_ms:
                time.sleep(args.batch_ms / 1000)
            if not subs.pump(0.2, control):
                continue
            chunk = os.read(control, 4096)
            if not chunk:  # the coordinator is gone
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                cmd, *rest = line.decode().split()
                if cmd == "connect":
                    opened = subs.connect(int(rest[0]))
                    print(f"ok {opened}", file=out, flush=True)
                elif cmd == "count":
                    print(f"count {subs.frames} {subs.bytes} {subs.closed}", file=out, flush=True)
                elif cmd == "quit":
                    return
    finally:
        subs.close()


if __name__ == "__main__":
    main()
