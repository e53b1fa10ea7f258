"""Where things fell in a typeset document, as plain data: what the in-pieces builder merges."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class PrintedNumber:
    """A page number a link prints after itself (`a[data-page]::after`), as it was laid out.
    Positions in CSS px from the page's top left; `fixed` when it stands alone in a box of fixed
    width, so that no other number's width would have moved anything around it."""

    href: str
    text: str  # what data-page said
    page: int
    x: float  # where its text starts
    baseline: float
    right: float  # the right edge of its box's content
    left: float  # the left edge of its box's content
    fixed: bool


@dataclass
class Layout:
    """Where things fell in a typeset document: what merging pieces needs, as plain data."""

    pages: int
    page_names: list[str]  # the named page of each page ("" for the default one)
    page_heights: list[float]  # in CSS px
    anchors: dict[str, tuple[int, float, float]]  # id -> (page index, x, y in CSS px from the top left)
    bookmarks: list[tuple[int, int, str, float, float]]  # (page index, level, label, x, y)
    # The page numbers printed by links that carry data-page (the Sommaire's), in document order.
    page_numbers: list[PrintedNumber] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "page_names": self.page_names,
            "page_heights": self.page_heights,
            "anchors": {k: list(v) for k, v in self.anchors.items()},
            "bookmarks": [list(b) for b in self.bookmarks],
            "page_numbers": [asdict(n) for n in self.page_numbers],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Layout:
        return cls(
            int(data["pages"]),
            [str(n) for n in data["page_names"]],
            [float(h) for h in data["page_heights"]],
            {str(k): (int(v[0]), float(v[1]), float(v[2])) for k, v in data["anchors"].items()},
            [(int(b[0]), int(b[1]), str(b[2]), float(b[3]), float(b[4])) for b in data["bookmarks"]],
            [PrintedNumber(**n) for n in data.get("page_numbers", [])],
        )

