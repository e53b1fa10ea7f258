"""Typeset the dossier in pieces, in parallel processes, each piece cached by its content.

1. The HTML is cut at its forced page breaks (chunks.py): the front (cover, Sommaire), part 1,
   the head of part 2 with the first case study, each further case study, part 3, the annexes.
2. Every piece not in the cache is typeset by `Workers` (`jobs` processes), without its page
   numbers; the front first, with a placeholder for each of the Sommaire's page numbers.
3. The page offsets follow; page_refs.py writes the Sommaire's real numbers over the
   placeholders (when it cannot do so exactly, the front is typeset again with them, and again
   if they changed its length); stamps.py draws "page X/Y" for every page from a specimen
   typeset meanwhile (or, when it cannot, a stamp document of one page per page is typeset).
4. assemble.py merges the pieces, lays the stamps over them, rebuilds the named destinations,
   the cross-piece links and the outline, and makes the fonts' subsets one.

A piece's cache key is the hash of its HTML and of everything else its PDF depends on (template
folders, fonts, WeasyPrint's version, the date); editing one monograph re-typesets its piece
and the parts that summarise all of them. `build/cache/` may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ptce_mono.core.errors import RenderError
from ptce_mono.core.files import write_bytes_atomic
from ptce_mono.sources.resources import files_under
from ptce_mono.typeset.fonts import FONT_FACES, FONT_FOLDERS, source_date
from ptce_mono.typeset.layout import Layout
from ptce_mono.typeset.libraries import library_versions
from ptce_mono.typeset.pieces.cutting import FOREIGN_SCHEME, Chunk, number_links, split_document
from ptce_mono.typeset.pieces.margins import PIECE_CSS, stamp_css, stamp_html
from ptce_mono.typeset.pieces.toc_numbers import placeholder
from ptce_mono.typeset.pieces.workers import Workers

LOGGER = logging.getLogger("ptce_mono.typeset.pieces.builder")
CACHE_FOLDER = "cache"


@dataclass
class PiecesResult:
    pages: int
    pieces: int
    typeset: int  # pieces typeset by this build; the others came from the cache


@cache
def _postscript_names() -> dict[str, Path]:
    """The dossier's font files by PostScript name (an unreadable one is simply not shared)."""
    from ptce_mono.typeset.pieces.merge import postscript_name

    names = {}
    for *_face, package, file in FONT_FACES:
        path = FONT_FOLDERS[package] / file
        name = postscript_name(path.read_bytes()) if path.is_file() else None
        if name:
            names[name] = path
    return names


def original_font(postscript_name: str) -> bytes | None:
    path = _postscript_names().get(postscript_name)
    return path.read_bytes() if path else None


def _environment_key(templates: list[Path], epoch: int, extra: str) -> str:
    digest = hashlib.sha256()
    for folder in templates:
        for file in files_under(folder):
            if not file.name.endswith(".html"):
                digest.update(str(file.relative_to(folder)).encode() + b"\0" + file.read_bytes())
    digest.update(library_versions().encode())
    digest.update(f"{epoch}\0{extra}".encode())
    return digest.hexdigest()


@dataclass
class _Job:
    key: str
    html: str
    extra_css: str


class _Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def pdf(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def layout(self, key: str) -> Layout | None:
        self.used.add(key)
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            if not self.pdf(key).is_file():
                return None
            return Layout.from_json(data)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def keep(self, key: str, pdf: bytes) -> Path:
        """A PDF made from cached ones (the front with its numbers filled in), kept with them."""
        self.used.add(key)
        write_bytes_atomic(self.pdf(key), pdf)
        return self.pdf(key)

    def forget_the_rest(self) -> None:
        """Entries this build did not use are from older builds: the cache keeps one dossier."""
        for file in self.folder.glob("*"):
            if file.stem not in self.used and file.suffix in (".pdf", ".json"):
                file.unlink(missing_ok=True)


class _Runner:
    """Runs typesetting jobs not in the cache, on the workers when there are any."""

    def __init__(
        self, workers: Workers, templates: list[Path], project: Path, epoch: int, cache: _Cache
    ) -> None:
        self.workers = workers
        self.args = (templates, project, epoch, cache.folder)
        self.cache = cache
        self.typeset = 0

    def run(
        self, todo: list[_Job], first: _Job | None = None, meanwhile: Callable[[], None] | None = None
    ) -> dict[str, Layout]:
        layouts: dict[str, Layout] = {}
        missing = []
        for job in dict((job.key, job) for job in todo).values():
            cached = self.cache.layout(job.key)
            if cached is None:
                missing.append(job)
            else:
                layouts[job.key] = cached
        self.typeset += len(missing)
        # Longest first, so that no long piece starts last while the other workers wait.
        missing.sort(key=lambda job: (job is not first, -len(job.html)))
        typeset = self.workers.map([(j.key, j.html, j.extra_css, *self.args) for j in missing], meanwhile)
        layouts.update((job.key, layout) for job, layout in zip(missing, typeset, strict=True))
        return layouts


def _page_offsets(front: Layout, body: list[Layout]) -> tuple[dict[str, int], list[str]]:
    """The page number of every anchor of the body, and every page's name."""
    anchors: dict[str, int] = {}
    page_names = list(front.page_names)
    offset = front.pages
    for layout in body:
        for anchor, (page, _x, _y) in layout.anchors.items():
            anchors.setdefault(anchor, offset + page + 1)
        page_names.extend(layout.page_names)
        offset += layout.pages
    return anchors, page_names


def typeset_in_pieces(
    html: str,
    templates: list[Path],
    project: Path,
    target: Path,
    epoch: int,
    *,
    jobs: int,
    cache_folder: Path,
    language: str = "fr",
    workers: Workers | None = None,
) -> PiecesResult:
    """Write the dossier's PDF to `target` (a temporary name: the caller puts it in place).
    `workers`, when given, are used (and left open); else `jobs` processes are started."""
    # Imported here, not with the module: pikepdf takes 0.1 s, which the workers (forked with
    # this module loaded) do not need and the main process can spend while they get ready.
    from ptce_mono.typeset.pieces.merge import Piece, merge_pieces
    from ptce_mono.typeset.pieces.page_numbers import draw_stamps, specimen_names
    from ptce_mono.typeset.pieces.toc_numbers import fill_page_numbers

    chunks = split_document(html)
    cache_folder.mkdir(parents=True, exist_ok=True)
    cache = _Cache(cache_folder)
    environment = _environment_key(templates, epoch, PIECE_CSS)

    def keyed(html: str, extra_css: str) -> _Job:
        digest = hashlib.sha256(f"{environment}\0{extra_css}\0{html}".encode()).hexdigest()
        return _Job(digest, html, extra_css)

    def job(chunk: Chunk) -> _Job:
        return keyed(chunk.html, PIECE_CSS)

    def stamp_job(pages: list[str], dossier_pages: list[str]) -> _Job:
        return keyed(stamp_html(pages, language), stamp_css(set(dossier_pages)))

    front = [c for c in chunks if c.front]
    body = [c for c in chunks if not c.front]
    if len(front) != 1 or not body:
        raise RenderError("the dossier's HTML has no front (cover and Sommaire) before <main>")
    own_workers = workers is None
    runner = _Runner(
        workers or Workers(jobs, templates, project, PIECE_CSS), templates, project, epoch, cache
    )
    try:
        placeholders = {link: placeholder(index) for index, link in enumerate(sorted(front[0].links))}
        first_jobs = [job(number_links(front[0], placeholders)), *(job(c) for c in body)]
        started = time.perf_counter()
        # The front first: its dot leaders make it the slowest piece for its size.
        layouts = runner.run(first_jobs, first=first_jobs[0])
        LOGGER.info(
            "%d pieces laid out (%d typeset) in %.1f s",
            len(first_jobs),
            runner.typeset,
            time.perf_counter() - started,
        )
        body_layouts = [layouts[j.key] for j in first_jobs[1:]]
        front_job = first_jobs[0]
        front_layout = layouts[front_job.key]
        anchors, page_names = _page_offsets(front_layout, body_layouts)
        specimen_pages = specimen_names(page_names)
        specimen = stamp_job(specimen_pages, page_names)
        numbers = {FOREIGN_SCHEME + anchor: str(page) for anchor, page in anchors.items()}
        filled: list[bytes | None] = []

        def fill_in() -> None:  # while the workers typeset the specimen
            front_pdf = cache.pdf(front_job.key).read_bytes()
            filled.append(fill_page_numbers(front_pdf, front_layout, numbers, original_font))

        runner.run([specimen], meanwhile=fill_in)
        if filled[0] is not None:
            LOGGER.info("the Sommaire's page numbers filled in")
            numbers_key = hashlib.sha256(f"{front_job.key}\0{sorted(numbers.items())}".encode()).hexdigest()
            front_piece = Piece(cache.keep(numbers_key, filled[0]), front_layout)
        else:  # the front typeset again with its numbers, and again if that changed its length
            for _attempt in range(3):
                numbered = job(number_links(front[0], {k: str(v) for k, v in anchors.items()}))
                numbered_layout = runner.run([numbered, specimen])[numbered.key]
                if numbered_layout.pages == front_layout.pages:
                    break
                LOGGER.info("the Sommaire's length changed with its numbers: typeset again")
                front_layout = numbered_layout
                anchors, page_names = _page_offsets(front_layout, body_layouts)
                specimen_pages = specimen_names(page_names)
                specimen = stamp_job(specimen_pages, page_names)
            else:
                raise RenderError("the Sommaire's length does not settle: build with --single-pass")
            front_piece = Piece(cache.pdf(numbered.key), numbered_layout)
        started = time.perf_counter()
        stamps = draw_stamps(cache.pdf(specimen.key).read_bytes(), specimen_pages, page_names, original_font)
        if stamps is None:  # a page-number box this module cannot redraw: typeset every stamp
            every = stamp_job(page_names, page_names)
            runner.run([every])
            stamps = cache.pdf(every.key).read_bytes()
        LOGGER.info("page numbers stamped in %.2f s", time.perf_counter() - started)
    finally:
        if own_workers:
            runner.workers.close()
    pieces = [front_piece]
    pieces += [
        Piece(cache.pdf(j.key), layout) for j, layout in zip(first_jobs[1:], body_layouts, strict=True)
    ]
    started = time.perf_counter()
    with source_date(epoch):  # the shared font subsets carry the dossier's date, not the clock's
        pages = merge_pieces(pieces, stamps, target, original_font)
    LOGGER.info("merged in %.1f s", time.perf_counter() - started)
    cache.forget_the_rest()
    return PiecesResult(pages, len(pieces), runner.typeset)


__all__ = ["PiecesResult", "typeset_in_pieces"]
