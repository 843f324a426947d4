"""Where the app's files are: the repository's (or bundle's) ``resources/``."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """``resources/`` next to the ``desktop`` package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def feeds_dir() -> Path:
    return resources_dir() / "feeds"


def themes_dir() -> Path:
    return resources_dir() / "themes"


def icon_path() -> Path:
    return resources_dir() / "icons" / "scoreboard.svg"
