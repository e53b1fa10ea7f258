"""Cut the dossier's HTML at its forced page breaks into documents typeset one by one.

The templates mark each place where a new page starts anyway (a part, a case study) with a
comment, `<!--ptce-mono:page part="2. Études de cas"-->`; the attributes are the running strings
in force there (`string-set`), which the piece would otherwise lose with the heading that set them.
Each piece becomes a whole document: the original <head>, the elements still open at the cut
reopened (without their id, which stays with the piece that really holds the element), then its
content. A piece that begins before <main> (the cover and the Sommaire) is the *front*.

A link to an id held by another piece cannot be resolved by WeasyPrint inside the piece: it is
rewritten to `ptce-anchor:<id>` and turned back into an internal link when the pieces are merged.
A template without marks gives a single piece: the dossier is then typeset in one pass.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser

from ptce_mono.render.markdown import ELEMENT_ID

MARK = "ptce-mono:page"
FOREIGN_SCHEME = "ptce-anchor:"
_MARK_ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')
_INTERNAL_HREF = re.compile(r'href="#([^"]+)"')
_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.S | re.I)
_FIRST_TEXT = re.compile(r"<(\w+)[^>]*>\s*[^<\s]")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


@dataclass
class Chunk:
    """One piece of the dossier, ready for WeasyPrint."""

    html: str
    ids: set[str]
    links: set[str]  # ids this piece links to that another piece holds
    front: bool = False
    strings: dict[str, str] = field(default_factory=dict)  # running strings its cut's mark restates

    @property
    def label(self) -> str:
        """The piece's first heading, to name it in a message."""
        match = _HEADING.search(self.html)
        return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else "?"

    @property
    def opens_with_heading(self) -> bool:
        """Whether the first element of the piece that holds text is a heading (which sets the
        running strings again by itself)."""
        body = self.html[self.html.find("<body") :]
        text = _FIRST_TEXT.search(body)
        return bool(text and re.match(r"h[1-6]$", text.group(1), re.I))

    @property
    def identity(self) -> str:
        """What names the piece from one build to the next, edits and all: its first id."""
        return next(iter(ELEMENT_ID.findall(self.html, max(self.html.find("<body"), 0))), "")

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.html.encode("utf-8")).hexdigest()


@dataclass
class _Cut:
    offset: int  # where the piece starts in the document
    open_tags: list[str]  # start tags of the elements open there, outermost first
    strings: dict[str, str] = field(default_factory=dict)


class _Cutter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[tuple[str, str]] = []
        self.cuts: list[_Cut] = []
        self.body_start = -1
        self.main_start = -1
        self.main_open: list[str] = []
        self._line_offsets: list[int] = [0]

    def feed_document(self, text: str) -> None:
        offset = 0
        for line in text.splitlines(keepends=True):
            offset += len(line)
            self._line_offsets.append(offset)
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_offsets[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        if tag == "body":
            self.body_start = self._offset() + len(raw)
            return
        if tag in ("html", "head"):  # every piece has them already
            return
        if tag == "main" and self.main_start < 0:
            self.main_start = self._offset()
            self.main_open = [raw for _tag, raw in self.stack]
        if tag not in _VOID:
            self.stack.append((tag, raw))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_comment(self, data: str) -> None:
        text = data.strip()
        if not text.startswith(MARK):
            return
        strings = {k: html.unescape(v) for k, v in _MARK_ATTRIBUTE.findall(text[len(MARK) :])}
        self.cuts.append(_Cut(self._offset(), [raw for _tag, raw in self.stack], strings))


def _foreign_href(ids: set[str], match: re.Match[str]) -> str:
    return match.group(0) if match.group(1) in ids else f'href="{FOREIGN_SCHEME}{match.group(1)}"'


def _without_id(start_tag: str) -> str:
    return ELEMENT_ID.sub("", start_tag, count=1)


def _with_style(start_tag: str, declaration: str) -> str:
    end = -2 if start_tag.endswith("/>") else -1
    return f'{start_tag[:end]} style="{html.escape(declaration)}"{start_tag[end:]}'


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def split_document(document: str) -> list[Chunk]:
    """The pieces of `document`, in order; one piece when it has no marks."""
    cutter = _Cutter()
    cutter.feed_document(document)
    end = document.rfind("</body>")
    if not cutter.cuts or cutter.body_start < 0 or end < 0:
        return [Chunk(document, set(ELEMENT_ID.findall(document)), set(), front=True)]
    head = document[: cutter.body_start]
    tail = document[end:]
    cuts = [_Cut(cutter.body_start, []), *cutter.cuts]
    bodies = []
    for cut, following in zip(cuts, [*cuts[1:], None], strict=True):
        stop = following.offset if following else end
        if cut.offset < cutter.main_start < stop and not cutter.main_open:
            # The front ends where <main> begins: an empty <main> after the Sommaire's page
            # break would print an empty page.
            stop, following_open = cutter.main_start, []
        else:
            following_open = following.open_tags if following else []
        reopened = [_without_id(tag) for tag in cut.open_tags]
        if cut.strings and reopened:
            # On the innermost element reopened: an element of its own would take a page of its
            # own before the piece's first forced break.
            rules = ", ".join(f"{name} {_css_string(value)}" for name, value in cut.strings.items())
            reopened[-1] = _with_style(reopened[-1], f"string-set: {rules}")
        closing = "".join(f"</{_tag_name(tag)}>" for tag in reversed(following_open))
        bodies.append(
            (
                cut.offset < cutter.main_start,
                "".join(reopened) + document[cut.offset : stop] + closing,
                cut.strings,
            )
        )
    holders: dict[str, int] = {}
    pieces_ids = []
    for index, (_front, body, _strings) in enumerate(bodies):
        ids = set(ELEMENT_ID.findall(body))
        pieces_ids.append(ids)
        for anchor in ids:
            holders.setdefault(anchor, index)
    chunks = []
    for index, (front, body, strings) in enumerate(bodies):
        ids = pieces_ids[index]
        foreign = {
            target for target in _INTERNAL_HREF.findall(body) if target not in ids and target in holders
        }
        if foreign:
            body = _INTERNAL_HREF.sub(partial(_foreign_href, ids), body)
        chunks.append(Chunk(head + body + tail, ids, foreign, front=front, strings=strings))
    return chunks


def _tag_name(start_tag: str) -> str:
    return start_tag[1:].split(None, 1)[0].rstrip(">/").lower()


def number_links(chunk: Chunk, pages: dict[str, str]) -> Chunk:
    """`chunk` with `data-page="N"` on each link to another piece: the Sommaire prints N."""

    def numbered(match: re.Match[str]) -> str:
        target = match.group(1)
        page = pages.get(target)
        return match.group(0) if page is None else f'{match.group(0)} data-page="{page}"'

    pattern = re.compile(r'href="' + re.escape(FOREIGN_SCHEME) + r'([^"]+)"')
    return Chunk(pattern.sub(numbered, chunk.html), chunk.ids, chunk.links, chunk.front, chunk.strings)


__all__ = ["FOREIGN_SCHEME", "MARK", "Chunk", "number_links", "split_document"]
