"""The dossier's stylesheet, the folders the sandbox serves, and the same document for a browser."""

from __future__ import annotations

from pathlib import Path

from ptce_mono.core.errors import RenderError
from ptce_mono.core.i18n import _
from ptce_mono.core.project_files import is_inside, read_text
from ptce_mono.typeset.fonts import font_face_css, font_folders

STYLESHEET = "dossier.css"
DEFAULT_VARIANT = "pdf/ua-1"  # tagged and accessible unless dossier.yaml says otherwise
VARIANTS = ("pdf/ua-1", "pdf/a-3u", "none")


def find_stylesheet(templates: list[Path]) -> Path:
    for folder in templates:
        if (folder / STYLESHEET).is_file():
            return folder / STYLESHEET
    raise RenderError(
        _("no {stylesheet} in the template folders ({folders})").format(
            stylesheet=STYLESHEET, folders=", ".join(map(str, templates))
        )
    )


PAGE_TOTAL = "counter(pages)"


def with_page_total(css: str, total_pages: int) -> str:
    """`css` with the dossier's page count printed where it says `counter(pages)`: what a piece
    of the dossier prints there, its own page count being only a part of it."""
    return css.replace(PAGE_TOTAL, f'"{total_pages}"')


def allowed_folders(templates: list[Path], project: Path) -> list[Path]:
    folders = [*templates, *font_folders(project)]
    if (project / "assets").is_dir() and is_inside((project / "assets").absolute(), project.absolute()):
        folders.append(project / "assets")
    return folders


def browser_css(stylesheet: Path) -> str:
    """The stylesheet for a browser: the font faces first, read from `fonts/` beside the page."""
    stylesheet = stylesheet.absolute()
    return font_face_css(lambda _package, name: f"fonts/{name}") + read_text(stylesheet, stylesheet.parent)


def browser_html(html: str, stylesheet: Path) -> str:
    """The same document for a browser: stylesheet and font faces inlined, fonts next to it."""
    css = browser_css(stylesheet)
    style = "<style>\n" + css.replace("</", "<\\/") + "\n</style>\n"
    return html.replace("</head>", style + "</head>", 1)
