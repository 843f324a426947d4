"""Screenshots of living with the scoreboard: the Settings dialog, the ticker, the tray menu and
a notification, from the real app playing the demo feeds; or (``--scale``) the main window at a
high-DPI scale. Needs a real X server with a window manager and a system tray:

    xvfb-run -a -s "-screen 0 1280x800x24" sh -c 'openbox & \
        trayer --edge bottom --align right --widthtype request --height 28 & sleep 1; \
        .venv/bin/python bench/desktop_life_screenshots.py'
    QT_SCALE_FACTOR=2 xvfb-run -a -s "-screen 0 2600x1700x24" \
        .venv/bin/python bench/desktop_life_screenshots.py --scale 2
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import qasync
from desktop_screenshots import demo_window, save  # (bench/ is on the path of a bench script)
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication

from desktop.settings import Settings


async def until(condition: object, seconds: float) -> bool:
    for _ in range(int(seconds * 10)):
        if callable(condition) and condition():
            return True
        await asyncio.sleep(0.1)
    return False


async def shoot(app: QApplication, out: Path, seconds: float, scale: str) -> None:
    client, window, demo = await demo_window(Settings(close_to_tray=True), 1100, 680)
    try:
        await asyncio.sleep(seconds)
        if scale:  # the window, the dialog and the ticker at a high-DPI scale
            save(window, out / f"scoreboard-scale-{scale}.png")
            dialog = window.open_settings()
            await asyncio.sleep(0.8)
            save(dialog, out / f"settings-dialog-scale-{scale}.png")
            dialog.reject()
            ticker = window.show_ticker()
            await asyncio.sleep(1.0)
            save(ticker, out / f"ticker-scale-{scale}.png")
            return
        live = [g for g in window.games.games() if g.status == "live"]
        teams = sorted({name for g in live[:3] for name in (g.home.name, g.away.name)})
        window.apply_settings(Settings(**{**window.settings.__dict__, "favourites": teams}))
        await asyncio.sleep(1.5)
        dialog = window.open_settings()
        await asyncio.sleep(0.8)
        save(dialog, out / "settings-dialog.png")
        dialog.reject()
        ticker = window.show_ticker()
        ticker.move(window.x() + 40, window.y() + window.height() - 60)
        await asyncio.sleep(1.0)
        save(ticker, out / "ticker.png")
        ticker.set_mode("favourites")
        ticker.resize(1100, 32)
        await asyncio.sleep(1.2)
        save(ticker, out / "ticker-favourites.png")
        window.tray.refresh()
        geometry = window.tray.geometry()
        print(f"tray icon at {geometry.x()},{geometry.y()} visible={window.tray.isVisible()}")
        window.tray.menu.popup(QPoint(max(0, geometry.x() - 500), max(0, geometry.y() - 300)))
        await asyncio.sleep(0.8)
        save(window.tray.menu, out / "tray-menu.png")
        app.primaryScreen().grabWindow(0).save(str(out / "tray-menu-screen.png"))
        window.tray.menu.hide()
        told = len(window.alerts.sent)
        if await until(lambda: len(window.alerts.sent) > told, 90):
            await asyncio.sleep(1.0)  # the balloon is up
            app.primaryScreen().grabWindow(0).save(str(out / "notification.png"))
            print(f"notification: {window.alerts.sent[-1]}")
        else:
            print("no notification came")
    finally:
        window.show_ticker(False)
        await client.stop()
        await demo.stop()
        window.quit()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--scale", default="", help="shoot only the main window, named for this scale")
    a = p.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Scoreboard")
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(shoot(app, a.out, a.seconds, a.scale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
