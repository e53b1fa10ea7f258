"""`make bench`: runs each scenario several times and prints medians side by side.

Scenarios are added here as the pipeline grows; results go to docs/performance.md. Memory is
given twice: the peak resident set of the largest process, and the peak of the proportional set
sizes (PSS) of all the processes of a run summed, sampled every 20 ms.
"""

from __future__ import annotations

import argparse
import json
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
    peak_mib: float  # the largest process
    total_mib: float  # all its processes together (PSS)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def _tree(root: int) -> list[int]:
    """`root` and its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_of(args: list[str], cwd: Path) -> tuple[float, float]:
    """(peak RSS of the largest process, peak of the summed PSS of all processes), in MiB, of one
    run of `args`. PSS counts the pages forked workers share with their parent once, not once
    per process; it is sampled every 20 ms, so a shorter peak can be missed."""
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    total_peak = 0
    while process.poll() is None:
        total_peak = max(total_peak, sum(_pss_kib(pid) for pid in _tree(process.pid)))
        time.sleep(0.02)
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return largest / 1024, total_peak / 1024


Measured = tuple[list[float], float, float]  # wall times, largest process MiB, all processes MiB


def _memory_probe(args: list[str], cwd: Path) -> tuple[float, float]:
    """One more run in a fresh parent (so that earlier scenarios do not count), measured by
    `memory_of`."""
    probe = subprocess.run(
        [sys.executable, str(HERE / "run.py"), "--memory-of", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    largest, total = (float(v) for v in (probe.stdout.split() or ["0", "0"]))
    return largest, total


def _wall(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def timed_command(args: list[str], cwd: Path, runs: int) -> Measured:
    """Wall times of `runs` executions, then the peak memory of one more."""
    times = [_wall(args, cwd) for _ in range(runs)]
    return (times, *_memory_probe(args, cwd))


def timed_side_by_side(commands: list[tuple[list[str], Path]], runs: int) -> list[Measured]:
    """As timed_command for each command, their runs taken in turn (A, B, A, B...): a ratio of
    their medians is then not skewed by the machine's speed drifting from one minute to the
    next."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for measured, (args, cwd) in zip(times, commands, strict=True):
            measured.append(_wall(args, cwd))
    return [
        (measured, *_memory_probe(args, cwd)) for measured, (args, cwd) in zip(times, commands, strict=True)
    ]


def bench_check(work: Path, runs: int) -> list[Result]:
    project = write_corpus(work / "check-1000", 1000)
    results = []
    times, peak, total = timed_command(
        [str(BIN / "ptce-mono"), "check", "--quiet", "monographs"], project, runs
    )
    results.append(Result("check, 1,000 monographs (CLI, wall)", times, peak, total, "target <= 2 s"))

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
            0.0,
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


def pandoc_command(project: Path, work: Path) -> list[str]:
    import pypandoc

    source = work / "baseline.md"
    source.write_text(concatenated_markdown(project), encoding="utf-8")
    pandoc = pypandoc.get_pandoc_path()
    env_path = f"{BIN}:{os.environ.get('PATH', '')}"  # pandoc runs the venv's weasyprint
    return [
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


def _shell(command: str) -> list[str]:
    return ["sh", "-c", command]


def bench_build(work: Path, runs: int) -> list[Result]:
    """The review edition of the shipped corpus (every monograph, drafts too) from scratch (no
    cache), tagged, against pandoc on the same Markdown: time per page."""
    project = Path.cwd()
    out = work / "build-shipped"
    build = f"rm -rf {out} && {BIN / 'ptce-mono'} build --quiet --drafts --project {project} --out {out}"
    built, baseline = timed_side_by_side(
        [(_shell(build), project), (pandoc_command(project, work), work)], runs
    )
    ours, theirs = _pages(out / "dossier-brouillon.pdf"), _pages(work / "baseline.pdf")
    per_page = (statistics.median(built[0]) / ours) / (statistics.median(baseline[0]) / theirs)
    return [
        Result(
            f"review edition, shipped corpus, {ours} pages, no cache",
            *built,
            f"time per page {per_page:.2f} of pandoc's (target <= 0.8)",
        ),
        Result(f"baseline: pandoc --pdf-engine=weasyprint --toc, {theirs} pages", *baseline, "same Markdown"),
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
    in_pieces, single = timed_side_by_side([(_shell(pieces), project), (_shell(one_pass), project)], runs)
    pages = _pages(project / "build" / "dossier.pdf")
    edited_build = timed_command(_shell(edit), project, runs)
    unchanged = timed_command([str(ptce), "build", "--quiet"], project, runs)
    full = statistics.median(in_pieces[0])
    return [
        Result(
            f"64 poles, {pages} pages, in pieces ({os.cpu_count()} jobs), no cache",
            *in_pieces,
            f"{full / statistics.median(single[0]):.2f} of the one-pass time (target <= 0.55)",
        ),
        Result("64 poles, one pass (--single-pass)", *single, "baseline"),
        Result(
            "64 poles, one monograph edited",
            *edited_build,
            f"{statistics.median(edited_build[0]) / full:.0%} of a full build (target <= 15 %)",
        ),
        Result("64 poles, nothing changed", *unchanged, "target <= 0.3 s"),
    ]


def _bibliography_project(work: Path, name: str, file: str, content: str) -> Path:
    project = write_corpus(work / name, 1)
    _settings(project)
    with (project / "dossier.yaml").open("a", encoding="utf-8") as settings:
        settings.write(f"bibliography: [{file}]\n")
    (project / file).write_text(content, encoding="utf-8")
    return project


def bench_bibliography(work: Path, runs: int) -> list[Result]:
    """`check` of a project whose bibliography holds 50,000 BibTeX or CSL-JSON entries, or one
    5 MB field (inside the 16 MiB limit): the reading is linear in the file's size."""
    entries = 50_000
    bibtex = "@string{maison = {{\\'E}ditions du Sud}}\n" + "".join(
        f"@book{{cle{i},\n  author = {{Dupont, Jean and L{{\\'e}}vy, {{\\'E}}tienne}},\n"
        f"  title = {{Un livre num{{\\'e}}ro {i}}},\n  publisher = maison,\n  date = {{2014}},\n}}\n\n"
        for i in range(entries)
    )
    csl = json.dumps(
        [
            {
                "id": f"cle{i}",
                "type": "book",
                "title": f"Un livre {i}",
                "issued": {"date-parts": [[2014]]},
                "author": [{"family": "Dupont", "given": "Jean"}],
            }
            for i in range(entries)
        ],
        ensure_ascii=False,
        indent=1,
    )
    field = "@book{long,\n  title = {Long},\n  abstract = {" + "mot " * 1_250_000 + "},\n}\n"
    cases = [
        ("50,000 BibTeX entries", "bib-entries", "refs.bib", bibtex),
        ("50,000 CSL-JSON entries", "json-entries", "refs.json", csl),
        ("one 5 MB BibTeX field", "bib-field", "refs.bib", field),
    ]
    results = []
    for label, name, file, content in cases:
        project = _bibliography_project(work, name, file, content)
        size = (project / file).stat().st_size / 1_048_576
        command = [str(BIN / "ptce-mono"), "check", "--quiet"]
        cpu = []
        for _ in range(runs):  # processor time too: on a shared machine the wall time waits for it
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(command, cwd=project, check=False, capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        times, peak, total = timed_command(command, project, runs)
        note = f"processor {statistics.median(cpu):.2f} s (target <= 5 s)"
        results.append(Result(f"check, {label} ({size:.1f} MiB)", times, peak, total, note))
    return results


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages) if pdf.is_file() else 0


SCENARIOS: dict[str, Callable[[Path, int], list[Result]]] = {
    "check": bench_check,
    "build": bench_build,
    "large": bench_large,
    "bibliography": bench_bibliography,
}


def main() -> None:
    if sys.argv[1:2] == ["--memory-of"]:  # a fresh parent for one measured run (timed_command)
        largest, total = memory_of(sys.argv[2:], Path.cwd())
        print(f"{largest:.1f} {total:.1f}")
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS))
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="ptce-bench-") as tmp:
        results = [r for name in args.scenarios for r in SCENARIOS[name](Path(tmp), args.runs)]
    width = max(len(r.scenario) for r in results)
    print(f"{'scenario'.ljust(width)}  median s   min s   max s  largest MiB  all MiB  note")
    for r in results:
        print(
            f"{r.scenario.ljust(width)}  {r.median:8.3f} {min(r.runs):7.3f} {max(r.runs):7.3f} "
            f"{r.peak_mib:12.0f} {r.total_mib:8.0f}  {r.note}"
        )


if __name__ == "__main__":
    main()
