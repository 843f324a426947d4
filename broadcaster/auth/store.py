"""The token file on disk: written atomically and 0600, reloaded when it changes.

Reload rule: whoever asks for the tokens (a handshake, a publish) makes the store look at
the file's inode, size and mtime, at most once a second; if they changed, it is read again.
So ``broadcaster token add|revoke`` takes effect within a second, with no restart and no
signal. A file that has become unreadable or malformed is logged once and the last good
tokens stay; a file that is gone means no named tokens (fail closed).
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from broadcaster.auth.tokens import NamedToken, TokenFileError, dumps, loads

log = logging.getLogger("broadcaster.auth")
CHECK_EVERY = 1.0  # seconds between two looks at the file
Stamp = tuple[int, int, int] | None


def read(path: Path) -> dict[str, NamedToken]:
    """Every token in the file; a missing file holds none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise TokenFileError(f"cannot read the token file {path}: {exc.strerror}") from exc
    return loads(text, f"the token file {path}")


def write(path: Path, tokens: Mapping[str, NamedToken]) -> None:
    """Replace the file in one step (temp file + rename), readable by its owner only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise TokenFileError(f"cannot write the token file {path}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:  # mkstemp made it 0600
            out.write(dumps(tokens.values()))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise TokenFileError(f"cannot write the token file {path}: {exc.strerror}") from exc


def _stamp(path: Path) -> Stamp:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class TokenStore:
    """The tokens of one file as the running broadcaster sees them."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        self._clock = clock
        self._stamp = _stamp(path)
        self._tokens = read(path)  # a bad file at start is an error: refuse to start
        self._looked = clock()

    def current(self) -> Mapping[str, NamedToken]:
        now = self._clock()
        if now - self._looked >= CHECK_EVERY:
            self._looked = now
            stamp = _stamp(self.path)
            if stamp != self._stamp:
                self._stamp = stamp
                self._reload()
        return self._tokens

    def _reload(self) -> None:
        try:
            self._tokens = read(self.path)
        except TokenFileError as exc:
            log.error("%s; keeping the %d token(s) loaded before", exc, len(self._tokens))
            return
        log.info("token file %s reloaded: %d token(s)", self.path, len(self._tokens))
