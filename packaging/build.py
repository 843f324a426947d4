"""Build the scoreboard and broadcaster bundles with PyInstaller, check them, report sizes.

    python packaging/build.py                 # dist/scoreboard/, dist/broadcaster/ (one folder)
    python packaging/build.py --onefile       # dist/onefile/scoreboard, dist/onefile/broadcaster
    python packaging/build.py scoreboard --dist /tmp/out --work /tmp/build

``make package`` runs the first, ``make package ONEFILE=1`` the second. After each
build the program's ``--version`` must print the project version, the scoreboard
must hold its Qt platform plugins and the broadcaster no Qt at all; sizes are
compared with the targets of docs/packaging.md. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NAMES = ("scoreboard", "broadcaster")
MB = 1_000_000
# Bytes: the product's targets (BRIEF.md, docs/packaging.md); the broadcaster has none.
TARGETS = {("scoreboard", False): 100 * MB, ("scoreboard", True): 45 * MB}
PLATFORMS = {
    "linux": ("libqxcb.so", "libqwayland.so", "libqoffscreen.so"),
    "win32": ("qwindows.dll", "qoffscreen.dll"),
    "darwin": ("libqcocoa.dylib", "libqoffscreen.dylib"),
}


@dataclass
class Built:
    name: str
    path: Path  # the folder, or the one file
    onefile: bool
    seconds: float

    @property
    def program(self) -> Path:
        exe = ".exe" if sys.platform == "win32" else ""
        return self.path if self.onefile else self.path / f"{self.name}{exe}"

    @property
    def size(self) -> int:
        return tree_size(self.path)


def tree_size(path: Path) -> int:
    """Bytes of every file (symbolic links not followed), like ``du -sb``."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        version = tomllib.load(f)["project"]["version"]
    assert isinstance(version, str)
    return version


def build(name: str, dist: Path, work: Path, onefile: bool, clean: bool) -> Built:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    command += ["--distpath", str(dist), "--workpath", str(work)]
    command += ["--clean"] if clean else []
    command += [str(HERE / f"{name}.spec")]
    command += ["--", "--onefile"] if onefile else []
    print(f"packaging: building {name} ({'one file' if onefile else 'one folder'})", flush=True)
    started = time.monotonic()
    subprocess.run(command, check=True, cwd=ROOT)
    exe = ".exe" if sys.platform == "win32" and onefile else ""
    return Built(name, dist / f"{name}{exe}", onefile, time.monotonic() - started)


def check(built: Built) -> list[str]:
    """What is wrong with a bundle (empty: nothing)."""
    if not built.program.is_file():
        return [f"{built.name}: no program at {built.program}"]
    problems = []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [str(built.program), "--version"], capture_output=True, text=True, env=env, timeout=120
    )
    expected = f"{built.name} {project_version()}"
    if run.stdout.strip() != expected:
        problems.append(f"{built.name} --version: {run.stdout.strip()!r}, not {expected!r}")
    if built.name == "scoreboard" and not built.onefile:
        found = {p.name for p in built.path.rglob("plugins/platforms/*")}
        wanted = PLATFORMS.get(sys.platform, ())
        problems += [f"scoreboard: no Qt platform plugin {p}" for p in wanted if p not in found]
    if built.name == "broadcaster" and not built.onefile:
        qt = [p.name for p in built.path.rglob("*") if "PySide6" in p.name or "Qt6" in p.name]
        problems += [f"broadcaster: Qt inside: {', '.join(qt[:5])}"] if qt else []
    return problems


def report(bundles: list[Built]) -> None:
    print("\n| bundle | size | build time |\n| --- | --- | --- |")
    for b in bundles:
        kind = "one file" if b.onefile else "one folder"
        size = f"{b.size / MB:.1f} MB ({b.size / 2**20:.1f} MiB)"
        target = TARGETS.get((b.name, b.onefile))
        verdict = (
            ""
            if target is None
            else f", target < {target / MB:.0f} MB: " + ("met" if b.size < target else "MISSED")
        )
        print(f"| {b.name}, {kind} | {size}{verdict} | {b.seconds:.0f} s |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "names", nargs="*", metavar="NAME", help="scoreboard, broadcaster (default: both)"
    )
    p.add_argument("--onefile", action="store_true", help="one file each instead of a folder")
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="where bundles go")
    p.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder")
    p.add_argument("--clean", action="store_true", help="empty PyInstaller's caches first")
    args = p.parse_args(argv)
    if unknown := set(args.names) - set(NAMES):
        p.error(f"unknown bundle(s): {', '.join(sorted(unknown))}")
    dist, work = args.dist.resolve(), args.work.resolve()
    if args.onefile:
        dist, work = dist / "onefile", work / "onefile"
    bundles = [build(n, dist, work, args.onefile, args.clean) for n in args.names or NAMES]
    problems = [problem for b in bundles for problem in check(b)]
    report(bundles)
    for problem in problems:
        print(f"packaging: FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
