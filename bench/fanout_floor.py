"""The floor under any one-send-per-frame fan-out: a bare loop of ``send()``.

N loopback TCP connections; a reader process on core 1 drains them (pausing
20 ms per round, like bench/fanout_subscribers.py); this process, pinned to
core 0, writes one 636-byte WebSocket frame to each socket per round, then 8
frames joined per ``send()``. No event loop, no framing: what the kernel and
one Python call cost per delivery.

    python bench/fanout_floor.py [--sockets 10000] [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import resource
import select
import socket
import time

FRAME = b"\x81\x7e" + (636).to_bytes(2, "big") + b"x" * 636


def reader(port: int, n: int, ready: int, seconds: float) -> None:
    os.sched_setaffinity(0, {1})
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
    poll = select.epoll()
    by_fd = {}
    for s in socks:
        s.setblocking(False)
        poll.register(s.fileno(), select.EPOLLIN)
        by_fd[s.fileno()] = s
    os.write(ready, b"x")
    end = time.monotonic() + seconds
    while time.monotonic() < end and by_fd:
        time.sleep(0.02)
        for fd, _ in poll.poll(0.1):
            try:
                if not by_fd[fd].recv(1 << 18):
                    poll.unregister(fd)
                    del by_fd[fd]
            except BlockingIOError:
                pass
    os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    listener = socket.create_server(("127.0.0.1", 0), backlog=4096)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        reader(listener.getsockname()[1], args.sockets, w, 120)
    os.sched_setaffinity(0, {0})
    conns = [listener.accept()[0] for _ in range(args.sockets)]
    for c in conns:
        c.setblocking(False)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    os.read(r, 1)
    try:
        for per_send in (1, 8):
            data = FRAME * per_send
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(args.rounds):
                for c in conns:
                    c.send(data)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            sends = args.rounds * args.sockets
            print(
                f"{args.sockets} sockets, {per_send} frame(s) per send(): "
                f"{wall / sends * 1e6:.2f} µs per send ({cpu / sends * 1e6:.2f} µs CPU), "
                f"{sends * per_send / wall:,.0f} frames/s"
            )
            time.sleep(1)
    finally:
        for c in conns:
            c.close()
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
