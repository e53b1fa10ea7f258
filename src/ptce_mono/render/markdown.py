"""Monograph Markdown as HTML: markdown-it with raw HTML off, links only to the web or mail.

Raw HTML is escaped, never passed through; a link to anything but http, https or mailto keeps
only its text, and an image becomes its alternative text in brackets: nothing an author writes
can make the typesetter fetch a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ptce_mono.core import nesting
from ptce_mono.core.errors import RenderError
from ptce_mono.core.i18n import _
from ptce_mono.core.nesting import MAX_NESTING
from ptce_mono.sources.citekeys import citation_spans

LINK_SCHEMES = ("http://", "https://", "mailto:")
# An element's id in the rendered HTML: where links between pages and pieces point.
ELEMENT_ID = re.compile(r'\sid="([^"]+)"')


def _links_and_images(state: StateCore) -> None:
    """Drop links to anything but the web or mail (their text stays); print images as [alt]."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        kept: list[Token] = []
        open_links: list[bool] = []
        for token in block.children:
            if token.type == "link_open":
                href = str(token.attrGet("href") or "").strip().lower()
                open_links.append(href.startswith(LINK_SCHEMES))
                if open_links[-1]:
                    kept.append(token)
            elif token.type == "link_close":
                if open_links.pop():
                    kept.append(token)
            elif token.type == "image":
                words = [c.content for c in token.children or [] if c.type in ("text", "code_inline")]
                alt = "".join(words)
                text = Token("text", "", 0)
                text.content = f"[{alt.strip() or 'image'}]"
                kept.append(text)
            else:
                kept.append(token)
        block.children = kept


class TooDeep(RenderError):
    """Markdown nested deeper than the dossier prints (`check` reports it as `too-deep`)."""

    def __init__(self, depth: int, line: int) -> None:
        super().__init__(
            _("line {line}: the text nests {depth} levels deep; the dossier prints at most {most}").format(
                line=line, depth=depth, most=MAX_NESTING
            )
        )
        self.line = line


def _markdown() -> MarkdownIt:
    md = nesting.parser()
    # Every link is parsed, then filtered: a refused address stays readable as its link text
    # instead of reappearing as raw `[text](javascript:...)`.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.core.ruler.push("ptce_links_images", _links_and_images)
    return md


_MD = _markdown()
# A citation stands in the Markdown as private-use characters around its number while
# markdown-it parses, then becomes the processor's HTML: nothing in it is parsed as Markdown.
# Each line break of the citation stays, inside the placeholder ("\n\ue002"): the blocks keep
# their line numbers, nothing is left between the citation and the punctuation after it, and no
# line after a break can start a list or a heading.
_PLACEHOLDER = re.compile("\ue000(\\d+)(?:\n\ue002)*\ue001")


def _hold_citations(text: str) -> tuple[str, list[str]]:
    held: list[str] = []
    out, last = [], 0
    for span in citation_spans(text):
        out.append(text[last : span.start])
        out.append(f"\ue000{len(held)}" + "\n\ue002" * span.text.count("\n") + "\ue001")
        held.append(span.text)
        last = span.end
    out.append(text[last:])
    return "".join(out), held


def render_markdown(
    text: str,
    top: int = 3,
    anchor: str = "",
    first_line: int = 0,
    cite: Callable[[str], str] | None = None,
) -> str:
    """HTML of Markdown `text`, its shallowest heading becoming `<h{top}>`.

    With `anchor` and `first_line` (the number `text`'s first line takes), every top-level block
    gets the id `<anchor>--L<line>`: statements quoted elsewhere can link to their paragraph.
    With `cite`, each citation (`[@key, p. 12]`) becomes the HTML `cite` gives for it.
    """
    held: list[str] = []
    if cite is not None:
        text, held = _hold_citations(text)
    tokens = _MD.parse(text)
    depth, line = nesting.deepest(tokens)
    if depth > MAX_NESTING:
        # Never print part of the text: markdown-it drops what lies beyond its limit.
        raise TooDeep(depth, first_line + line if first_line else line + 1)
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = top - min(levels) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, max(1, int(token.tag[1]) + shift))}"
        if anchor and first_line and token.level == 0 and token.nesting == 1 and token.map:
            token.attrSet("id", f"{anchor}--L{first_line + token.map[0]}")
    html = str(_MD.renderer.render(tokens, _MD.options, {}))
    if cite is not None and held:
        html = _PLACEHOLDER.sub(lambda m: cite(held[int(m.group(1))]), html)
    return html


def render_inline(text: str, cite: Callable[[str], str] | None = None) -> str:
    """HTML of one line of Markdown (no paragraph around it): a gap's reason, a summary, a SWOT
    statement, an option. Its citations become the HTML `cite` gives for them, as in a paragraph."""
    held: list[str] = []
    text = " ".join(text.split())
    if cite is not None:
        text, held = _hold_citations(text)
    tokens = _MD.parseInline(text)
    html = str(_MD.renderer.render(tokens, _MD.options, {}))
    if cite is not None and held:
        html = _PLACEHOLDER.sub(lambda m: cite(held[int(m.group(1))]), html)
    return html
