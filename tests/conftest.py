from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from ptce_mono import Grid, load_grid

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def grid() -> Grid:
    return load_grid(ROOT / "grid" / "grid.yaml")


@pytest.fixture
def root() -> Path:
    return ROOT
