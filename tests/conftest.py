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


# -- dossiers built once per session and shared (tests/editions.py) ------------------------------


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The shipped project built as `make dossier` does: the published edition."""
    from editions import build_edition, shipped_project

    project = shipped_project(tmp_path_factory.mktemp("shipped"))
    return build_edition(project, project / "build")


@pytest.fixture(scope="session")
def shipped_review(shipped_build):  # type: ignore[no-untyped-def]
    """The shipped project's review edition (`build --drafts`), beside the published one."""
    from editions import build_edition

    return build_edition(shipped_build.project, shipped_build.project / "build", drafts=True)


@pytest.fixture(scope="session")
def stress_build(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Sixty poles with long names, apostrophes and every region, thirty of them sharing one SWOT
    theme, one documenting nothing and one everything: a review edition (tests/stress_corpora.py)."""
    from editions import build_edition
    from stress_corpora import stress_project

    project = stress_project(tmp_path_factory.mktemp("stress"))
    return build_edition(project, project / "build")
