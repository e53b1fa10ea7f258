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


_PEAK_PROBE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
    "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def timed_command(args: list[str], cwd: Path, runs: int) -> tuple[list[float], float]:
    """Wall times of `runs` executions, and the peak RSS (MiB) of the largest process of one more
    run, measured in a fresh parent so that earlier scenarios do not count."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, cwd=cwd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    probe = subprocess.run(
        [sys.executable, "-c", _PEAK_PROBE, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    peak_kib = int(probe.stdout.strip() or 0)
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


def concatenated_markdown(project: Path) -> str:
    """The monographs' text without front matter: the baseline's input."""
    parts = []
    for path in sorted((project / "monographs").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        body = text.split("---\n", 2)[2] if text.startswith("---\n") else text
        body = body.replace("\n## ", "\n### ").replace("::: lacune", "").replace(":::", "")
        parts.append(f"# {path.stem}\n\n{body}")
    return "\n\n".join(parts)


def pandoc_baseline(project: Path, work: Path, runs: int) -> tuple[list[float], float]:
    import pypandoc

    source = work / "baseline.md"
    source.write_text(concatenated_markdown(project), encoding="utf-8")
    pandoc = pypandoc.get_pandoc_path()
    env_path = f"{BIN}:{os.environ.get('PATH', '')}"  # pandoc runs the venv's weasyprint
    args = [
        "env",
        f"PATH={env_path}",
        pandoc,
        str(source),
        "-o",
        str(work / "baseline.pdf"),
        "--pdf-engine=weasyprint",
        "--toc",
        "--metadata",
        "title=Baseline",
        "--metadata",
        "lang=fr",
    ]
    return timed_command(args, work, runs)


def _shell(command: str) -> list[str]:
    return ["sh", "-c", command]


def bench_build(work: Path, runs: int) -> list[Result]:
    """The shipped corpus from scratch (no cache), against pandoc on the same Markdown."""
    project = Path.cwd()
    out = work / "build-shipped"
    build = f"rm -rf {out} && {BIN / 'ptce-mono'} build --quiet --project {project} --out {out}"
    build_times, build_peak = timed_command(_shell(build), project, runs)
    base_times, base_peak = pandoc_baseline(project, work, runs)
    ratio = statistics.median(build_times) / statistics.median(base_times)
    return [
        Result("build, shipped corpus, no cache", build_times, build_peak, f"ratio to pandoc {ratio:.2f}"),
        Result("baseline: pandoc --pdf-engine=weasyprint --toc", base_times, base_peak, "same Markdown"),
    ]


def _settings(project: Path) -> None:
    (project / "dossier.yaml").write_text(
        "title: Banc d’essai\nperiod: 2013-2014\npublisher: Banc d’essai\nfooter: Banc d’essai\n",
        encoding="utf-8",
    )


EDIT = (
    "import pathlib, sys; p = pathlib.Path(sys.argv[1]); t = p.read_text(encoding='utf-8'); "
    "p.write_text(t.replace('## Genèse', '## Genèse\\n\\nUne phrase de plus.', 1) "
    "if 'Une phrase de plus' not in t else t.replace('\\n\\nUne phrase de plus.', '', 1), encoding='utf-8')"
)


def bench_large(work: Path, runs: int) -> list[Result]:
    """64 generated poles (about 400 pages): in pieces, in one pass, after one edit, unchanged."""
    project = write_corpus(work / "large-64", 64, paragraphs=2)
    _settings(project)
    ptce = BIN / "ptce-mono"
    pieces = f"rm -rf build && {ptce} build --quiet"
    one_pass = f"rm -rf one-pass && {ptce} build --quiet --single-pass --out one-pass"
    edited = project / "monographs" / "pole-synthetique-0031.md"
    edit = f'{sys.executable} -c "{EDIT}" {edited} && {ptce} build --quiet'
    piece_times, piece_peak = timed_command(_shell(pieces), project, runs)
    pages = _pages(project / "build" / "dossier.pdf")
    single_times, single_peak = timed_command(_shell(one_pass), project, runs)
    edit_times, edit_peak = timed_command(_shell(edit), project, runs)
    same_times, same_peak = timed_command([str(ptce), "build", "--quiet"], project, runs)
    full = statistics.median(piece_times)
    return [
        Result(
            f"64 poles, {pages} pages, in pieces ({os.cpu_count()} jobs), no cache",
            piece_times,
            piece_peak,
            f"{statistics.median(single_times) / full:.2f}x faster than one pass",
        ),
        Result("64 poles, one pass (--single-pass)", single_times, single_peak, "baseline"),
        Result(
            "64 poles, one monograph edited",
            edit_times,
            edit_peak,
            f"{statistics.median(edit_times) / full:.0%} of a full build",
        ),
        Result("64 poles, nothing changed", same_times, same_peak, ""),
    ]


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages) if pdf.is_file() else 0


SCENARIOS: dict[str, Callable[[Path, int], list[Result]]] = {
    "check": bench_check,
    "build": bench_build,
    "large": bench_large,
}


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
