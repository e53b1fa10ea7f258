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
from ptce_mono.core.i18n import _, ngettext
from ptce_mono.core.problems import Severity, has_errors
from ptce_mono.core.version import VERSION
from ptce_mono.sources.config import project_bibliography
from ptce_mono.sources.grid import load_grid
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
) -> CheckOutcome:
    """Check `paths` (default: the project's `monographs/`). Raises GridError on a broken grid."""
    grid = load_grid(grid_path or project_resource(project, "grid") / "grid.yaml")
    targets: list[str | Path] = list(paths) or [project / "monographs"]
    # The citations are checked against the bibliography dossier.yaml names; that file's own
    # problems are listed with the monographs'.
    bibliography, config_problems = project_bibliography(project)
    result = check_paths(targets, grid, root=project, keep_text=False, bibliography=bibliography)
    result.problems[:0] = config_problems
    problems = result.problems
    if errors_only:
        problems = [p for p in problems if p.severity == Severity.ERROR]
    failed = has_errors(result.problems, strict)
    if fmt == "json":
        return CheckOutcome(format_json(problems), "", failed)
    if fmt == "github":
        return CheckOutcome(format_github(problems), "", failed)
    if fmt == "sarif":
        return CheckOutcome(format_sarif(problems, VERSION), "", failed)
    if fmt == "junit":
        return CheckOutcome(format_junit(problems, [m.path for m in result.monographs]), "", failed)
    report = format_text(problems)
    if summary:
        report += format_summary(result.monographs, grid)
    drafts = sum(1 for m in result.monographs if not m.is_published)
    return CheckOutcome(report, _tally(len(result.monographs), drafts, result.count), failed)


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


__all__ = ["FORMATS", "CheckOutcome", "check_project", "format_text"]
