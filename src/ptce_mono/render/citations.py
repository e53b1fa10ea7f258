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

import functools
import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape

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


def _normal(text: str) -> str:
    return " ".join(text.split())


@dataclass
class RenderedCitations:
    """Citation text as written (spaces normalised) -> HTML, and key -> bibliography entry HTML."""

    citations: dict[str, str] = field(default_factory=dict)
    entries: dict[str, str] = field(default_factory=dict)  # in the style's order

    def html(self, written: str, anchor_prefix: str = "") -> str:
        """The citation's HTML; its links go to `#<anchor_prefix>ref-<key>`."""
        found = self.citations.get(_normal(written))
        if found is None:
            return str(escape(written))
        if anchor_prefix:
            found = _REF_LINK.sub(lambda m: f'href="#{anchor_prefix}ref-{m.group(1)}"', found)
        return found

    def text_with_citations(self, text: str, anchor_prefix: str = "") -> Markup:
        """Plain `text` escaped, its citations as HTML: for statements quoted outside Markdown."""
        out, last = [], 0
        for span in citation_spans(text):
            out.append(str(escape(text[last : span.start])))
            out.append(self.html(span.text, anchor_prefix))
            last = span.end
        out.append(str(escape(text[last:])))
        return Markup("".join(out))

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
        entries[start.group(1)] = " ".join(refs[start.end() : index].split())
    return entries


def render_citations(
    bibliography: Bibliography, style: Path | None, citations: list[str]
) -> RenderedCitations:
    """HTML of each citation and of every bibliography entry, by pandoc's citeproc."""
    if not bibliography.entries or style is None:
        return RenderedCitations()
    items = json.dumps(bibliography.csl_items(), ensure_ascii=False, sort_keys=True)
    try:
        style_text = style_for_pandoc(style)
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
    digest = hashlib.sha256("\0".join([items, style_text, *citations]).encode()).hexdigest()
    # What pandoc works on, for a message should it fail: the style and the bibliography files.
    what = ", ".join(str(path) for path in [style, *bibliography.files])
    return _render_cached(digest, items, style_text, tuple(citations), what)


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
    html = _ranges(_safe_links(html))
    rendered = {
        citations[int(m.group(1))]: _unwrapped(m.group(2).strip())
        for m in _CITATION_DIV.finditer(html)
        if int(m.group(1)) < len(citations)
    }
    refs_at = html.find('<div id="refs"')
    return RenderedCitations(rendered, _entries(html[refs_at:] if refs_at >= 0 else ""))


@dataclass(frozen=True)
class Reference:
    """One line of a case study's references: an entry of the bibliography, cited or only listed."""

    anchor: str
    html: Markup
    cited: bool
    note: str = ""


def chapter_references(
    pole: str, cited: Iterable[str], listed: list[dict[str, str]], citations: RenderedCitations | None
) -> list[Reference]:
    """The works a case study cites, in the style's order, then the sources its front matter
    lists by key without citing them, marked as such."""
    if citations is None:
        return []
    cited_keys = set(cited)
    references = [
        Reference(f"{pole}--ref-{key}", Markup(html), True)
        for key, html in citations.entries.items()
        if key in cited_keys
    ]
    for source in listed:
        key = source.get("key", "")
        html = citations.entries.get(key)
        if html is not None and key not in cited_keys:
            note = "; ".join(x for x in (source.get("locator", ""), source.get("note", "")) if x)
            references.append(Reference(f"{pole}--ref-{key}", Markup(html), False, note))
            cited_keys.add(key)
    return references


def bibliography_annex(citations: RenderedCitations | None, letter: str) -> str:
    """The annex holding the dossier's whole bibliography, each entry the target of `#ref-<key>`."""
    if citations is None or not citations.entries:
        return ""
    items = "".join(
        f'<li class="csl-entry" id="ref-{escape(key)}">{html}</li>\n'
        for key, html in citations.entries.items()
    )
    return (
        '<section class="annex" id="annexe-bibliographie">\n'
        f'<h2 id="annexe-{letter.lower()}">{letter}. Bibliographie</h2>\n'
        f'<ol class="bibliography">\n{items}</ol>\n</section>\n'
    )


__all__ = [
    "Reference",
    "RenderedCitations",
    "bibliography_annex",
    "chapter_references",
    "collect_citations",
    "render_citations",
]
