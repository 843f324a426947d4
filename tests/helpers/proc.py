"""A real ``broadcaster serve`` process on a free loopback port, for tests."""

from __future__ import annotations

import asyncio
import os
import re
import resource
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

READY = re.compile(r"broadcaster ready url=(?P<url>\S+) epoch=(?P<epoch>\w+) seq=(?P<seq>\d+)")
TOKEN = "test-token-0123456789"
START_TIMEOUT = 20.0


@dataclass
class BroadcasterProcess:
    """Starts, kills and restarts one broadcaster on one journal file."""

    db: Path  # the SQLite journal (and where tokens.json lives)
    token: str | None = TOKEN  # the unnamed publish token ($SCORECAST_TOKEN); None: unset
    extra: list[str] = field(default_factory=list)
    tokens: Path | None = None  # named tokens' file (default: tokens.json next to db)
    module: str = "broadcaster"  # what ``python -m`` runs
    files: int | None = None  # a hard limit on open files (ulimit -n), as a small host has
    journal: str | None = None  # --journal nats://…: the stream instead of the file
    port: int = 0
    proc: subprocess.Popen[str] | None = None
    url: str = ""
    epoch: str = ""
    seq: int = 0
    stderr_lines: list[str] = field(default_factory=list)
    _logged: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> BroadcasterProcess:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("SCORECAST_TOKEN", None)
        env.pop("SCORECAST_FEED_TOKEN", None)
        if self.token is not None:
            env["SCORECAST_TOKEN"] = self.token
        cmd = [
            sys.executable,
            "-m",
            self.module,
            "serve",
            "--port",
            str(self.port),
            *(["--db", str(self.db)] if self.journal is None else ["--journal", self.journal]),
            "--tokens",
            str(self.tokens or self.db.with_name("tokens.json")),
            *self.extra,
        ]
        files = self.files

        def limit_files() -> None:
            if files is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))

        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            preexec_fn=limit_files if files is not None else None,
        )
        self.stderr_lines = []
        self._drain = threading.Thread(target=self._drain_stderr, args=(self.proc,), daemon=True)
        self._drain.start()
        line = self._readline_with_timeout(START_TIMEOUT)
        match = READY.search(line or "")
        if not match:
            self.proc.kill()
            self._reap()
            raise RuntimeError(f"broadcaster did not start: {line!r} {''.join(self.stderr_lines)}")
        self.url, self.epoch, self.seq = match["url"], match["epoch"], int(match["seq"])
        self.port = int(self.url.rsplit(":", 1)[1])  # a restart reuses the port
        return self

    def _readline_with_timeout(self, timeout: float) -> str | None:
        assert self.proc is not None and self.proc.stdout is not None
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()))  # type: ignore[union-attr]
        reader.daemon = True
        reader.start()
        reader.join(timeout)
        return result[0] if result else None

    def _drain_stderr(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            with self._logged:
                self.stderr_lines.append(line)
                self._logged.notify_all()

    def logged(self, text: str, timeout: float = 10.0) -> bool:
        """Wait until ``text`` is in the log (the log is read by another thread, so a line
        may come a moment after what caused it). Blocking: ``asyncio.to_thread`` it."""
        with self._logged:
            return self._logged.wait_for(lambda: text in "".join(self.stderr_lines), timeout)

    async def alogged(self, text: str, timeout: float = 10.0) -> bool:
        return await asyncio.to_thread(self.logged, text, timeout)

    @property
    def feed(self) -> str:
        return f"{self.url}/feed"

    @property
    def publish(self) -> str:
        return f"{self.url}/publish"

    @property
    def http(self) -> str:
        return self.url.replace("ws://", "http://").replace("wss://", "https://")

    def kill(self) -> int:
        """kill -9, as a crash would."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        return self._reap()

    def terminate(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        return self._reap()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        if self.proc is not None:
            self._reap()

    def _reap(self) -> int:
        """Wait for the process and close its pipes (no leaked file descriptors)."""
        assert self.proc is not None
        code = self.proc.wait(20)
        self._drain.join(5)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None and not pipe.closed:
                pipe.close()
        return code

    @property
    def stderr(self) -> str:
        return "".join(self.stderr_lines)
