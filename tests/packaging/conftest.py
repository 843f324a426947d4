"""The bundles, built once per module from a clean copy of the tree, and a way to run them."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# What a build reads; everything else (.venv, build/, dist/, egg-info, caches) stays out.
TREE = ("pyproject.toml", "packaging", "broadcaster", "desktop", "resources")
BUILD_TIMEOUT = 900.0
WAIT = 30.0  # seconds for a program to show what a test waits for


def project_version() -> str:
    with (REPO / "pyproject.toml").open("rb") as f:
        version = tomllib.load(f)["project"]["version"]
    assert isinstance(version, str)
    return version


@dataclass(frozen=True)
class Bundles:
    scoreboard: Path  # the folder
    broadcaster: Path
    log: str  # what the build printed

    def program(self, name: str) -> Path:
        return getattr(self, name) / name


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Bundles:
    """``packaging/build.py`` on a copy of the tree, which is deleted before any test runs."""
    root = tmp_path_factory.mktemp("packaging")
    tree = root / "tree"
    tree.mkdir()
    for name in TREE:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tree / name)
    command = [sys.executable, str(tree / "packaging" / "build.py")]
    command += ["--dist", str(root / "dist"), "--work", str(root / "work")]
    done = subprocess.run(
        command, cwd=tree, capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, f"build failed ({done.returncode}):\n{log[-6000:]}"
    shutil.rmtree(tree)  # the bundles must not need the sources
    shutil.rmtree(root / "work")  # (PyInstaller's work files: 150 MB)
    return Bundles(root / "dist" / "scoreboard", root / "dist" / "broadcaster", log)


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An environment whose user directories (settings, data) are all under ``tmp_path``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "QT_", "SCORECAST_"))}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_RUNTIME_DIR=str(tmp_path / "runtime"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONUNBUFFERED="1",
    )
    (tmp_path / "runtime").mkdir(mode=0o700)
    return env


@dataclass
class Running:
    """A bundled program; both its outputs are read line by line into ``lines``."""

    command: list[str]
    env: dict[str, str]
    lines: list[str] = field(default_factory=list)
    proc: subprocess.Popen[str] | None = None
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _readers: list[threading.Thread] = field(default_factory=list)
    stopped: bool = False

    def start(self) -> Running:
        self.proc = subprocess.Popen(
            self.command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=self.env,
        )
        for pipe in (self.proc.stdout, self.proc.stderr):
            reader = threading.Thread(target=self._read, args=(pipe,), daemon=True)
            reader.start()
            self._readers.append(reader)
        return self

    def _read(self, pipe: object) -> None:
        for line in pipe:  # type: ignore[attr-defined]
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def wait_for(self, pattern: str, timeout: float = WAIT) -> re.Match[str]:
        """The first line matching ``pattern``; fails if the program exits or time runs out."""
        regex, deadline = re.compile(pattern), time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines:
                    if match := regex.search(line):
                        return match
                assert self.proc is not None
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    pytest.fail(f"no line matching {pattern!r} in:\n{self.output[-4000:]}")
                self._changed.wait(min(left, 0.2))

    def stop(self, sig: int = signal.SIGTERM, timeout: float = WAIT) -> int:
        """Send ``sig``, wait for the exit and the last lines; returns the exit status."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout)
            pytest.fail(f"{self.command[0]} ignored signal {sig}:\n{self.output[-4000:]}")
        finally:
            self.stopped = True
            for reader in self._readers:
                reader.join(5)
            for pipe in (self.proc.stdout, self.proc.stderr):
                if pipe is not None:
                    pipe.close()
        return code

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)


@pytest.fixture
def start() -> Iterator[Callable[[Sequence[object], dict[str, str]], Running]]:
    """``start(command, env)`` runs a program; whatever is still running at the end is killed."""
    started: list[Running] = []

    def _start(command: Sequence[object], env: dict[str, str]) -> Running:
        program = Running([str(part) for part in command], env).start()
        started.append(program)
        return program

    yield _start
    for program in started:
        if not program.stopped:
            program.stop(signal.SIGKILL)
