"""Tab completion offers the words the parser takes, and never fails on what is typed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from broadcaster.console.commands import Context
from broadcaster.console.completion import ConsoleCompleter
from tests.console.builders import SOCCER, TODAY, Fed


def soccer() -> tuple[Fed, ConsoleCompleter]:
    fed = Fed("wc", SOCCER).live().loaded()
    fed.feed("card", {"team": "away", "color": "yellow", "player": "Dejan Lovren"})
    fed.feed("score", {"team": "home", "player": "Kylian Mbappé"})
    return fed, ConsoleCompleter(lambda: Context(fed.model, fed.game_id, TODAY))


def offered(completer: ConsoleCompleter, text: str) -> list[str]:
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent())]


def test_command_words_follow_the_sport() -> None:
    _, completer = soccer()
    assert {"yc", "rc", "so", "st", "card", "stoppage", "shootout", "goal"} <= set(
        offered(completer, "")
    )
    assert "f" not in offered(completer, "")  # a basketball foul
    assert "h3" not in offered(completer, "h")  # soccer has one-point goals


def test_players_are_completed_whole_after_listed_words() -> None:
    _, completer = soccer()
    assert offered(completer, "card a yellow De") == ["Dejan Lovren"]
    assert offered(completer, "yc a Dejan L") == ["Dejan Lovren"]
    assert offered(completer, "g h ")[:1] == ["Kylian Mbappé"]
    assert "og" in offered(completer, "g h o")


def test_listed_words_and_fields_are_offered() -> None:
    _, completer = soccer()
    assert offered(completer, "card h re") == ["red"]
    assert offered(completer, "so h mi") == ["miss", "missed"]
    assert offered(completer, "help ki") == ["kinds"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_completion_never_fails(text: str) -> None:
    _, completer = soccer()
    for completion in completer.get_completions(Document(text), CompleteEvent()):
        assert isinstance(completion.text, str)
