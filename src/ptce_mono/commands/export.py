"""Export stage: the dossier for co-authors who work in Word, LibreOffice or an e-reader.

The same HTML as the PDF (French typography included) goes through pandoc, bundled by
pypandoc-binary. pandoc reads nothing but what it is given: it runs with `--sandbox`, and the HTML
it receives has been cleaned of every reference to an outside resource (a project's templates
may hold an `<img src="/etc/...">` or an http image), only `data:` URLs being kept, as the map is.
Two things are made plainer first, for a word processor: each pole's key facts become a
two-column table (label, value), where the PDF's box sets each label above its value by CSS; and
SVG figures become PNG, painted in-process (`typeset.raster`), since pandoc would otherwise need
the `rsvg-convert` program.
"""

from __future__ import annotations

import base64
import re
import tempfile
from pathlib import Path

from ptce_mono.commands.prepare import prepare_dossier
from ptce_mono.core.errors import RenderError
from ptce_mono.core.files import sweep_temporaries, write_bytes_atomic
from ptce_mono.core.i18n import _
from ptce_mono.core.pandoc import run_pandoc
from ptce_mono.core.project_files import is_regular_file_inside
from ptce_mono.sources.resources import template_folders

FORMATS = {"docx": "docx", "odt": "odt", "epub": "epub3"}
# Our own markup (templates/partials/facts.html), not an author's: a pattern can read it.
_FACTS_BOX = re.compile(r'<aside class="facts">.*?</aside>', re.DOTALL)
_FACT = re.compile(
    r'<span class="fact-label">(.*?)</span>\s*<span class="fact-value[^"]*"[^>]*>(.*?)</span>', re.DOTALL
)
_SVG_IMAGE = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def _facts_as_table(box: re.Match[str]) -> str:
    pairs = _FACT.findall(box.group(0))
    rows = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in pairs)
    title = '<p class="facts-title"><strong>Repères</strong></p>'
    return f'{title}<table class="facts"><tbody>{rows}</tbody></table>'


def _svg_as_png(image: re.Match[str]) -> str:
    from ptce_mono.typeset.raster import svg_to_png

    png = svg_to_png(base64.b64decode(image.group(1)))
    return f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"'


def for_word_processors(html: str) -> str:
    """The dossier's HTML as pandoc should read it: key facts as tables, figures as PNG."""
    html = _FACTS_BOX.sub(_facts_as_table, html)
    return _SVG_IMAGE.sub(_svg_as_png, html)


_LINK_ELEMENT = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_RESOURCE_ATTRIBUTE = re.compile(
    r"""\s(?:src|srcset|poster|data|background|xlink:href|longdesc|lowsrc|dynsrc)\s*=\s*"""
    r"""("[^"]*"|'[^']*'|[^\s>]+)""",
    re.IGNORECASE,
)


def without_outside_resources(html: str) -> str:
    """`html` without anything that would make pandoc read a file or fetch a URL.

    `<link>` elements go; an attribute naming a resource goes unless it holds a `data:` URL.
    Links (`<a href>`) stay: pandoc writes them as links, it does not follow them.
    """

    def keep_data(match: re.Match[str]) -> str:
        value = match.group(1).strip("\"'").strip().lower()
        return match.group(0) if value.startswith("data:") else ""

    return _RESOURCE_ATTRIBUTE.sub(keep_data, _LINK_ELEMENT.sub("", html))


def export_dossier(project: Path, fmt: str, target: Path, drafts: bool | None = None) -> Path:
    """Write the dossier as `fmt` (docx, odt or epub) to `target`, atomically."""
    if fmt not in FORMATS:
        raise RenderError(
            _("unknown export format `{format}`; use one of {formats}").format(
                format=fmt, formats=", ".join(FORMATS)
            )
        )
    prepared = prepare_dossier(project, drafts)
    title = prepared.rendered.model.config.title
    # The printed Sommaire has page numbers a word processor cannot know: pandoc writes its own.
    html = re.sub(r'<nav class="toc".*?</nav>', "", prepared.rendered.html, count=1, flags=re.DOTALL)
    html = for_word_processors(without_outside_resources(html))
    extra = [
        "--from=html",
        f"--to={FORMATS[fmt]}",
        "--metadata",
        f"title={title}",
        "--metadata",
        "lang=fr-FR",
        "--metadata",
        "toc-title=Sommaire",
        "--toc",
    ]
    if fmt == "docx":
        # pandoc's own reference document with the dossier's fonts (Source Serif Pro for text,
        # Source Sans Pro for headings) and French as the language: Word applies its styles.
        reference = next(
            (
                f / "reference.docx"
                for f in template_folders(project)
                if is_regular_file_inside(f / "reference.docx", f)
            ),
            None,
        )
        if reference is not None:
            extra += ["--reference-doc", str(reference)]
    with tempfile.TemporaryDirectory(prefix="ptce-mono-export-") as work:
        out = Path(work) / f"dossier.{fmt}"
        # Sandboxed and bounded (core.pandoc): it writes only the file named here.
        run_pandoc([*extra, f"--output={out}"], html, what=str(target))
        sweep_temporaries(target.parent)
        write_bytes_atomic(target, out.read_bytes())
    return target
