"""Command line: parses options, calls the library, maps its errors to messages and exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import PtceError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _fail(exc: PtceError) -> None:
    problems = getattr(exc, "problems", None)
    if problems:
        from .report import format_text

        click.echo(format_text(problems), err=True, nl=False)
    click.echo(f"ptce-mono: {exc}", err=True)
    sys.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ptce-mono")
def main() -> None:
    """Validate PTCE monographs and compile them into a research dossier."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--grid", "grid_path", type=click.Path(path_type=Path), help="Grid file (default: grid/grid.yaml of the project, else the packaged one).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "junit"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--summary", is_flag=True, help="Print the completeness table (pole x section).")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
def check(paths: tuple[Path, ...], grid_path: Path | None, fmt: str, strict: bool, summary: bool, quiet: bool) -> None:
    """Check monographs against the grid; exit 1 on errors.

    Example: ptce-mono check monographs/ --summary
    """
    from .grid import load_grid
    from .problems import Severity, has_errors
    from .report import format_github, format_json, format_junit, format_summary, format_text
    from .resources import project_resource
    from .validate import check_paths

    project = Path.cwd()
    try:
        grid = load_grid(grid_path or project_resource(project, "grid") / "grid.yaml")
    except PtceError as exc:
        _fail(exc)
        return
    targets: list[str | Path] = list(paths) or [project / "monographs"]
    result = check_paths(targets, grid, root=project, keep_text=False)
    problems = result.problems
    if quiet:
        problems = [p for p in problems if p.severity == Severity.ERROR]
    if fmt == "json":
        click.echo(format_json(problems), nl=False)
    elif fmt == "github":
        click.echo(format_github(problems), nl=False)
    elif fmt == "junit":
        click.echo(format_junit(problems, [m.path for m in result.monographs]), nl=False)
    else:
        click.echo(format_text(problems), nl=False)
        if summary:
            click.echo(format_summary(result.monographs, grid), nl=False)
        counts = ", ".join(f"{result.count(s)} {s}(s)" for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        drafts = sum(1 for m in result.monographs if not m.is_published)
        click.echo(f"Checked {len(result.monographs)} monograph(s) ({drafts} draft(s)): {counts}.", err=True)
    sys.exit(EXIT_PROBLEMS if has_errors(result.problems, strict) else EXIT_OK)
