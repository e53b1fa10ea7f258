"""`make bench`: runs each scenario several times and prints medians side by side.

Scenarios are added here as the pipeline grows; results go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402

BIN = Path(sys.executable).parent


@dataclass
class Result:
    scenario: str
    runs: list[float]
    peak_mib: float
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def timed_command(args: list[str], cwd: Path, runs: int) -> tuple[list[float], float]:
    """Wall times of `runs` executions and the peak RSS of the largest child, in MiB."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, cwd=cwd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return times, peak_kib / 1024


def bench_check(work: Path, runs: int) -> list[Result]:
    project = write_corpus(work / "check-1000", 1000)
    results = []
    times, peak = timed_command([str(BIN / "ptce-mono"), "check", "--quiet", "monographs"], project, runs)
    results.append(Result("check, 1,000 monographs (CLI, wall)", times, peak, "target <= 2 s"))

    from ptce_mono import check_paths, load_grid

    grid = load_grid(Path.cwd() / "grid" / "grid.yaml")
    lib_times = []
    for _ in range(runs):
        start = time.perf_counter()
        check_paths([project / "monographs"], grid, root=project, keep_text=False)
        lib_times.append(time.perf_counter() - start)
    results.append(
        Result(
            "check, 1,000 monographs (library call)",
            lib_times,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        )
    )
    return results


SCENARIOS: dict[str, Callable[[Path, int], list[Result]]] = {"check": bench_check}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS))
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="ptce-bench-") as tmp:
        results = [r for name in args.scenarios for r in SCENARIOS[name](Path(tmp), args.runs)]
    width = max(len(r.scenario) for r in results)
    print(f"{'scenario'.ljust(width)}  median s   min s   max s  peak MiB  note")
    for r in results:
        print(
            f"{r.scenario.ljust(width)}  {r.median:8.3f} {min(r.runs):7.3f} {max(r.runs):7.3f} "
            f"{r.peak_mib:9.0f}  {r.note}"
        )


if __name__ == "__main__":
    main()
