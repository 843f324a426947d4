"""Full-jitter exponential backoff (desktop/feed/backoff.py)."""

from __future__ import annotations

import errno
import random
import socket

from desktop.feed.backoff import Backoff, reach_of


class Highest(random.Random):
    """Always the top of the range: shows the ceiling the jitter is drawn under."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_ceiling_doubles_from_the_base_up_to_the_cap() -> None:
    backoff = Backoff(base=0.5, cap=30.0, rng=Highest())
    delays = [backoff.next_delay() for _ in range(9)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    assert backoff.attempt == 9


def test_delays_are_jittered_between_zero_and_the_ceiling() -> None:
    backoff = Backoff(base=0.5, cap=30.0, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(40)]
    assert all(0.0 <= d <= min(30.0, 0.5 * 2**i) for i, d in enumerate(delays))
    assert len({round(d, 6) for d in delays}) > 30  # spread, not one fixed schedule


def test_reset_starts_again_from_the_base() -> None:
    backoff = Backoff(base=0.5, cap=30.0, rng=Highest())
    for _ in range(5):
        backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() == 0.5


def test_many_attempts_do_not_overflow() -> None:
    backoff = Backoff(rng=Highest())
    for _ in range(2000):
        assert backoff.next_delay() <= 30.0


def test_while_the_host_answers_the_ceiling_stays_at_the_fast_cap() -> None:
    backoff = Backoff(base=0.5, cap=30.0, fast_cap=1.0, rng=Highest())
    delays = [backoff.next_delay("answered") for _ in range(20)]
    assert delays == [0.5] + [1.0] * 19
    assert backoff.attempt == 20


def test_silence_grows_the_ceiling_and_an_answer_brings_it_back_down() -> None:
    backoff = Backoff(base=0.5, cap=30.0, fast_cap=1.0, rng=Highest())
    silent = [backoff.next_delay("silent") for _ in range(6)]
    assert silent == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0]
    assert backoff.next_delay("answered") == 1.0  # the port refuses now: it is restarting
    assert backoff.next_delay("silent") == 30.0


def test_reach_of_tells_a_host_that_answers_from_one_that_is_silent() -> None:
    assert reach_of(ConnectionRefusedError(errno.ECONNREFUSED, "refused")) == "answered"
    assert reach_of(ConnectionResetError(errno.ECONNRESET, "reset")) == "answered"
    assert reach_of(None) == "answered"  # a connection was up, then dropped
    assert reach_of(TimeoutError()) == "silent"
    assert reach_of(socket.gaierror(socket.EAI_NONAME, "unknown name")) == "silent"
    assert reach_of(OSError(errno.EHOSTUNREACH, "no route to host")) == "silent"
    assert reach_of(OSError(errno.ENETUNREACH, "network is unreachable")) == "silent"
    assert reach_of(ValueError("bad URI")) == "silent"
    error = RuntimeError("server rejected WebSocket connection")
    assert reach_of(error, 503) == "answered"  # shutting down: back soon
    assert reach_of(error, 401) == "silent"  # a bad token stays bad
    assert reach_of(error, 429) == "silent"
