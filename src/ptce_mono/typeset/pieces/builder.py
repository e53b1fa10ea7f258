"""Typeset the dossier in pieces, in parallel processes, each piece cached by its content.

1. The HTML is cut at its forced page breaks (cutting.py): the front (cover, Sommaire), part 1,
   each case study, part 3, the annexes. safety.py says whether the pieces can equal the single
   pass; when they cannot, the builder declines (`Declined`, with the reason) and the caller
   typesets in one pass.
2. Every piece is laid out (no PDF written) to learn its page count and where its anchors fall.
3. Every piece is typeset again, tagged, knowing its place: its first page number
   (`@page :first { counter-increment: page N }`), the dossier's page count in place of
   `counter(pages)`, and the page number of every link to another piece (`data-page`, which the
   Sommaire prints). The page numbers are WeasyPrint's own; if the front's length changed with
   its numbers, the pieces after it are typeset again.
4. merge.py, in a process of its own, merges the pieces' pages, structure trees, named
   destinations, cross-piece links and outline, and makes the fonts' subsets one.

A piece's cache key is the hash of its HTML and of everything else its PDF depends on (template
folders, fonts, WeasyPrint's version, the date, its place in the dossier); a build that changes
nothing typesets nothing. `build/cache/` may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ptce_mono.core.i18n import _, current_language, decimal, set_language
from ptce_mono.core.machine import end_with_parent
from ptce_mono.core.project_files import MAX_ASSET_BYTES, output_folder, read_bytes
from ptce_mono.sources.resources import files_under
from ptce_mono.typeset.fonts import source_date
from ptce_mono.typeset.layout import Layout
from ptce_mono.typeset.libraries import library_versions
from ptce_mono.typeset.pieces.cutting import Chunk, number_links, split_document
from ptce_mono.typeset.pieces.safety import decline_reason
from ptce_mono.typeset.pieces.workers import PDF_DIGEST, Job, Workers
from ptce_mono.typeset.stylesheet import find_stylesheet

if TYPE_CHECKING:
    from ptce_mono.typeset.pieces.merge import Merged, Piece

LOGGER = logging.getLogger("ptce_mono.typeset.pieces.builder")
MAX_CACHED_PIECE_BYTES = 512 * 1024 * 1024  # a piece is a few MiB; this only bounds a read
_SETTLING_ROUNDS = 3  # the front's length changes with its numbers at most this often


@dataclass
class PiecesResult:
    pages: int
    pieces: int
    typeset: int  # pieces typeset by this build; the others came from the cache


@dataclass
class Declined:
    reason: str


def _environment_key(templates: list[Path], epoch: int, project: Path) -> str:
    """What a piece's PDF depends on besides its HTML: the template folders' stylesheets and
    images, the project's `assets/` and `fonts/` (a replaced logo, an added font), the libraries'
    versions and the date. Files are read as the typesetting reads them (a refused one counts
    as refused)."""
    digest = hashlib.sha256()
    folders = [(folder, folder, "") for folder in templates]
    folders += [(project / name, project, name) for name in ("assets", "fonts")]
    for folder, root, label in folders:
        for file in files_under(folder):
            if label == "" and file.name.endswith(".html"):
                continue
            try:
                content = read_bytes(file.absolute(), root.absolute(), MAX_ASSET_BYTES)
            except OSError as exc:
                content = f"refused:{exc}".encode()
            name = f"{label}/{file.relative_to(folder)}"
            digest.update(name.encode() + b"\0" + content + b"\0")
    digest.update(library_versions().encode())
    digest.update(f"{epoch}\0".encode())
    return digest.hexdigest()


def forget_cache(folder: Path) -> None:
    """Empty the pieces' cache `folder` of its entries (`build --force`: everything typeset anew)."""
    for file in files_under(folder):
        if file.suffix in (".pdf", ".json") and not file.is_symlink():
            file.unlink(missing_ok=True)


class _Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def pdf(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def layout(self, job: Job) -> Layout | None:
        """The cached layout of `job` (its PDF checked against its record), or None: not cached,
        or damaged (a truncated piece, a hand-edited record), then discarded with a warning."""
        self.used.add(job.key)
        record_path = self.folder / f"{job.key}.json"
        if not os.path.lexists(record_path):
            return None
        try:
            data = json.loads(read_bytes(record_path.absolute(), self.folder.absolute(), MAX_ASSET_BYTES))
            layout = Layout.from_json(data)
            if layout.pages < 1 or len(layout.page_heights) != layout.pages:
                raise ValueError("page count")
            if not job.layout_only:
                if PDF_DIGEST not in data:  # written before pieces carried their digest
                    raise FileNotFoundError(self.pdf(job.key))
                pdf = read_bytes(self.pdf(job.key).absolute(), self.folder.absolute(), MAX_CACHED_PIECE_BYTES)
                if hashlib.sha256(pdf).hexdigest() != data[PDF_DIGEST]:
                    raise ValueError("digest")
            return layout
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            LOGGER.warning(
                _("{path}: a damaged piece of the cache was discarded; it is typeset again").format(
                    path=record_path
                )
            )
            for path in (record_path, self.pdf(job.key)):
                path.unlink(missing_ok=True)
            return None

    def forget_the_rest(self) -> None:
        """Entries this build did not use are from older builds: the cache keeps one dossier."""
        for file in self.folder.glob("*"):
            if file.stem not in self.used and file.suffix in (".pdf", ".json"):
                file.unlink(missing_ok=True)


class _Runner:
    """Runs the jobs not in the cache, on the workers."""

    def __init__(self, workers: Workers, environment: str, epoch: int, cache: _Cache) -> None:
        self.workers = workers
        self.environment = environment
        self.epoch = epoch
        self.cache = cache
        self.typeset = 0

    def job(self, html: str, **settings: object) -> Job:
        text = json.dumps(settings, sort_keys=True)
        digest = hashlib.sha256(f"{self.environment}\0{text}\0{html}".encode()).hexdigest()
        return Job(digest, html, **settings)  # type: ignore[arg-type]

    def run(self, todo: list[Job]) -> list[Layout]:
        layouts: dict[str, Layout] = {}
        missing = []
        for job in dict((job.key, job) for job in todo).values():
            cached = self.cache.layout(job)
            if cached is None:
                missing.append(job)
            else:
                layouts[job.key] = cached
        self.typeset += sum(not job.layout_only for job in missing)
        # Longest first, so that no long piece starts last while the other workers wait.
        missing.sort(key=lambda job: -len(job.html))
        done = self.workers.map(missing, self.epoch, self.cache.folder)
        layouts.update((job.key, layout) for job, layout in zip(missing, done, strict=True))
        return [layouts[job.key] for job in todo]


def _page_numbers(chunks: list[Chunk], layouts: list[Layout]) -> tuple[list[int], dict[str, str]]:
    """The page number each piece starts after, and the page number of every anchor."""
    offsets: list[int] = []
    anchors: dict[str, str] = {}
    offset = 0
    for chunk, layout in zip(chunks, layouts, strict=True):
        offsets.append(offset)
        for anchor in chunk.ids:
            if anchor in layout.anchors:
                anchors.setdefault(anchor, str(offset + layout.anchors[anchor][0] + 1))
        offset += layout.pages
    return offsets, anchors


def typeset_in_pieces(
    html: str,
    templates: list[Path],
    project: Path,
    target: Path,
    epoch: int,
    *,
    cache_folder: Path,
    workers: Workers,
    variant: str | None,
) -> PiecesResult | Declined:
    """Write the dossier's PDF to `target` (a temporary name: the caller puts it in place), or
    decline, saying why, when the pieces could not equal the single pass."""
    # Imported here, not with the module: pikepdf is not needed by the workers.
    from ptce_mono.typeset.pieces.merge import Piece

    chunks = split_document(html)
    if len(chunks) < 2:
        return Declined(_("the dossier's HTML has no page-break marks to cut it at"))
    reason = decline_reason(find_stylesheet(templates).read_text(encoding="utf-8"), chunks)
    if reason:
        return Declined(reason)
    output_folder(cache_folder, target.parent)  # a real folder of the output folder, not a link
    cache = _Cache(cache_folder)
    runner = _Runner(workers, _environment_key(templates, epoch, project), epoch, cache)
    started = time.perf_counter()
    layouts = runner.run([runner.job(c.html, layout_only=True) for c in chunks])
    LOGGER.info(
        _("{count} pieces laid out in {seconds} s").format(
            count=len(chunks), seconds=decimal(time.perf_counter() - started)
        )
    )
    for _round in range(_SETTLING_ROUNDS):
        offsets, anchors = _page_numbers(chunks, layouts)
        total = sum(layout.pages for layout in layouts)
        jobs = [
            runner.job(
                number_links(chunk, anchors).html,
                extra_css=f"@page :first {{ counter-increment: page {offset + 1}; }}\n",
                total_pages=total,
                variant=variant,
            )
            for chunk, offset in zip(chunks, offsets, strict=True)
        ]
        started = time.perf_counter()
        numbered = runner.run(jobs)
        seconds = time.perf_counter() - started
        LOGGER.info(
            _("{count} pieces typeset with their page numbers in {seconds} s").format(
                count=len(jobs), seconds=decimal(seconds)
            )
        )
        if [n.pages for n in numbered] == [layout.pages for layout in layouts]:
            break
        LOGGER.info(_("a piece's length changed with its page numbers: typeset again"))
        layouts = numbered
    else:
        return Declined(_("the pieces' lengths do not settle with their page numbers"))
    pieces = [Piece(cache.pdf(job.key), layout) for job, layout in zip(jobs, numbered, strict=True)]
    started = time.perf_counter()
    with source_date(epoch):  # the shared font subsets carry the dossier's date, not the clock's
        merged = _merge_apart(pieces, target)
    LOGGER.info(
        _("merged {pieces} pieces, {pages} pages, in {seconds} s; {subsets} font subsets shared").format(
            pieces=len(pieces),
            pages=merged.pages,
            seconds=decimal(time.perf_counter() - started),
            subsets=merged.subsets_shared,
        )
    )
    cache.forget_the_rest()
    return PiecesResult(merged.pages, len(pieces), runner.typeset)


def _merge_ready(language: str, parent: int) -> None:
    end_with_parent(parent)
    set_language(language)


def _merge_apart(pieces: list[Piece], target: Path) -> Merged:
    """Merge in a process started for it alone. The merged file's objects are the largest thing
    a build holds; spawned (not forked), that process holds them and the PDF library only, not
    what this process read and rendered, and gives it all back when it ends. Where no process
    can be started, the merge runs here."""
    from ptce_mono.typeset.pieces.merge import merge_pieces, packaged_font

    try:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            1, mp_context=context, initializer=_merge_ready, initargs=(current_language(), os.getpid())
        ) as process:
            return process.submit(merge_pieces, pieces, target, packaged_font).result()
    except (OSError, BrokenProcessPool) as exc:
        LOGGER.debug("merging in this process: %s", exc)
        return merge_pieces(pieces, target, packaged_font)


__all__ = ["Declined", "PiecesResult", "forget_cache", "typeset_in_pieces"]
