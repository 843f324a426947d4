"""Hotkey mode: the state machine, and the real console on a terminal typing by keys."""

from __future__ import annotations

import asyncio
from pathlib import Path

from broadcaster.console.hotkeys import HotKeys, Step
from tests.console.drivers import history
from tests.console.procs import F2, TerminalConsole
from tests.helpers.proc import BroadcasterProcess

ROSTERS = {"home": {"0": "R. Westbrook", "12": "S. Adams", "1": "C. Payne"},
           "away": {"2": "J. Wall", "22": "O. Porter", "5": "M. Morris"}}  # fmt: skip


def keys(hot: HotKeys, typed: str) -> list[str]:
    sent: list[str] = []
    for key in typed:
        sent += hot.press(key, ROSTERS).send
    return sent


def test_a_key_and_a_shirt_number_make_an_event() -> None:
    hot = HotKeys("basketball", on=True)
    assert keys(hot, "w0") == ["h2 #0"]  # 0 can only be Westbrook: sent at once
    assert keys(hot, "e1") == [] and hot.text() == "h3 #1 "  # 1 or 12?
    assert keys(hot, "2") == ["h3 #12"]
    assert keys(hot, "i2 ") == ["a2 #2"]  # 2 or 22: space says 2
    assert keys(hot, "t") == ["to h"]  # no player: at once
    assert keys(hot, "p5") == ["f a #5"]
    assert keys(hot, "r ") == ["f h"]  # no player given
    assert keys(hot, "q1u") == ["h1 #1"]  # the next event key sends the waiting one
    assert hot.press(" ", ROSTERS) == Step("", ("a1",))
    assert keys(hot, "s12 0") == ["sub h 12 for 0"]
    assert keys(hot, "z") == ["undo"]


def test_backspace_escape_and_a_line() -> None:
    hot = HotKeys("basketball", on=True)
    assert keys(hot, "e2") == [] and hot.text() == "h3 #2 "
    hot.press("backspace", ROSTERS)
    assert hot.text() == "h3 "
    hot.press("escape", ROSTERS)
    assert hot.text() == "" and keys(hot, "0") == []  # no event waits: 0 is no key here
    assert keys(hot, ":") == [] and hot.typing
    tennis = HotKeys("tennis", on=True)
    assert keys(tennis, "qqua") == ["pt h", "pt h", "pt a", "pt a"]


def test_hotkeys_on_a_terminal(broadcaster: BroadcasterProcess, tmp_path: Path) -> None:
    terminal = TerminalConsole(broadcaster.url, tmp_path / "console")
    try:
        terminal.until("F2 hotkeys")
        for line in (
            "new basketball NBA OKC WAS id=hot", "start", "ps",
            'roster h 0="R. Westbrook" 12="S. Adams"',
            'roster a 2="J. Wall" 22="O. Porter"',
        ):  # fmt: skip
            terminal.type(line)
        terminal.until("WAS line-up: 2 players")
        terminal.press(F2)
        terminal.until("hotkeys on: z=undo")
        terminal.press("w0")
        terminal.until("✓ 4 score OKC +2 R. Westbrook · OKC 2–0 WAS")
        terminal.press("i2 ")
        terminal.until("✓ 5 score WAS +2 J. Wall · OKC 2–2 WAS")
        terminal.press("t")
        terminal.until("✓ 6 timeout OKC")
        terminal.press(":")
        terminal.type("pl h Adams: screen")
        terminal.until("✓ 7 play OKC S. Adams")
        terminal.press("z")
        terminal.until("✓ 8 void event 7")
        terminal.press(F2)
        terminal.until("hotkeys off")
    finally:
        terminal.close()
    stored = asyncio.run(history(broadcaster.feed, "hot"))
    assert [e["kind"] for e in stored][3:] == ["score", "score", "timeout", "play", "correction"]
