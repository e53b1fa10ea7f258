from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from ptce_mono import Grid, load_grid
from ptce_mono.core.i18n import set_language

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def grid() -> Grid:
    return load_grid(ROOT / "grid" / "grid.yaml")


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite asserts on the messages' English text; tests of the French catalog ask for French
    themselves. The commands the tests start in subprocesses inherit this locale."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    set_language("en")
