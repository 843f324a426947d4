"""The ``scoreboard`` command itself, run as a user runs it (a real process)."""

from __future__ import annotations

import os
import subprocess
import sys
from configparser import ConfigParser
from pathlib import Path

TIMEOUT = 60


def scoreboard(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )


def test_help_names_every_option() -> None:
    result = scoreboard("--help")
    assert result.returncode == 0
    for option in ("--url", "--token", "--demo"):
        assert option in result.stdout


def test_it_paints_and_keeps_the_url_but_never_saves_a_token_given_on_the_command_line(
    tmp_path: Path,
) -> None:
    ini = tmp_path / "settings.ini"
    url = ("--url", "ws://127.0.0.1:9", "--token", "t0k3n")
    result = scoreboard("--settings", str(ini), *url, "--quit-after-paint")
    assert result.returncode == 0, result.stderr
    assert "first paint:" in result.stdout
    stored = ConfigParser()
    stored.read(ini)
    assert stored["General"]["url"] == "ws://127.0.0.1:9"
    assert "token" not in stored["General"]
    assert "window" in stored  # geometry kept for the next start
    keyring_file = Path(os.environ["XDG_DATA_HOME"]) / "python_keyring" / "keyring_pass.cfg"
    assert "t0k3n" not in ini.read_text()
    assert not keyring_file.exists() or "t0k3n" not in keyring_file.read_text()


def test_a_list_of_servers_is_kept_first_and_fallbacks_and_a_bad_one_changes_nothing(
    tmp_path: Path,
) -> None:
    ini = tmp_path / "settings.ini"
    urls = "ws://127.0.0.1:9, ws://127.0.0.1:10,wss://example.org"
    result = scoreboard("--settings", str(ini), "--url", urls, "--quit-after-paint")
    assert result.returncode == 0, result.stderr
    stored = ConfigParser()
    stored.read(ini)
    assert stored["General"]["url"] == "ws://127.0.0.1:9"
    assert stored["General"]["fallbacks"] == "ws://127.0.0.1:10, wss://example.org"
    before = ini.read_text()

    bad = scoreboard(
        "--settings", str(ini), "--url", "ws://127.0.0.1:9,ftp://x", "--quit-after-paint"
    )
    assert bad.returncode == 2
    assert "argument --url: server 2 of 2: not a ws:// or wss:// URL: 'ftp://x'" in bad.stderr
    assert ini.read_text() == before  # nothing lost


def test_the_demo_starts_and_quits_cleanly(tmp_path: Path) -> None:
    result = scoreboard("--settings", str(tmp_path / "s.ini"), "--demo", "--quit-after-paint")
    assert result.returncode == 0, result.stderr
    assert "first paint:" in result.stdout
    assert "Traceback" not in result.stderr
