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
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402
from harfbuzz import Configuration, configurations  # noqa: E402

BIN = Path(sys.executable).parent
HARFBUZZ_COPY = Path.cwd() / "build" / "bench" / "harfbuzz-subset"  # see harfbuzz.py


@dataclass
class Result:
    scenario: str
    runs: list[float]  # wall seconds
    peak_mib: float  # the largest process
    total_mib: float  # all its processes together (PSS)
    note: str = ""
    cpu: list[float] = field(default_factory=list)  # CPU seconds of each run, all its processes

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu) if self.cpu else 0.0


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


@dataclass
class Command:
    """A command measured side by side with others; `before`, when given, runs before each of its
    runs, untimed (an edit to make, a folder to empty)."""

    args: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    before: str = ""


Measured = tuple[list[float], float, float, list[float]]  # walls, largest MiB, all MiB, CPU seconds


def _prepare(command: Command) -> None:
    if command.before:
        env = {**os.environ, **command.env}
        subprocess.run(["sh", "-c", command.before], cwd=command.cwd, env=env, check=True)


def _memory_probe(command: Command) -> tuple[float, float]:
    """One more run in a fresh parent (so that earlier scenarios do not count), measured by
    `memory_of`."""
    _prepare(command)
    probe = subprocess.run(
        [sys.executable, str(HERE / "run.py"), "--memory-of", *command.args],
        cwd=command.cwd,
        env={**os.environ, **command.env},
        capture_output=True,
        text=True,
        check=False,
    )
    largest, total = (float(v) for v in (probe.stdout.split() or ["0", "0"]))
    print(
        f"  memory: {' '.join(command.args[1:])}: largest {largest:.0f} MiB, all {total:.0f} MiB", flush=True
    )
    return largest, total


def _timed(command: Command) -> tuple[float, float]:
    """Wall and CPU seconds (user and system, of every process it started) of one run."""
    _prepare(command)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        command.args,
        cwd=command.cwd,
        env={**os.environ, **command.env},
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command.args)}\n{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def timed_side_by_side(commands: list[Command], runs: int) -> list[Measured]:
    """Each command `runs` times, their runs taken in turn (A, B, A, B...): a ratio of their medians
    is then not skewed by the machine's speed drifting from one minute to the next; then the
    peak memory of one more run of each."""
    walls: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for command, wall, cpu in zip(commands, walls, cpus, strict=True):
            seconds, used = _timed(command)
            wall.append(seconds)
            cpu.append(used)
            # Each run as it ends: a long invocation stopped halfway keeps what it measured.
            print(f"  run: {' '.join(command.args[1:])}: {seconds:.2f} s, CPU {used:.2f} s", flush=True)
    return [
        (wall, *_memory_probe(command), cpu) for command, wall, cpu in zip(commands, walls, cpus, strict=True)
    ]


def bench_check(work: Path, runs: int, _configs: list[Configuration]) -> list[Result]:
    project = write_corpus(work / "check-1000", 1000)
    results = []
    [(times, peak, total, cpu)] = timed_side_by_side(
        [Command([str(BIN / "ptce-mono"), "check", "--quiet", "monographs"], project)], runs
    )
    results.append(Result("check, 1,000 monographs (CLI, wall)", times, peak, total, "target <= 2 s", cpu))

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


def _ratio(a: list[float], b: list[float]) -> float:
    return statistics.median(a) / statistics.median(b)


def bench_build(work: Path, runs: int, configs: list[Configuration]) -> list[Result]:
    """The review edition of the shipped corpus (every monograph, drafts too) from scratch (no
    cache, no record), tagged, against pandoc on the same Markdown: time per page; in each
    font-subsetting configuration, all runs in turn."""
    project = Path.cwd()
    commands = []
    for config in configs:
        out = work / f"review-{_slug(config)}"
        commands.append(
            Command(
                [str(BIN / "ptce-mono"), "build", "-q", "--drafts", "--out", str(out)],
                project,
                config.env,
                before=f"rm -rf {out}",
            )
        )
        commands.append(Command(pandoc_command(project, work), work, config.env))
    measured = timed_side_by_side(commands, runs)
    results = []
    for index, config in enumerate(configs):
        ours, theirs = measured[2 * index], measured[2 * index + 1]
        pages = _pages(work / f"review-{_slug(config)}" / "dossier-brouillon.pdf")
        baseline_pages = _pages(work / "baseline.pdf")
        per_page = _ratio(ours[0], theirs[0]) * baseline_pages / pages
        per_page_cpu = _ratio(ours[3], theirs[3]) * baseline_pages / pages
        results += [
            Result(
                f"{config.name}: review edition, shipped corpus, {pages} pages, no cache",
                *ours[:3],
                f"time per page {per_page:.2f} of pandoc's, CPU {per_page_cpu:.2f} (target <= 1.2)",
                ours[3],
            ),
            Result(
                f"{config.name}: pandoc --pdf-engine=weasyprint --toc, {baseline_pages} pages",
                *theirs[:3],
                "baseline, same Markdown",
                theirs[3],
            ),
        ]
    return results


def _slug(config: Configuration) -> str:
    return "without" if config.name.startswith("without") else "with"


def _settings(project: Path) -> None:
    (project / "dossier.yaml").write_text(
        "title: Banc d’essai\nperiod: 2013-2014\npublisher: Banc d’essai\nfooter: Banc d’essai\n",
        encoding="utf-8",
    )
    # The packaged stylesheet as the project's own, so that its colours can be changed.
    stylesheet = Path.cwd() / "templates" / "dossier.css"
    (project / "templates").mkdir(exist_ok=True)
    copy = project / "templates" / "dossier.css"
    copy.write_text(stylesheet.read_text(encoding="utf-8"), encoding="utf-8")


EDIT = (
    "import pathlib, sys; p = pathlib.Path(sys.argv[1]); t = p.read_text(encoding='utf-8'); "
    "p.write_text(t.replace('## Genèse', '## Genèse\\n\\nUne phrase de plus.', 1) "
    "if 'Une phrase de plus' not in t else t.replace('\\n\\nUne phrase de plus.', '', 1), encoding='utf-8')"
)
RECOLOUR = (
    "import pathlib; p = pathlib.Path('templates/dossier.css'); t = p.read_text(encoding='utf-8'); "
    "a, b = '--accent: #8c2f39;', '--accent: #2f5a8c;'; "
    "p.write_text(t.replace(a, b) if a in t else t.replace(b, a), encoding='utf-8')"
)


def bench_large(work: Path, runs: int, configs: list[Configuration]) -> list[Result]:
    """64 generated poles (about 400 pages), in each font-subsetting configuration: a clean build
    in pieces and in one pass; the stylesheet's colours changed with the last build's record
    present, in pieces and in one pass; one monograph edited; nothing changed."""
    project = write_corpus(work / "large-64", 64, paragraphs=2)
    _settings(project)
    ptce = str(BIN / "ptce-mono")
    edited = project / "monographs" / "pole-synthetique-0031.md"

    def build(out: str, *extra: str, before: str = "", env: dict[str, str]) -> Command:
        return Command([ptce, "build", "--quiet", "--out", out, *extra], project, env, before)

    clean, colours, edits, unchanged = [], [], [], []
    for config in configs:
        slug, env = _slug(config), config.env
        clean += [
            build(f"clean-{slug}", before=f"rm -rf clean-{slug}", env=env),
            build(f"one-pass-{slug}", "--single-pass", before=f"rm -rf one-pass-{slug}", env=env),
        ]
        recolour = f'{sys.executable} -c "{RECOLOUR}"'
        colours += [
            build(f"colours-{slug}", before=recolour, env=env),
            build(f"colours-one-pass-{slug}", "--single-pass", "--force", env=env),
        ]
        edits.append(build(f"edit-{slug}", before=f'{sys.executable} -c "{EDIT}" {edited}', env=env))
        unchanged.append(build(f"edit-{slug}", env=env))
    measured_clean = timed_side_by_side(clean, runs)
    for command in [*colours[::2], *edits]:  # each has a last build's record and cache to start from
        _timed(Command(command.args, command.cwd, command.env))
    measured_colours = timed_side_by_side(colours, runs)
    measured_edits = timed_side_by_side(edits, runs)
    measured_unchanged = timed_side_by_side(unchanged, runs)
    pages = max(_pages(project / f"clean-{_slug(c)}" / "dossier.pdf") for c in configs)
    results = []
    for index, config in enumerate(configs):
        pieces, single = measured_clean[2 * index], measured_clean[2 * index + 1]
        recoloured, recoloured_single = measured_colours[2 * index], measured_colours[2 * index + 1]
        edit, nothing = measured_edits[index], measured_unchanged[index]
        name = config.name
        results += [
            Result(
                f"{name}: 64 poles, {pages} pages, in pieces ({os.cpu_count()} jobs), clean",
                *pieces[:3],
                f"{_ratio(pieces[0], single[0]):.2f} of one pass, CPU {_ratio(pieces[3], single[3]):.2f}"
                " (target <= 0.75)",
                pieces[3],
            ),
            Result(f"{name}: 64 poles, one pass (--single-pass), clean", *single[:3], "baseline", single[3]),
            Result(
                f"{name}: 64 poles, colours changed, last build's record present",
                *recoloured[:3],
                f"{_ratio(recoloured[0], recoloured_single[0]):.2f} of one pass, "
                f"CPU {_ratio(recoloured[3], recoloured_single[3]):.2f} (target <= 0.55)",
                recoloured[3],
            ),
            Result(
                f"{name}: 64 poles, colours changed, one pass",
                *recoloured_single[:3],
                "baseline",
                recoloured_single[3],
            ),
            Result(
                f"{name}: 64 poles, one monograph edited",
                *edit[:3],
                f"{_ratio(edit[0], pieces[0]):.0%} of a clean build (target <= 10 %)",
                edit[3],
            ),
            Result(f"{name}: 64 poles, nothing changed", *nothing[:3], "target <= 0.3 s", nothing[3]),
        ]
    return results


def _bibliography_project(work: Path, name: str, file: str, content: str) -> Path:
    project = write_corpus(work / name, 1)
    _settings(project)
    with (project / "dossier.yaml").open("a", encoding="utf-8") as settings:
        settings.write(f"bibliography: [{file}]\n")
    (project / file).write_text(content, encoding="utf-8")
    return project


def bench_bibliography(work: Path, runs: int, _configs: list[Configuration]) -> list[Result]:
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
        # Processor time too: on a shared machine the wall time waits for it.
        times, peak, total, cpu = timed_side_by_side(
            [Command([str(BIN / "ptce-mono"), "check", "--quiet"], project)], runs
        )[0]
        note = f"processor {statistics.median(cpu):.2f} s (target <= 5 s)"
        results.append(Result(f"check, {label} ({size:.1f} MiB)", times, peak, total, note, cpu))
    return results


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages) if pdf.is_file() else 0


SCENARIOS: dict[str, Callable[[Path, int, list[Configuration]], list[Result]]] = {
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
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS))
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    configs, left_out = configurations(HARFBUZZ_COPY)
    print("font-subsetting configurations: " + "; ".join(c.name for c in configs))
    for line in left_out:
        print(line)
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    # Each scenario's table as soon as it is measured: a long run stopped halfway keeps what it had.
    with tempfile.TemporaryDirectory(prefix="ptce-bench-") as tmp:
        for name in args.scenarios:
            _print(SCENARIOS[name](Path(tmp), args.runs, configs))
            print(f"load average after {name}: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)


def _print(results: list[Result]) -> None:
    width = max(len(r.scenario) for r in results)
    print(f"{'scenario'.ljust(width)}  median s   min s   max s  CPU s  largest MiB  all MiB  note")
    for r in results:
        print(
            f"{r.scenario.ljust(width)}  {r.median:8.3f} {min(r.runs):7.3f} {max(r.runs):7.3f} "
            f"{r.median_cpu:6.1f} {r.peak_mib:12.0f} {r.total_mib:8.0f}  {r.note}",
            flush=True,
        )


if __name__ == "__main__":
    main()
