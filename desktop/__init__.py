"""Scorecast's desktop scoreboard: live games over qasync (see docs/desktop.md)."""
