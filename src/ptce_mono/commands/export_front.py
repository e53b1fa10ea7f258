"""The front of an exported dossier: its title page, its Sommaire with the entries in it, and the
edition date in the file's metadata.

pandoc reads the dossier's HTML into its document tree (JSON); this module completes the tree
before pandoc writes the file. The title page is the tree's metadata, which pandoc's writers print
first, in the reference document's styles (Title, Subtitle, Author, Date), and record as the
file's title, author and description: the dossier's title and subtitle, the publisher (and the
editors), the period and the edition date, as on the PDF's cover. The Sommaire is the word
processor's own table of contents, written with its entries (each a link to its heading) rather
than as an empty field that only Word would fill on request: LibreOffice and Word show it as it
is, and can update it with their page numbers. An e-book has pandoc's navigation (`--toc`) and
title page.

pandoc's sandbox has neither clock nor environment: what it writes is dated 1 January 1970. The
edition date (sources/edition.py, as the PDF's) is written into the file's metadata afterwards:
`docProps/core.xml` (docx), `meta.xml` (odt), `content.opf` (epub).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from html import escape
from pathlib import Path
from typing import Any

from ptce_mono.render.dossier import RenderedDossier, TocEntry
from ptce_mono.render.typography import french_text

SOMMAIRE = "Sommaire"
JSON = dict[str, Any]


def _inlines(text: str) -> list[JSON]:
    """`text` as pandoc inlines: words and spaces (no-break spaces stay inside the words)."""
    inlines: list[JSON] = []
    for word in text.split(" "):
        if inlines:
            inlines.append({"t": "Space"})
        if word:
            inlines.append({"t": "Str", "c": word})
    return inlines


def _meta(*lines: str) -> JSON:
    """A metadata value of one or more lines."""
    inlines: list[JSON] = []
    for line in lines:
        if inlines:
            inlines.append({"t": "LineBreak"})
        inlines.extend(_inlines(french_text(line)))
    return {"t": "MetaInlines", "c": inlines}


def title_page(rendered: RenderedDossier) -> dict[str, JSON]:
    """The title page as pandoc metadata: what the PDF's cover says."""
    model = rendered.model
    config = model.config
    dates = [f"Dossier d’études de cas · {config.period}", f"Édition : {model.edition}"]
    if config.editors and list(config.editors) != [config.publisher]:
        dates.insert(0, "Sous la direction de " + ", ".join(config.editors))
    if model.has_drafts:
        dates.append("Version de travail : contient des monographies non publiées (brouillons)")
    meta = {
        "title": _meta(config.title),
        "author": {"t": "MetaList", "c": [_meta(config.publisher)]},
        "date": _meta(*dates),
        "lang": {"t": "MetaString", "c": "fr-FR"},
        "toc-title": _meta(SOMMAIRE),
        "description": _meta(config.subtitle or config.title),
    }
    if config.subtitle:
        meta["subtitle"] = _meta(config.subtitle)
    return meta


def _docx_contents(entries: list[TocEntry]) -> str:
    """Word's table of contents (a TOC field over headings 1 and 2) with its entries written."""
    begin = (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    paragraphs = [f'<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r><w:t>{SOMMAIRE}</w:t></w:r></w:p>']
    for index, entry in enumerate(entries):
        indent = 0 if entry.level == 1 else 360
        bold = "<w:b/>" if entry.level == 1 else ""
        text = escape(french_text(f"{entry.number} {entry.title}".strip()))
        paragraphs.append(
            f'<w:p><w:pPr><w:spacing w:before="{120 if entry.level == 1 else 0}" w:after="40"/>'
            f'<w:ind w:left="{indent}"/></w:pPr>{begin if index == 0 else ""}'
            f'<w:hyperlink w:anchor="{escape(entry.anchor)}" w:history="1">'
            f'<w:r><w:rPr>{bold}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:hyperlink></w:p>'
        )
    paragraphs.append('<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    return (
        '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/>'
        f"</w:docPartObj></w:sdtPr><w:sdtContent>{''.join(paragraphs)}</w:sdtContent></w:sdt>"
    )


_ODT_TEMPLATE = (
    '<text:table-of-content-entry-template text:outline-level="{level}" '
    'text:style-name="Contents_20_{level}">'
    '<text:index-entry-link-start text:style-name="Internet_20_link"/><text:index-entry-text/>'
    '<text:index-entry-tab-stop style:type="right" style:leader-char="."/><text:index-entry-page-number/>'
    "<text:index-entry-link-end/></text:table-of-content-entry-template>"
)
ODT_PAGE_BREAK_STYLE = "Ptce_20_page_20_break"  # an automatic style `dated` adds to content.xml


def _odt_contents(entries: list[TocEntry]) -> str:
    """LibreOffice's table of contents (outline levels 1 and 2) with its entries written."""
    lines = [
        f'<text:p text:style-name="Contents_20_{entry.level}"><text:a xlink:type="simple" '
        f'xlink:href="#{escape(entry.anchor)}">'
        f"{escape(french_text(f'{entry.number} {entry.title}'.strip()))}</text:a></text:p>"
        for entry in entries
    ]
    return (
        f'<text:table-of-content text:name="{SOMMAIRE}">'
        '<text:table-of-content-source text:outline-level="2">'
        f'<text:index-title-template text:style-name="Contents_20_Heading">{SOMMAIRE}'
        "</text:index-title-template>"
        + "".join(_ODT_TEMPLATE.format(level=level) for level in (1, 2))
        + "</text:table-of-content-source><text:index-body>"
        f'<text:index-title text:name="{SOMMAIRE}_Head"><text:p text:style-name="Contents_20_Heading">'
        f"{SOMMAIRE}</text:p></text:index-title>{''.join(lines)}</text:index-body></text:table-of-content>"
    )


def _page_break(fmt: str) -> JSON:
    if fmt == "docx":
        return {"t": "RawBlock", "c": ["openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>']}
    return {"t": "RawBlock", "c": ["opendocument", f'<text:p text:style-name="{ODT_PAGE_BREAK_STYLE}"/>']}


def with_front(document: JSON, rendered: RenderedDossier, fmt: str) -> JSON:
    """pandoc's tree of the dossier with its title page and, for a word processor, its Sommaire,
    each on a page of its own."""
    document = {**document, "meta": {**document.get("meta", {}), **title_page(rendered)}}
    if fmt in ("docx", "odt"):
        entries = [entry for entry in rendered.toc if entry.level <= 2]
        contents = _docx_contents(entries) if fmt == "docx" else _odt_contents(entries)
        raw = {"t": "RawBlock", "c": ["openxml" if fmt == "docx" else "opendocument", contents]}
        document["blocks"] = [_page_break(fmt), raw, _page_break(fmt), *document["blocks"]]
    return document


# -- the edition date in the file's metadata -------------------------------------------------------

_DATES = {
    "docx": ("docProps/core.xml", ("dcterms:created", "dcterms:modified")),
    "odt": ("meta.xml", ("meta:creation-date", "dc:date")),
    "epub": ("EPUB/content.opf", ("dc:date",)),
}
_ODT_STYLE = (
    f'<style:style style:name="{ODT_PAGE_BREAK_STYLE}" style:family="paragraph">'
    '<style:paragraph-properties fo:break-before="page"/></style:style>'
)


def _redated(text: str, elements: tuple[str, ...], stamp: str) -> str:
    for element in elements:
        text = re.sub(rf"(<{element}\b[^>]*>)[^<]*(</{element}>)", rf"\g<1>{stamp}\g<2>", text)
    # EPUB's last modification is a <meta property="dcterms:modified">.
    return re.sub(r'(<meta property="dcterms:modified">)[^<]*(</meta>)', rf"\g<1>{stamp}\g<2>", text)


def _with_page_break_style(content: bytes) -> bytes:
    style = _ODT_STYLE.encode("utf-8")
    if b"</office:automatic-styles>" in content:
        return content.replace(b"</office:automatic-styles>", style + b"</office:automatic-styles>", 1)
    filled = b"<office:automatic-styles>" + style + b"</office:automatic-styles>"
    return re.sub(rb"<office:automatic-styles\s*/>", filled, content, count=1)


def dated(path: Path, fmt: str, edition: dt.datetime) -> None:
    """Write `edition` as the creation and modification dates of the file pandoc wrote at `path`
    (and, in an ODT file, the style of its page breaks). The archive's entries keep their order
    and compression: an ODT's or EPUB's `mimetype` stays first and stored."""
    name, elements = _DATES[fmt]
    stamp = edition.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            if info.filename == name:
                data = _redated(data.decode("utf-8"), elements, stamp).encode("utf-8")
            elif fmt == "odt" and info.filename == "content.xml":
                data = _with_page_break_style(data)
            archive.writestr(info, data)


__all__ = ["dated", "title_page", "with_front"]
