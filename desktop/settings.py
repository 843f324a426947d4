"""What the scoreboard remembers between runs, kept with QSettings.

URL, token, favourite teams, notifications, theme and window geometry. The command line
overrides the URL and token for one run without changing what is stored
(unless the user changes them in the app).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QByteArray, QSettings

DEFAULT_URL = "ws://127.0.0.1:8765"
THEMES = ("light", "dark")


@dataclass
class Settings:
    url: str = DEFAULT_URL
    token: str = ""
    favourites: list[str] = field(default_factory=list)  # team names
    theme: str = "light"
    notify: bool = True  # notifications for favourites
    muted: list[str] = field(default_factory=list)  # notice kinds turned off
    geometry: QByteArray | None = None

    @classmethod
    def load(cls, store: QSettings) -> Settings:
        """Read what was saved; anything missing or ill-typed gets its default."""
        favourites = _strings(store.value("favourites", []))
        theme = str(store.value("theme", "light"))
        geometry = store.value("window/geometry")
        return cls(
            url=str(store.value("url", DEFAULT_URL) or DEFAULT_URL),
            token=str(store.value("token", "") or ""),
            favourites=favourites,
            theme=theme if theme in THEMES else "light",
            notify=_flag(store.value("notify/on", True)),
            muted=_strings(store.value("notify/muted", [])),
            geometry=geometry if isinstance(geometry, QByteArray) else None,
        )

    def save(self, store: QSettings) -> None:
        store.setValue("url", self.url)
        store.setValue("token", self.token)
        store.setValue("favourites", list(self.favourites))
        store.setValue("theme", self.theme)
        store.setValue("notify/on", self.notify)
        store.setValue("notify/muted", list(self.muted))
        if self.geometry is not None:
            store.setValue("window/geometry", self.geometry)
        store.sync()


def _strings(stored: object) -> list[str]:
    """A stored list of strings (QSettings gives a one-item list back as a string)."""
    values: list[object] = [stored] if isinstance(stored, str) else []
    if isinstance(stored, list):
        values = stored
    return [str(v) for v in values if v]


def _flag(stored: object) -> bool:
    """A stored boolean (an INI file gives it back as "true"/"false")."""
    return stored.lower() != "false" if isinstance(stored, str) else bool(stored)


def open_store(path: str | None = None) -> QSettings:
    """The user's settings, or an INI file at ``path`` (portable installs, tests)."""
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings("Scorecast", "Scoreboard")
