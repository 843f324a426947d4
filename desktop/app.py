"""``scoreboard [--url ws://HOST:PORT[,ws://…]] [--token TOKEN] [--demo]``: the desktop scoreboard.

One thread: Qt's event loop drives asyncio through qasync, started with
``asyncio.Runner(loop_factory=qasync.QEventLoop)`` (Python 3.11 has no
``loop_factory`` on ``asyncio.run``). ``run_app`` is the app's one awaited
lifetime: it ends when the main window closes, after the feed connection
(and the demo broadcaster) have shut down cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import qasync
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from broadcaster import __version__
from broadcaster.protocol import Event
from broadcaster.servers import url_list
from desktop.feed.client import FeedClient
from desktop.resources import feeds_dir, icon_path
from desktop.settings import Settings, open_store
from desktop.ui.main_window import MainWindow

if TYPE_CHECKING:  # imported for real only with --demo (see start_demo)
    from desktop.demo import Demo

log = logging.getLogger("desktop")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="scoreboard", description="Live scores from a broadcaster.")
    p.add_argument(
        "--url",
        type=url_list,
        metavar="URL[,URL…]",
        help="the broadcaster, e.g. ws://127.0.0.1:8765, or several, comma-separated: the "
        "first is tried first, the others in turn when one fails (saved: last used)",
    )
    p.add_argument(
        "--token",
        help="a feed token for this run (not saved: Settings keeps one in the system keyring)",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="start an embedded broadcaster playing resources/feeds/*.jsonl",
    )
    p.add_argument("--settings", metavar="FILE", help="keep settings in this INI file instead")
    p.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="the scoreboard's own log on stderr (debug: each game's line as shown)",
    )
    p.add_argument("--version", action="version", version=f"scoreboard {__version__}")
    p.add_argument("--quit-after-paint", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    log.setLevel(args.log_level.upper())
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Scoreboard")
    app.setOrganizationName("Scorecast")
    app.setWindowIcon(QIcon(str(icon_path())))
    app.setQuitOnLastWindowClosed(False)  # run_app decides when to stop the loop
    store = open_store(args.settings)
    settings = Settings.load(store)
    token = settings.token if args.token is None else args.token
    if args.url and not args.demo:  # the last servers used are the next default (not a token)
        settings.url, settings.fallbacks = args.url[0], args.url[1:]
    url = args.url[0] if args.url else settings.url
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(run_app(settings, url, token, args.demo, args.quit_after_paint, started, store))
    problem = settings.save(store)
    if problem:
        log.error("%s", problem)
    return 0


async def run_app(
    settings: Settings,
    url: str,
    token: str,
    demo: bool = False,
    quit_after_paint: bool = False,
    started: float | None = None,
    store: QSettings | None = None,
) -> None:
    """Show the window, follow the feed until the window closes, then shut down."""
    loop = asyncio.get_running_loop()
    closed = asyncio.Event()
    client = FeedClient()
    window = MainWindow(client, settings)
    window.run_token = bool(token) and token != settings.token
    window.closed.connect(closed.set)
    if store is not None:  # what the user changes in Settings is kept at once
        window.settings_changed.connect(lambda: _save(settings, store, window))
    client.events_applied.connect(lambda events: _log_shown(window, events))
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGINT, window.quit)  # quit, even with a tray
        loop.add_signal_handler(signal.SIGTERM, window.quit)
    embedded = None
    try:
        if demo:
            embedded = await start_demo(window)
            url, token = embedded.url, ""
        client.start(url, token or None, () if demo else settings.fallbacks)
        if quit_after_paint or not (settings.start_in_tray and window.tray.isVisible()):
            window.show()
        if settings.ticker and not quit_after_paint:
            window.show_ticker()
        if quit_after_paint:
            QTimer.singleShot(0, lambda: _report_paint(window, started))
        await closed.wait()
    finally:
        await client.stop()
        if embedded is not None:
            await embedded.stop()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGINT)
            loop.remove_signal_handler(signal.SIGTERM)
        window.deleteLater()


async def start_demo(window: MainWindow, folder: Path | None = None) -> Demo:
    """Start the embedded broadcaster (imported only for --demo: it is not small)."""
    from desktop.demo import Demo, load_scripts

    folder = feeds_dir() if folder is None else folder
    scripts, problems = load_scripts(folder)
    for problem in problems:
        log.warning("demo: skipping feed %s", problem)
    demo = Demo(scripts, on_message=window.show_message)
    await demo.start()
    if not scripts:
        window.show_message(f"Demo: no feed files (*.jsonl) in {folder}; nothing to play")
    return demo


def _save(settings: Settings, store: QSettings, window: MainWindow) -> None:
    problem = settings.save(store)
    if problem:
        log.error("%s", problem)
        window.show_message(f"⚠ {problem}")


def _log_shown(window: MainWindow, events: Sequence[Event]) -> None:
    """``--log-level debug``: each updated game's line as the window now shows it."""
    if log.isEnabledFor(logging.DEBUG):
        for game_id in dict.fromkeys(event.game_id for event in events):
            log.debug("shown: %s", window.score_text(game_id))


def _report_paint(window: MainWindow, started: float | None) -> None:
    window.repaint()
    if started is not None:
        print(f"first paint: {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
    window.quit()


if __name__ == "__main__":
    sys.exit(main())
