"""`ptce-mono build`: the whole pipeline, in order. Read it top to bottom and you know the program.

load (grid, dossier.yaml) -> parse and validate the monographs (as `check` does; any error stops
here, before anything is written) -> order and select the poles -> analyse -> render HTML
(steps 1 to 5: `prepare.prepare_dossier`) -> typeset PDF (step 6: `typeset.stage.typeset`) ->
proofread the PDF (step 7: `preflight.preflight_pdf`, which reads it and never changes it).

The typesetting processes are started, once the fingerprint says there is work, before the rest
of the pipeline is even imported: they get ready (WeasyPrint, stylesheet, fonts) while the
sources are checked and rendered. Hence the imports inside `build_dossier`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ptce_mono.commands.fingerprint import (
    fingerprint,
    read_build_record,
    recorded_pieces,
    write_build_record,
)
from ptce_mono.core.files import sweep_temporaries
from ptce_mono.core.i18n import _, decimal, ngettext
from ptce_mono.core.problems import Position, Problem, Severity
from ptce_mono.core.project_files import output_folder, read_text
from ptce_mono.proof.findings import Finding, summary_line
from ptce_mono.sources.config import load_config
from ptce_mono.sources.resources import template_folders
from ptce_mono.typeset.pieces.workers import CACHE_FOLDER, Workers, build_workers

if TYPE_CHECKING:
    from ptce_mono.sources.monograph import Monograph

LOGGER = logging.getLogger("ptce_mono.commands.build")
PUBLISHED_EDITION = "dossier"  # build/dossier.pdf and .html: the published monographs only
DRAFT_EDITION = "dossier-brouillon"  # drafts printed too (--drafts, or `drafts: include`)


CACHE_ATTEMPTS = 3


def _within(filename: object, folder: Path) -> bool:
    if not isinstance(filename, str | os.PathLike):
        return False
    return Path(os.path.abspath(filename)).is_relative_to(Path(os.path.abspath(folder)))


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
    site_pages: list[Path] = field(default_factory=list)  # the static site's, when asked for
    findings: list[Finding] = field(default_factory=list)  # what the preflight found in the PDF

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == Severity.WARNING)


def _characters_without_font(project: Path, printed: list[Monograph]) -> list[Problem]:
    """A warning, with its file and line, for each character of a monograph that no font of the
    dossier has: it would print as an empty box (the machine's fonts are never used)."""
    from ptce_mono.typeset.fonts import characters_without_font, project_fonts

    found = []
    for path, reason in project_fonts(project)[1]:
        message = _("font not used: {reason}").format(reason=reason)
        problem = Problem(str(path), Position(), Severity.WARNING, "font-refused", message)
        LOGGER.warning("%s: %s", problem.path, problem.message)
        found.append(problem)
    root = project.absolute()
    for monograph in printed:
        candidates = (Path(monograph.path).absolute(), root / monograph.path)
        source = next((p for p in candidates if p.is_file()), None)
        if source is None:
            continue
        try:
            text = read_text(source, root)
        except (OSError, UnicodeDecodeError):  # the check already reported an unreadable file
            continue
        for line, column, character in characters_without_font(text, project):
            problem = Problem(
                monograph.path,
                Position(line, column),
                Severity.WARNING,
                "char-without-font",
                _("no font of the dossier has “{character}” ({code}): it would print as an empty box").format(
                    character=character, code=f"U+{ord(character):04X}"
                ),
                _(
                    "Use another character, or add a font that has it to the project's fonts/ folder "
                    "(docs/styling.md)."
                ),
            )
            LOGGER.warning("%s:%d: %s", problem.path, line, problem.message)
            found.append(problem)
    return found


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
    site: bool = False,
) -> BuildReport:
    """Build `out_dir/dossier.pdf` and `out_dir/dossier.html` from the project's monographs;
    `out_dir/dossier-brouillon.pdf` and `.html` when drafts are printed too (the published files
    are then left as they are).

    When nothing the build reads has changed since the last build into `out_dir`, the outputs
    are kept as they are (`up_to_date`), unless `force`. The PDF is typeset in pieces by `jobs`
    processes (default: the number of cores), each piece cached in `out_dir/cache/`, unless
    `single_pass`; both give the same pages.

    With `site`, the static site is written to `out_dir/site/` too, whether or not the PDF was
    up to date. `workers` (from `workers.build_workers`) lets a caller start the typesetting processes
    sooner, before it imports this module; they are left open. `drafts` overrides `drafts:` of
    dossier.yaml. Raises ConfigError, GridError, CorpusError
    (the problems `check` reports; nothing is written), RenderError or SandboxViolation.
    """
    started = time.perf_counter()
    # The output folder, when in the project, is one of its own folders, not a link out of it.
    output_folder(out_dir, project)
    # What an earlier build killed with SIGKILL left behind (a SIGTERM cleans up after itself).
    for folder in (out_dir, out_dir / CACHE_FOLDER / "pieces"):
        sweep_temporaries(folder)
    folders = template_folders(project)
    # The typesetting processes start once the build knows it has work: they get ready
    # (WeasyPrint, stylesheet, fonts) while the sources are checked and the HTML is made.
    with contextlib.ExitStack() as stack:
        if workers is None:
            workers = stack.enter_context(build_workers(project, jobs, single_pass))
        extra = [p for p in (grid_path, config_path) if p is not None]
        from ptce_mono.sources.edition import edition_datetime

        config = load_config(project, config_path)
        # The bibliography and style files the settings name: the build is redone when they change.
        extra += [*config.bibliography, *([config.csl] if config.csl else [])]
        include_drafts = config.include_drafts if drafts is None else drafts
        # The edition with drafts never replaces the published one: each has its files.
        name = DRAFT_EDITION if include_drafts else PUBLISHED_EDITION
        edition = edition_datetime(config)
        # One pass or pieces: the same pages, not the same bytes; either keeps only its own output.
        build_kind = f"{'single-pass' if single_pass else ''}\0{edition.isoformat()}"
        key = fingerprint(project.resolve(), drafts, extra, build_kind, out_dir.resolve())
        record = None if force else read_build_record(out_dir, key, name)
        if record is not None:
            recorded = record["report"]
            report = BuildReport(
                poles=recorded["poles"],
                drafts_included=recorded["drafts_included"],
                drafts_left_out=recorded["drafts_left_out"],
                pages=recorded["pages"],
                seconds=time.perf_counter() - started,
                pdf=out_dir / f"{name}.pdf",
                html=out_dir / f"{name}.html",
                up_to_date=True,
                findings=[Finding.from_json(f) for f in recorded.get("proof", [])],
            )
            return _with_site(report, project, out_dir, drafts, site)
        workers.start()
        if force:  # everything typeset anew, the pieces in the cache too
            from ptce_mono.typeset.pieces.builder import forget_cache

            forget_cache(out_dir / CACHE_FOLDER / "pieces")
        from ptce_mono.commands.prepare import prepare_dossier
        from ptce_mono.typeset.stage import typeset

        prepared = prepare_dossier(project, drafts, grid_path=grid_path, config_path=config_path)
        printed, left_out = prepared.printed, prepared.left_out
        prepared.problems.extend(_characters_without_font(project, printed))

        # 6. Typeset: the PDF, and the same document for a browser.
        LOGGER.info(_("Typesetting the PDF"))
        cache_folder = out_dir / CACHE_FOLDER
        variant = None if prepared.pdf_variant == "none" else prepared.pdf_variant
        for attempt in range(1, CACHE_ATTEMPTS + 1):
            try:
                written = typeset(
                    prepared.rendered.html,
                    folders,
                    project,
                    out_dir,
                    int(edition.timestamp()),
                    jobs=jobs,
                    single_pass=single_pass,
                    workers=workers,
                    name=name,
                    variant=variant,
                    known_pieces=recorded_pieces(out_dir, name),
                )
                break
            except FileNotFoundError as exc:
                # The cache may be deleted at any time, during a build too: the pieces it held
                # are typeset again.
                if attempt == CACHE_ATTEMPTS or not _within(exc.filename, cache_folder):
                    raise
                LOGGER.warning(_("build/cache was deleted during the build: typesetting again"))

        # 7. Proofread: the PDF just written, read back as a proof-reader would; never changed.
        LOGGER.info(_("Proofreading the PDF"))
        from ptce_mono.commands.preflight import preflight_pdf

        findings = preflight_pdf(project, written.pdf, printed)
    seconds = time.perf_counter() - started
    LOGGER.info(
        _("built {pdf} ({pages} pages) in {seconds} s").format(
            pdf=written.pdf, pages=written.pages, seconds=decimal(seconds)
        )
    )
    report = BuildReport(
        poles=[m.id for m in printed],
        drafts_included=[m.id for m in printed if not m.is_published],
        drafts_left_out=[m.id for m in left_out],
        pages=written.pages,
        seconds=seconds,
        pdf=written.pdf,
        html=written.html,
        problems=prepared.problems,
        findings=findings,
    )
    recorded = {
        "poles": report.poles,
        "drafts_included": report.drafts_included,
        "drafts_left_out": report.drafts_left_out,
        "pages": report.pages,
        "proof": [f.to_json() for f in findings],
    }
    write_build_record(out_dir, key, [written.pdf, written.html], recorded, name, written.pieces)
    return _with_site(report, project, out_dir, drafts, site)


def _with_site(
    report: BuildReport, project: Path, out_dir: Path, drafts: bool | None, site: bool
) -> BuildReport:
    if site:
        from ptce_mono.commands.site import build_site

        report.site_pages = build_site(project, out_dir, drafts=drafts)
    return report


__all__ = ["DRAFT_EDITION", "PUBLISHED_EDITION", "BuildReport", "build_dossier"]


def report_lines(report: BuildReport, verbose: bool = False) -> list[str]:
    """What the build says when it is done: what it wrote, the poles printed, the drafts left out,
    and the proof of the PDF in one line (with `verbose`, every point to review under it)."""
    proof = [summary_line(report.findings), *(f"  {f.line()}" for f in report.findings if verbose)]
    if report.up_to_date and report.site_pages:
        # The site is written at each build: only the PDF was kept as it was.
        return [
            _(
                "{pdf} is up to date ({pages} pages): nothing has changed since it was built; "
                "--force rebuilds it."
            ).format(pdf=report.pdf, pages=report.pages),
            _site_line(report.site_pages),
            *proof,
        ]
    if report.up_to_date:
        return [
            _(
                "Up to date: nothing has changed since {pdf} was built ({pages} pages); --force rebuilds."
            ).format(pdf=report.pdf, pages=report.pages),
            *proof,
        ]
    lines = [
        _("Built {pdf} ({pages} pages) and {html} in {seconds} s.").format(
            pdf=report.pdf, pages=report.pages, html=report.html, seconds=decimal(report.seconds)
        )
    ]
    # The poles' names only with `verbose`: fourteen or sixty names make a paragraph.
    printed = ", ".join(report.poles)
    if report.drafts_included:
        drafts = len(report.drafts_included)
        lines.append(
            ngettext(
                "Poles printed: {count}, {drafts} of them a draft.",
                "Poles printed: {count}, {drafts} of them drafts.",
                drafts,
            ).format(count=len(report.poles), drafts=drafts)
        )
    else:
        lines.append(_("Poles printed: {count}.").format(count=len(report.poles)))
    if verbose:
        lines.append(f"  {printed}")
    if report.drafts_left_out:
        lines.append(
            ngettext(
                "Drafts left out: {count}; --drafts prints it.",
                "Drafts left out: {count}; --drafts prints them.",
                len(report.drafts_left_out),
            ).format(count=len(report.drafts_left_out))
        )
        if verbose:
            lines.append(f"  {', '.join(report.drafts_left_out)}")
    if report.site_pages:
        lines.append(_site_line(report.site_pages))
    return [*lines, *proof]


def _site_line(pages: list[Path]) -> str:
    return _("Wrote the site: {count} pages in {folder}.").format(count=len(pages), folder=pages[0].parent)


def warnings_line(count: int) -> str:
    return ngettext(
        "{count} warning in the sources: `ptce-mono check` lists them.",
        "{count} warnings in the sources: `ptce-mono check` lists them.",
        count,
    ).format(count=count)
