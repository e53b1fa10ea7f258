"""What every test shares.

- `grid`: the shipped grid, read once per session.
- `root`: the repository's folder.
- `english` (automatic): every test speaks English, in this process and in the commands it starts;
  tests of the French ask for it themselves (`--lang fr`, `set_language("fr")`).
- The suite runs its files in parallel (`make test`: `-n auto --dist loadfile`): a file's tests
  stay in one process, so a module- or session-scoped fixture that builds a dossier (test_pieces'
  `one_pass` and `in_pieces`, test_dossier's `fixture_build` and `shipped_build`, test_export's
  `project`...) builds it once for all the tests of its file. A new test that needs a built
  dossier takes one of those fixtures, or adds a module-scoped one beside its tests, rather than
  building it in the test.
- No process is left behind: when the session ends, any process of the suite's process group
  that is neither pytest nor one of its ancestors (a typesetting process whose build was killed,
  a server a test forgot) fails the run, listed with its command line.
"""

from __future__ import annotations

import os
import sys
import time
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
    themselves. The commands the tests start in subprocesses inherit this locale (`LANGUAGE`, which
    `set_language` sets, is put back as it was after the test)."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LANGUAGE", "en")
    set_language("en")


# -- dossiers built once per session and shared (tests/editions.py) ------------------------------


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The shipped project built as `make dossier` does: the published edition."""
    from editions import build_edition, shipped_project

    project = shipped_project(tmp_path_factory.mktemp("shipped"))
    return build_edition(project, project / "build")


@pytest.fixture(scope="session")
def shipped_review(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The review edition (`build --drafts`) of the shipped project with ten of its monographs
    back to drafts: every monograph of the shipped corpus is published, and a review edition
    printing no draft would be the published one."""
    from editions import build_edition, shipped_project, with_drafts

    project = with_drafts(shipped_project(tmp_path_factory.mktemp("review")), REVIEW_DRAFTS)
    return build_edition(project, project / "build", drafts=True)


REVIEW_DRAFTS = 10


@pytest.fixture(scope="session")
def stress_build(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Sixty poles with long names, apostrophes and every region, thirty of them sharing one SWOT
    theme, one documenting nothing and one everything: a review edition (tests/stress_corpora.py)."""
    from editions import build_edition
    from stress_corpora import stress_project

    project = stress_project(tmp_path_factory.mktemp("stress"))
    return build_edition(project, project / "build")


# -- no process left behind ------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, int] | None:
    """A process's parent and process group."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), int(fields[2])


def processes_left(group: int, keep: set[int]) -> list[str]:
    """The processes of `group` but `keep`, with their command lines."""
    left = []
    for entry in Path("/proc").glob("[0-9]*"):
        pid = int(entry.name)
        stat = _stat(pid)
        if stat is None or stat[1] != group or pid in keep:
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        # A zombie has no command line: its parent is about to collect it. This interpreter's
        # resource tracker (multiprocessing's helper for spawned processes) ends with it.
        tracker = stat[0] == os.getpid() and "multiprocessing.resource_tracker" in command
        if command and not tracker:
            left.append(f"{pid}: {command}")
    return left


def _ancestors() -> set[int]:
    found, pid = set(), os.getpid()
    while pid > 1 and (stat := _stat(pid)) is not None:
        found.add(pid)
        pid = stat[0]
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput") or not Path("/proc/self/stat").exists():
        return  # the parallel run's controller checks, once its workers are gone
    group, keep = os.getpgid(0), _ancestors()
    deadline = time.monotonic() + 10  # processes that watch their parent need a moment to see it gone
    while (left := processes_left(group, keep)) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("processes left behind by the tests:\n  " + "\n  ".join(left), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
