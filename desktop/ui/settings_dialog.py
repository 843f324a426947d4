"""The Settings dialog: servers, feed token, favourites (and what each is told of),
notifications, delay, theme, tray.

It edits a copy; OK checks every field first and, when one is wrong, says which and why
beside the buttons and keeps the dialog open with everything typed (nothing is lost).
The token goes to the system keyring when the settings are saved, never to QSettings.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.autostart import set_start_at_login, starts_at_login
from desktop.feed.connection import feed_url
from desktop.notify.rules import KIND_NAMES, KINDS
from desktop.settings import MAX_DELAY, THEMES, Settings
from desktop.ui.favourites_table import FavouritesTable


def lines(edit: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


def check_servers(urls: list[str]) -> str:
    """Why these servers cannot be used ("" when they can)."""
    if not urls:
        return "Servers: give at least one broadcaster, e.g. ws://127.0.0.1:8765"
    for url in urls:
        try:
            feed_url(url)
        except ValueError as exc:
            return f"Servers: {exc}"
    return ""


def check_token(token: str) -> str:
    if any(c.isspace() or ord(c) < 32 for c in token):
        return "Feed token: a token has no spaces, tabs or line breaks"
    return ""


class SettingsDialog(QDialog):
    """Edits a copy of ``settings``; after OK, ``chosen`` holds the new settings."""

    def __init__(
        self, settings: Settings, run_token: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settings")
        self.setWindowTitle("Settings")
        self.original = settings
        self.chosen: Settings | None = None
        form = QFormLayout()
        self.servers = self._text("Servers", "\n".join(settings.urls), 3)
        form.addRow("&Servers (one per line, tried in turn):", self.servers)
        self.token = QLineEdit(settings.token, self)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName("Feed token")
        hint = "kept in the system keyring"
        if run_token:
            hint += "; the --token of this run is used until you restart, and is not saved"
        self.token.setPlaceholderText("none")
        self.token.setToolTip(hint)
        form.addRow("Feed &token:", self.token)
        form.addRow("", self._note(hint))
        self.favourites = FavouritesTable(settings.favourites, settings.muted_for, self)
        form.addRow("Favourites and what\neach one is told of:", self.favourites)
        self.notify = QCheckBox("&Notify me about favourites", self)
        self.notify.setChecked(settings.notify)
        form.addRow(self.notify)
        self.kinds: dict[str, QCheckBox] = {}
        row = QHBoxLayout()
        for kind in KINDS:
            box = QCheckBox(KIND_NAMES[kind], self)
            box.setChecked(kind not in settings.muted)
            self.notify.toggled.connect(box.setEnabled)
            box.setEnabled(settings.notify)
            self.kinds[kind] = box
            row.addWidget(box)
        row.addStretch(1)
        form.addRow("For everyone:", row)
        self.delay = QSpinBox(self)
        self.delay.setRange(0, MAX_DELAY)
        self.delay.setSuffix(" s")
        self.delay.setValue(settings.delay)
        self.delay.setAccessibleName("Spoiler delay in seconds")
        form.addRow("Spoiler &delay (match a TV stream):", self.delay)
        self.theme = QComboBox(self)
        self.theme.setAccessibleName("Theme")
        for name in THEMES:
            label = "Follow the system" if name == "system" else name.capitalize()
            self.theme.addItem(label, name)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        form.addRow("T&heme:", self.theme)
        self.start_in_tray = QCheckBox("Start in the &tray (no window)", self)
        self.start_in_tray.setChecked(settings.start_in_tray)
        form.addRow(self.start_in_tray)
        self.close_to_tray = QCheckBox("&Closing the window keeps scores in the tray", self)
        self.close_to_tray.setChecked(settings.close_to_tray)
        form.addRow(self.close_to_tray)
        self.at_login = QCheckBox("Start at &login (a desktop entry in ~/.config/autostart)", self)
        self.at_login.setChecked(starts_at_login())
        form.addRow(self.at_login)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problem")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _text(self, name: str, text: str, rows: int) -> QPlainTextEdit:
        edit = QPlainTextEdit(text, self)
        edit.setAccessibleName(name)
        edit.setTabChangesFocus(True)  # every control reachable by keyboard
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * rows + 12)
        return edit

    def _note(self, text: str) -> QLabel:
        note = QLabel(text, self)
        note.setWordWrap(True)
        note.setEnabled(False)  # drawn muted: a hint
        return note

    def problem(self) -> str:
        """What is wrong with the fields ("" when nothing)."""
        return check_servers(lines(self.servers)) or check_token(self.token.text().strip())

    def accept(self) -> None:
        problem = self.problem()
        if not problem and self.at_login.isChecked() != starts_at_login():
            problem = set_start_at_login(self.at_login.isChecked())
        if problem:
            self.error.setText(f"⚠ {problem}")
            self.error.show()
            return
        urls = lines(self.servers)
        favourites, muted_for = self.favourites.chosen()
        self.chosen = replace(
            self.original,
            url=urls[0],
            fallbacks=urls[1:],
            token=self.token.text().strip(),
            favourites=favourites,
            muted_for=muted_for,
            notify=self.notify.isChecked(),
            muted=[k for k, box in self.kinds.items() if not box.isChecked()],
            delay=self.delay.value(),
            theme=str(self.theme.currentData()),
            start_in_tray=self.start_in_tray.isChecked(),
            close_to_tray=self.close_to_tray.isChecked(),
        )
        super().accept()
