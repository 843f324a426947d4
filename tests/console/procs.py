"""``broadcaster console`` as a real process: with a script, on stdin, or on a terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tests.helpers.proc import TOKEN

TIMEOUT = 30.0
F2 = "\x1bOQ"  # what an xterm sends for F2
CPR = b"\x1b[6n"  # a cursor position request: prompt_toolkit needs the answer to draw its toolbar
ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\r")


def console_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "SCORECAST_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1", **extra}
    env.pop("SCORECAST_FEED_TOKEN", None)
    return env


def run_console(
    url: str,
    data_dir: Path,
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the console to its end (a script, or lines on stdin) and return what it printed."""
    cmd = [sys.executable, "-m", "broadcaster", "console", "--url", url,
           "--data-dir", str(data_dir), *args]  # fmt: skip
    return subprocess.run(
        cmd,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=env or console_env(),
        timeout=TIMEOUT,
        check=False,
    )


class TerminalConsole:
    """The interactive console on a pseudo-terminal, as an operator's terminal runs it."""

    def __init__(self, url: str, data_dir: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
        cmd = [sys.executable, "-m", "broadcaster", "console", "--url", url,
               "--data-dir", str(data_dir)]  # fmt: skip
        env = console_env(TERM="xterm-256color")
        self.proc = subprocess.Popen(
            cmd, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.master = master
        self.screen = b""

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def press(self, keys: str) -> None:
        """Keys as a terminal sends them, no Enter (F2 is ``F2``)."""
        os.write(self.master, keys.encode())

    def text(self) -> str:
        return ANSI.sub(b"", self.screen).decode(errors="replace")

    def until(self, words: str, timeout: float = TIMEOUT) -> None:
        """Read the terminal until ``words`` show up (select with a deadline; no sleeps)."""
        deadline = time.monotonic() + timeout
        while words not in self.text():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{words!r} never showed; the screen: {self.text()[-2000:]!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the console exited: nothing more will come
                    raise AssertionError(f"{words!r} never showed: {self.text()}") from None
                self.screen += chunk
                for _ in range(
                    chunk.count(CPR)
                ):  # answer "where is the cursor?" as a terminal does
                    os.write(self.master, b"\x1b[1;1R")

    def kill(self) -> None:
        """kill -9, as a crash or a pulled plug would."""
        self.proc.send_signal(signal.SIGKILL)
        self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(TIMEOUT)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
