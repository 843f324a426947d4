"""Start-up of the built scoreboard: process start → first paint → exit, offscreen.

    python packaging/measure.py [--runs 10] [--dist dist]

Runs ``scoreboard --quit-after-paint`` (a hidden flag: paint the main window once,
print ``first paint: N ms`` and close) from the one-folder build, the one-file build
if there is one, and from source (``python -m desktop``), alternating, and prints a
Markdown table. "first paint" is wall time from just before the process is started
until the line arrives; the first run of each is discarded (cold page cache). The CPU
time (user + system, whole run) depends little on what else the machine is doing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000


def tree_size(path: Path) -> int:
    """Bytes of every file (symbolic links not followed), like ``du -sb``."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def one_run(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds to the first-paint line and to the exit, and CPU seconds the process used."""
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    painted = None
    assert proc.stdout is not None
    with proc.stdout:
        for line in proc.stdout:
            if painted is None and line.startswith(b"first paint:"):
                painted = time.perf_counter() - started
    code = proc.wait(120)
    exited = time.perf_counter() - started
    if code != 0 or painted is None:
        raise SystemExit(f"{command[0]}: exit {code}, painted: {painted is not None}")
    return painted, exited, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--dist", type=Path, default=ROOT / "dist")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": tmp}
        env.pop("XDG_CONFIG_HOME", None)
        flags = ["--quit-after-paint", "--settings", f"{tmp}/settings.ini"]
        cases = {
            "one folder": args.dist / "scoreboard" / "scoreboard",
            "one file": args.dist / "onefile" / "scoreboard",
        }
        commands = {name: [str(path), *flags] for name, path in cases.items() if path.is_file()}
        commands["source (python -m desktop)"] = [sys.executable, "-m", "desktop", *flags]
        times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for run in range(args.runs + 1):
            for name, command in commands.items():
                result = one_run(command, {**env, "PYTHONPATH": str(ROOT)})
                if run:
                    times[name].append(result)
    print(f"load average before the runs ended: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    print("\n| build | size | first paint min / median / max | exit median | CPU time median |")
    print("| --- | --- | --- | --- | --- |")
    for name, results in times.items():
        paints = [p * 1000 for p, _, _ in results]
        exits = [e * 1000 for _, e, _ in results]
        cpus = [c * 1000 for _, _, c in results]
        path = cases.get(name)
        bundle = None if path is None else path.parent if name == "one folder" else path
        size = "" if bundle is None else f"{tree_size(bundle) / MB:.1f} MB"
        spread = f"{min(paints):.0f} / {statistics.median(paints):.0f} / {max(paints):.0f} ms"
        exit_, cpu = statistics.median(exits), statistics.median(cpus)
        print(f"| {name} | {size} | {spread} | {exit_:.0f} ms | {cpu:.0f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
