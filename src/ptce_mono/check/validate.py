"""Validate stage: the grid's rules applied to parsed monographs, one file and the whole corpus."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from ptce_mono.check.citations import check_citations
from ptce_mono.check.dating import check_dates
from ptce_mono.core.i18n import _
from ptce_mono.core.machine import available_cores, end_with_parent
from ptce_mono.core.problems import Position, Problem, ProblemList, Severity
from ptce_mono.core.project_files import is_inside
from ptce_mono.sources.bibliography import Bibliography
from ptce_mono.sources.grid import Grid
from ptce_mono.sources.monograph import Monograph, parse_monograph

# Completeness of one section, as the summary table and the cross-case matrix show it. Partial:
# some text, then a gap note saying what the sources do not document.
WRITTEN, PARTIAL, THIN, GAP, MISSING = "written", "partial", "thin", "gap", "missing"


def section_state(monograph: Monograph, section_id: str, grid: Grid) -> str:
    spec = grid.section(section_id)
    found = [s for s in monograph.sections if s.id == section_id]
    if not found:
        return MISSING
    section = found[0]
    if section.is_gap:
        return GAP
    if section.words == 0:
        return MISSING
    if section.gaps:  # partly documented: text, then what the sources do not say
        return PARTIAL
    return THIN if section.words < spec.min_words else WRITTEN


def _with_theme_labels(problem: Problem, grid: Grid) -> Problem:
    """A wrong SWOT theme's hint lists the themes with their French labels, not bare ids."""
    themes = grid.vocabularies.get("swot_theme")
    bare = _("Allowed: {values}.").format(values=", ".join(themes.values)) if themes else ""
    if themes is None or not themes.labels or bare not in problem.hint:
        return problem
    labelled = "; ".join(f"{value} ({themes.label(value)})" for value in themes.values)
    return replace(problem, hint=problem.hint.replace(bare, _("Themes: {themes}.").format(themes=labelled)))


def validate_monograph(monograph: Monograph, grid: Grid) -> list[Problem]:
    """Problems of one monograph: those found while parsing, then the grid's section rules."""
    problems = ProblemList(monograph.path)
    problems.items.extend(_with_theme_labels(p, grid) for p in monograph.problems)
    if not monograph.meta and not monograph.sections:
        return problems.items
    published = monograph.is_published
    # Incomplete drafts are expected: what would fail a published monograph only warns on a draft.
    severity = Severity.ERROR if published else Severity.WARNING
    seen: dict[str, Position] = {}
    last_index = -1
    order = grid.section_ids
    for section in monograph.sections:
        if section.id is None:
            continue
        if section.id in seen:
            problems.error(
                section.position,
                "duplicate-section",
                _("section `{heading}` appears twice (first on line {line})").format(
                    heading=section.heading, line=seen[section.id].line
                ),
                _("Merge the two sections."),
            )
            continue
        seen[section.id] = section.position
        index = order.index(section.id)
        if index < last_index:
            problems.warning(
                section.position,
                "section-order",
                _("`{heading}` comes after a section that follows it in the grid").format(
                    heading=section.heading
                ),
                _("Grid order: {titles}.").format(titles=", ".join(grid.section(i).title for i in order)),
            )
        last_index = max(last_index, index)
        spec = grid.section(section.id)
        for gap in section.gaps:
            code, message = "gap", _("`{title}`: the sources say nothing — {reason}")
            if not section.is_gap:
                code = "partial-gap"
                message = _("`{title}`: partly documented, the sources say no more — {reason}")
            problems.info(gap.position, code, message.format(title=spec.title, reason=gap.reason))
        if section.is_gap:
            if spec.required and published:
                problems.error(
                    section.position,
                    "gap-in-published",
                    _("required section `{title}` is a gap in a published monograph").format(
                        title=spec.title
                    ),
                    _("A monograph whose required sections cannot be written stays `status: draft`."),
                )
            continue
        if section.words == 0:
            problems.add(
                section.position,
                severity,
                "empty-section",
                _("section `{title}` is empty").format(title=spec.title),
                _("Write it, or mark it with a `::: lacune` block saying why the sources are silent."),
            )
        elif section.words < spec.min_words and not section.gaps:
            # A gap note after some text is the section's honest end: no call for padding.
            problems.warning(
                section.position,
                "thin-section",
                _("section `{title}` has {words} words; the grid expects at least {least}").format(
                    title=spec.title, words=section.words, least=spec.min_words
                ),
            )
    for spec in grid.sections:
        if spec.required and spec.id not in seen:
            problems.add(
                Position(monograph.body_start_line, 1),
                severity,
                "missing-section",
                _("required section `{title}` is missing").format(title=spec.title),
                _("Add `## {title}`, or a `::: lacune` block in it if the sources are silent.").format(
                    title=spec.title
                ),
            )
    problems.items.extend(check_dates(monograph, grid))
    if published:
        swot = monograph.meta.get("swot") or {}
        if not any(swot.get(q) for q in ("strengths", "weaknesses", "opportunities", "threats")):
            problems.info(
                monograph.front_position,
                "no-swot",
                _("this published monograph has no SWOT items: the cross-case SWOT will list it as such"),
            )
    return problems.items


def validate(monographs: list[Monograph], grid: Grid) -> list[Problem]:
    """All problems of all monographs, plus those of the corpus as a whole, sorted by place."""
    problems: list[Problem] = []
    for monograph in monographs:
        problems.extend(validate_monograph(monograph, grid))
    problems.extend(_corpus_problems(monographs))
    return sorted(problems, key=Problem.sort_key)


def _corpus_problems(monographs: list[Monograph]) -> list[Problem]:
    problems: list[Problem] = []
    by_id: dict[str, list[Monograph]] = defaultdict(list)
    for monograph in monographs:
        if "id" in monograph.meta:
            by_id[monograph.id].append(monograph)
            stem = Path(monograph.path).stem
            if stem != monograph.id:
                problems.append(
                    Problem(
                        monograph.path,
                        Position(),
                        Severity.WARNING,
                        "file-name",
                        _("the file name `{stem}` differs from the id `{id}`").format(
                            stem=stem, id=monograph.id
                        ),
                        _("Rename the file `{id}.md`.").format(id=monograph.id),
                    )
                )
    for pole_id, group in by_id.items():
        if len(group) > 1:
            for monograph in group:
                others = ", ".join(m.path for m in group if m is not monograph)
                problems.append(
                    Problem(
                        monograph.path,
                        Position(),
                        Severity.ERROR,
                        "duplicate-id",
                        _("the id `{id}` is also used by {others}").format(id=pole_id, others=others),
                        _("Each pole needs its own id."),
                    )
                )
    return problems


def _outside(shown: str, folder: bool) -> Problem:
    message = (
        _("the folder is a link to a place outside the project; it is not read")
        if folder
        else _("the file is a link to a place outside the project; it is not read")
    )
    hint = _("Copy the monograph into the project instead of linking to it.")
    return Problem(shown, Position(), Severity.ERROR, "link-outside", message, hint)


def _boundary(path: Path, project: Path) -> Path:
    """The folder a link found under `path` may not lead out of.

    The project, for anything in it (whatever the working folder); a path named outside the
    project is the reader's own choice, and then bounds itself.
    """
    lexical = Path(os.path.abspath(path))
    if lexical.is_relative_to(Path(os.path.abspath(project))):
        return project
    return lexical if path.is_dir() else lexical.parent


def find_monographs(
    paths: list[str | Path], root: Path | None = None, project: Path | None = None
) -> tuple[list[Path], list[Problem]]:
    """The Markdown files named by `paths` (files, or folders searched recursively), sorted.

    A file or folder that is a link to a place outside `project` (by default `root`) is
    reported, not read: a corpus must not make the tool read, and print, files from elsewhere
    on the machine. Paths in problems are shown relative to `root`.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    base = (root or Path.cwd()).resolve()
    inside = (project or base).resolve()
    for raw in paths:
        path = Path(raw)
        boundary = _boundary(path, inside)
        if os.path.lexists(path) and not is_inside(path, boundary):
            problems.append(_outside(_display(path, base), path.is_dir()))
            continue
        if path.is_dir():
            for folder, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
                for name in sorted(files):
                    if not name.endswith(".md") or name.startswith((".", "_")) or name.lower() == "readme.md":
                        continue
                    file = Path(folder) / name
                    if is_inside(file, boundary):
                        found.append(file)
                    else:
                        problems.append(_outside(_display(file, base), folder=False))
        elif os.path.lexists(path):
            # Not only regular files: a pipe or a device named here is reported by the reader.
            found.append(path)
        else:
            problems.append(
                Problem(str(path), Position(), Severity.ERROR, "no-such-file", _("no such file or folder"))
            )
    return sorted(dict.fromkeys(found)), problems


@dataclass
class CheckResult:
    monographs: list[Monograph]
    problems: list[Problem]

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity == severity)


PARALLEL_THRESHOLD = 200


def _parse_chunk(args: tuple[list[Path], list[str], Grid, bool]) -> list[Monograph]:
    files, shown, grid, keep_text = args
    return [
        parse_monograph(f, grid, display_path=s, keep_text=keep_text)
        for f, s in zip(files, shown, strict=True)
    ]


def _parse_all(
    files: list[Path], shown: list[str], grid: Grid, jobs: int | None, keep_text: bool = True
) -> list[Monograph]:
    """Parse in worker processes when the corpus is large enough to repay starting them."""
    workers = min(jobs or available_cores(), 8)
    if workers < 2 or len(files) < PARALLEL_THRESHOLD:
        return _parse_chunk((files, shown, grid, keep_text))
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(files) // workers)
    chunks = [(files[i : i + size], shown[i : i + size], grid, keep_text) for i in range(0, len(files), size)]
    # This process parses the first chunk itself while the workers take the others: one process
    # fewer to start, and its results need no pickling.
    with ProcessPoolExecutor(len(chunks) - 1, initializer=end_with_parent, initargs=(os.getpid(),)) as pool:
        others = pool.map(_parse_chunk, chunks[1:])
        first = _parse_chunk(chunks[0])
        return first + [m for part in others for m in part]


def check_paths(
    paths: list[str | Path],
    grid: Grid,
    root: Path | None = None,
    jobs: int | None = None,
    keep_text: bool = True,
    bibliography: Bibliography | None = None,
    project: Path | None = None,
) -> CheckResult:
    """Parse and validate every monograph under `paths`.

    `keep_text=False` drops section bodies once counted: checking needs only their measures,
    and shipping the text back from worker processes would cost more than the parsing.
    Citations are checked against `bibliography` (none: every cited key is unknown) and the
    bibliographies the monographs name, from the folder `project` (default: `root`).
    Paths are shown relative to `root`; no link may lead out of `project` (default: `root`).
    """
    base = (root or Path.cwd()).resolve()
    files, problems = find_monographs(paths, base, project)
    shown = [_display(f, base) for f in files]
    monographs = _parse_all(files, shown, grid, jobs, keep_text)
    problems.extend(validate(monographs, grid))
    problems.extend(check_citations(monographs, bibliography or Bibliography(), project or base))
    return CheckResult(monographs, sorted(problems, key=Problem.sort_key))


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.absolute().relative_to(base))
    except ValueError:
        return str(path)
