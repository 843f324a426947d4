"""What the scoreboard remembers between runs: QSettings, and the system keyring for the token.

Servers, favourite teams, notifications, the spoiler delay, theme, tray and window
geometry live in QSettings; the feed token lives in the system keyring (``keyring``),
never in plain text in QSettings (a token an older version left there is moved to the
keyring on the next save). The command line overrides the URL and token for one run
without changing what is stored: only the Settings dialog saves them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError
from PySide6.QtCore import QByteArray, QSettings

log = logging.getLogger("desktop")
DEFAULT_URL = "ws://127.0.0.1:8765"
THEMES = ("light", "dark", "system")
SERVICE = "Scorecast Scoreboard"  # the keyring entry: service, user
TOKEN_USER = "feed token"
MAX_DELAY = 3600


@dataclass
class Settings:
    url: str = DEFAULT_URL
    fallbacks: list[str] = field(default_factory=list)  # more broadcasters, tried in turn
    token: str = ""
    favourites: list[str] = field(default_factory=list)  # team names
    theme: str = "light"
    notify: bool = True  # notifications for favourites
    muted: list[str] = field(default_factory=list)  # notice kinds turned off
    muted_for: dict[str, list[str]] = field(default_factory=dict)  # favourite → kinds it skips
    delay: int = 0  # seconds every update is held back (spoiler-safe)
    start_in_tray: bool = False
    close_to_tray: bool = False
    ticker: bool = False  # the always-on-top strip is shown
    ticker_mode: str = "cycle"  # or "favourites" side by side
    ticker_geometry: QByteArray | None = None
    geometry: QByteArray | None = None
    saved_token: str = field(default="", repr=False)  # what the keyring holds already

    @property
    def urls(self) -> list[str]:
        return [self.url, *self.fallbacks]

    @classmethod
    def load(cls, store: QSettings, vault: KeyringBackend | None = None) -> Settings:
        """Read what was saved; anything missing or ill-typed gets its default."""
        theme = str(store.value("theme", "light"))
        geometry = store.value("window/geometry")
        strip = store.value("ticker/geometry")
        legacy = str(store.value("token", "") or "")  # before the keyring
        token = read_token(vault)
        return cls(
            url=str(store.value("url", DEFAULT_URL) or DEFAULT_URL),
            fallbacks=_strings(store.value("fallbacks", [])),
            token=token or legacy,
            favourites=_strings(store.value("favourites", [])),
            theme=theme if theme in THEMES else "light",
            notify=_flag(store.value("notify/on", True)),
            muted=_strings(store.value("notify/muted", [])),
            muted_for=_per_favourite(store.value("notify/per_favourite", "{}")),
            delay=_seconds(store.value("delay", 0)),
            start_in_tray=_flag(store.value("tray/start", False)),
            close_to_tray=_flag(store.value("tray/close", False)),
            ticker=_flag(store.value("ticker/on", False)),
            ticker_mode=str(store.value("ticker/mode", "cycle")),
            ticker_geometry=strip if isinstance(strip, QByteArray) else None,
            geometry=geometry if isinstance(geometry, QByteArray) else None,
            saved_token=token,
        )

    def save(self, store: QSettings, vault: KeyringBackend | None = None) -> str:
        """Write everything; returns why the token could not be kept ("" when it was)."""
        store.setValue("url", self.url)
        store.setValue("fallbacks", list(self.fallbacks))
        store.setValue("favourites", list(self.favourites))
        store.setValue("theme", self.theme)
        store.setValue("notify/on", self.notify)
        store.setValue("notify/muted", list(self.muted))
        store.setValue("notify/per_favourite", json.dumps(self.muted_for, sort_keys=True))
        store.setValue("delay", self.delay)
        store.setValue("tray/start", self.start_in_tray)
        store.setValue("tray/close", self.close_to_tray)
        store.setValue("ticker/on", self.ticker)
        store.setValue("ticker/mode", self.ticker_mode)
        for key, value in (
            ("window/geometry", self.geometry),
            ("ticker/geometry", self.ticker_geometry),
        ):
            if value is not None:
                store.setValue(key, value)
        problem = "" if self.token == self.saved_token else write_token(self.token, vault)
        if not problem:
            self.saved_token = self.token
            store.remove("token")  # never in plain text once the keyring has it
        store.sync()
        return problem


def read_token(vault: KeyringBackend | None = None) -> str:
    """The feed token from the keyring; "" when there is none or no keyring works here."""
    try:
        return (vault or keyring.get_keyring()).get_password(SERVICE, TOKEN_USER) or ""
    except KeyringError as exc:
        log.warning("settings: cannot read the feed token from the keyring: %s", exc)
        return ""


def write_token(token: str, vault: KeyringBackend | None = None) -> str:
    """Keep (or forget, when empty) the feed token in the keyring; returns the problem, if any."""
    backend = vault or keyring.get_keyring()
    try:
        if token:
            backend.set_password(SERVICE, TOKEN_USER, token)
        elif backend.get_password(SERVICE, TOKEN_USER) is not None:
            backend.delete_password(SERVICE, TOKEN_USER)
    except KeyringError as exc:
        log.warning("settings: cannot keep the feed token in the keyring: %s", exc)
        return f"The feed token could not be kept in the system keyring: {exc}"
    return ""


def _strings(stored: object) -> list[str]:
    """A stored list of strings (QSettings gives a one-item list back as a string)."""
    values: list[object] = [stored] if isinstance(stored, str) else []
    if isinstance(stored, list):
        values = stored
    return [str(v) for v in values if v]


def _flag(stored: object) -> bool:
    """A stored boolean (an INI file gives it back as "true"/"false")."""
    return stored.lower() != "false" if isinstance(stored, str) else bool(stored)


def _per_favourite(stored: object) -> dict[str, list[str]]:
    """Kinds each favourite skips, kept as JSON (anything else: none)."""
    try:
        value = json.loads(str(stored))
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): _strings(v) for k, v in value.items() if isinstance(v, list) and v}


def _seconds(stored: object) -> int:
    try:
        return max(0, min(MAX_DELAY, int(str(stored))))
    except ValueError:
        return 0


def open_store(path: str | None = None) -> QSettings:
    """The user's settings, or an INI file at ``path`` (portable installs, tests)."""
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings("Scorecast", "Scoreboard")
