"""Export stage: the dossier for co-authors who work in Word, LibreOffice or an e-reader.

The same HTML as the PDF (French typography included) goes through pandoc, bundled by
pypandoc-binary. pandoc runs with no network access to resources: the HTML holds no external
reference, the map being inlined as data. Two things are made plainer first, for a word
processor: each pole's key facts become a two-column table (label, value), where the PDF's box
sets each label above its value by CSS; and SVG figures become PNG, painted in-process
(`typeset.raster`), since pandoc would otherwise need the `rsvg-convert` program.
"""

from __future__ import annotations

import base64
import re
import tempfile
from pathlib import Path

from ptce_mono.commands.prepare import prepare_dossier
from ptce_mono.core.errors import RenderError
from ptce_mono.core.files import write_bytes_atomic
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


def export_dossier(project: Path, fmt: str, target: Path, drafts: bool | None = None) -> Path:
    """Write the dossier as `fmt` (docx, odt or epub) to `target`, atomically."""
    if fmt not in FORMATS:
        raise RenderError(f"unknown export format `{fmt}`; use one of {', '.join(FORMATS)}")
    import pypandoc

    prepared = prepare_dossier(project, drafts)
    title = prepared.rendered.model.config.title
    # The printed Sommaire has page numbers a word processor cannot know: pandoc writes its own.
    html = re.sub(r'<nav class="toc".*?</nav>', "", prepared.rendered.html, count=1, flags=re.DOTALL)
    html = for_word_processors(html)
    extra = [
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
            (f / "reference.docx" for f in template_folders(project) if (f / "reference.docx").is_file()),
            None,
        )
        if reference is not None:
            extra += ["--reference-doc", str(reference)]
    with tempfile.TemporaryDirectory(prefix="ptce-export-") as work:
        out = Path(work) / f"dossier.{fmt}"
        try:
            pypandoc.convert_text(
                html,
                FORMATS[fmt],
                format="html",
                outputfile=str(out),
                extra_args=extra,
            )
        except (RuntimeError, OSError) as exc:
            raise RenderError(f"pandoc could not write {fmt}: {exc}") from None
        write_bytes_atomic(target, out.read_bytes())
    return target
