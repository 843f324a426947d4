"""``broadcaster`` command line: ``serve`` (more commands join as they are built)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import signal
import ssl
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from platformdirs import user_data_path

from broadcaster import __version__, importers, replay, simulate
from broadcaster.admission import raise_file_limit
from broadcaster.auth import cli as token_cli
from broadcaster.console import app as console_app
from broadcaster.errors import JournalError, LocalError
from broadcaster.hub import Hub
from broadcaster.journal import Journal
from broadcaster.logs import setup_logging
from broadcaster.server import Broadcaster, Config, Limits
from broadcaster.storage import JournalBackend

TOKEN_ENV = "SCORECAST_TOKEN"
FEED_TOKEN_ENV = "SCORECAST_FEED_TOKEN"


def default_journal() -> Path:
    return user_data_path("scorecast", appauthor=False) / "journal.sqlite3"


def default_tokens() -> Path:
    """The named tokens' file, next to the default journal."""
    return default_journal().with_name("tokens.json")


def read_token(token_file: str | None, env: str = TOKEN_ENV) -> str | None:
    """The token from ``--token-file`` (first line) or the environment; never argv."""
    if token_file:
        try:
            text = Path(token_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise LocalError(f"cannot read the token file {token_file}: {exc.strerror}") from exc
        token = next((line.strip() for line in text.splitlines() if line.strip()), "")
        if not token:
            raise LocalError(f"the token file {token_file} is empty")
        return token
    return os.environ.get(env) or None


def _logging_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--log-level", default=default or "info", choices=["debug", "info", "warning", "error"]
    )
    parser.add_argument(
        "--log-json",
        action="store_true",
        default=default or False,
        help="one JSON object per log line",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="broadcaster", description=__doc__)
    parser.add_argument("--version", action="version", version=f"broadcaster {__version__}")
    _logging_options(parser, None)
    commands = parser.add_subparsers(dest="command", required=True)

    s = commands.add_parser("serve", help="serve the score feed (PROTOCOL.md)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    s.add_argument("--db", type=Path, help=f"journal file (default: {default_journal()})")
    s.add_argument(
        "--journal",
        metavar="nats://HOST:PORT[,...]",
        help="the journal on a NATS JetStream cluster instead of a file (docs/scaling.md)",
    )
    s.add_argument(
        "--replicas",
        type=int,
        default=1,
        choices=range(1, 6),
        metavar="N",
        help="copies of a new NATS stream (3 on a three-server cluster; default 1)",
    )
    s.add_argument(
        "--stream",
        default="SCORECAST",
        type=_stream_name,
        help="the NATS stream's name (default SCORECAST; one per deployment sharing NATS)",
    )
    s.add_argument(
        "--token-file", help=f"file holding an unnamed publish token (else ${TOKEN_ENV})"
    )
    s.add_argument(
        "--tokens",
        type=Path,
        default=default_tokens(),
        help=f"named tokens ('broadcaster token add'; default {default_tokens()})",
    )
    s.add_argument(
        "--feed-token-file",
        help=f"file holding a token /feed requires (else ${FEED_TOKEN_ENV}, else /feed is open)",
    )
    s.add_argument(
        "--private-feed", action="store_true", help="/feed needs a feed or publish token"
    )
    s.add_argument("--cert", help="TLS certificate (PEM): serve wss://")
    s.add_argument("--key", help="TLS private key (PEM)")
    s.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="accept browsers only from this origin (repeatable)",
    )
    d = Limits()
    s.add_argument("--max-frame", type=int, default=d.max_frame, help="bytes per frame")
    s.add_argument(
        "--publish-rate", type=float, default=d.publish_rate, help="publishes/s per publisher"
    )
    s.add_argument(
        "--token-rate",
        type=float,
        default=d.token_rate,
        help="publishes/s per token, shared by all its connections",
    )
    s.add_argument(
        "--request-rate", type=float, default=d.request_rate, help="requests/s per subscriber"
    )
    s.add_argument(
        "--request-queue",
        type=int,
        default=d.request_queue,
        help="requests a subscriber may have waiting for their turn; past it 1008",
    )
    s.add_argument(
        "--feed-inbound",
        type=int,
        default=d.feed_inbound,
        help="bytes/s a subscriber may send, pings included (0: no limit); past it 1008",
    )
    s.add_argument(
        "--max-buffer",
        type=int,
        default=d.max_buffer,
        help="unsent bytes before a slow subscriber is cut off",
    )
    s.add_argument(
        "--max-lag",
        type=float,
        default=d.max_lag,
        help="seconds a subscriber may lag (unsent data all along) before 4008",
    )
    s.add_argument("--heartbeat", type=float, default=d.ping_interval, help="ping interval, s")
    s.add_argument("--retention", type=int, help="how many latest events resume/history reach")
    s.add_argument(
        "--max-connections",
        type=int,
        help="every socket at once (default: from the open-file limit, raised to its maximum)",
    )
    s.add_argument("--max-handshakes", type=int, help="opening handshakes waiting at once")
    s.add_argument(
        "--operator-reserve", type=int, help="connections kept for /publish and /healthz"
    )
    s.add_argument(
        "--max-per-address", type=int, help="feed connections from one address (0: no cap)"
    )
    # -- more subcommands register here (console, replay, import, simulate) --
    console_app.add_parser(commands)
    importers.add_parser(commands)
    replay.add_parser(commands)
    simulate.add_parser(commands)
    token_cli.add_parser(commands, default_tokens())
    for command in commands.choices.values():  # also after the command: `serve --log-level …`
        _logging_options(command, argparse.SUPPRESS)
    return parser


def serve_config(args: argparse.Namespace) -> Config:
    token = read_token(args.token_file)
    if token is None and not args.tokens.exists():
        raise LocalError(
            f"no publish token: add one ('broadcaster token add NAME'; file {args.tokens}), "
            f"set ${TOKEN_ENV} or pass --token-file FILE"
        )
    feed_token = read_token(args.feed_token_file, FEED_TOKEN_ENV)
    context = None
    if args.cert or args.key:
        if not (args.cert and args.key):
            raise LocalError("--cert and --key go together")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            context.load_cert_chain(args.cert, args.key)
        except (OSError, ssl.SSLError) as exc:
            raise LocalError(f"cannot load the TLS certificate/key: {exc}") from exc
    limits = Limits(
        max_frame=args.max_frame,
        publish_rate=args.publish_rate,
        token_rate=args.token_rate,
        request_rate=args.request_rate,
        request_queue=args.request_queue,
        feed_inbound=args.feed_inbound,
        max_buffer=args.max_buffer,
        max_lag=args.max_lag,
        ping_interval=args.heartbeat,
        ping_timeout=args.heartbeat,
        retention=args.retention,
        max_connections=args.max_connections,
        max_handshakes=args.max_handshakes,
        operator_reserve=args.operator_reserve,
        max_per_address=args.max_per_address,
    )
    return Config(
        host=args.host,
        port=args.port,
        publish_tokens=(token,) if token else (),
        feed_tokens=(feed_token,) if feed_token else (),
        token_file=args.tokens,
        private_feed=args.private_feed,
        ssl=context,
        allow_origins=tuple(args.allow_origin),
        limits=limits,
    )


def _quiet_accept_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Out of file descriptors (EMFILE) is a load condition, not a bug: one short,
    rate-limited warning instead of a traceback per refused socket (asyncio retries
    accepting a second later by itself)."""
    if str(context.get("message", "")).startswith("socket.accept() out of system resource"):
        logging.getLogger("broadcaster.server").warning(
            "cannot accept connections: %s", context.get("exception")
        )
        return
    loop.default_exception_handler(context)


EXIT_FAULT = 70  # EX_SOFTWARE: the core died; a supervisor should restart the process


def _stream_name(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", name):
        raise argparse.ArgumentTypeError(f"a stream name is 1-32 of A-Z a-z 0-9 _ -, not {name!r}")
    return name


def open_journal(args: argparse.Namespace) -> tuple[JournalBackend, str]:
    """The journal ``serve`` runs on, and how the ready line names it: the SQLite file
    (``--db``, the default) or a NATS JetStream stream (``--journal``)."""
    if args.journal is None:
        db = args.db or default_journal()
        return Journal.open(db), str(db)
    if args.db is not None:
        raise LocalError("--db and --journal exclude each other: one journal per node")
    servers = [url.strip() for url in args.journal.split(",") if url.strip()]
    bad = [url for url in servers if not url.startswith(("nats://", "tls://"))]
    if not servers or bad:
        raise LocalError(f"--journal wants nats://HOST:PORT[,nats://HOST:PORT…], not {bad}")
    try:
        from broadcaster.nats_journal import NatsJournal
    except ImportError as exc:
        raise LocalError(f"--journal needs the 'cluster' extra (nats-py): {exc}") from exc
    journal = NatsJournal.open(servers, stream=args.stream, replicas=args.replicas)
    return journal, ",".join(servers)


async def serve(config: Config, journal: JournalBackend, name: str) -> int:
    """Serve until SIGTERM/SIGINT (exit 0) or until the core dies (``EXIT_FAULT``)."""
    raise_file_limit()  # the caps are derived from it (admission.py)
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_quiet_accept_errors)
    broadcaster = Broadcaster(Hub(journal), config)
    await broadcaster.start()
    broadcaster.heap.start()  # a process of its own: full collections without long pauses
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(
        f"broadcaster ready url={broadcaster.url} epoch={journal.epoch} "
        f"seq={broadcaster.hub.committed_seq} journal={name}",
        flush=True,
    )
    signalled = asyncio.ensure_future(stop.wait())
    died = asyncio.ensure_future(broadcaster.hub.dead.wait())
    await asyncio.wait([signalled, died], return_when=asyncio.FIRST_COMPLETED)
    for waiter in (signalled, died):
        waiter.cancel()
    log = logging.getLogger("broadcaster")
    if broadcaster.hub.failed is not None:
        log.critical("stopping after a fault: %r (exit %d)", broadcaster.hub.failed, EXIT_FAULT)
        await broadcaster.stop()
        return EXIT_FAULT
    log.info("signal received: shutting down")
    await broadcaster.stop()
    broadcaster.heap.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level, args.log_json)
    try:
        if args.command == "serve":
            config = serve_config(args)
            journal, name = open_journal(args)
            return asyncio.run(serve(config, journal, name))
        # -- more subcommands dispatch here --
        elif args.command == "console":
            return console_app.run(args, read_token(args.token_file))
        elif args.command == "import":
            return importers.main(args)
        elif args.command == "replay":
            return replay.main(args, read_token(args.token_file))
        elif args.command == "simulate":
            return simulate.main(args)
        elif args.command == "token":
            return token_cli.main(args)
    except (LocalError, JournalError) as exc:
        print(f"broadcaster: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the port is taken
        print(f"broadcaster: error: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
