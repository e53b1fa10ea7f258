"""No run of text ends with a space where an element begins or ends: the space moves to the start
of the next run.

WeasyPrint 70 measures a run of text with its trailing space, while Pango lets that space hang
past the line's end. When a run fits the rest of a line only without its trailing space, Pango
keeps it whole and WeasyPrint, finding it too wide, keeps only its first word on the line: a
justified line then ends on « Un » alone, or on the first word after an inline citation with a
gap of several hundred points. The markup cannot give that case: a run that ends before an
element (a citation, a link, an emphasis) ends on a letter, and its space opens the next run,
where the line may break just as well. The report and its reproduction: docs/weasyprint-trailing-space.md.

The space keeps its kind (a no-break space stays one). Before a block boundary a collapsible
space is dropped: CSS removes it at a line's end anyway. The space goes inside an element only
when that element is plain text (a link, an emphasis, a citation, a name): inside a box with a
border or a background it would be drawn, inside a `nowrap` one (a range, a draft tag) the line
could no longer break there; it then goes into a bare `<span>` of its own.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"(<!--.*?-->|<![^>]*>|<[^>]*>)", re.DOTALL)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
_TRAILING = re.compile(r"(?:[ \t\r\n\u00a0\u202f]|&nbsp;|&#160;|&#x[aA]0;|&#8239;|&#x202[fF];)+$")
_LEADING = re.compile(r"^[ \t\r\n]*")
_COLLAPSIBLE = frozenset(" \t\r\n")
# Elements whose text is not laid out as text (or is verbatim): nothing inside is touched.
_VERBATIM = frozenset({"pre", "script", "style", "svg", "math", "textarea", "title", "head"})
# Inline elements: a run of text goes on through them.
_INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "i", "q", "s", "small", "span"}
    | {"strong", "sub", "sup", "time", "u", "ins", "del", "font", "label", "output"}
    | {"code", "kbd", "samp", "var", "mark"}
)
# Elements a space may go into: their text is laid out as the text around it.
_PLAIN = frozenset({"a", "b", "cite", "em", "i", "q", "small", "strong", "span"})
_PLAIN_CLASSES = frozenset({"citation", "nom"})
_CLASS = re.compile(r'\sclass="([^"]*)"')


def _plain(tag: str, name: str) -> bool:
    classes = _CLASS.search(tag)
    return name in _PLAIN and (classes is None or set(classes.group(1).split()) <= _PLAIN_CLASSES)


def spaces_open_runs(markup: str) -> str:
    """`markup` with no text run ending in a space before an element's start or end tag."""
    pieces = _TAG.split(markup)
    verbatim = 0
    for index in range(0, len(pieces), 2):
        if index:
            name = _TAG_NAME.match(pieces[index - 1])
            if name and name.group(2).lower() in _VERBATIM and not pieces[index - 1].endswith("/>"):
                verbatim = max(verbatim + (-1 if name.group(1) else 1), 0)
        text = pieces[index]
        if verbatim or not text.strip() or index + 1 >= len(pieces):
            continue
        trailing = _TRAILING.search(text)
        if trailing is None:
            continue
        space = trailing.group(0)
        _move(pieces, index, space)
    return "".join(pieces)


def _move(pieces: list[str], index: int, space: str) -> None:
    """Take `space` off the end of `pieces[index]` and put it where the next run starts."""
    collapsible = all(c in _COLLAPSIBLE for c in space)
    for position in range(index + 1, len(pieces)):
        piece = pieces[position]
        if position % 2:  # a tag
            if piece.startswith("<!"):
                continue  # a comment or a doctype: no box
            name = _TAG_NAME.match(piece)
            tag = name.group(2).lower() if name else ""
            if tag not in _INLINE:
                if collapsible:  # a block boundary: the space would end a line, CSS drops it
                    pieces[index] = pieces[index][: -len(space)]
                return
            if not name or name.group(1) or _plain(piece, tag):
                continue
            pieces[index] = pieces[index][: -len(space)]
            pieces[position] = f"<span>{' ' if collapsible else space}</span>" + piece
            return
        if not piece.strip():
            pieces[position] = ""  # white space alone between two tags: it joins the moved space
            continue
        pieces[index] = pieces[index][: -len(space)]
        rest = piece[_LEADING.match(piece).end() :]  # type: ignore[union-attr]
        pieces[position] = (" " if collapsible else space) + rest
        return


__all__ = ["spaces_open_runs"]
