"""The interactive console: a prompt with completion, history and a live toolbar.

prompt_toolkit's ``PromptSession`` runs in the same event loop as the links,
so acks and the feed update the bottom toolbar while the operator types
(``invalidate`` on every change, and a redraw twice a second for a running
clock). Answers from the broadcaster are printed above the prompt.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import Output
from prompt_toolkit.patch_stdout import patch_stdout
from prompt_toolkit.shortcuts import print_formatted_text
from prompt_toolkit.styles import Style

from broadcaster.console.completion import ConsoleCompleter
from broadcaster.console.hotkeys import HotKeys
from broadcaster.console.notes import Note
from broadcaster.console.session import Console

STYLE = Style.from_dict(
    {
        "bottom-toolbar": "noreverse bg:#1c2833 #f4f6f7",
        "bottom-toolbar.game": "bold #ffffff",
        "bottom-toolbar.online": "#58d68d",
        "bottom-toolbar.offline": "bold bg:#c0392b #ffffff",
        "bottom-toolbar.pending": "bold #f5b041",
        "bottom-toolbar.undo": "italic #aed6f1",
        "ok": "#58d68d",
        "queued": "#f5b041",
        "refused": "bold #ec7063",
        "error": "bold #ec7063",
        "info": "",
        "warn": "bold #f5b041",
        "link": "#aed6f1",
    }
)

Echo = Callable[[str, str], None]  # (style class, text)


def print_echo(style: str, text: str) -> None:
    print_formatted_text(FormattedText([(f"class:{style}", text)]), style=STYLE)


def toolbar(console: Console) -> FormattedText:
    """The toolbar text, its link state highlighted when it is not online."""
    parts = console.toolbar().split(" │ ")
    styled: list[tuple[str, str]] = [("class:bottom-toolbar.game", f" {parts[0]} ")]
    for part in parts[1:]:
        if part == "online":
            cls = "online"
        elif part.endswith("pending"):
            cls = "pending"
        elif part.startswith(("undone", "undo ")):
            cls = "undo"
        else:
            cls = "offline"
        styled += [("", "│"), (f"class:bottom-toolbar.{cls}", f" {part} ")]
    return FormattedText(styled)


def prompt_text(console: Console, hot: HotKeys | None = None) -> str:
    state = console.model.state(console.current) if console.current else None
    mode = " hot" if hot is not None and hot.on and not hot.typing else ""
    if state is None:
        return f"{mode.strip()}> "
    return f"{state.home.short}-{state.away.short}{mode}> "


def act(console: Console, line: str, echo: Echo) -> bool:
    """Submit one line and say what came of it at once; False once it says quit."""
    outcome = console.submit(line)
    if outcome.kind == "quit":
        return False
    if outcome.text:
        echo(outcome.kind if outcome.kind == "error" else "info", outcome.text)
    if outcome.warning:
        echo("warn", outcome.warning)
    return True


def hot_bindings(console: Console, hot: HotKeys, echo: Echo) -> KeyBindings:
    """F2 turns hotkeys on and off; while on, keys are events (see ``hotkeys``)."""
    kb = KeyBindings()
    keys_are_events = Condition(lambda: hot.on and not hot.typing)

    @kb.add("f2")
    def _toggle(event: KeyPressEvent) -> None:
        state = console.model.state(console.current) if console.current else None
        hot.sport = state.sport if state is not None else None
        echo("info", hot.toggle())
        event.app.current_buffer.text = ""

    def press(event: KeyPressEvent, key: str) -> None:
        rosters = console.model.rosters.get(console.current or "", {})
        step = hot.press(key, rosters)
        for line in step.send:
            act(console, line, echo)
        buffer = event.app.current_buffer
        buffer.text, buffer.cursor_position = step.text, len(step.text)

    @kb.add(Keys.Any, filter=keys_are_events)
    def _key(event: KeyPressEvent) -> None:
        press(event, event.data)

    for name, key in (("enter", "enter"), ("escape", "escape"), ("backspace", "backspace")):
        kb.add(name, filter=keys_are_events)(lambda event, key=key: press(event, key))
    return kb


def make_session(
    console: Console,
    history: History,
    input: Input | None = None,
    output: Output | None = None,
    key_bindings: KeyBindings | None = None,
) -> PromptSession[str]:
    return PromptSession(
        history=history,
        completer=ConsoleCompleter(console.context),
        complete_while_typing=False,
        bottom_toolbar=lambda: toolbar(console),
        refresh_interval=0.5,
        style=STYLE,
        input=input,
        output=output,
        key_bindings=key_bindings,
    )


async def run_repl(
    console: Console,
    history_path: Path | None,
    *,
    input: Input | None = None,
    output: Output | None = None,
    echo: Echo = print_echo,
    session: PromptSession[str] | None = None,
    hot: HotKeys | None = None,
) -> int:
    """Prompt until ``quit`` or Ctrl-D; the links run meanwhile. Returns the exit code."""
    hot = hot or HotKeys()
    if session is None:
        history: History = FileHistory(str(history_path)) if history_path else InMemoryHistory()
        bindings = hot_bindings(console, hot, echo)
        session = make_session(console, history, input, output, bindings)
    console.on_change = session.app.invalidate
    console.notify = lambda note: _note(echo, note)
    echo(
        "info",
        f"Scorecast console on {console.url} · help for commands · Tab completes · F2 hotkeys",
    )
    guard = patch_stdout(raw=True) if echo is print_echo else contextlib.nullcontext()
    with guard:
        while True:
            try:
                line = await session.prompt_async(lambda: prompt_text(console, hot))
            except KeyboardInterrupt:
                continue  # Ctrl-C drops the line being typed, as in a shell
            except EOFError:
                break
            hot.typing = False  # a line typed after ":" is done: keys are events again
            if not act(console, line, echo):
                break
    waiting = len(console.outbox.pending())
    if waiting:
        echo("queued", f"{waiting} event(s) stay queued; they go out when the console runs again")
    return 0


def _note(echo: Echo, note: Note) -> None:
    echo(note.level, note.text)
