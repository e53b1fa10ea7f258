from __future__ import annotations

from ptce_mono import check_paths
from ptce_mono.check.validate import PARALLEL_THRESHOLD

from monograph_factory import monograph_text, write_project


def test_parallel_check_gives_the_same_result_as_serial(tmp_path, grid):
    files = {f"monographs/p{i:03d}.md": monograph_text(f"p{i:03d}") for i in range(PARALLEL_THRESHOLD + 10)}
    files["monographs/p007.md"] = files["monographs/p007.md"].replace("carrier:", "carier:")
    write_project(tmp_path, files)
    serial = check_paths([tmp_path / "monographs"], grid, root=tmp_path, jobs=1)
    parallel = check_paths([tmp_path / "monographs"], grid, root=tmp_path, jobs=2)
    assert [m.path for m in parallel.monographs] == [m.path for m in serial.monographs]
    assert parallel.problems == serial.problems
    assert {p.path for p in parallel.problems if p.code == "unknown-field"} == {"monographs/p007.md"}
