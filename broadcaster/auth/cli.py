"""``broadcaster token add|revoke|list``: manage the named tokens of a token file.

``add`` prints the new secret once, alone on stdout (``… > alice.token`` keeps it in a file
for ``--token-file``); the file keeps only its salted hash. A running broadcaster sees every
change within a second (``store.py``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from broadcaster.auth import store
from broadcaster.auth.tokens import Scope, TokenFileError, check_name, new_token


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], default_file: Path
) -> None:
    t = commands.add_parser(
        "token", help="named operator tokens: add, revoke, list (docs/broadcaster.md)"
    )
    actions = t.add_subparsers(dest="token_command", required=True)
    add = actions.add_parser("add", help="add a token and print its secret once")
    add.add_argument("name", help="the operator's name, shown on its events as 'by'")
    add.add_argument("--league", action="append", default=[], help="may publish to this league")
    add.add_argument("--game", action="append", default=[], help="may publish to this game id")
    add.add_argument("--feed", action="store_true", help="read-only: /feed, never /publish")
    revoke = actions.add_parser("revoke", help="remove a token: refused from then on")
    revoke.add_argument("name")
    listing = actions.add_parser("list", help="names, scopes and creation times (no secrets)")
    for p in (add, revoke, listing):
        p.add_argument(
            "--file", type=Path, default=default_file, help=f"token file (default {default_file})"
        )


def main(args: argparse.Namespace) -> int:
    path: Path = args.file
    if args.token_command == "add":
        return _add(path, args.name, _scope(args))
    tokens = store.read(path)
    if args.token_command == "revoke":
        if tokens.pop(args.name, None) is None:
            raise TokenFileError(f"no token named {args.name!r} in {path}")
        store.write(path, tokens)
        print(f"revoked {args.name!r}; a running broadcaster refuses it within a second")
        return 0
    if not tokens:
        print(f"no tokens in {path}")
    for t in tokens.values():
        created = time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(t.created))
        print(f"{t.name}\t{t.scope.describe()}\tcreated {created}")
    return 0


def _scope(args: argparse.Namespace) -> Scope:
    if args.feed and (args.league or args.game):
        raise TokenFileError("a --feed token is read-only: it takes no --league or --game")
    return Scope(args.feed, frozenset(args.league), frozenset(args.game))


def _add(path: Path, name: str, scope: Scope) -> int:
    tokens = store.read(path)
    if check_name(name) in tokens:
        raise TokenFileError(f"a token named {name!r} exists in {path}; revoke it first")
    token, secret = new_token(name, scope, time.time())
    tokens[name] = token
    store.write(path, tokens)
    print(secret, flush=True)
    print(
        f"added {name!r} ({scope.describe()}) to {path}; the secret above is shown only once",
        file=sys.stderr,
    )
    return 0
