"""The ICU data subset of packaging/icu_data.py, on the ICU data the venv's PySide6 ships."""

from __future__ import annotations

import importlib.util
import re
import struct
from pathlib import Path
from types import ModuleType

import pytest
from PySide6 import __file__ as pyside_init

from tests.packaging.conftest import REPO


def load_icu_data() -> ModuleType:
    """``packaging/icu_data.py`` (``packaging/`` is a folder of build scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("icu_data", REPO / "packaging" / "icu_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


icu_data = load_icu_data()
LIBRARIES = sorted((Path(pyside_init).parent / "Qt" / "lib").glob("libicudata.so.*"))


def item_names(data: bytes) -> list[str]:
    (header,) = struct.unpack_from("<H", data, 0)
    (count,) = struct.unpack_from("<I", data, header)
    names = []
    for i in range(count):
        (at,) = struct.unpack_from("<I", data, header + 4 + 8 * i)
        names.append(data[header + at : data.index(b"\0", header + at)].decode())
    return names


@pytest.fixture(scope="module")
def full() -> bytes:
    if not LIBRARIES:
        pytest.skip("this PySide6 ships no ICU data library")
    version = LIBRARIES[0].name.rsplit(".", 1)[-1]
    data: bytes = icu_data._elf_symbol_bytes(LIBRARIES[0], f"icudt{version}_dat")
    return data


def test_dropping_nothing_gives_back_the_same_bytes(full: bytes) -> None:
    nothing = re.compile(r"(?!)")
    assert icu_data.subset_icu_data(full, nothing) == full


def test_the_subset_keeps_collation_and_time_zones_and_drops_the_rest(full: bytes) -> None:
    slim = icu_data.subset_icu_data(full, icu_data.ICU_DROP)
    names = item_names(slim)
    assert names == sorted(names)  # ICU finds items by binary search
    prefix = names[0].split("/")[0]
    for kept in ("coll/root.res", "coll/de.res", "zone/fr.res", "zoneinfo64.res", "root.res"):
        assert f"{prefix}/{kept}" in names
    assert not any(icu_data.ICU_DROP.search(name) for name in names)
    assert not any(name.endswith(".cnv") or "/brkitr/" in name for name in names)
    assert len(slim) < len(full) / 3
