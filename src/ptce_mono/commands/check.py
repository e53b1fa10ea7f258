"""`ptce-mono check`: the monographs against the grid, reported for people or for machines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ptce_mono.check.report import (
    format_github,
    format_json,
    format_junit,
    format_sarif,
    format_summary,
    format_text,
)
from ptce_mono.check.validate import check_paths
from ptce_mono.core.errors import ConfigError
from ptce_mono.core.i18n import _, ngettext
from ptce_mono.core.problems import Position, Problem, Severity, has_errors
from ptce_mono.core.version import VERSION
from ptce_mono.sources.config import CONFIG_NAME, project_bibliography
from ptce_mono.sources.grid import load_grid
from ptce_mono.sources.leftovers import project_leftovers
from ptce_mono.sources.resources import project_resource

FORMATS = ("text", "json", "github", "junit", "sarif")


@dataclass
class CheckOutcome:
    report: str  # for standard output, in the format asked for
    tally: str  # one line for people (text format only), for standard error
    failed: bool  # errors, or warnings under `strict`


def check_project(
    project: Path,
    paths: list[Path],
    *,
    grid_path: Path | None = None,
    fmt: str = "text",
    strict: bool = False,
    summary: bool = False,
    errors_only: bool = False,
    level: Severity = Severity.INFO,
) -> CheckOutcome:
    """Check `paths` (default: the project's `monographs/`). Raises GridError on a broken grid.

    Problems below `level` are left out of the report (`errors_only` is `level=ERROR`); the tally
    still counts them. For people (text format) the errors come first, then the warnings, then
    the notes, each in file and line order: the author's own mistakes are not lost among the
    notes on other poles' gaps.
    """
    grid = load_grid(grid_path or project_resource(project, "grid") / "grid.yaml")
    if not paths and not (project / "monographs").exists() and not (project / CONFIG_NAME).exists():
        raise ConfigError([_no_project(project)])
    targets: list[str | Path] = list(paths) or [project / "monographs"]
    # The citations are checked against the bibliography dossier.yaml names; that file's own
    # problems are listed with the monographs'.
    bibliography, config_problems = project_bibliography(project)
    result = check_paths(targets, grid, root=project, keep_text=False, bibliography=bibliography)
    result.problems[:0] = config_problems
    if not paths:  # the whole project: its settings and editorial texts too
        result.problems.extend(project_leftovers(project, lambda path: _shown(path, project)))
    shown = Severity.ERROR if errors_only else level
    problems = [p for p in result.problems if p.severity >= shown]
    failed = has_errors(result.problems, strict)
    if fmt == "json":
        return CheckOutcome(format_json(problems), "", failed)
    if fmt == "github":
        return CheckOutcome(format_github(problems), "", failed)
    if fmt == "sarif":
        return CheckOutcome(format_sarif(problems, VERSION), "", failed)
    if fmt == "junit":
        return CheckOutcome(format_junit(problems, [m.path for m in result.monographs]), "", failed)
    report = format_text(sorted(problems, key=lambda p: -p.severity))  # stable: file order within
    if summary:
        report += format_summary(result.monographs, grid)
    drafts = sum(1 for m in result.monographs if not m.is_published)
    tally = _tally(len(result.monographs), drafts, result.count)
    hidden = sum(1 for p in result.problems if p.severity < shown)
    if hidden:
        tally += " " + ngettext(
            "{count} below {level} not shown (--level info shows it).",
            "{count} below {level} not shown (--level info shows them).",
            hidden,
        ).format(count=hidden, level=shown)
    return CheckOutcome(report, tally, failed)


def _shown(path: Path, project: Path) -> str:
    try:
        return str(path.resolve().relative_to(project.resolve()))
    except ValueError:
        return str(path)


def _tally(checked: int, drafts: int, count: Callable[[Severity], int]) -> str:
    """« 14 monographies vérifiées (12 brouillons) : 0 erreur, 3 avertissements, 75 notes. »"""
    errors, warnings, infos = (count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    return _("{monographs} ({drafts}): {errors}, {warnings}, {infos}.").format(
        monographs=ngettext("Checked {count} monograph", "Checked {count} monographs", checked).format(
            count=checked
        ),
        drafts=ngettext("{count} draft", "{count} drafts", drafts).format(count=drafts),
        errors=ngettext("{count} error", "{count} errors", errors).format(count=errors),
        warnings=ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings),
        infos=ngettext("{count} info", "{count} infos", infos).format(count=infos),
    )


def _no_project(project: Path) -> Problem:
    return Problem(
        "monographs/",
        Position(),
        Severity.ERROR,
        "no-project",
        _("no `monographs/` folder and no `{file}` here: this is not a ptce-mono project").format(
            file=CONFIG_NAME
        ),
        _(
            "Run `ptce-mono init` to start one here (settings, an example monograph, editorial "
            "texts), or name the files to check: `ptce-mono check FILE...`."
        ),
    )


__all__ = ["FORMATS", "CheckOutcome", "check_project", "format_text"]
