"""Typeset stage: the dossier's HTML -> PDF with WeasyPrint, sandboxed and reproducible.

- WeasyPrint itself runs in engine.py, behind a sandbox; in pieces (pieces.py) unless
  `single_pass`. This module does not import it, so that the main process of a build in
  pieces need not either.
- Fonts: Source Serif Pro and Source Sans Pro come from their pip packages, declared here with
  @font-face and served by the sandbox, so the PDF never depends on the fonts of the machine.
- Reproducible: the PDF's dates come from the HTML (set by the render stage from
  SOURCE_DATE_EPOCH or the sources), its identifier from a hash of the HTML, and the embedded
  font subsets carry the same date, so two builds of the same sources are byte-identical.
- Atomic: files are written to a temporary name then renamed; a failed build leaves the
  previous PDF as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import font_source_sans_pro
import font_source_serif_pro

from .atomic import write_bytes_atomic
from .errors import RenderError
from .machine import available_cores

if TYPE_CHECKING:
    from .workers import Workers

LOGGER = logging.getLogger("ptce_mono.typeset")
STYLESHEET = "dossier.css"

FONT_FOLDERS = {
    "serif": Path(font_source_serif_pro.font_directory).resolve(),
    "sans": Path(font_source_sans_pro.font_directory).resolve(),
}
# (family, weight, style, package, file): the faces the stylesheet uses.
FONT_FACES = [
    ("Source Serif Pro", 400, "normal", "serif", "SourceSerifPro-Regular.otf"),
    ("Source Serif Pro", 400, "italic", "serif", "SourceSerifPro-It.otf"),
    ("Source Serif Pro", 600, "normal", "serif", "SourceSerifPro-Semibold.otf"),
    ("Source Serif Pro", 600, "italic", "serif", "SourceSerifPro-SemiboldIt.otf"),
    ("Source Serif Pro", 700, "normal", "serif", "SourceSerifPro-Bold.otf"),
    ("Source Serif Pro", 700, "italic", "serif", "SourceSerifPro-BoldIt.otf"),
    ("Source Sans Pro", 400, "normal", "sans", "SourceSansPro-Regular.otf"),
    ("Source Sans Pro", 400, "italic", "sans", "SourceSansPro-It.otf"),
    ("Source Sans Pro", 600, "normal", "sans", "SourceSansPro-Semibold.otf"),
    ("Source Sans Pro", 600, "italic", "sans", "SourceSansPro-SemiboldIt.otf"),
    ("Source Sans Pro", 700, "normal", "sans", "SourceSansPro-Bold.otf"),
    ("Source Sans Pro", 700, "italic", "sans", "SourceSansPro-BoldIt.otf"),
]


def font_face_css(url_for: Callable[[str, str], str]) -> str:
    """@font-face rules; `url_for(package, file)` says where each file is read from."""
    return "".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{url_for(package, name)}"); }}\n'
        for family, weight, style, package, name in FONT_FACES
    )


@contextmanager
def source_date(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH for the time of the call, unless the caller already set it.

    fontTools stamps every font subset it writes with the current time, unless this variable
    says otherwise: without it the embedded fonts, hence the PDF, would differ at each build.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


@dataclass
class TypesetResult:
    pdf: Path
    html: Path
    pages: int


def allowed_folders(templates: list[Path], project: Path) -> list[Path]:
    folders = [*templates, *FONT_FOLDERS.values()]
    if (project / "assets").is_dir():
        folders.append(project / "assets")
    return folders


def find_stylesheet(templates: list[Path]) -> Path:
    for folder in templates:
        if (folder / STYLESHEET).is_file():
            return folder / STYLESHEET
    raise RenderError(f"no {STYLESHEET} in the template folders ({', '.join(map(str, templates))})")


@dataclass
class PrintedNumber:
    """A page number a link prints after itself (`a[data-page]::after`), as it was laid out.
    Positions in CSS px from the page's top left; `fixed` when it stands alone in a box of fixed
    width, so that no other number's width would have moved anything around it."""

    href: str
    text: str  # what data-page said
    page: int
    x: float  # where its text starts
    baseline: float
    right: float  # the right edge of its box's content
    left: float  # the left edge of its box's content
    fixed: bool


@dataclass
class Layout:
    """Where things fell in a typeset document: what merging pieces needs, as plain data."""

    pages: int
    page_names: list[str]  # the named page of each page ("" for the default one)
    page_heights: list[float]  # in CSS px
    anchors: dict[str, tuple[int, float, float]]  # id -> (page index, x, y in CSS px from the top left)
    bookmarks: list[tuple[int, int, str, float, float]]  # (page index, level, label, x, y)
    # The page numbers printed by links that carry data-page (the Sommaire's), in document order.
    page_numbers: list[PrintedNumber] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "page_names": self.page_names,
            "page_heights": self.page_heights,
            "anchors": {k: list(v) for k, v in self.anchors.items()},
            "bookmarks": [list(b) for b in self.bookmarks],
            "page_numbers": [asdict(n) for n in self.page_numbers],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Layout:
        return cls(
            int(data["pages"]),
            [str(n) for n in data["page_names"]],
            [float(h) for h in data["page_heights"]],
            {str(k): (int(v[0]), float(v[1]), float(v[2])) for k, v in data["anchors"].items()},
            [(int(b[0]), int(b[1]), str(b[2]), float(b[3]), float(b[4])) for b in data["bookmarks"]],
            [PrintedNumber(**n) for n in data.get("page_numbers", [])],
        )


def browser_html(html: str, stylesheet: Path) -> str:
    """The same document for a browser: stylesheet and font faces inlined, fonts next to it."""
    faces = font_face_css(lambda _package, name: f"fonts/{name}")
    css = faces + stylesheet.read_text(encoding="utf-8")
    style = "<style>\n" + css.replace("</", "<\\/") + "\n</style>\n"
    return html.replace("</head>", style + "</head>", 1)


def copy_fonts(out_dir: Path) -> None:
    folder = out_dir / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    for _family, _weight, _style, package, name in FONT_FACES:
        source = FONT_FOLDERS[package] / name
        target = folder / name
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)
    for package, source_folder in FONT_FOLDERS.items():
        licence = source_folder / "LICENSE.txt"
        if licence.is_file():
            shutil.copyfile(licence, folder / f"LICENSE-{package}.txt")


def typeset(
    html: str,
    templates: list[Path],
    project: Path,
    out_dir: Path,
    epoch: int,
    *,
    jobs: int | None = None,
    single_pass: bool = False,
    workers: Workers | None = None,
) -> TypesetResult:
    """Write `out_dir/dossier.pdf` and `out_dir/dossier.html`; nothing is replaced on failure.

    By default the dossier is typeset in pieces by `jobs` processes (the number of cores),
    cached in `out_dir/cache/` (pieces.py), on `workers` when given; `single_pass` lays the
    whole document out at once.
    """
    pdf_path, html_path = out_dir / "dossier.pdf", out_dir / "dossier.html"
    out_dir.mkdir(parents=True, exist_ok=True)
    if single_pass:
        from .engine import render_pdf

        pdf, layout = render_pdf(html, templates, project, epoch)
        write_bytes_atomic(pdf_path, pdf)
        pages = layout.pages
    else:
        from .pieces import CACHE_FOLDER, typeset_in_pieces

        fd, name = tempfile.mkstemp(prefix=".dossier.pdf.", suffix=".tmp", dir=out_dir)
        os.close(fd)
        temporary = Path(name)
        try:
            result = typeset_in_pieces(
                html,
                templates,
                project,
                temporary,
                epoch,
                jobs=jobs or available_cores(),
                cache_folder=out_dir / CACHE_FOLDER / "pieces",
                workers=workers,
            )
            os.replace(temporary, pdf_path)
        finally:
            temporary.unlink(missing_ok=True)
        pages = result.pages
    copy_fonts(out_dir)
    write_bytes_atomic(html_path, browser_html(html, find_stylesheet(templates)).encode("utf-8"))
    for path in (html_path, pdf_path):
        os.chmod(path, 0o644)  # the temporary file was private; the dossier is for reading
    return TypesetResult(pdf_path, html_path, pages)


__all__ = ["FONT_FACES", "Layout", "TypesetResult", "source_date", "typeset"]
