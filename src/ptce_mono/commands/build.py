"""`ptce-mono build`: the whole pipeline, in order. Read it top to bottom and you know the program.

load (grid, dossier.yaml) -> parse and validate the monographs (as `check` does; any error stops
here, before anything is written) -> order and select the poles -> render HTML -> typeset PDF.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ptce_mono.analysis.crosscase import analyse
from ptce_mono.analysis.options import Options, load_options
from ptce_mono.check.validate import check_paths
from ptce_mono.commands.fingerprint import fingerprint, read_stamp, write_stamp
from ptce_mono.core.errors import CorpusError
from ptce_mono.core.problems import Position, Problem, Severity, has_errors
from ptce_mono.render.analysis import pole_map_html, render_analysis
from ptce_mono.render.dossier import RenderedDossier, make_environment, read_editorial, render_dossier
from ptce_mono.sources.config import load_config, order_poles
from ptce_mono.sources.grid import load_grid
from ptce_mono.sources.monograph import Monograph
from ptce_mono.sources.resources import project_resource, template_folders
from ptce_mono.typeset.pieces.workers import Workers, build_workers

LOGGER = logging.getLogger("ptce_mono.commands.build")


@dataclass
class BuildReport:
    poles: list[str]  # ids printed, in the dossier's order
    drafts_included: list[str]
    drafts_left_out: list[str]
    pages: int
    seconds: float
    pdf: Path
    html: Path
    problems: list[Problem] = field(default_factory=list)  # warnings and notes that did not stop it
    up_to_date: bool = False  # nothing changed since the last build: the outputs were kept

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == Severity.WARNING)


def build_datetime(monographs: list[Monograph], fallback_year: int) -> dt.datetime:
    """The date the dossier carries: SOURCE_DATE_EPOCH when set, else its latest date of writing.

    Never the clock: the same sources must give the same PDF, byte for byte.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    dates = []
    for monograph in monographs:
        written = str(monograph.meta.get("date_written") or "")
        parts = [int(p) for p in written.split("-") if p.isdigit()]
        if len(parts) >= 2:
            day = parts[2] if len(parts) > 2 else 1
            dates.append(dt.datetime(parts[0], parts[1], day, tzinfo=dt.timezone.utc))
    return max(dates, default=dt.datetime(fallback_year, 1, 1, tzinfo=dt.timezone.utc))


def _characters_without_font(project: Path, printed: list[Monograph]) -> list[Problem]:
    """A warning, with its file and line, for each character of a monograph that no font of the
    dossier has: it would print as an empty box (the machine's fonts are never used)."""
    from ptce_mono.typeset.fonts import characters_without_font

    found = []
    for monograph in printed:
        source = next((p for p in (Path(monograph.path), project / monograph.path) if p.is_file()), None)
        if source is None:
            continue
        text = source.read_text(encoding="utf-8")
        for line, column, character in characters_without_font(text, project):
            problem = Problem(
                monograph.path,
                Position(line, column),
                Severity.WARNING,
                "char-without-font",
                f"no font of the dossier has “{character}” (U+{ord(character):04X}): "
                "it would print as an empty box",
                "Use another character, or add a font that has it to the project's fonts/ folder "
                "(docs/styling.md).",
            )
            LOGGER.warning("%s:%d: %s", problem.path, line, problem.message)
            found.append(problem)
    return found


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _root_for(project: Path) -> Path:
    """Paths in messages are relative to where the command runs, as `check` prints them."""
    cwd = Path.cwd().resolve()
    return cwd if project.resolve().is_relative_to(cwd) else project.resolve()


@dataclass
class Prepared:
    """Everything up to the rendered HTML: what `build` typesets and `export` converts."""

    rendered: RenderedDossier
    printed: list[Monograph]
    left_out: list[Monograph]
    edition: dt.datetime
    problems: list[Problem]
    pdf_variant: str = "pdf/ua-1"


def prepare_dossier(
    project: Path,
    drafts: bool | None = None,
    *,
    grid_path: Path | None = None,
    config_path: Path | None = None,
) -> Prepared:
    """Steps 1 to 5 of the build: load, check, order, analyse, render. Nothing is written."""
    # 1. Load: the grid (the project's, else the packaged one) and the dossier settings.
    LOGGER.info("Loading the grid and the settings")
    grid = load_grid(grid_path or project_resource(project, "grid") / "grid.yaml")
    config = load_config(project, config_path)
    include_drafts = config.include_drafts if drafts is None else drafts

    # 2. Parse and validate every monograph, drafts included: the same problems as `check`.
    LOGGER.info("Checking the monographs")
    checked = check_paths([project / "monographs"], grid, root=_root_for(project))
    if has_errors(checked.problems):
        raise CorpusError(checked.problems)

    # 3. Order the poles as dossier.yaml says, then keep those to print.
    LOGGER.info("Ordering the poles")
    by_id = {m.id: m for m in checked.monographs}
    ordered = [by_id[pole] for pole in order_poles(config, list(by_id))]
    printed = [m for m in ordered if m.is_published or include_drafts]
    left_out = [m for m in ordered if m not in printed]
    if not printed:
        raise CorpusError(
            [
                Problem(
                    str(project / "monographs"),
                    Position(),
                    Severity.ERROR,
                    "nothing-to-print",
                    "no published monograph: the dossier would be empty",
                    "Publish a monograph (`status: published`) or build with --drafts.",
                )
            ]
        )

    # 4. Analyse: the cross-case model of the printed poles, and the editors' strategic options,
    #    whose SWOT ids must exist in this model (an unknown id is an error with its line).
    LOGGER.info("Analysing across cases")
    model = analyse(printed, grid, config.reference_year)
    options = Options(config.path)
    if config.options is not None:
        options, option_problems = load_options(config.options, model.swot, _shown(config.options))
        if has_errors(option_problems):
            raise CorpusError(option_problems)

    # 5. Render: one HTML document, French typography applied.
    LOGGER.info("Rendering the HTML")
    env = make_environment(project)
    editorial = read_editorial(config)
    part3, annexes = render_analysis(
        env,
        model,
        options,
        grid,
        {
            "intro": editorial.get("analysis", ""),
            "swot": editorial.get("swot", ""),
            "governance": editorial.get("governance", ""),
        },
    )
    edition = build_datetime(printed, config.reference_year)
    rendered = render_dossier(
        project,
        config,
        grid,
        printed,
        typology=model.typology,
        edition=edition,
        drafts_left_out=[m.name for m in left_out],
        analysis_html=part3,
        annexes_html=annexes,
        map_html=pole_map_html(printed),
        editorial=editorial,
        env=env,
    )
    problems = [*config.warnings, *checked.problems]
    return Prepared(rendered, printed, left_out, edition, problems, config.pdf_variant)


def build_dossier(
    project: Path,
    out_dir: Path,
    drafts: bool | None = None,
    *,
    grid_path: Path | None = None,
    config_path: Path | None = None,
    force: bool = False,
    jobs: int | None = None,
    single_pass: bool = False,
    workers: Workers | None = None,
) -> BuildReport:
    """Build `out_dir/dossier.pdf` and `out_dir/dossier.html` from the project's monographs.

    When nothing the build reads has changed since the last build into `out_dir`, the outputs
    are kept as they are (`up_to_date`), unless `force`. The PDF is typeset in pieces by `jobs`
    processes (default: the number of cores), each piece cached in `out_dir/cache/`, unless
    `single_pass`; both give the same pages.

    `workers` (from `workers.build_workers`) lets a caller start the typesetting processes
    sooner, before it imports this module; they are left open. `drafts` overrides `drafts:` of
    dossier.yaml. Raises ConfigError, GridError, CorpusError
    (the problems `check` reports; nothing is written), RenderError or SandboxViolation.
    """
    started = time.perf_counter()
    folders = template_folders(project)
    # The typesetting processes start once the build knows it has work: they get ready
    # (WeasyPrint, stylesheet, fonts) while the sources are checked and the HTML is made.
    with contextlib.ExitStack() as stack:
        if workers is None:
            workers = stack.enter_context(build_workers(project, jobs, single_pass))
        extra = [p for p in (grid_path, config_path) if p is not None]
        # One pass or pieces: the same pages, not the same bytes; either keeps only its own output.
        key = fingerprint(project.resolve(), drafts, extra, "single-pass" if single_pass else "")
        stamp = None if force else read_stamp(out_dir, key)
        if stamp is not None:
            recorded = stamp["report"]
            return BuildReport(
                poles=recorded["poles"],
                drafts_included=recorded["drafts_included"],
                drafts_left_out=recorded["drafts_left_out"],
                pages=recorded["pages"],
                seconds=time.perf_counter() - started,
                pdf=out_dir / "dossier.pdf",
                html=out_dir / "dossier.html",
                up_to_date=True,
            )
        workers.start()
        from ptce_mono.typeset.stage import typeset

        prepared = prepare_dossier(project, drafts, grid_path=grid_path, config_path=config_path)
        printed, left_out, edition = prepared.printed, prepared.left_out, prepared.edition
        prepared.problems.extend(_characters_without_font(project, printed))

        # 6. Typeset: the PDF, and the same document for a browser.
        LOGGER.info("Typesetting the PDF")
        written = typeset(
            prepared.rendered.html,
            folders,
            project,
            out_dir,
            int(edition.timestamp()),
            jobs=jobs,
            single_pass=single_pass,
            workers=workers,
            variant=None if prepared.pdf_variant == "none" else prepared.pdf_variant,
        )
    seconds = time.perf_counter() - started
    LOGGER.info("built %s (%d pages) in %.1f s", written.pdf, written.pages, seconds)
    report = BuildReport(
        poles=[m.id for m in printed],
        drafts_included=[m.id for m in printed if not m.is_published],
        drafts_left_out=[m.id for m in left_out],
        pages=written.pages,
        seconds=seconds,
        pdf=written.pdf,
        html=written.html,
        problems=prepared.problems,
    )
    recorded = {
        "poles": report.poles,
        "drafts_included": report.drafts_included,
        "drafts_left_out": report.drafts_left_out,
        "pages": report.pages,
    }
    write_stamp(out_dir, key, [written.pdf, written.html], recorded)
    return report


__all__ = ["BuildReport", "Prepared", "build_datetime", "build_dossier", "prepare_dossier"]
