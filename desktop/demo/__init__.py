"""The embedded broadcaster of ``scoreboard --demo`` (the one desktop package that
imports the broadcaster beyond its wire protocol)."""

from desktop.demo.player import Demo, Script, load_scripts

__all__ = ["Demo", "Script", "load_scripts"]
