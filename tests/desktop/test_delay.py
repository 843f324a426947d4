"""The spoiler-safe delay line (desktop/feed/delay.py): exactly N seconds later, in order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.feed.delay import DelayLine


def test_every_item_comes_out_exactly_the_delay_after_it_went_in() -> None:
    line: DelayLine[str] = DelayLine(delay=45.0)
    line.push("goal", now=100.0)
    line.push("clock", now=100.0)
    line.push("card", now=107.5)
    assert line.due(144.999) == []
    assert line.next_due() == 145.0
    assert line.due(145.0) == ["goal", "clock"]
    assert line.due(152.4) == []
    assert line.due(152.5) == ["card"]
    assert line.next_due() is None and len(line) == 0


def test_a_shorter_delay_releases_what_is_now_due_in_order_and_a_longer_one_holds() -> None:
    line: DelayLine[int] = DelayLine(delay=60.0)
    for n in range(5):
        line.push(n, now=float(n * 10))  # 0, 10, 20, 30, 40
    line.set_delay(25.0)
    assert line.due(50.0) == [0, 1, 2]  # pushed at 0, 10, 20: due at 25, 35, 45
    line.set_delay(40.0)
    assert line.due(65.0) == []  # 30 + 40 = 70
    assert line.due(70.0) == [3]
    with pytest.raises(ValueError, match="cannot be negative"):
        line.set_delay(-1.0)
    assert line.delay == 40.0


@given(
    st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=50).map(sorted),
    st.floats(0, 600, allow_nan=False),
    st.lists(st.floats(0, 2000, allow_nan=False), max_size=20).map(sorted),
)
def test_order_is_kept_and_nothing_comes_early(
    pushes: list[float], delay: float, polls: list[float]
) -> None:
    line: DelayLine[int] = DelayLine(delay=delay)
    for n, at in enumerate(pushes):
        line.push(n, at)
    out: list[int] = []
    for now in [*polls, pushes[-1] + delay]:
        for n in line.due(now):
            assert pushes[n] + delay <= now
            out.append(n)
    assert out == list(range(len(pushes)))
