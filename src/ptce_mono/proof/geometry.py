"""The text block of a page: the page less its margins, as the stylesheet's `@page` rules give
them. Ink outside it, and outside the margin's running heads and footers, is a proof-reader's
finding.

The page's size is the PDF's own; its margins are read from the stylesheet: `margin` and its four
longhands, in absolute units or in percent of the page, in the `@page` rule without a name, and in
the named rule of the first page (the cover, `@page cover`). Later declarations win, as in CSS.
"""

from __future__ import annotations

from dataclasses import dataclass

import tinycss2

POINTS = {"pt": 1.0, "px": 0.75, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pc": 12.0, "q": 18 / 25.4}
_SIDES = ("top", "right", "bottom", "left")


@dataclass(frozen=True)
class TextBlock:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left


@dataclass(frozen=True)
class PageGeometry:
    """The margins of the dossier's pages and of its first page (the cover), from the stylesheet."""

    margins: dict[str, tuple[float, bool]]  # side -> (value, is a percentage)
    first: dict[str, tuple[float, bool]]

    def text_block(self, width: float, height: float, first: bool = False) -> TextBlock:
        margins = {**self.margins, **(self.first if first else {})}

        def side(name: str, extent: float) -> float:
            value, percent = margins.get(name, (0.0, False))
            return value * extent / 100 if percent else value

        return TextBlock(
            side("left", width),
            side("top", height),
            width - side("right", width),
            height - side("bottom", height),
        )


def _length(token: tinycss2.ast.Node) -> tuple[float, bool] | None:
    if token.type == "dimension" and token.unit.lower() in POINTS:
        return float(token.value) * POINTS[token.unit.lower()], False
    if token.type == "percentage":
        return float(token.value), True
    if token.type == "number" and token.value == 0:
        return 0.0, False
    return None


def _margins(declarations: list[tinycss2.ast.Node], into: dict[str, tuple[float, bool]]) -> None:
    for node in declarations:
        if node.type != "declaration":
            continue
        name = node.lower_name
        values = [v for v in node.value if v.type not in ("whitespace", "comment")]
        parsed = [_length(v) for v in values]
        lengths = [length for length in parsed if length is not None]
        if not lengths or len(lengths) < len(parsed):
            continue
        if name == "margin" and len(lengths) <= 4:
            top, right, bottom, left = {
                1: lambda v: (v[0], v[0], v[0], v[0]),
                2: lambda v: (v[0], v[1], v[0], v[1]),
                3: lambda v: (v[0], v[1], v[2], v[1]),
                4: lambda v: (v[0], v[1], v[2], v[3]),
            }[len(lengths)](lengths)
            into.update(top=top, right=right, bottom=bottom, left=left)
        elif name.startswith("margin-") and name[7:] in _SIDES and len(lengths) == 1:
            into[name[7:]] = lengths[0]


def page_geometry(css: str, first_page: str = "cover") -> PageGeometry:
    """The margins of `css`'s `@page` rule, and of `@page <first_page>` for the first page."""
    margins: dict[str, tuple[float, bool]] = {}
    first: dict[str, tuple[float, bool]] = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "page" or rule.content is None:
            continue
        selector = tinycss2.serialize(rule.prelude).strip()
        if selector not in ("", first_page):
            continue
        body = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
        _margins(body, margins if selector == "" else first)
    return PageGeometry(margins, first)


__all__ = ["PageGeometry", "TextBlock", "page_geometry"]
