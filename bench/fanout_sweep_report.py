"""What bench/fanout_sweep.py prints and plots: one phase per server and rate.

No I/O but printing and the PNG; matplotlib is imported only for ``--plot``
(the ``bench`` extra: ``uv sync --extra bench``), so the sweep itself runs
without it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from fanout_cpu import Shares

# Issue #15 at 10,000 subscribers: events/s → the p99 publish → receive to reach, ms,
# with nothing lost.
TARGETS = {20.0: 60.0, 40.0: 120.0}
TARGET_SUBSCRIBERS = 10_000
BUSY = 0.90  # a load-side process busier than this: the harness may be the limit
OTHERS = 0.05  # other processes' share of the server's core worth a flag
DELAY = 0.001  # s: the probes or the publisher waited this long for a CPU per wake-up
SATURATED_CORE = 0.95  # the server's share of its core at which it has no more to give
BACKLOG_MS = 1000.0  # a p50 past this is a backlog: the higher rates are skipped
OURS = "ours (broadcaster)"


@dataclass
class Phase:
    server: str
    rate: float  # events/s offered
    subscribers: int
    p50: float  # publish → receive at the probes, ms
    p99: float
    max: float
    samples: int
    lost: int  # frames never received (raw subscribers and probes)
    cut: int  # subscribers the server closed, so far
    behind: float  # events per raw subscriber not yet read when the last ack came
    rss: float  # the server's RSS after the phase, MiB
    use: Shares

    def loadgen(self) -> str:
        """Why the load side may have been the bottleneck, or ''."""
        u, why = self.use, []
        if u.engine >= BUSY:
            why.append(f"subscriber engine {u.engine:.0%} of a core")
        if u.probes >= BUSY:
            why.append(f"probes {u.probes:.0%} of a core")
        if u.coordinator >= BUSY:
            why.append(f"publisher {u.coordinator:.0%} of a core")
        if u.client_busy >= BUSY and u.client_others < u.client_busy / 2:
            why.append(f"client core(s) {u.client_busy:.0%} busy, mostly with this bench")
        return "; ".join(why)

    def contended(self) -> str:
        """What else was in the latency besides the server's own work, or ''.

        Other processes on the server's core took its time; probes or the publisher
        (its timestamp is taken before the send) that waited for a CPU when woken add
        that wait to each sample. The server's own threads share its core (their waits
        are its own cost) and a late raw subscriber adds no latency: neither counts."""
        u = self.use
        why = [f"others on the server's core {u.server_other:.0%}"] * (u.server_other >= OTHERS)
        waits = [("probes", u.probes_delay), ("publisher", u.coordinator_delay)]
        why += [f"{who} waited {w * 1000:.1f} ms per wake-up" for who, w in waits if w >= DELAY]
        return ", ".join(why)

    def flags(self) -> str:
        loadgen, contended = self.loadgen(), self.contended()
        return "  ".join(
            [f"LOADGEN: {loadgen}"] * bool(loadgen) + [f"WAITED: {contended}"] * bool(contended)
        )

    def summary(self) -> str:
        flag = self.flags()
        return (
            f"p50 {self.p50:.1f} ms, p99 {self.p99:.1f} ms, max {self.max:.1f} ms "
            f"({self.samples} samples), lost {self.lost}, cut {self.cut}; server "
            f"{self.use.server:.0%} of its core, engine {self.use.engine:.0%}, probes "
            f"{self.use.probes:.0%}, publisher {self.use.coordinator:.0%}, client core(s) "
            f"{self.use.client_busy:.0%} busy ({self.use.client_others:.0%} others)"
            + (f"  {flag}" if flag else "")
        )


def overloaded(phase: Phase) -> bool:
    """The server fell behind: a median over a second is a backlog (one stall only
    moves the tail), however busy its core looked on a shared machine. Higher rates
    would only grow the backlog."""
    return phase.p50 > BACKLOG_MS


def target_verdict(phase: Phase) -> str:
    goal = TARGETS.get(phase.rate)
    if goal is None:
        return ""
    text = f"p99 ≤ {goal:.0f} ms, 0 lost: "
    if phase.loadgen() or phase.contended():
        return text + "unproven (LOADGEN or WAITED)"
    met = phase.p99 <= goal and phase.lost == 0 and phase.cut == 0
    text += "met" if met else "MISSED"
    if phase.subscribers != TARGET_SUBSCRIBERS:
        text += f" (at {phase.subscribers:,} subscribers, not {TARGET_SUBSCRIBERS:,})"
    return text


def ratio(a: float, b: float) -> str:
    return f"{a / b:5.2f}x" if b and not math.isnan(a) and not math.isnan(b) else "    -"


def print_report(phases: list[Phase], servers: list[str]) -> None:
    """Latency side by side per rate with ratios ours/baseline; then who used the cores."""
    base = servers[-1]
    rates = sorted({p.rate for p in phases})
    by = {(p.server, p.rate): p for p in phases}
    print(f"\nPublish → receive, ms ({phases[0].subscribers:,} subscribers)" if phases else "")
    head = f"{'events/s':>8} {'deliv/s':>9}"
    for name in servers:
        head += f" | {name[:18]:18} {'p50':>6} {'p99':>7} {'max':>7} {'lost':>6}"
    if len(servers) > 1:
        head += f" | {'p50 ratio':>9} {'p99 ratio':>9}"
    print(head + " | target (issue #15), ours")
    for rate in rates:
        row = f"{rate:8g} {rate * phases[0].subscribers:9,.0f}"
        for name in servers:
            p = by.get((name, rate))
            if p is None:
                row += f" | {'skipped (overload)':18} {'':6} {'':7} {'':7} {'':6}"
            else:
                flag = " ".join(
                    word
                    for word, on in (
                        ("SATURATED", p.use.server >= SATURATED_CORE),
                        ("LOADGEN", bool(p.loadgen())),
                        ("WAITED", bool(p.contended())),
                    )
                    if on
                )
                row += f" | {flag:18} {p.p50:6.1f} {p.p99:7.1f} {p.max:7.1f} {p.lost:6d}"
        a, b = by.get((OURS, rate)), by.get((base, rate))
        if len(servers) > 1:
            row += " | " + (
                f"{ratio(a.p50, b.p50):>9} {ratio(a.p99, b.p99):>9}" if a and b else f"{'':19}"
            )
        print(row + " | " + (target_verdict(a) if a else ""))
    print("ratio = ours ÷ baseline (below 1: ours is faster)")
    print(
        f"\n{'server':19} {'ev/s':>5} {'srv':>5} {'other':>5} {'engine':>6} {'probes':>6} "
        f"{'pub':>5} {'cli busy':>8} {'others':>6} {'waited s/e':>10} {'delay pr/pu':>11} "
        f"{'behind':>6} {'cut':>5} {'RSS MiB':>7}  flags"
    )
    for p in phases:
        u = p.use
        waited = f"{u.server_waited:.0%}/{u.engine_waited:.0%}"
        delay = f"{u.probes_delay * 1e6:.0f}/{u.coordinator_delay * 1e6:.0f}"
        print(
            f"{p.server:19} {p.rate:5g} {u.server:5.0%} {u.server_other:5.0%} {u.engine:6.0%} "
            f"{u.probes:6.0%} {u.coordinator:5.0%} {u.client_busy:8.0%} {u.client_others:6.0%} "
            f"{waited:>10} {delay:>11} "
            f"{p.behind:6.1f} {p.cut:5d} {p.rss:7.0f}  "
            + ("SATURATED " if u.server >= SATURATED_CORE else "")
            + p.flags()
        )
    print(LEGEND.format(busy=BUSY, others=OTHERS, delay=DELAY * 1e6))


LEGEND = """\
srv = the server's share of its core, other = other processes on that core; engine = the
busiest raw subscriber process, probes = the process timing the events (the C engine with
--time, or this one), pub = this process (the publisher), each as a share of one core;
cli busy = the client core(s) not idle, whoever used them, others = of which processes
outside this bench; waited s/e = share of the phase the server and the busiest engine were
runnable but waiting for a CPU; delay pr/pu = mean wait for a CPU per wake-up of the probes
and of the publisher, µs; behind = events per subscriber not yet read when the last publish
was acked; RSS = the server's, after the phase.
LOADGEN: a load-side process ≥ {busy:.0%} of a core (or the client core busy mostly with this
bench): the latency may be the harness's. WAITED: other processes took ≥ {others:.0%} of the
server's core, or the probes or the publisher waited ≥ {delay:.0f} µs per wake-up for a CPU:
the machine's load is in the latency. SATURATED: the server ≥ 95% of its core."""


def need_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise SystemExit(
            "--plot needs matplotlib, in the bench extra: "
            ".venv-uv/bin/uv sync --extra dev --extra bench (or pip install matplotlib)"
        ) from None


def plot(phases: list[Phase], path: Path, servers: list[str], note: str = "") -> None:
    """p50 and p99 (log scale) against offered events/s, a line per server and
    percentile, with the issue's p99 targets marked; ``note`` goes under the axes."""
    need_matplotlib()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    for colour, name in zip(("tab:blue", "tab:orange", "tab:green"), servers, strict=False):
        mine = sorted((p for p in phases if p.server == name), key=lambda p: p.rate)
        rates = [p.rate for p in mine]
        ax.plot(rates, [p.p50 for p in mine], "o-", color=colour, label=f"{name} p50")
        ax.plot(rates, [p.p99 for p in mine], "s--", color=colour, label=f"{name} p99")
        for p in mine:
            if p.loadgen() or p.contended():
                ax.annotate(
                    "flagged", (p.rate, p.p99), fontsize=7, color="grey", ha="left",
                    xytext=(6, 4), textcoords="offset points",
                )  # fmt: skip
            if overloaded(p) and p is mine[-1] and p.rate < max(r.rate for r in phases):
                ax.annotate(
                    "overloaded: higher rates skipped", (p.rate, p.p99), fontsize=7,
                    color=colour, ha="right", va="top", xytext=(-8, -4),
                    textcoords="offset points",
                )  # fmt: skip
    goals = sorted(TARGETS.items())
    ax.plot(
        [r for r, _ in goals], [g for _, g in goals], "v", color="red", markersize=9,
        label=f"ours' target p99, {TARGET_SUBSCRIBERS:,} subscribers (issue #15)", zorder=5,
    )  # fmt: skip
    subscribers = phases[0].subscribers if phases else 0
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    rates = sorted({p.rate for p in phases} | set(TARGETS))
    ax.set_xticks(rates, [f"{r:g}\n{r * subscribers / 1000:,.0f}k" for r in rates])
    ax.set_xlabel("offered events/s (deliveries/s below)")
    ax.set_ylabel("publish → receive, ms (log)")
    ticks = [t * 10**e for e in range(-1, 6) for t in (1, 2, 5)]
    low, high = ax.get_ylim()
    ax.set_yticks([t for t in ticks if low <= t <= high], minor=False)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_title(
        f"Fan-out latency, {subscribers:,} subscribers, each server on one core\n"
        "(flagged: LOADGEN or WAITED in the printed tables)",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    if note:
        fig.text(0.01, 0.01, note, fontsize=7, color="grey")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
