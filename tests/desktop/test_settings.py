"""Settings: QSettings for everything but the feed token, which lives in a keyring (a real
file-backed one in a temp dir here); the Settings dialog checks before it takes anything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop.autostart import autostart_path
from desktop.settings import SERVICE, TOKEN_USER, Settings, open_store
from desktop.ui.main_window import MainWindow
from desktop.ui.settings_dialog import SettingsDialog
from tests.desktop.conftest import WAIT_MS, Runner
from tests.desktop.test_live import card_for, start_game
from tests.helpers.proc import BroadcasterProcess


def test_everything_persists_and_the_token_lands_in_the_keyring_not_the_file(
    tmp_path: Path, test_keyring: KeyringBackend
) -> None:
    ini = tmp_path / "s.ini"
    chosen = Settings(
        url="ws://a:1",
        fallbacks=["wss://b:2"],
        token="s3cret-token",
        favourites=["France"],
        theme="system",
        notify=False,
        muted=["period"],
        delay=45,
        start_in_tray=True,
        close_to_tray=True,
    )
    assert chosen.save(open_store(str(ini)), test_keyring) == ""
    assert "s3cret-token" not in ini.read_text()
    assert test_keyring.get_password(SERVICE, TOKEN_USER) == "s3cret-token"
    again = Settings.load(open_store(str(ini)), test_keyring)
    assert again == chosen


def test_a_token_an_older_version_left_in_the_file_moves_to_the_keyring(
    tmp_path: Path, test_keyring: KeyringBackend
) -> None:
    ini = tmp_path / "s.ini"
    ini.write_text("[General]\ntoken=old-plain-token\n")
    settings = Settings.load(open_store(str(ini)), test_keyring)
    assert settings.token == "old-plain-token"
    assert settings.save(open_store(str(ini)), test_keyring) == ""
    assert "old-plain-token" not in ini.read_text()
    assert test_keyring.get_password(SERVICE, TOKEN_USER) == "old-plain-token"


def test_with_no_keyring_the_save_says_so_and_loses_nothing(tmp_path: Path) -> None:
    ini = tmp_path / "s.ini"
    ini.write_text("[General]\ntoken=old-plain-token\n")
    settings = Settings.load(open_store(str(ini)), NoKeyring())
    settings.favourites = ["France"]
    problem = settings.save(open_store(str(ini)), NoKeyring())
    assert problem.startswith("The feed token could not be kept in the system keyring")
    kept = QSettings(str(ini), QSettings.Format.IniFormat)
    assert kept.value("token") == "old-plain-token"  # not dropped, not rewritten
    assert Settings.load(kept, NoKeyring()).favourites == ["France"]


def test_ill_typed_values_get_their_defaults(tmp_path: Path, test_keyring: KeyringBackend) -> None:
    ini = tmp_path / "s.ini"
    ini.write_text("[General]\ntheme=neon\ndelay=soon\nnotify\\on=false\n")
    settings = Settings.load(open_store(str(ini)), test_keyring)
    assert (settings.theme, settings.delay, settings.notify) == ("light", 0, False)


def fill(dialog: SettingsDialog, servers: str, token: str = "") -> None:
    dialog.servers.setPlainText(servers)
    dialog.token.setText(token)


def press_ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_dialog_refuses_a_bad_server_saying_why_and_keeps_what_was_typed(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window("ws://127.0.0.1:9")
    dialog = window.open_settings()
    fill(dialog, "http://example.org\nws://ok:1", "tok")
    press_ok(dialog)
    assert dialog.isVisible()
    assert dialog.error.text() == "⚠ Servers: not a ws:// or wss:// URL: 'http://example.org'"
    assert dialog.servers.toPlainText() == "http://example.org\nws://ok:1"
    assert window.settings.url == Settings().url
    fill(dialog, "ws://ok:1", "two words")
    press_ok(dialog)
    assert dialog.error.text() == "⚠ Feed token: a token has no spaces, tabs or line breaks"
    dialog.reject()


def test_the_dialog_moves_the_app_to_another_broadcaster_and_the_change_is_saved(
    broadcaster: BroadcasterProcess,
    make_window: Callable[..., MainWindow],
    run: Runner,
    qtbot: Any,
) -> None:
    window = make_window("ws://127.0.0.1:9")  # nothing listens there
    saved: list[Settings] = []
    window.settings_changed.connect(lambda: saved.append(window.settings))
    dialog = window.open_settings()
    fill(dialog, broadcaster.url)
    dialog.delay.setValue(30)
    dialog.kinds["period"].setChecked(False)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    press_ok(dialog)
    qtbot.waitUntil(lambda: bool(saved), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.client.status.phase == "connected", timeout=WAIT_MS)
    assert window.client.status.url == f"{broadcaster.url}/feed"
    assert (window.settings.delay, window.client.delay, window.settings.muted) == (
        30,
        30,
        ["period"],
    )
    start_game(run, broadcaster.publish)
    window.set_delay(0)  # (the game was held back 30 s)
    card_for(window, "Boston Celtics 0, Los Angeles Lakers 0", qtbot)
    assert "period" not in window.alerts.notifier.kinds
    assert window.settings.theme == "dark"
    window.set_theme("light")


def test_while_the_first_server_does_not_answer_the_next_one_is_used(
    broadcaster: BroadcasterProcess,
    make_window: Callable[..., MainWindow],
    run: Runner,
    qtbot: Any,
) -> None:
    window = make_window("ws://127.0.0.1:9")
    window.client.start("ws://127.0.0.1:9", None, [broadcaster.url])
    start_game(run, broadcaster.publish)
    card_for(window, "Boston Celtics 0, Los Angeles Lakers 0", qtbot)
    assert window.client.status.url == f"{broadcaster.url}/feed"


def test_each_favourite_chooses_what_it_is_told_of_in_the_dialog_and_that_is_kept(
    make_window: Callable[..., MainWindow], tmp_path: Path, test_keyring: KeyringBackend
) -> None:
    window = make_window("ws://127.0.0.1:9")
    window.settings.favourites = ["France"]
    dialog = window.open_settings()
    table = dialog.favourites.table
    assert table.item(0, 0).text() == "France"
    scores = table.item(0, 1)
    assert scores.data(Qt.ItemDataRole.AccessibleTextRole) == "Scores for France"
    scores.setCheckState(Qt.CheckState.Unchecked)
    dialog.favourites.add("Croatia", [])
    dialog.favourites.add("  ", [])  # a blank row is dropped
    press_ok(dialog)
    assert window.settings.favourites == ["Croatia", "France"]
    assert window.settings.muted_for == {"France": ["score"]}
    assert window.alerts.notifier.muted_for == {"France": {"score"}}
    ini = tmp_path / "s.ini"
    window.settings.save(open_store(str(ini)), test_keyring)
    assert Settings.load(open_store(str(ini)), test_keyring).muted_for == {"France": ["score"]}
    ini.write_text("[notify]\nper_favourite=not json\n")
    assert Settings.load(open_store(str(ini)), test_keyring).muted_for == {}


def test_start_at_login_writes_and_removes_a_desktop_entry_and_says_when_it_cannot(
    make_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    window = make_window("ws://127.0.0.1:9")
    entry = autostart_path()
    assert entry.is_relative_to(tmp_path)  # never the user's own folder
    dialog = window.open_settings()
    assert not dialog.at_login.isChecked()
    dialog.at_login.setChecked(True)
    press_ok(dialog)
    text = entry.read_text()
    assert "[Desktop Entry]" in text and "Exec=" in text and "-m desktop" in text
    dialog = window.open_settings()
    assert dialog.at_login.isChecked()
    dialog.at_login.setChecked(False)
    press_ok(dialog)
    assert not entry.exists()

    entry.parent.rmdir()
    entry.parent.write_text("a file where the autostart folder should be")
    dialog = window.open_settings()
    dialog.at_login.setChecked(True)
    press_ok(dialog)
    assert dialog.isVisible()  # nothing lost: the dialog stays, saying why
    assert dialog.error.text().startswith("⚠ Start at login could not be set")
    dialog.reject()
