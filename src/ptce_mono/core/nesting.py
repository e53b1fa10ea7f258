"""How deep Markdown may nest: one limit for the checker and the renderer.

markdown-it stops parsing at its nesting limit and drops the rest of the text, and markup nested
hundreds deep (a line of 600 `*`, `x`, 600 `*`) exhausts the typesetter's recursion. So the
renderer parses with room to spare (`PARSE_NESTING`) and refuses anything deeper than
`MAX_NESTING`, and `check` reports the same depth as an error at its line: what `check` passes is
printed whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Levels of markdown-it tokens: a list nested in a list takes two (the list and its item), a
# quotation one, emphasis one. 40 prints a list 18 deep with bold text in it.
MAX_NESTING = 40
PARSE_NESTING = 2 * MAX_NESTING

_PREFIX = re.compile(r"^[ \t>*+\-0-9.)]+", re.MULTILINE)
_INLINE_MARKS = re.compile(r"[*_\[~`<]")


def parser() -> MarkdownIt:
    """The Markdown parser both stages use: CommonMark, raw HTML off, tables."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "maxNesting": PARSE_NESTING}).enable("table")


@cache
def _checker() -> MarkdownIt:
    return parser()


def deepest(tokens: Sequence[Token]) -> tuple[int, int]:
    """The deepest nesting level of `tokens` (inline markup included) and its line (0-based)."""
    depth, line = 0, 0
    for token in tokens:
        here = token.level + 1
        for child in token.children or []:
            here = max(here, token.level + child.level + 2)
        if here > depth:
            depth = here
            line = token.map[0] if token.map else line
    return depth, line


def could_nest_deeper(text: str) -> bool:
    """False when `text` surely nests no deeper than MAX_NESTING (parsing it would be wasted).

    Each level of a block container takes at least one character of a line's prefix (indent,
    `>`, a list marker) and at most two token levels; each level of inline markup takes one of
    the characters counted in its paragraph.
    """
    prefix = max((len(m.group(0).expandtabs(4)) for m in _PREFIX.finditer(text)), default=0)
    room = MAX_NESTING - 2 - 2 * prefix
    if room < 0:
        return True
    if len(_INLINE_MARKS.findall(text)) <= room:
        return False
    return any(len(_INLINE_MARKS.findall(paragraph)) > room for paragraph in text.split("\n\n"))


def too_deep(text: str) -> tuple[int, int] | None:
    """(depth, 1-based line) when Markdown `text` nests deeper than MAX_NESTING, else None."""
    if not could_nest_deeper(text):
        return None
    depth, line = deepest(_checker().parse(text))
    return (depth, line + 1) if depth > MAX_NESTING else None
