"""Command line: parses options, calls the library, maps its errors to messages and exit codes."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

import click

from ptce_mono import __version__
from ptce_mono.cli_help import VERSION_OPTION, Group, PathType, argument, choose_language, option
from ptce_mono.core.errors import PtceError
from ptce_mono.core.files import write_bytes_atomic
from ptce_mono.core.i18n import LANGUAGES, N_, _, os_reason, set_language
from ptce_mono.core.terminal import build_progress, log_to_terminal, printable, safe_streams

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# Whatever the terminal's encoding (Latin-1, ASCII), printing never fails: before any output.
safe_streams()

project_option = option(
    "--project",
    type=PathType(path_type=Path, file_okay=False, exists=True),
    default=Path("."),
    show_default=True,
    help="Project folder: dossier.yaml, monographs/, and its own grid/, templates/, editorial/.",
)


def _fail(exc: PtceError, project: Path | None = None) -> None:
    """The error's problems (with frames read only inside `project`) and its summary; exit."""
    problems = getattr(exc, "problems", None)
    if problems:
        from ptce_mono.commands.check import format_text

        click.echo(format_text(problems, root=project), err=True, nl=False)
    click.echo(f"ptce-mono: {printable(str(exc))}", err=True)
    sys.exit(exc.exit_code)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _io_failure(exc: OSError) -> None:
    """A file that cannot be read or written: one line, exit 2, never a traceback."""
    where = f" {printable(str(exc.filename))}" if exc.filename else ""
    message = _("ptce-mono: cannot write or read{where}: {reason}")
    click.echo(message.format(where=where, reason=os_reason(exc)), err=True)
    sys.exit(EXIT_USAGE)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ptce-mono", help=VERSION_OPTION)
@option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    is_eager=True,
    callback=choose_language,
    help="Language of messages and outputs (default: French, English when the locale is English).",
)
def main(lang: str | None) -> None:
    """Validate PTCE monographs and compile them into a research dossier."""
    set_language(lang)


@main.command()
@argument("paths", nargs=-1, type=PathType(path_type=Path), metavar=N_("PATHS"),
          help="Monographs, or folders of monographs, to check (default: monographs/ of the project).")
@option(
    "--grid",
    "grid_path",
    type=PathType(path_type=Path),
    help="Grid file (default: grid/grid.yaml of the project, else the packaged one).",
)
@option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "junit", "sarif"]),
    default="text",
    show_default=True,
)
@option("--strict", is_flag=True, help="Fail on warnings too.")
@option("--summary", is_flag=True, help="Print the completeness table (pole x section).")
@option("--level", type=click.Choice(["error", "warning", "info"]), default="info", show_default=True,
              help="Print problems of this level and above (warning: hide the notes on gaps).")
@option("--quiet", "-q", is_flag=True, help="Print errors only (same as --level error).")
@option("--pdf", type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="Proofread this PDF of the dossier instead (preflight); exit 1 on any point to review.")
def check(
    paths: tuple[Path, ...], grid_path: Path | None, fmt: str, strict: bool, summary: bool, level: str,
    quiet: bool, pdf: Path | None,
) -> None:
    """Check monographs against the grid; exit 1 on errors.

    Errors are printed first, then warnings, then notes.

    Example: ptce-mono check monographs/ --level warning
    """
    from ptce_mono.commands.check import check_project
    from ptce_mono.commands.preflight import check_pdf
    from ptce_mono.core.problems import Severity

    try:
        outcome = check_pdf(Path.cwd(), pdf, fmt) if pdf else check_project(
            Path.cwd(),
            list(paths),
            grid_path=grid_path,
            fmt=fmt,
            strict=strict,
            summary=summary,
            errors_only=quiet,
            level=Severity[level.upper()],
        )
    except PtceError as exc:
        _fail(exc)
        return
    click.echo(outcome.report, nl=False)
    if outcome.tally:
        click.echo(outcome.tally, err=True)
    sys.exit(EXIT_PROBLEMS if outcome.failed else EXIT_OK)


@main.command()
@project_option
@option(
    "--drafts/--no-drafts",
    default=None,
    help="Print draft monographs too, marked BROUILLON (default: `drafts:` of dossier.yaml).",
)
@option(
    "--out",
    "out_dir",
    type=PathType(path_type=Path, file_okay=False),
    default=None,
    help="Output folder (default: build/ in the project).",
)
@option("--quiet", "-q", is_flag=True, help="Print errors only.")
@option("--verbose", "-v", is_flag=True, help="Print each step and every point of the proof.")
@option("--strict", is_flag=True, help="Fail (exit 1) when the proof of the PDF raises any point.")
@option("--force", is_flag=True, help="Rebuild even when nothing has changed since the last build.")
@option("--html", "site", is_flag=True, help="Also write a static site in build/site/.")
@option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes typesetting the dossier's pieces in parallel (default: the number of cores).",
)
@option(
    "--single-pass",
    is_flag=True,
    help="Lay the whole dossier out at once, without pieces, parallelism or cache (slower).",
)
def build(
    project: Path,
    drafts: bool | None,
    out_dir: Path | None,
    force: bool,
    jobs: int | None,
    single_pass: bool,
    site: bool,
    quiet: bool,
    verbose: bool,
    strict: bool,
) -> None:
    """Build the dossier: build/dossier.pdf and build/dossier.html.

    With drafts printed (--drafts), build/dossier-brouillon.pdf and .html instead: the
    published files are left as they are.

    The monographs are checked first, as `check` does: on any error nothing is written and the
    command exits 1 with the same messages. The PDF is then proofread (preflight): a line says
    how many points to review, -v lists them, --strict fails on any.

    Example: ptce-mono build --drafts
    """
    # SIGTERM ends the build as an exception would: temporary files are removed on the way out.
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    from ptce_mono.commands.build import build_dossier, report_lines, warnings_line

    level = logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING
    log_to_terminal(level, "ptce-mono: %(name)s: %(message)s")
    with build_progress(enabled=not (quiet or verbose)):
        try:
            report = build_dossier(
                project,
                out_dir or project / "build",
                drafts=drafts,
                force=force,
                jobs=jobs,
                single_pass=single_pass,
                site=site,
            )
        except PtceError as exc:
            _fail(exc, project)
            return
        except OSError as exc:
            _io_failure(exc)
            return
        except Exception as exc:  # an internal error is reported in one line, never as a traceback
            message = _("ptce-mono: internal error: {kind}: {reason}")
            click.echo(message.format(kind=type(exc).__name__, reason=printable(str(exc))), err=True)
            sys.exit(EXIT_USAGE)
    if not quiet:
        for line in report_lines(report, verbose):
            click.echo(line)
        if report.warnings:
            click.echo(warnings_line(report.warnings), err=True)
    if strict and report.findings:
        sys.exit(EXIT_PROBLEMS)


@main.command()
@argument("folder", type=PathType(path_type=Path, file_okay=False), default=Path("."), metavar=N_("FOLDER"),
          help="Folder of the new project, made if need be (default: here).")
def init(folder: Path) -> None:
    """Start a new project in FOLDER (default: here) that builds at once.

    Writes dossier.yaml (settings explained in French), monographs/ with one example of a
    fictitious pole citing references.bib, editorial/ texts to adapt, a .gitignore for build/, a CI
    workflow and a pre-commit configuration. Overwrites nothing: if any of these files exists,
    nothing is written.

    Example: ptce-mono init mon-dossier && cd mon-dossier && ptce-mono build
    """
    from ptce_mono.commands.init import init_project, init_report

    try:
        click.echo(init_report(folder, init_project(folder)))
    except PtceError as exc:
        _fail(exc)


@main.command()
@argument("name", metavar=N_("NAME"), help="Name of the pole, as the dossier prints it.")
@option(
    "--id",
    "pole_id",
    help="Identifier of the pole (default: the first three significant words of NAME, "
    "`Pôle des Deux Rives` -> `deux-rives`).",
)
@option(
    "--folder",
    type=PathType(path_type=Path, file_okay=False),
    default=Path("monographs"),
    show_default=True,
)
def new(name: str, pole_id: str | None, folder: Path) -> None:
    """Write a new monograph skeleton from the grid.

    Every field is there (required ones marked), every section with its guiding questions as
    comments; `ptce-mono check` then lists what remains to write.

    Example: ptce-mono new "Pôle des Deux Rives"
    """
    from ptce_mono.commands.authoring import new_monograph

    try:
        target = new_monograph(Path.cwd(), name, pole_id, folder)
    except PtceError as exc:
        _fail(exc)
        return
    except OSError as exc:
        _io_failure(exc)
        return
    click.echo(_("Wrote {path}. Next: ptce-mono check {path}").format(path=target))


@main.command()
@option("--out", type=PathType(path_type=Path, dir_okay=False), help="Write to a file instead.")
def schema(out: Path | None) -> None:
    """Print the front matter's JSON Schema, generated from the grid.

    Example: ptce-mono schema --out monograph.schema.json
    """
    from ptce_mono.commands.authoring import schema_text

    try:
        text = schema_text(Path.cwd())
    except PtceError as exc:
        _fail(exc)
        return
    if out:
        try:
            write_bytes_atomic(out, text.encode("utf-8"))  # a link there is replaced, not written through
        except OSError as exc:
            _io_failure(exc)
            return
        click.echo(_("Wrote {path}").format(path=out))
    else:
        click.echo(text, nl=False)


@main.command()
@project_option
@option(
    "--out",
    "out_dir",
    type=PathType(path_type=Path, file_okay=False),
    default=None,
    help="Output folder (default: build/tables in the project).",
)
@option(
    "--drafts/--no-drafts",
    default=None,
    help="Include draft monographs (default: `drafts:` of dossier.yaml, as the dossier does).",
)
@option("--no-xlsx", is_flag=True, help="CSV files only.")
@option("--csv-comma", is_flag=True,
              help="Separate CSV fields with commas (default: semicolons, as French spreadsheets expect).")
def matrix(project: Path, out_dir: Path | None, drafts: bool | None, no_xlsx: bool, csv_comma: bool) -> None:
    """Export the framework matrix, the typology and the SWOT table (CSV and XLSX).

    The poles are those the dossier prints, in its order. The CSV files open as they are in a
    French spreadsheet: UTF-8 with a BOM, fields separated by semicolons (--csv-comma: commas).

    Example: ptce-mono matrix --drafts
    """
    from ptce_mono.commands.tables import write_tables

    try:
        out, separator = out_dir or project / "build" / "tables", "," if csv_comma else ";"
        written = write_tables(project, out, drafts, not no_xlsx, separator)
    except PtceError as exc:
        _fail(exc, project)
        return
    except OSError as exc:
        _io_failure(exc)
        return
    for path in written:
        click.echo(_("Wrote {path}").format(path=path))


@main.command()
@project_option
@option("--to", "fmt", type=click.Choice(["docx", "odt", "epub"]), required=True)
@option(
    "--out",
    type=PathType(path_type=Path, dir_okay=False),
    default=None,
    help="Output file (default: build/dossier.<format> in the project).",
)
@option("--drafts/--no-drafts", default=None, help="Include draft monographs.")
@option("--force", is_flag=True, help="Replace an existing file that --out names (never a source).")
def export(project: Path, fmt: str, out: Path | None, drafts: bool | None, force: bool) -> None:
    """Export the dossier for a word processor or an e-reader, through pandoc.

    Example: ptce-mono export --to docx
    """
    from ptce_mono.commands.export import export_dossier

    try:
        target = out or project / "build" / f"dossier.{fmt}"
        written = export_dossier(project, fmt, target, drafts, force=force)
    except PtceError as exc:
        _fail(exc, project)
        return
    except OSError as exc:
        _io_failure(exc)
        return
    click.echo(_("Wrote {path}").format(path=written))


@main.command()
@project_option
@option("--port", type=int, default=8000, show_default=True, help="Port on 127.0.0.1.")
def serve(project: Path, port: int) -> None:
    """Preview the dossier in a browser, rebuilt each time a source is saved.

    Drafts are shown; problems are listed on the page. /dossier.pdf builds the PDF on demand.

    Example: ptce-mono serve --port 8000
    """
    from ptce_mono.commands.serve import serve as run_server

    try:
        run_server(project, port)
    except PtceError as exc:
        _fail(exc, project)
