"""The cluster of deploy/cluster.py, started as a newcomer would (ports picked free)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cluster_script import ClusterScript


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[ClusterScript]:
    script = ClusterScript(tmp_path / "store").start()
    try:
        yield script
    finally:
        script.stop()
