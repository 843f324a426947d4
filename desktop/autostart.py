"""Start at login on Linux: a desktop entry in ``$XDG_CONFIG_HOME/autostart/``.

The file itself is the setting (what the desktop's own session settings show and
edit too), so nothing about it is kept in QSettings. Other systems: not built yet.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

FILE = "scorecast-scoreboard.desktop"


def autostart_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / FILE


def command() -> list[str]:
    """How this scoreboard is started (the bundle's own program when frozen)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "desktop"]


def entry(argv: list[str]) -> str:
    """The desktop entry (Exec arguments quoted as the Desktop Entry spec says)."""
    quoted = [f'"{a}"' if any(c in a for c in ' \t"\\`$') else a for a in argv]
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Scorecast Scoreboard\n"
        "Comment=Live scores from a Scorecast broadcaster\n"
        f"Exec={' '.join(quoted)}\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def starts_at_login() -> bool:
    return autostart_path().is_file()


def set_start_at_login(on: bool) -> str:
    """Write or remove the entry; returns why it could not be done ("" when it was)."""
    path = autostart_path()
    try:
        if on:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(entry(command()), encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
    except OSError as exc:
        return f"Start at login could not be {'set' if on else 'removed'}: {exc}"
    return ""
