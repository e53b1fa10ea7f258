"""Export stage: the dossier for co-authors who work in Word, LibreOffice or an e-reader.

The same HTML as the PDF (French typography included) goes through pandoc, bundled by
pypandoc-binary. pandoc reads nothing but what it is given: it runs with `--sandbox`, and the HTML
it receives has been cleaned of every reference to an outside resource (a project's templates
may hold an `<img src="/etc/...">` or an http image), only `data:` URLs being kept, as the map is.
The title page, the Sommaire and the dates are `export_front`'s. Two things are made plainer
first, for a word processor: each pole's key facts become a
two-column table (label, value), where the PDF's box sets each label above its value by CSS; and
SVG figures become PNG, painted in-process (`typeset.raster`), since pandoc would otherwise need
the `rsvg-convert` program.
"""

from __future__ import annotations

import base64
import json
import os
import re
import tempfile
from pathlib import Path

from ptce_mono.commands.export_front import dated, with_front
from ptce_mono.commands.prepare import prepare_dossier
from ptce_mono.core.errors import RenderError
from ptce_mono.core.files import digest_of_output, sweep_temporaries, write_bytes_atomic
from ptce_mono.core.i18n import _
from ptce_mono.core.pandoc import run_pandoc
from ptce_mono.core.project_files import (
    MAX_SOURCE_BYTES,
    is_regular_file_inside,
    lexically_inside,
    output_folder,
    read_bytes,
)
from ptce_mono.sources.resources import PROJECT_SOURCES, template_folders

FORMATS = {"docx": "docx", "odt": "odt", "epub": "epub3"}
# Our own markup (templates/partials/facts.html), not an author's: a pattern can read it. A value
# holds spans of its own (proper names kept whole): it ends with its cell.
_FACTS_BOX = re.compile(r'<aside class="facts">.*?</aside>', re.DOTALL)
_FACT = re.compile(
    r'<span class="fact-label">(.*?)</span>\s*<span class="fact-value[^"]*"[^>]*>(.*?)</span>\s*</td>',
    re.DOTALL,
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


EXPORTS_RECORD = ".ptce-exports.json"  # in the project's build/: the files exports wrote, by hash


class OutputRefused(RenderError):
    """`--out` names a file the export must not replace."""


def _exports_record(project: Path) -> Path:
    return project / "build" / EXPORTS_RECORD


def _made_by_export(project: Path, target: Path) -> bool:
    try:
        record = json.loads(
            read_bytes(_exports_record(project).absolute(), (project / "build").absolute(), MAX_SOURCE_BYTES)
        )
    except (OSError, ValueError):
        return False
    digest = digest_of_output(target)
    return isinstance(record, dict) and bool(digest) and record.get(os.path.abspath(target)) == digest


def _record_export(project: Path, target: Path) -> None:
    path = _exports_record(project)
    try:
        record = json.loads(read_bytes(path.absolute(), (project / "build").absolute(), MAX_SOURCE_BYTES))
    except (OSError, ValueError):
        record = {}
    if not isinstance(record, dict):
        record = {}
    record[os.path.abspath(target)] = digest_of_output(target)
    output_folder(path.parent, project)
    write_bytes_atomic(path, json.dumps(record, indent=1, sort_keys=True).encode("utf-8"))


def guard_output(project: Path, target: Path, fmt: str, force: bool = False) -> None:
    """Refuse a `target` the export would destroy: a source of the project (always), a folder, or
    an existing file (a link included) the export did not write, unless `force`. The default
    target, `build/dossier.<format>`, is the export's own."""
    full = Path(os.path.abspath(target))
    if full == Path(os.path.abspath(project / "build" / f"dossier.{fmt}")) or not os.path.lexists(full):
        return
    if full.is_dir() and not full.is_symlink():
        raise OutputRefused(_("{path} is a folder; --out names the file to write").format(path=target))
    sources = [*(project / name for name in (*PROJECT_SOURCES, "fonts")), *_project_sources(project)]
    resolved = Path(os.path.realpath(full))
    if any(full == Path(os.path.abspath(s)) or resolved == Path(os.path.realpath(s)) for s in sources) or any(
        lexically_inside(full, folder) or lexically_inside(resolved, Path(os.path.realpath(folder)))
        for folder in sources
        if folder.is_dir()
    ):
        raise OutputRefused(
            _(
                "{path} is a source of the project: the export does not replace it; choose another --out"
            ).format(path=target)
        )
    if not force and not _made_by_export(project, full):
        raise OutputRefused(
            _("{path} already exists and was not written by an export; --force replaces it").format(
                path=target
            )
        )


def _project_sources(project: Path) -> list[Path]:
    """The project's other sources: its bibliographies and styles, wherever they are."""
    from ptce_mono.commands.fingerprint import bibliographies_and_styles

    return bibliographies_and_styles(project)


def export_dossier(
    project: Path, fmt: str, target: Path, drafts: bool | None = None, *, force: bool = False
) -> Path:
    """Write the dossier as `fmt` (docx, odt or epub) to `target`, atomically. Raises
    OutputRefused (see `guard_output`) before anything is done."""
    if fmt not in FORMATS:
        raise RenderError(
            _("unknown export format `{format}`; use one of {formats}").format(
                format=fmt, formats=", ".join(FORMATS)
            )
        )
    guard_output(project, target, fmt, force)
    prepared = prepare_dossier(project, drafts)
    # The printed Sommaire has page numbers a word processor cannot know: the export has its own,
    # and its own title page (export_front).
    html = re.sub(r'<nav class="toc".*?</nav>', "", prepared.rendered.html, count=1, flags=re.DOTALL)
    html = for_word_processors(without_outside_resources(html))
    extra = ["--toc", "--toc-depth=2"] if fmt == "epub" else []
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
        # Sandboxed and bounded (core.pandoc): pandoc reads only what it is given and writes only
        # the file named here.
        tree = json.loads(run_pandoc(["--from=html", "--to=json"], html, what=str(target)))
        document = json.dumps(with_front(tree, prepared.rendered, fmt), ensure_ascii=False)
        run_pandoc(
            ["--from=json", f"--to={FORMATS[fmt]}", *extra, f"--output={out}"], document, what=str(target)
        )
        dated(out, fmt, prepared.edition)
        sweep_temporaries(target.parent)
        write_bytes_atomic(target, out.read_bytes())
    _record_export(project, target)
    return target
