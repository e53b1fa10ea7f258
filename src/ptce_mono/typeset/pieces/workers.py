"""The processes that typeset the dossier's pieces: a `concurrent.futures` process pool.

Each process gets ready as it starts (its initializer imports WeasyPrint, parses the stylesheet
and loads the fonts). `Workers.start` starts them as the build begins, so that they get ready
while the main process checks the monographs and makes the HTML; the main process never imports
WeasyPrint. A job writes its piece's PDF (when asked for one) and layout to the cache folder and
returns the layout.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ptce_mono.core.errors import RenderError
from ptce_mono.core.files import write_bytes_atomic
from ptce_mono.core.i18n import _
from ptce_mono.core.machine import available_cores, end_with_parent
from ptce_mono.sources.resources import template_folders
from ptce_mono.typeset.layout import Layout

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

LOGGER = logging.getLogger("ptce_mono.typeset.pieces.workers")
CACHE_FOLDER = "cache"  # in the output folder: the pieces typeset, by their content
PDF_DIGEST = "pdf_sha256"  # in a piece's layout record: the SHA-256 of its PDF


@dataclass(frozen=True)
class Job:
    """One piece to typeset: `html` with `extra_css`, `counter(pages)` printed as `total_pages`;
    a tagged PDF of `variant` (None: untagged); only its layout when `layout_only`."""

    key: str
    html: str
    extra_css: str = ""
    total_pages: int | None = None
    variant: str | None = None
    layout_only: bool = False


class _LinksToOtherPieces(logging.Filter):
    """Laid out before the other pieces' page numbers are known, the Sommaire points at anchors
    of other pieces (`ptce-anchor:`): WeasyPrint says it cannot resolve them, which is expected
    in that round and no concern of the user's."""

    def filter(self, record: logging.LogRecord) -> bool:
        from ptce_mono.typeset.pieces.cutting import FOREIGN_SCHEME

        return FOREIGN_SCHEME not in record.getMessage()


def typeset_job(job: Job, templates: list[Path], project: Path, epoch: int, folder: Path) -> Layout:
    """Typeset one piece into the cache folder (`key`.pdf and `key`.json); its layout."""
    from ptce_mono.typeset.engine import layout_of_html, render_pdf

    if job.layout_only:
        quiet = _LinksToOtherPieces()
        logging.getLogger("weasyprint").addFilter(quiet)
        try:
            layout = layout_of_html(job.html, templates, project, extra_css=job.extra_css)
        finally:
            logging.getLogger("weasyprint").removeFilter(quiet)
    else:
        pdf, layout = render_pdf(
            job.html,
            templates,
            project,
            epoch,
            variant=job.variant,
            extra_css=job.extra_css,
            total_pages=job.total_pages,
        )
        write_bytes_atomic(folder / f"{job.key}.pdf", pdf)
    record = layout.to_json()
    if not job.layout_only:  # the cache checks a piece against it before using it
        record[PDF_DIGEST] = hashlib.sha256(pdf).hexdigest()
    write_bytes_atomic(folder / f"{job.key}.json", json.dumps(record).encode("utf-8"))
    return layout


def _get_ready(templates: list[Path], project: Path, parent: int) -> None:
    from ptce_mono.typeset.engine import limit_this_process, warm_up

    end_with_parent(parent)
    limit_this_process()
    try:
        warm_up(templates, project)
    except Exception as exc:  # the first job meets the same error and sends it to the build
        LOGGER.debug("not ready: %s", exc)


def _nothing() -> None:
    return None


class Workers:
    """`jobs` typesetting processes; none when `jobs` is below 2 or where processes cannot be
    forked (Windows): the jobs then run in this process."""

    def __init__(self, jobs: int, templates: list[Path], project: Path) -> None:
        self.jobs = jobs
        self.templates = templates
        self.project = project
        self.pool: ProcessPoolExecutor | None = None
        self.closed = False

    def start(self) -> None:
        """Start the processes, once: they get ready meanwhile."""
        if self.pool is not None or self.jobs < 2 or self.closed:
            return
        # Imported here: a build with nothing to do starts no process and does not import them.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if "fork" not in multiprocessing.get_all_start_methods():
            return
        self.pool = ProcessPoolExecutor(
            self.jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_get_ready,
            initargs=(self.templates, self.project, os.getpid()),
        )
        self.pool.submit(_nothing)  # the pool starts its processes with its first job

    def map(self, jobs: list[Job], epoch: int, folder: Path) -> list[Layout]:
        """`typeset_job` for each job, in this order, on the first process free; the layouts in
        the order of `jobs`. Raises what a job raised."""
        from concurrent.futures.process import BrokenProcessPool

        if self.closed:
            raise RenderError(_("the typesetting processes are stopped"))
        self.start()
        arguments = (self.templates, self.project, epoch, folder)
        if self.pool is None:
            return [typeset_job(job, *arguments) for job in jobs]
        futures: list[Future[Layout]] = [self.pool.submit(typeset_job, job, *arguments) for job in jobs]
        try:
            return [future.result() for future in futures]
        except BrokenProcessPool:
            raise RenderError(
                _(
                    "a typesetting process was stopped (out of memory, past its processor time, or "
                    "killed); build again, or with --single-pass"
                )
            ) from None
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        """Stop the processes; a job already running is let finish (it owns a temporary file)."""
        self.closed = True
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def build_workers(project: Path, jobs: int | None = None, single_pass: bool = False) -> Workers:
    """The typesetting processes of a build of `project`, not started: `jobs` of them (default:
    the number of cores this process may use), none for a single pass; never more than the cores,
    nor than the pieces the dossier can be cut into (a process without a piece only costs memory)."""
    if single_pass:
        return Workers(0, template_folders(project), project)
    count = min(jobs or available_cores(), available_cores(), _most_pieces(project))
    return Workers(count, template_folders(project), project)


def _most_pieces(project: Path) -> int:
    """At most how many pieces: one per case study, and the front, part 1, part 3, the annexes."""
    try:
        return 4 + sum(1 for path in (project / "monographs").iterdir() if path.suffix == ".md")
    except OSError:
        return 4


__all__ = ["PDF_DIGEST", "Job", "Workers", "build_workers", "typeset_job"]
