"""Desktop test fixtures: a qasync loop bound to pytest-qt's QApplication (PLATFORM.md §3,
pattern A), the app's window over a real feed client, and helpers to drive coroutines
from synchronous tests with ``qtbot`` waiting on conditions, never sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator, Sequence
from pathlib import Path
from typing import Any

import keyring
import pytest
import qasync
from keyring.backend import KeyringBackend
from keyrings.alt.file import PlaintextKeyring
from PySide6.QtWidgets import QApplication, QWidget

from desktop.feed.client import FeedClient
from desktop.settings import Settings
from desktop.ui.main_window import MainWindow

WAIT_MS = 15_000  # one scalable unit for every wait on a real server
OFFSCREEN_NOISE = r"This plugin does not support (propagateSizeHints|raise)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform warns that it cannot size or raise windows; nothing to see there.
    for item in items:
        if "tests/desktop" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def test_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KeyringBackend]:
    """A real keyring backend keeping its data in a temp file: never the user's keyring,
    in this process (``keyring.set_keyring``) nor in a scoreboard it starts (environment).
    The user's config folder (start at login's desktop entry) is a temp one too."""
    data = tmp_path / "keyring-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    backend = PlaintextKeyring()
    backend.file_path = str(data / "python_keyring" / "keyring_pass.cfg")
    before = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop made the running loop for the test; leaked tasks fail the test."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        deadline = loop.time() + 5.0
        while pending and not all(t.done() for t in pending) and loop.time() < deadline:
            qapp.processEvents()
        asyncio.events._set_running_loop(None)
        loop.close()
        asyncio.set_event_loop(None)
        if pending:
            names = ", ".join(t.get_coro().__qualname__ for t in pending)  # type: ignore[union-attr]
            pytest.fail(f"test leaked {len(pending)} asyncio task(s): {names}", pytrace=False)


Runner = Callable[[Coroutine[Any, Any, Any]], Any]


@pytest.fixture
def run(qtbot: Any, qloop: asyncio.AbstractEventLoop) -> Runner:
    """Run a coroutine on the qasync loop to completion while Qt keeps processing events."""

    def _run(coro: Coroutine[Any, Any, Any], timeout: int = WAIT_MS) -> Any:
        task = qloop.create_task(coro)
        qtbot.waitUntil(task.done, timeout=timeout)
        return task.result()

    return _run


@pytest.fixture
def make_window(qtbot: Any, run: Runner) -> Iterator[Callable[..., MainWindow]]:
    """Build the real main window over a real feed client connected to ``url``."""
    clients: list[FeedClient] = []

    def _make(url: str, token: str | None = None, fallbacks: Sequence[str] = ()) -> MainWindow:
        client = FeedClient()
        clients.append(client)
        window = MainWindow(client, Settings(fallbacks=list(fallbacks)))
        qtbot.addWidget(window)
        client.start(url, token, fallbacks)
        window.show()
        return window

    yield _make
    for client in clients:
        run(client.stop())


def find_by_name(root: QWidget, prefix: str) -> list[QWidget]:
    """Visible widgets whose accessible name starts with ``prefix`` (as a screen reader)."""
    return [
        w
        for w in root.findChildren(QWidget)
        if w.accessibleName().startswith(prefix) and w.isVisible()
    ]
