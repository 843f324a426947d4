"""What the scoreboard remembers between runs, kept with QSettings.

URL, token, favourite teams, theme and window geometry. The command line
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
    geometry: QByteArray | None = None

    @classmethod
    def load(cls, store: QSettings) -> Settings:
        """Read what was saved; anything missing or ill-typed gets its default."""
        stored = store.value("favourites", [])
        favourites: list[object] = [stored] if isinstance(stored, str) else []
        if isinstance(stored, list):
            favourites = stored  # (QSettings gives a one-item list back as a string)
        theme = str(store.value("theme", "light"))
        geometry = store.value("window/geometry")
        return cls(
            url=str(store.value("url", DEFAULT_URL) or DEFAULT_URL),
            token=str(store.value("token", "") or ""),
            favourites=[str(f) for f in favourites if f],
            theme=theme if theme in THEMES else "light",
            geometry=geometry if isinstance(geometry, QByteArray) else None,
        )

    def save(self, store: QSettings) -> None:
        store.setValue("url", self.url)
        store.setValue("token", self.token)
        store.setValue("favourites", list(self.favourites))
        store.setValue("theme", self.theme)
        if self.geometry is not None:
            store.setValue("window/geometry", self.geometry)
        store.sync()


def open_store(path: str | None = None) -> QSettings:
    """The user's settings, or an INI file at ``path`` (portable installs, tests)."""
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings("Scorecast", "Scoreboard")
