"""Citations and bibliographies as HTML, made by pandoc's citeproc in one call per build.

Every distinct citation of the dossier (monograph bodies, editorial texts, SWOT statements) is
written into one Markdown document, each in its own div, with `nocite: @*` so that the whole
bibliography comes back too; pandoc formats them with the dossier's CSL style and the fr-FR
locale. The result is kept by the hash of its input, so a rebuild of the same sources in the
same process (`serve`) runs no pandoc at all.

pandoc's citeproc rather than citeproc-py: on the French ISO 690 author-date style it reads
BibLaTeX's `date`, `institution` and `location` fields (citeproc-py printed "[sans date]" and
dropped the publisher), keeps a locator pandoc does not know (`annexe 1`, `diapositive 4`) as a
suffix, handles `[-@key]` and in-text `@key`, and links each citation to its entry
(docs/monograph-format.md).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import escape

from ptce_mono.core.errors import RenderError
from ptce_mono.core.i18n import _
from ptce_mono.core.pandoc import run_pandoc
from ptce_mono.sources.bibliography import Bibliography
from ptce_mono.sources.citekeys import citation_spans
from ptce_mono.sources.csl_style import StyleError, style_for_pandoc

_CITATION_DIV = re.compile(r'<div id="c(\d+)">\s*(?:<p>)?(.*?)(?:</p>)?\s*</div>', re.DOTALL)
_ENTRY_START = re.compile(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>')
_DIV_TAG = re.compile(r"<div\b|</div>")
_REF_LINK = re.compile(r'href="#ref-([^"]+)"')
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_WRAPPED = re.compile(r'<span class="citation"[^>]*>(.*)</span>', re.DOTALL)
# As in the monographs' Markdown: raw HTML and TeX are text, and only links to the entries, the
# web or mail are kept.
_READER = "markdown-raw_html-raw_attribute-raw_tex-tex_math_dollars"


def _safe_links(html: str) -> str:
    def keep(match: re.Match[str]) -> str:
        kept = match.group(1).startswith(("#", "http://", "https://", "mailto:"))
        return match.group(0) if kept else match.group(2)

    return _LINK.sub(keep, html)


_KEPT_RANGE = re.compile("([0-9A-Za-z]+)\u2011([0-9A-Za-z]+)")


def _ranges(html: str) -> str:
    """Page ranges as French typography prints them: an en dash, the range kept on one line.

    The French locale joins ranges with U+2011, a character the packaged fonts lack.
    """
    return _KEPT_RANGE.sub('<span class="range">\\1\u2013\\2</span>', html).replace("\u2011", "\u2013")


def _unwrapped(citation: str) -> str:
    """The citation without the element pandoc wraps it in: its text and its links, which print
    the same, one element fewer for each citation to lay out and tag."""
    whole = _WRAPPED.fullmatch(citation)
    inner = whole.group(1) if whole else ""
    if not whole or 'class="citation"' in inner or inner.count("<span") != inner.count("</span>"):
        return citation
    return inner


_NO_DATE = re.compile(r"\[sans date\](?:\s?([a-z])\b)?")
_PAGES = re.compile(r"\bpp\.(?=\s|\u00a0)")
# The locale's « paragr. »: the monographs write « § » (« sect. « Genèse », § 1 »), and so does
# the house style, in citations and bibliographies alike.
_PARAGRAPH = re.compile(r"\bparagr\.(?=[\s\u00a0]*(?:<[^>]*>)*\d)")
_FIRST_OF_MONTH = re.compile(
    r"(?<![\d\w])1\s(?=(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\b)"
)


_TITLE_AS_AUTHOR = re.compile(
    r'(<macro name="author-citation">.*?<substitute>.*?<text variable="title")(?![^>]*\bform=)', re.DOTALL
)


def _short_titles(style_text: str) -> str:
    """The style with a work that has no author cited by its short title (`shorttitle` in the
    bibliography, as ISO 690 allows), not by a title of twenty words; a work without a short
    title keeps its title. A style without that macro is left as it is."""
    return _TITLE_AS_AUTHOR.sub(r'\1 form="short"', style_text, count=1)


def _house_style(html: str) -> str:
    """The French house style (docs/styling.md) where the locale's terms differ from it: « s. d. »
    for a work without a date, its letter kept with it, « p. » before a range of pages too, and
    « § » for a paragraph."""

    def no_date(match: re.Match[str]) -> str:
        letter = match.group(1)
        return "s.\u00a0d." + (f"\u00a0{letter}" if letter else "")

    html = _PAGES.sub("p.", _NO_DATE.sub(no_date, html)).replace("s.\u00a0d..", "s.\u00a0d.")
    html = _PARAGRAPH.sub("§", html)
    return _FIRST_OF_MONTH.sub("1er\u00a0", html)


def _styled_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries as the style prints them: a genre (`compte rendu`) follows a full stop in
    every author-date style, so it begins with a capital."""
    styled = []
    for item in items:
        genre = item.get("genre")
        if isinstance(genre, str) and genre[:1].islower():
            item = {**item, "genre": genre[:1].upper() + genre[1:]}
        styled.append(item)
    return styled


def _normal(text: str) -> str:
    return " ".join(text.split())


@dataclass
class RenderedCitations:
    """Citation text as written (spaces normalised) -> HTML, and key -> bibliography entry HTML."""

    citations: dict[str, str] = field(default_factory=dict)
    entries: dict[str, str] = field(default_factory=dict)  # in the style's order
    titles: dict[str, str] = field(default_factory=dict)  # key -> the entry's title
    sources: dict[str, str] = field(default_factory=dict)  # a source written out in full -> HTML

    def html(self, written: str, anchor_prefix: str = "") -> str:
        """The citation's HTML; its links go to `#<anchor_prefix>ref-<key>`."""
        found = self.citations.get(_normal(written))
        if found is None:
            return str(escape(written))
        if anchor_prefix:
            found = _REF_LINK.sub(lambda m: f'href="#{anchor_prefix}ref-{m.group(1)}"', found)
        return found

    def cite_function(self, anchor_prefix: str = "") -> Callable[[str], str]:
        return functools.partial(self.html, anchor_prefix=anchor_prefix)


def collect_citations(texts: Iterable[str]) -> list[str]:
    """The distinct citations of `texts`, in their first order of appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for span in citation_spans(text):
            seen.setdefault(_normal(span.text), None)
    return list(seen)


def _entries(refs: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for start in _ENTRY_START.finditer(refs):
        depth, index = 1, start.end()
        for tag in _DIV_TAG.finditer(refs, start.end()):
            depth += 1 if tag.group(0) == "<div" else -1
            if depth == 0:
                index = tag.start()
                break
        # Only the markup's white space: the no-break spaces of the house style stay.
        entries[start.group(1)] = re.sub(r"[ \t\r\n]+", " ", refs[start.end() : index]).strip()
    return entries


def render_citations(
    bibliography: Bibliography,
    style: Path | None,
    citations: list[str],
    sources: Sequence[dict[str, Any]] = (),
) -> RenderedCitations:
    """HTML of each citation and of every bibliography entry, by pandoc's citeproc; and of the
    `sources` written out in full (CSL items, with an `id`), formatted by the same style apart
    from the bibliography (their years never take a letter from its entries)."""
    if style is None or not (bibliography.entries or sources):
        return RenderedCitations()
    entries = _styled_items(bibliography.csl_items())
    items = json.dumps(entries, ensure_ascii=False, sort_keys=True)
    try:
        style_text = _short_titles(style_for_pandoc(style))
    except StyleError as exc:
        raise RenderError(
            _("{place}: the citation style cannot be used: {reason}").format(
                place=f"{style}:{exc.position.line}", reason=exc.reason
            )
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RenderError(
            _("{path}: cannot read the citation style: {reason}").format(path=style, reason=exc)
        ) from None
    # What pandoc works on, for a message should it fail: the style and the bibliography files.
    what = ", ".join(str(path) for path in [style, *bibliography.files])
    rendered = RenderedCitations()
    if bibliography.entries:
        digest = hashlib.sha256("\0".join([items, style_text, *citations]).encode()).hexdigest()
        rendered = _render_cached(digest, items, style_text, tuple(citations), what)
    written: dict[str, str] = {}
    if sources:
        # Sources of different case studies may share a title and a year: each is listed in its
        # own case study, where no letter tells them apart.
        plain_style = style_text.replace(
            'disambiguate-add-year-suffix="true"', 'disambiguate-add-year-suffix="false"'
        )
        items = json.dumps(_styled_items(list(sources)), ensure_ascii=False, sort_keys=True)
        digest = hashlib.sha256("\0".join([items, plain_style]).encode()).hexdigest()
        written = _render_cached(digest, items, plain_style, (), str(style)).entries
    # A new record: the one `_render_cached` returns is shared by every build of this process.
    return dataclasses.replace(
        rendered,
        titles={str(item.get("id")): str(item.get("title", "")) for item in entries},
        sources=written,
    )


@functools.lru_cache(maxsize=8)
def _render_cached(
    digest: str, items: str, style_text: str, citations: tuple[str, ...], what: str
) -> RenderedCitations:
    del digest  # the cache's key: the content it names
    document = ["---", "lang: fr-FR", "link-citations: true", "nocite: '[@*]'", "---", ""]
    for index, written in enumerate(citations):
        document += [f"::: {{#c{index}}}", written, ":::", ""]
    with tempfile.TemporaryDirectory(prefix="ptce-mono-citeproc-") as work:
        bib = Path(work) / "bibliography.json"
        csl = Path(work) / "style.csl"
        bib.write_text(items, encoding="utf-8")
        csl.write_text(style_text, encoding="utf-8")
        # Sandboxed and bounded (core.pandoc); the style is the one the tool read and checked.
        arguments = [f"--from={_READER}", "--to=html", "--wrap=none", "--citeproc"]
        html = run_pandoc(
            [*arguments, f"--csl={csl}", f"--bibliography={bib}"],
            "\n".join(document),
            what=what,
        )
    html = _house_style(_ranges(_safe_links(html)))
    rendered = {
        citations[int(m.group(1))]: _unwrapped(m.group(2).strip())
        for m in _CITATION_DIV.finditer(html)
        if int(m.group(1)) < len(citations)
    }
    refs_at = html.find('<div id="refs"')
    return RenderedCitations(dict(rendered), _entries(html[refs_at:] if refs_at >= 0 else ""))


__all__ = ["RenderedCitations", "collect_citations", "render_citations"]
