"""WeasyPrint, sandboxed: one HTML document -> its PDF and its `Layout`.

The only module that uses WeasyPrint, imported through weasy.py (0.4 s): the main process of a
build in pieces never does, its typesetting processes do (workers.py), while the HTML is made.

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
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ptce_mono.core.errors import RenderError, SandboxViolation
from ptce_mono.core.project_files import MAX_ASSET_BYTES, read_bytes
from ptce_mono.typeset.fonts import FONT_FOLDERS, font_face_css, source_date
from ptce_mono.typeset.layout import Layout, PrintedNumber
from ptce_mono.typeset.stylesheet import allowed_folders, find_stylesheet
from ptce_mono.typeset.weasy import (
    CSS,
    HTML,
    FatalURLFetchingError,
    FontConfiguration,
    InlineBlockBox,
    TextBox,
    URLFetcher,
    URLFetcherResponse,
)

LOGGER = logging.getLogger(__name__)


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
        if path.is_file():
            return path
        for layer in (f for f in self.layers if path.is_relative_to(f)):
            relative = path.relative_to(layer)
            for other in self.layers:
                if (other / relative).is_file():
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
        LOGGER.error("refused to read %s: outside the folders the dossier may use", url)
        raise SandboxViolation(
            f"the dossier asked for {url}, outside the folders it may read "
            f"({', '.join(str(f) for f in self.allowed)})"
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


def _printed_number(page: int, box: Any) -> PrintedNumber:
    element = box.element
    texts = [d for d in box.descendants() if isinstance(d, TextBox) and d.text.strip()]
    number = PrintedNumber(element.get("href", ""), element.get("data-page"), page, 0, 0, 0, 0, False)
    if (
        box.element_tag.endswith("::after")
        and isinstance(box, InlineBlockBox)
        and box.style["width"] != "auto"
        and len(texts) == 1
        and texts[0].text == number.text
    ):
        text = texts[0]
        number.x, number.baseline = float(text.position_x), float(text.position_y + text.baseline)
        number.left = float(box.content_box_x())
        number.right, number.fixed = number.left + float(box.width), True
    return number


def _printed_numbers(page: int, root: Any) -> list[PrintedNumber]:
    """Every box generated after or before an element that has data-page, in document order."""
    found: list[PrintedNumber] = []

    def visit(box: Any) -> None:
        element = getattr(box, "element", None)
        if "::" in (box.element_tag or "") and element is not None and element.get("data-page") is not None:
            found.append(_printed_number(page, box))
            return
        for child in getattr(box, "children", ()):
            visit(child)

    visit(root)
    return found


def _layout_of(document: Any, numbered: bool) -> Layout:
    anchors: dict[str, tuple[int, float, float]] = {}
    bookmarks: list[tuple[int, int, str, float, float]] = []
    names, heights = [], []
    numbers: list[PrintedNumber] = []
    for index, page in enumerate(document.pages):
        if numbered:
            numbers.extend(_printed_numbers(index, page._page_box))
        page_type = getattr(getattr(page, "_page_box", None), "page_type", None)
        names.append(str(getattr(page_type, "name", "") or ""))
        heights.append(float(page.height))
        for anchor, (x, y, *_size) in page.anchors.items():
            anchors.setdefault(anchor, (index, float(x), float(y)))
        for level, label, (x, y), _state in page.bookmarks:
            bookmarks.append((index, int(level), str(label), float(x), float(y)))
    return Layout(len(document.pages), names, heights, anchors, bookmarks, page_numbers=numbers)


_BASES: dict[tuple[object, ...], tuple[SandboxFetcher, FontConfiguration, list[CSS]]] = {}
_EXTRAS: dict[tuple[object, ...], CSS] = {}
_AT_EXIT: list[Finalize] = []


def forget_styles() -> None:
    """Drop the kept stylesheets and fonts, and delete WeasyPrint's temporary copies of the
    fonts. WeasyPrint deletes them when a font configuration is collected, which a typesetting
    process ended by `os._exit` never does, nor one stopped in the middle of a document (its
    frames still hold the configuration): `_styles` has this run at every process's exit."""
    for _fetcher, fonts, _sheets in _BASES.values():
        fonts.__del__()  # only removes the folder; doing it twice is harmless
    _EXTRAS.clear()
    _BASES.clear()
    gc.collect()


def start_afresh() -> None:
    """In a process forked from one that had typeset already: drop the stylesheets and fonts it
    kept, without deleting its copies of the fonts (still in use there), and register this
    process's own cleanup at exit when it keeps some."""
    for _fetcher, fonts, _sheets in _BASES.values():
        fonts._folder = None  # WeasyPrint's FontConfiguration.__del__ deletes that folder
    _EXTRAS.clear()
    _BASES.clear()
    _AT_EXIT.clear()


def _styles(
    stylesheet: Path, templates: list[Path], project: Path, extra_css: str
) -> tuple[SandboxFetcher, FontConfiguration, list[CSS]]:
    """The parsed stylesheets and loaded fonts, kept for the next document with the same ones:
    a process typesetting the dossier's pieces parses them once, not once per piece. The pieces'
    variants (`extra_css`) share one font configuration and the dossier's parsed stylesheet."""
    stat = stylesheet.stat()
    allowed = allowed_folders(templates, project)
    key = (str(stylesheet), stat.st_mtime_ns, stat.st_size, tuple(allowed), tuple(templates))
    if key not in _BASES:
        if not _AT_EXIT:
            _AT_EXIT.append(Finalize(None, forget_styles, exitpriority=10))
        forget_styles()  # another stylesheet: the kept one is not needed any more
        fetcher = SandboxFetcher(allowed, layers=templates)
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
        reason = exc.__cause__ or exc
        raise RenderError(f"a resource of the dossier cannot be read: {reason}") from None
    except (OSError, ValueError) as exc:
        raise RenderError(f"typesetting failed: {exc}") from exc


def warm_up(templates: list[Path], project: Path, extra_css: str = "") -> None:
    """Parse the stylesheets and load the fonts now, for the documents to come.

    Raises SandboxViolation or RenderError, as `render_pdf` would."""
    with _reported():
        _styles(find_stylesheet(templates), templates, project, extra_css)


def render_pdf(
    html: str,
    templates: list[Path],
    project: Path,
    epoch: int,
    *,
    extra_css: str = "",
) -> tuple[bytes, Layout]:
    """The PDF of `html` and its layout; `epoch` dates the embedded fonts. `extra_css` is applied
    after the dossier's stylesheet.

    Raises SandboxViolation or RenderError.
    """
    stylesheet = find_stylesheet(templates)
    advice = _AdviceOnce()
    logging.getLogger("weasyprint").addFilter(advice)
    fetcher = None
    try:
        with _reported():
            fetcher, fonts, sheets = _styles(stylesheet, templates, project, extra_css)
            fetcher.violations.clear()
            document = HTML(
                string=html, base_url=stylesheet.parent.as_uri() + "/", url_fetcher=fetcher
            ).render(font_config=fonts, stylesheets=sheets)
            with source_date(epoch):
                pdf = document.write_pdf(
                    # Same HTML, same identifier: nothing in the file depends on when it was built.
                    pdf_identifier=hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode(),
                )
    finally:
        logging.getLogger("weasyprint").removeFilter(advice)
    if (
        fetcher is not None and fetcher.violations
    ):  # refused but swallowed somewhere inside WeasyPrint: still a failure
        refused = fetcher.violations[0]
        raise SandboxViolation(f"the dossier asked for {refused}, outside the folders it may read")
    layout = _layout_of(document, 'data-page="' in html)
    return bytes(pdf), layout


__all__ = ["SandboxFetcher", "forget_styles", "render_pdf", "start_afresh", "warm_up"]
