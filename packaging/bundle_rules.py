"""What goes into the PyInstaller bundles and what stays out; imported by the ``*.spec`` files.

The specs (``scoreboard.spec``, ``broadcaster.spec``) put this folder on ``sys.path``.
Everything here works on PyInstaller's TOC entries: ``(name inside the bundle,
source path, type)`` tuples, after ``Analysis`` and before the bundle is written.

Scoreboard: the app imports QtCore, QtGui and QtWidgets only, draws with the raster
engine (no OpenGL, no Qt Quick) and its one image is an SVG icon. So only the Qt
plugins in ``QT_PLUGINS`` are kept. On Linux every shared library that no kept
plugin or Python extension links is dropped too (``ldd``): the unused Qt libraries,
and the host libraries only dropped plugins needed (the GTK platform theme alone
pulls in atk, cairo, pango and gdk-pixbuf); and ICU's data is cut down
(``icu_data.py``). Qt's translations are dropped: the app installs no
``QTranslator``, so Qt never loads them.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

Entry = tuple[str, str, str]  # (dest, source, typecode): a PyInstaller TOC entry

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
LINUX = sys.platform.startswith("linux")

# Qt plugins the scoreboard keeps: "folder/file name without lib prefix and extension".
QT_PLUGINS = {
    "platforms/q(xcb|wayland[\\w-]*|offscreen|windows|cocoa)": (
        "windows on X11, Wayland, Windows, macOS, and with no screen at all (tests, CI)"
    ),
    "wayland-shell-integration/xdg-shell": "Wayland: without it no toplevel window shows",
    "wayland-decoration-client/(bradient|adwaita)": "Wayland: title bars drawn by the app",
    "iconengines/qsvgicon": "the window icon is an SVG",
    "imageformats/qsvg": "SVG images",
    "platforminputcontexts/(compose|ibus)platforminputcontextplugin": "compose keys, IBus",
    "styles/\\w+": "native widget styles (Windows, macOS)",
}
# Checked at build time: the build fails if one is missing.
REQUIRED_PLATFORMS = {
    "linux": ("qxcb", "qwayland", "qoffscreen"),
    "win32": ("qwindows", "qoffscreen"),
    "darwin": ("qcocoa", "qoffscreen"),
}

# Python packages the scoreboard never imports (qasync probes the other Qt bindings).
SCOREBOARD_EXCLUDES = [
    "tkinter",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "PySide6.QtNetwork",
    "PySide6.QtOpenGL",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtSvg",
    "PySide6.QtDBus",
    "prompt_toolkit",  # the operator console's
    "yaml",  # the Cricsheet importer's (msgspec.yaml probes it)
    "websockets.cli",  # (it pulls in readline)
    "websockets.legacy",
    "websockets.sync",
    "websockets.trio",
    # keyring's Secret Service backend (SecretStorage) needs cryptography: 11 MB, past the
    # 100 MB target. The standalone scoreboard takes the feed token per run (--token) or from
    # a keyring backend that needs no cryptography; the source install keeps it in the keyring.
    *("cryptography", "secretstorage", "jeepney"),
    # CJK codecs (~1 MB): the app reads and writes UTF-8 only.
    *("_codecs_cn", "_codecs_hk", "_codecs_iso2022", "_codecs_jp", "_codecs_kr", "_codecs_tw"),
    "_multibytecodec",
]
# The broadcaster has no GUI at all: no Qt may reach its bundle (checked).
BROADCASTER_EXCLUDES = ["tkinter", "PySide6", "shiboken6", "qasync", "desktop"]
QT_MARKERS = re.compile(
    r"(^|/)(PySide6|shiboken6|PyQt\d|qasync|desktop)(/|$)|(lib)?Qt\d?[A-Z]\w*\.(so|dll|dylib)"
    r"|libpyside|libshiboken"
)

_PLUGIN = re.compile(r"PySide6/(Qt/)?plugins/(?P<plugin>.+)$")
_KEEP_PLUGIN = re.compile(
    "|".join(f"(?:{k.replace('/', '/(lib)?', 1)}\\.(so|dll|dylib))" for k in QT_PLUGINS)
)
_TRANSLATION = re.compile(r"PySide6/(Qt/)?translations/")
_EXTENSION = re.compile(r"\.(cpython-\d+[^/]*\.so|abi3\.so|pyd)$")


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        version = tomllib.load(f)["project"]["version"]
    assert isinstance(version, str)
    return version


def version_metadata(workdir: str) -> list[tuple[str, str]]:
    """``scorecast-X.dist-info`` from pyproject.toml, so ``--version`` works frozen.

    Written here rather than copied from the installed project, whose metadata may
    be stale (an old ``*.egg-info`` in the tree) or absent (a tree never installed).
    """
    version = project_version()
    folder = Path(workdir) / "metadata" / f"scorecast-{version}.dist-info"
    folder.mkdir(parents=True, exist_ok=True)
    text = f"Metadata-Version: 2.1\nName: scorecast\nVersion: {version}\n"
    (folder / "METADATA").write_text(text, encoding="utf-8")
    return [(str(folder), folder.name)]


def drop_other_metadata(datas: Iterable[Entry]) -> list[Entry]:
    """PyInstaller also collects whatever scorecast metadata it finds (an old egg-info)."""
    ours = f"scorecast-{project_version()}.dist-info/"
    other = re.compile(r"^scorecast[-.][^/]*(dist|egg)-info/")
    return [d for d in datas if not other.match(_dest(d)) or _dest(d).startswith(ours)]


def resource_datas() -> list[tuple[str, str]]:
    """``resources/`` (icons, themes, demo feeds) for ``Analysis(datas=...)``."""
    folders = [p for p in sorted(RESOURCES.iterdir()) if p.is_dir()]
    if not folders:
        sys.exit(f"packaging: no resources in {RESOURCES}")
    return [(str(p), f"resources/{p.name}") for p in folders]


def _dest(entry: Entry) -> str:
    return entry[0].replace("\\", "/")


def plugin_of(entry: Entry) -> str | None:
    """``platforms/libqxcb.so`` for a Qt plugin, else None."""
    match = _PLUGIN.search(_dest(entry))
    return match["plugin"] if match else None


@cache
def _linked(path: str) -> frozenset[str]:
    """File names of every library ``path`` loads (ldd: the whole closure)."""
    out = subprocess.run(["ldd", path], capture_output=True, text=True, check=False).stdout
    return frozenset(line.split()[0].rsplit("/", 1)[-1] for line in out.splitlines() if line)


def slim_qt(binaries: Iterable[Entry], datas: Iterable[Entry]) -> tuple[list[Entry], list[Entry]]:
    """Keep only ``QT_PLUGINS``; on Linux only the libraries something kept links."""
    binaries, datas = list(binaries), list(datas)
    plugins = [b for b in binaries if (p := plugin_of(b)) and _KEEP_PLUGIN.fullmatch(p)]
    kept = [b for b in binaries if plugin_of(b) is None or b in plugins]
    if LINUX:
        needed: set[str] = set()
        for _, source, _ in plugins + [b for b in kept if _EXTENSION.search(_dest(b))]:
            needed |= _linked(source)
        kept = [b for b in kept if b in plugins or _needed(b, needed)]
    datas = [d for d in datas if not _TRANSLATION.search(_dest(d)) and plugin_of(d) is None]
    kept, datas = _drop_dangling_links(kept, datas)
    print(
        f"packaging: kept {len(plugins)} Qt plugins; dropped {len(binaries) - len(kept)} binaries"
    )
    return kept, datas


def _needed(entry: Entry, needed: set[str]) -> bool:
    """Python extensions; libpython (the bootloader loads it); what ldd says is linked."""
    name = _dest(entry).rsplit("/", 1)[-1]
    return bool(_EXTENSION.search(name)) or name.startswith("libpython") or name in needed


def _drop_dangling_links(binaries: list[Entry], datas: list[Entry]) -> tuple[list[Entry], ...]:
    """PyInstaller links top-level ``libQt6X.so.6`` to ``PySide6/Qt/lib/``: drop orphans."""
    files = {_dest(e) for e in (*binaries, *datas) if e[2] != "SYMLINK"}

    def alive(entry: Entry) -> bool:
        if entry[2] != "SYMLINK":
            return True
        folder = _dest(entry).rpartition("/")[0]
        return posixpath.normpath(posixpath.join(folder, entry[1].replace("\\", "/"))) in files

    return [b for b in binaries if alive(b)], [d for d in datas if alive(d)]


def check_scoreboard(binaries: Iterable[Entry], datas: Iterable[Entry]) -> None:
    """Fail the build when a platform plugin, the SVG icon engine or a resource is missing."""
    plugins = {p for b in binaries if (p := plugin_of(b))}
    platforms = {
        re.sub(r"^lib", "", p.split("/")[1]) for p in plugins if p.startswith("platforms/")
    }
    wanted = REQUIRED_PLATFORMS.get(sys.platform, ("qoffscreen",))
    problems = [
        f"missing Qt platform plugin {want}"
        for want in wanted
        if not any(p.startswith(want) for p in platforms)
    ]
    if not any(p.startswith("iconengines/") and "qsvgicon" in p for p in plugins):
        problems.append("missing the SVG icon engine (the window icon is an SVG)")
    dests = {_dest(d) for d in datas}
    for want in ("resources/icons/scoreboard.svg", "resources/themes/light.json"):
        if want not in dests:
            problems.append(f"missing {want}")
    if not any(d.startswith("resources/feeds/") and d.endswith(".jsonl") for d in dests):
        problems.append("no demo feeds (resources/feeds/*.jsonl)")
    if problems:
        sys.exit("packaging: the scoreboard bundle is incomplete: " + "; ".join(problems))
    print("packaging: Qt platform plugins: " + ", ".join(sorted(platforms)))


def check_no_qt(*tocs: Iterable[Entry]) -> None:
    """Fail the build when anything of Qt made it into the broadcaster."""
    names = {_dest(e) for toc in tocs for e in toc}
    found = sorted(n for n in names if QT_MARKERS.search(n) or QT_MARKERS.search(_as_path(n)))
    if found:
        sys.exit("packaging: Qt in the broadcaster bundle: " + ", ".join(found[:10]))


def _as_path(module: str) -> str:
    """``PySide6.QtCore`` (a module in the TOC) as ``PySide6/QtCore``."""
    return module.replace(".", "/")
