"""``broadcaster console``: its options, and the wiring of outbox, links and front end.

Kept light at import (``cli`` imports it to register the options): the
prompt_toolkit front end is imported only when the console runs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import sys
from pathlib import Path
from typing import IO

from platformdirs import user_data_path

from broadcaster.errors import LocalError
from broadcaster.servers import url_list

FEED_TOKEN_ENV = "SCORECAST_FEED_TOKEN"
DEFAULT_URL = "ws://127.0.0.1:8765"


def data_dir() -> Path:
    return user_data_path("scorecast", appauthor=False) / "console"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = commands.add_parser(
        "console",
        help="type a live game's events and publish them (docs/console.md)",
        description="The operator console: publish a live game from the terminal.",
    )
    c.add_argument(
        "--url",
        type=url_list,
        default=[DEFAULT_URL],
        metavar="URL[,URL…]",
        help=f"the broadcaster (default {DEFAULT_URL}), or several, comma-separated: when one "
        "fails the console publishes to and follows the next; its outbox and saved game are "
        "kept under the first",
    )
    c.add_argument("--token-file", help="file holding the publish token (else $SCORECAST_TOKEN)")
    c.add_argument(
        "--script",
        metavar="FILE",
        help="run the commands in FILE ('-': stdin) without prompts; exit 1 at the first refusal",
    )
    c.add_argument("--game", help="start with this game as the current one")
    c.add_argument(
        "--data-dir",
        type=Path,
        help=f"where history, the outbox and the current game are kept (default {data_dir()})",
    )
    c.add_argument(
        "--timeout",
        type=float,
        help="script: give up after waiting this many seconds for the broadcaster (exit 3)",
    )


def _key(urls: list[str]) -> str:
    """One outbox per broadcaster, named for the first of the list (the one a console
    starts on; queued ids are safe to send to any of them): ``ws://127.0.0.1:8765,…`` →
    ``127.0.0.1-8765``."""
    host = re.sub(r"^wss?://", "", urls[0].strip()).split("/")[0]
    return re.sub(r"[^A-Za-z0-9.]+", "-", host).strip("-") or "default"


def run(args: argparse.Namespace, token: str | None) -> int:
    """Run the console as the options say; returns the exit code."""
    if token is None:
        raise LocalError("no publish token: set $SCORECAST_TOKEN or pass --token-file FILE")
    script = args.script
    if script is None and not sys.stdin.isatty():
        script = "-"
    if script is None or script == "-":
        return asyncio.run(_main(args, token, None if script is None else sys.stdin))
    try:
        stream = open(script, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise LocalError(f"cannot read the script {script}: {exc.strerror}") from exc
    with stream:
        return asyncio.run(_main(args, token, stream))


async def _main(args: argparse.Namespace, token: str, script: IO[str] | None) -> int:
    from broadcaster.console.outbox import Outbox
    from broadcaster.console.session import Console

    folder: Path = args.data_dir or data_dir()
    key = _key(args.url)
    outbox = Outbox.open(folder / f"outbox-{key}.jsonl")
    console = Console(
        args.url,
        token,
        outbox,
        feed_token=os.environ.get(FEED_TOKEN_ENV),
        current=args.game,
        saved_path=folder / f"current-{key}.json",
    )
    try:
        await console.start()
        if script is not None:
            from broadcaster.console.script import lines_of, run_script

            name = "stdin" if script is sys.stdin else str(args.script)
            same_ids = script is not sys.stdin  # a file run again publishes nothing twice
            return await run_script(
                console, lines_of(script), name, timeout=args.timeout, same_ids=same_ids
            )
        from broadcaster.console.repl import run_repl

        logging.getLogger("broadcaster.console").propagate = False  # notes say it all
        return await run_repl(console, folder / "history")
    finally:
        await console.close()
