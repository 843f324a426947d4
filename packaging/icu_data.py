"""A smaller ICU data library for the scoreboard bundle (Linux): ``slim_icu``.

libQt6Core links ICU, whose data library (``libicudata``, 31 MiB) would be a third
of the bundle. Qt calls ICU for collation (QCollator), time zone IDs and names
(QTimeZone), locale-aware case mapping and legacy (non-UTF) text codecs: those are
the ``ucol_``/``ucal_``/``u_strTo*``/``ucnv_`` symbols libQt6Core imports; Qt formats
numbers and dates from its own CLDR tables. Kept: collation (``coll/``), time zones
(``zone/``, ``zoneinfo64``, ``metaZones``...), normalization, ``root`` and the
supplemental tables. Dropped (``ICU_DROP``): the trees none of those calls read
(break iterators, currencies, language/region/unit names, number spell-out,
transliteration), ICU's own per-locale data (so a time zone's short name in, e.g.,
Arabic comes with Western digits), and the legacy code page tables (``*.cnv``): the
app only decodes UTF-8, which ICU converts without tables.

The data is a symbol (``icudt73_dat``) holding an ICU "common data" package; the
new library exports the subset under the same symbol and soname, made with GNU as
and ld (binutils). ``tests/packaging`` compares collation, case mapping and time
zone names under the bundled data with the full data.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

Entry = tuple[str, str, str]  # (dest, source, typecode): a PyInstaller TOC entry

ICU_DROP = re.compile(
    r"^icudt\d+[lb]/("
    r"(brkitr|curr|lang|rbnf|region|translit|unit)/"  # trees no Qt call reads
    r"|[a-z]{2,3}(_[A-Za-z0-9]+)*\.res$"  # ICU's own locale data (Qt formats with its own)
    r"|[^/]+\.(cnv|spp|cfu)$"  # legacy code pages, string prep, spoof checks
    r")"
)


def slim_icu(binaries: Iterable[Entry], workdir: str) -> list[Entry]:
    """Replace libicudata with one holding only the ICU data Qt reads (``ICU_DROP``)."""
    out: list[Entry] = []
    for dest, source, kind in binaries:
        match = re.search(r"libicudata\.so\.(\d+)$", dest)
        if match is None or kind == "SYMLINK":
            out.append((dest, source, kind))
            continue
        symbol = f"icudt{match[1]}_dat"
        data = _elf_symbol_bytes(Path(source), symbol)
        slim = subset_icu_data(data, ICU_DROP)
        target = Path(workdir) / "icu" / Path(dest).name
        _build_data_library(slim, symbol, target)
        print(f"packaging: ICU data {len(data) / 2**20:.1f} MiB -> {len(slim) / 2**20:.1f} MiB")
        out.append((dest, str(target), kind))
    return out


def subset_icu_data(data: bytes, drop: re.Pattern[str]) -> bytes:
    """An ICU common data package (``CmnD``, little-endian) without the items ``drop`` matches.

    Layout: the data header, then ``count`` and ``count`` (name offset, data offset)
    pairs, both relative to the end of the header, the NUL-terminated names (sorted:
    ICU looks them up by binary search), then the items, each 16-byte aligned.
    """
    (header,) = struct.unpack_from("<H", data, 0)
    if data[2:4] != b"\xda\x27" or data[8] != 0 or data[12:16] != b"CmnD":
        raise ValueError("not a little-endian ICU common data package")
    (count,) = struct.unpack_from("<I", data, header)
    toc = [struct.unpack_from("<II", data, header + 4 + 8 * i) for i in range(count)]
    ends = [offset for _, offset in toc[1:]] + [len(data) - header]
    items = []
    for (name_at, start), end in zip(toc, ends, strict=True):
        raw = data[header + name_at : data.index(b"\0", header + name_at)]
        if not drop.search(raw.decode("ascii")):
            items.append((raw, data[header + start : header + end]))
    names = b"".join(name + b"\0" for name, _ in items)
    table, name_at = bytearray(struct.pack("<I", len(items))), 4 + 8 * len(items)
    body, data_at = bytearray(), _align(name_at + len(names))
    for name, item in items:
        table += struct.pack("<II", name_at, data_at + len(body))
        name_at += len(name) + 1
        body += item + b"\xaa" * (_align(len(item)) - len(item))
    padding = b"\xaa" * (data_at - len(table) - len(names))
    return data[:header] + bytes(table) + names + padding + bytes(body)


def _align(n: int, to: int = 16) -> int:
    return (n + to - 1) // to * to


def _elf_symbol_bytes(path: Path, symbol: str) -> bytes:
    """The bytes of one exported data symbol of a 64-bit little-endian ELF library."""
    elf = path.read_bytes()
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ValueError(f"{path}: not a 64-bit little-endian ELF file")
    (shoff,) = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    for _, kind, _, _, offset, size, link, _, _, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strings = sections[link][4]
        for at in range(offset, offset + size, entsize):
            name_at, _, _, shndx, value, length = struct.unpack_from("<IBBHQQ", elf, at)
            name = elf[strings + name_at : elf.index(b"\0", strings + name_at)]
            if name == symbol.encode():
                addr, file_at = sections[shndx][3], sections[shndx][4]
                start = value - addr + file_at
                return elf[start : start + length]
    raise ValueError(f"{path}: no symbol {symbol}")


def _build_data_library(data: bytes, symbol: str, target: Path) -> None:
    """A shared library exporting ``data`` as ``symbol`` (GNU as and ld, from binutils)."""
    missing = [tool for tool in ("as", "ld") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"packaging: {' and '.join(missing)} not found: install binutils")
    target.parent.mkdir(parents=True, exist_ok=True)
    blob, asm, obj = (target.with_suffix(s) for s in (".dat", ".s", ".o"))
    blob.write_bytes(data)
    asm.write_text(
        f"\t.section .rodata\n\t.balign 16\n\t.globl {symbol}\n\t.type {symbol}, @object\n"
        f'\t.size {symbol}, {len(data)}\n{symbol}:\n\t.incbin "{blob.name}"\n'
        '\t.section .note.GNU-stack,"",@progbits\n'
    )
    for command in (
        ["as", "-o", obj.name, asm.name],
        ["ld", "-shared", f"-soname={target.name}", "-o", target.name, obj.name],
    ):
        subprocess.run(command, check=True, cwd=target.parent)
