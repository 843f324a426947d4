"""The PyInstaller bundles, built once from a clean copy of the tree, work on their own.

The bundled broadcaster serves; the bundled scoreboard (offscreen) subscribes to it,
shows a score published to it, keeps its settings in the user's directories, and
``--demo`` plays the feeds inside the bundle. One build per module (a minute or two).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.helpers.http import get, metric
from tests.helpers.ws import live_game, open_publisher, publish
from tests.packaging.conftest import BUILD_TIMEOUT, REPO, WAIT, Bundles, Running, project_version

pytestmark = [pytest.mark.slow, pytest.mark.timeout(BUILD_TIMEOUT + 300)]

Start = Callable[[Sequence[object], dict[str, str]], Running]
TOKEN = "packaging-test-token"
MB = 1_000_000


def files(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and link in ``folder``: its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
        for p in folder.rglob("*")
    }


def size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def test_the_scoreboard_bundle_holds_its_plugins_and_resources(bundles: Bundles) -> None:
    assert "Qt platform plugins: qoffscreen.so, qwayland.so, qxcb.so" in bundles.log
    plugins = {str(p.relative_to(p.parents[1])) for p in bundles.scoreboard.rglob("plugins/*/*")}
    for plugin in (
        "platforms/libqxcb.so",
        "platforms/libqwayland.so",
        "platforms/libqoffscreen.so",
        "wayland-shell-integration/libxdg-shell.so",
        "iconengines/libqsvgicon.so",
    ):
        assert plugin in plugins
    assert not any(p.startswith(("platformthemes/", "tls/", "sqldrivers/")) for p in plugins)
    (resources,) = bundles.scoreboard.rglob("resources")
    feeds = sorted(p.name for p in (REPO / "resources" / "feeds").iterdir())
    assert sorted(p.name for p in (resources / "feeds").iterdir()) == feeds
    assert (resources / "icons" / "scoreboard.svg").is_file()
    assert (resources / "themes" / "dark.json").is_file()
    names = {p.name for p in bundles.scoreboard.rglob("*")}
    assert not any(n.startswith(("libQt6Network", "libQt6Qml", "libQt6Quick")) for n in names)
    assert not list(bundles.scoreboard.rglob("translations"))
    assert size(bundles.scoreboard) < 100 * MB


def test_bundled_qt_plugins_find_their_qt_libraries_in_the_bundle(bundles: Bundles) -> None:
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    for plugin in bundles.scoreboard.rglob("plugins/*/*.so"):
        out = subprocess.run(["ldd", plugin], capture_output=True, text=True, env=env).stdout
        for line in out.splitlines():
            name, _, where = line.strip().partition(" => ")
            if name.startswith(("libQt6", "libicu", "libpyside", "libshiboken")):
                assert where.startswith(str(bundles.scoreboard)), f"{plugin.name}: {line}"


def test_the_broadcaster_bundle_has_no_qt(bundles: Bundles) -> None:
    for path in bundles.broadcaster.rglob("*"):
        assert not any(q in path.name for q in ("PySide6", "shiboken", "qasync", "Qt6")), path
    assert not list(bundles.broadcaster.rglob("desktop"))


@pytest.mark.parametrize("name", ["scoreboard", "broadcaster"])
def test_version(bundles: Bundles, home: dict[str, str], name: str) -> None:
    done = subprocess.run(
        [bundles.program(name), "--version"], capture_output=True, text=True, env=home, timeout=WAIT
    )
    assert done.stdout.strip() == f"{name} {project_version()}"


def test_the_bundled_scoreboard_shows_a_score_from_the_bundled_broadcaster(
    bundles: Bundles, home: dict[str, str], start: Start
) -> None:
    before = files(bundles.scoreboard) | files(bundles.broadcaster)
    broadcaster = start(
        [bundles.program("broadcaster"), "serve", "--port", "0"], {**home, "SCORECAST_TOKEN": TOKEN}
    )
    ready = broadcaster.wait_for(r"broadcaster ready url=(?P<url>\S+) .* journal=(?P<journal>.+)")
    url, journal = ready["url"], Path(ready["journal"])
    assert journal == Path(home["XDG_DATA_HOME"]) / "scorecast" / "journal.sqlite3"
    assert journal.is_file()

    scoreboard = start([bundles.program("scoreboard"), "--url", url, "--log-level", "debug"], home)
    wait_for_subscribers(url, 1, scoreboard)
    asyncio.run(publish_a_score(url))
    scoreboard.wait_for(r"shown: Boston Celtics 3, Los Angeles Lakers 0")

    assert scoreboard.stop() == 0, scoreboard.output
    settings = Path(home["XDG_CONFIG_HOME"]) / "Scorecast" / "Scoreboard.conf"
    assert f"url={url}" in settings.read_text()
    wait_for_subscribers(url, 0, scoreboard)
    assert broadcaster.stop() == 0, broadcaster.output
    for program in (scoreboard, broadcaster):
        assert "Traceback" not in program.output
    assert files(bundles.scoreboard) | files(bundles.broadcaster) == before  # nothing written


def wait_for_subscribers(url: str, count: int, watched: Running) -> None:
    """Until the broadcaster's /metrics counts ``count`` subscribers (the only signal there)."""
    metrics, deadline = url.replace("ws://", "http://") + "/metrics", time.monotonic() + WAIT
    while metric(get(metrics)[1], "scorecast_subscribers") != count:
        if time.monotonic() > deadline:
            pytest.fail(f"never {count} subscriber(s); the scoreboard said:\n{watched.output}")
        time.sleep(0.1)


async def publish_a_score(url: str) -> None:
    ws = await open_publisher(f"{url}/publish", TOKEN)
    async with ws:
        await live_game(ws, "g1")
        reply = await publish(ws, "g1", "score", {"team": "home", "points": 3})
        assert reply["type"] == "ack", reply


def test_the_bundled_demo_plays_the_bundled_feeds(
    bundles: Bundles, home: dict[str, str], start: Start, tmp_path: Path
) -> None:
    (tmp_path / "tmp").mkdir()
    env = {**home, "TMPDIR": str(tmp_path / "tmp")}  # the demo's journal goes there
    scoreboard = start([bundles.program("scoreboard"), "--demo", "--log-level", "debug"], env)
    scoreboard.wait_for(r"shown: \S.* \d+, .* \d+, ")  # a game's line, with both scores
    assert scoreboard.stop() == 0, scoreboard.output
    assert "skipping feed" not in scoreboard.output
    assert "Traceback" not in scoreboard.output
    assert not list((tmp_path / "tmp").iterdir()), "the demo leaves no journal behind"


def test_the_bundled_scoreboard_paints_offscreen_and_under_xvfb(
    bundles: Bundles, home: dict[str, str], tmp_path: Path
) -> None:
    """Qt loads the platform plugin and the SVG icon engine from the bundle, and paints."""
    command = [bundles.program("scoreboard"), "--quit-after-paint"]
    command += ["--settings", tmp_path / "settings.ini"]
    env = {**home, "QT_DEBUG_PLUGINS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=WAIT)
    assert done.returncode == 0 and "first paint:" in done.stdout, done.stdout + done.stderr
    assert loaded(bundles, done.stderr) >= {
        "platforms/libqoffscreen.so",
        "iconengines/libqsvgicon.so",
    }
    if shutil.which("xvfb-run") is None:
        pytest.skip("no xvfb-run: the xcb plugin was only checked with ldd")
    xvfb = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", *command]
    env = {**env, "QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run(xvfb, capture_output=True, text=True, env=env, timeout=WAIT * 2)
    assert done.returncode == 0 and "first paint:" in done.stdout, done.stdout + done.stderr
    assert "platforms/libqxcb.so" in loaded(bundles, done.stderr)


def loaded(bundles: Bundles, debug: str) -> set[str]:
    """The bundle's Qt plugins that ``QT_DEBUG_PLUGINS`` output says were loaded."""
    plugins = re.findall(r'"([^"]+/plugins/([^"]+))" loaded library', debug)
    return {name for path, name in plugins if path.startswith(str(bundles.scoreboard))}


# What Qt asks ICU for: collation, locale-aware case mapping, time zone names, codecs.
ICU_PROBE = """
import functools
from PySide6.QtCore import QCollator, QDateTime, QLocale, QStringDecoder, QTimeZone
words = ["Zürich", "zebra", "Äpfel", "apple", "item10", "item9", "côte", "coté", "中文",
         "東京", "한국", "Москва", "Ålesund", "İstanbul", "ıspanak"]
for name in ("de_DE", "sv_SE", "da_DK", "tr_TR", "fr_CA", "ja_JP", "zh_CN", "ko_KR", "ru_RU"):
    collator = QCollator(QLocale(name))
    print(name, sorted(words, key=functools.cmp_to_key(collator.compare)))
    collator.setNumericMode(True)
    print(name, sorted(words, key=functools.cmp_to_key(collator.compare)))
    print(name, QLocale(name).toUpper("istanbul straße"), QLocale(name).toLower("Iİ ΣΑΣ"))
when = QDateTime.fromSecsSinceEpoch(1_750_000_000)
kinds = [QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName, QTimeZone.NameType.OffsetName]
for name in ("en_US", "de_DE", "fr_FR", "ja_JP", "zh_CN", "ru_RU", "pt_BR"):
    for zone in (b"Europe/London", b"Asia/Tokyo", b"America/Sao_Paulo", b"Australia/Adelaide"):
        tz = QTimeZone(zone)
        print(name, zone, [tz.displayName(when, kind, QLocale(name)) for kind in kinds])
print("legacy codecs", QStringDecoder("Shift_JIS").isValid(), QStringDecoder("UTF-8").isValid())
"""


def test_the_bundled_icu_data_answers_qt_as_the_full_data_does(
    bundles: Bundles, home: dict[str, str], tmp_path: Path
) -> None:
    (bundled,) = bundles.scoreboard.rglob("PySide6/Qt/lib/libicudata.so.*")
    (tmp_path / "icu").mkdir()
    (tmp_path / "icu" / bundled.name).symlink_to(bundled)

    def probe(**env: str) -> list[str]:
        command = [sys.executable, "-c", ICU_PROBE]
        done = subprocess.run(command, capture_output=True, text=True, env={**home, **env})
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    full, slim = probe(), probe(LD_LIBRARY_PATH=str(tmp_path / "icu"))
    assert full[-1] == "legacy codecs True True"
    assert slim[-1] == "legacy codecs False True"  # (so the bundled data was the one loaded)
    assert slim[:-1] == full[:-1]
