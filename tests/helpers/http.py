"""Plain HTTP GETs against the broadcaster's /healthz and /metrics."""

from __future__ import annotations

import asyncio
import re
import urllib.error
import urllib.request


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode()


async def aget(url: str) -> tuple[int, str]:
    return await asyncio.to_thread(get, url)


def metric(text: str, name: str) -> float:
    """The value of one unlabelled sample in Prometheus text."""
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    if match is None:
        raise AssertionError(f"no metric {name} in:\n{text}")
    return float(match[1])
