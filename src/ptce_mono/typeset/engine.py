"""WeasyPrint, sandboxed: one HTML document -> its PDF and its `Layout`.

The only module that uses WeasyPrint: the main process of a build in pieces never imports it,
its typesetting processes do (workers.py).

- Sandbox: WeasyPrint reads every resource through `SandboxFetcher`, which serves only files
  inside the allowed folders (the templates in use, the two font packages, the project's
  `assets/`) and `data:` URLs. Anything else (http, https, a file elsewhere) is refused with
  `SandboxViolation` and the build fails: a template cannot leak a local file into the PDF.
- Fonts: Source Serif Pro and Source Sans Pro come from their pip packages, declared with
  @font-face (typeset.font_face_css) and served by the fetcher, so the PDF never depends on the
  fonts of the machine.
- Reproducible: the PDF's identifier is a hash of the HTML and the embedded font subsets carry
  the dossier's date (typeset.source_date).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import mimetypes
import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ptce_mono.core.errors import RenderError, SandboxViolation
from ptce_mono.core.i18n import _
from ptce_mono.core.project_files import MAX_ASSET_BYTES, Refused, read_bytes, read_text
from ptce_mono.typeset.fonts import FONT_FOLDERS, font_face_css, hermetic_fontconfig, source_date
from ptce_mono.typeset.layout import Layout
from ptce_mono.typeset.stylesheet import DEFAULT_VARIANT, allowed_folders, find_stylesheet, with_page_total

LOGGER = logging.getLogger(__name__)
# What one typesetting process may use: far above what the largest dossier needs (its pieces
# are typeset one after the other), low enough that a runaway document stops there, with a
# message, instead of taking the machine's memory or running for ever.
TYPESETTING_ADDRESS_SPACE = 6 << 30
TYPESETTING_SECONDS = 1800  # of processor time, over the process's life


def limit_this_process() -> None:
    """Cap this process's address space and processor time (a typesetting process calls it as it
    starts; the build's own process is never limited)."""
    for kind, wanted in (
        (resource.RLIMIT_AS, TYPESETTING_ADDRESS_SPACE),
        (resource.RLIMIT_CPU, TYPESETTING_SECONDS),
    ):
        _soft, hard = resource.getrlimit(kind)
        resource.setrlimit(kind, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))


class SandboxFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """Serves files from the allowed folders and data: URLs; refuses everything else.

    `layers` are the template folders, most specific first: a file asked for in one and missing
    there is looked up in the next, as templates are, so a project that overrides only
    dossier.css still gets the packaged assets/ it refers to.
    """

    def __init__(self, allowed: list[Path], layers: list[Path] | None = None) -> None:
        # fail_on_errors: a refused or missing resource stops the rendering instead of being
        # skipped with a warning (a missing font would silently become DejaVu).
        super().__init__(fail_on_errors=True)
        self.allowed = [folder.resolve() for folder in allowed]
        self.layers = [folder.resolve() for folder in layers or []]
        self.violations: list[str] = []

    def _find(self, path: Path) -> Path:
        # Whatever is there is the file asked for: a pipe or a device is then refused by name
        # when read, not taken for a missing file.
        if os.path.lexists(path):
            return path
        for layer in (f for f in self.layers if path.is_relative_to(f)):
            relative = path.relative_to(layer)
            for other in self.layers:
                if os.path.lexists(other / relative):
                    return other / relative
        raise FileNotFoundError(f"no such file: {path}")

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(folder) for folder in self.allowed):
                found = self._find(path)
                kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
                found = found.absolute()
                data = read_bytes(found, found.parent, MAX_ASSET_BYTES)  # a regular file, of bounded size
                return URLFetcherResponse(url, data, {"Content-Type": kind})
        self.violations.append(url)
        LOGGER.error(_("refused to read {url}: outside the folders the dossier may use").format(url=url))
        raise SandboxViolation(
            _("the dossier asked for {url}, outside the folders it may read ({folders})").format(
                url=url, folders=", ".join(str(f) for f in self.allowed)
            )
        )


class _AdviceOnce(logging.Filter):
    """WeasyPrint repeats its advice to install HarfBuzz-Subset for every font: once is enough."""

    def __init__(self) -> None:
        super().__init__()
        self.said = False

    def filter(self, record: logging.LogRecord) -> bool:
        if "HarfBuzz-Subset" not in str(record.msg):
            return True
        said, self.said = self.said, True
        return not said


class _ImagesNotLoaded(logging.Filter):
    """WeasyPrint logs an image it cannot decode and leaves it out of the page: here that is an
    error naming the file, not an English line and a dossier without its logo."""

    _SAID = ("Failed to load image at", "Failed to render SVG image")

    def __init__(self) -> None:
        super().__init__()
        self.failed: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(self._SAID):
            return True
        url = str(record.args[0]) if isinstance(record.args, tuple) and record.args else "?"
        self.failed.append(unquote(urlsplit(url).path) if url.startswith("file:") else url)
        return False


@contextmanager
def _images_loaded() -> Iterator[None]:
    """Raise RenderError, naming the file, when an image of the document could not be decoded."""
    images = _ImagesNotLoaded()
    logger = logging.getLogger("weasyprint")
    logger.addFilter(images)
    try:
        yield
    finally:
        logger.removeFilter(images)
    if images.failed:
        raise RenderError(
            _("{path}: this image cannot be decoded (damaged, or not an image): it would be missing").format(
                path=images.failed[0]
            )
        )


def _layout_of(document: Any) -> Layout:
    anchors: dict[str, tuple[int, float, float]] = {}
    bookmarks: list[tuple[int, int, str, float, float]] = []
    heights = []
    for index, page in enumerate(document.pages):
        heights.append(float(page.height))
        for anchor, (x, y, *_size) in page.anchors.items():
            anchors.setdefault(anchor, (index, float(x), float(y)))
        for level, label, (x, y), _state in page.bookmarks:
            bookmarks.append((index, int(level), str(label), float(x), float(y)))
    return Layout(len(document.pages), heights, anchors, bookmarks)


_BASES: dict[tuple[object, ...], tuple[SandboxFetcher, FontConfiguration, list[CSS]]] = {}
_EXTRAS: dict[tuple[object, ...], CSS] = {}
_AT_EXIT: list[Finalize] = []
# What a forked process inherited from its parent: kept referenced, so that it is never collected
# there, which would delete the parent's temporary copies of the fonts while the parent uses them.
_INHERITED: list[object] = []


def _forked() -> None:
    """In a forked process: start without the parent's stylesheets and fonts (kept aside, never
    collected here), and with this process's own cleanup at exit (a fork does not inherit it)."""
    _INHERITED.extend([*_BASES.values(), *_EXTRAS.values()])
    _BASES.clear()
    _EXTRAS.clear()
    _AT_EXIT.clear()


os.register_at_fork(after_in_child=_forked)


def forget_styles() -> None:
    """Drop the kept stylesheets and fonts. WeasyPrint deletes its temporary copies of the fonts
    when their configuration is collected, which module globals never are at a process's exit:
    `_styles` has this run then."""
    _EXTRAS.clear()
    _BASES.clear()
    gc.collect()


def _styles(
    stylesheet: Path, templates: list[Path], project: Path, extra_css: str, total_pages: int | None = None
) -> tuple[SandboxFetcher, FontConfiguration, list[CSS]]:
    """The parsed stylesheets and loaded fonts, kept for the next document with the same ones:
    a process typesetting the dossier's pieces parses them once, not once per piece. The pieces'
    variants (`extra_css`, the dossier's page count in place of `counter(pages)`) share one font
    configuration."""
    stat = stylesheet.stat()
    allowed = allowed_folders(templates, project)
    key = (str(stylesheet), stat.st_mtime_ns, stat.st_size, tuple(allowed), tuple(templates))
    if key not in _BASES:
        if not _AT_EXIT:
            _AT_EXIT.append(Finalize(None, forget_styles, exitpriority=10))
        forget_styles()  # another stylesheet: the kept one is not needed any more
        fetcher = SandboxFetcher(allowed, layers=templates)
        with hermetic_fontconfig(project):
            fonts = FontConfiguration()
        font_faces = font_face_css(lambda pkg, name: (FONT_FOLDERS[pkg] / name).as_uri())
        _BASES[key] = (
            fetcher,
            fonts,
            [
                CSS(string=font_faces, url_fetcher=fetcher, font_config=fonts),
                CSS(filename=str(stylesheet), url_fetcher=fetcher, font_config=fonts),
            ],
        )
    fetcher, fonts, sheets = _BASES[key]
    if total_pages is not None:
        total_key = (*key, "pages", total_pages)
        if total_key not in _EXTRAS:
            absolute = stylesheet.absolute()
            text = with_page_total(read_text(absolute, absolute.parent), total_pages)
            _EXTRAS[total_key] = CSS(
                string=text, base_url=stylesheet.as_uri(), url_fetcher=fetcher, font_config=fonts
            )
        sheets = [sheets[0], _EXTRAS[total_key]]
    if not extra_css:
        return fetcher, fonts, sheets
    extra_key = (*key, extra_css)
    if extra_key not in _EXTRAS:
        _EXTRAS[extra_key] = CSS(string=extra_css, url_fetcher=fetcher, font_config=fonts)
    return fetcher, fonts, [*sheets, _EXTRAS[extra_key]]


@contextmanager
def _reported() -> Iterator[None]:
    """WeasyPrint's failures as this project's errors."""
    try:
        yield
    except FatalURLFetchingError as exc:  # a BaseException: no `except Exception` catches it
        if isinstance(exc.__cause__, SandboxViolation):
            raise exc.__cause__ from None
        reason: object = exc.__cause__ or exc
        if isinstance(reason, Refused):
            reason = f"{reason.path}: {reason.message}"
        raise RenderError(
            _("a resource of the dossier cannot be read: {reason}").format(reason=reason)
        ) from None
    except MemoryError:
        raise RenderError(
            _("typesetting needed more than the {limit} GiB of memory a typesetting process may use").format(
                limit=TYPESETTING_ADDRESS_SPACE >> 30
            )
        ) from None
    except (OSError, ValueError) as exc:
        raise RenderError(_("typesetting failed: {reason}").format(reason=exc)) from exc


def warm_up(templates: list[Path], project: Path, extra_css: str = "") -> None:
    """Parse the stylesheets and load the fonts now, for the documents to come.

    Raises SandboxViolation or RenderError, as `render_pdf` would."""
    with _reported():
        _styles(find_stylesheet(templates), templates, project, extra_css)


def layout_of_html(html: str, templates: list[Path], project: Path, *, extra_css: str = "") -> Layout:
    """Where things fall in `html` laid out, without writing its PDF. Raises as `render_pdf`."""
    stylesheet = find_stylesheet(templates)
    with _reported(), _images_loaded():
        fetcher, fonts, sheets = _styles(stylesheet, templates, project, extra_css)
        fetcher.violations.clear()
        document = HTML(string=html, base_url=stylesheet.parent.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=fonts, stylesheets=sheets
        )
    if fetcher.violations:
        refused = fetcher.violations[0]
        raise SandboxViolation(
            _("the dossier asked for {url}, outside the folders it may read").format(url=refused)
        )
    return _layout_of(document)


def render_pdf(
    html: str,
    templates: list[Path],
    project: Path,
    epoch: int,
    *,
    variant: str | None = DEFAULT_VARIANT,
    extra_css: str = "",
    total_pages: int | None = None,
) -> tuple[bytes, Layout]:
    """The PDF of `html` and its layout; `epoch` dates the embedded fonts. `variant` is a
    WeasyPrint PDF variant (tagged), or None for an untagged PDF. `extra_css` is applied after
    the dossier's stylesheet; `total_pages` is printed where it says `counter(pages)`.

    Raises SandboxViolation or RenderError.
    """
    stylesheet = find_stylesheet(templates)
    advice = _AdviceOnce()
    logging.getLogger("weasyprint").addFilter(advice)
    fetcher = None
    try:
        with _reported(), _images_loaded():
            fetcher, fonts, sheets = _styles(stylesheet, templates, project, extra_css, total_pages)
            fetcher.violations.clear()
            document = HTML(
                string=html, base_url=stylesheet.parent.as_uri() + "/", url_fetcher=fetcher
            ).render(font_config=fonts, stylesheets=sheets)
            with source_date(epoch):
                pdf = document.write_pdf(
                    # Same HTML, same identifier: nothing in the file depends on when it was built.
                    pdf_identifier=hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode(),
                    pdf_variant=variant,
                    pdf_tags=variant is not None,
                )
    finally:
        logging.getLogger("weasyprint").removeFilter(advice)
    if (
        fetcher is not None and fetcher.violations
    ):  # refused but swallowed somewhere inside WeasyPrint: still a failure
        refused = fetcher.violations[0]
        raise SandboxViolation(
            _("the dossier asked for {url}, outside the folders it may read").format(url=refused)
        )
    return bytes(pdf), _layout_of(document)


__all__ = [
    "DEFAULT_VARIANT",
    "TYPESETTING_ADDRESS_SPACE",
    "TYPESETTING_SECONDS",
    "SandboxFetcher",
    "forget_styles",
    "layout_of_html",
    "limit_this_process",
    "render_pdf",
    "warm_up",
]
