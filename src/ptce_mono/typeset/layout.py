"""Where things fell in a typeset document, as plain data: what the in-pieces builder merges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Layout:
    """Where things fell in a typeset document: what merging pieces needs, as plain data."""

    pages: int
    page_heights: list[float]  # in CSS px
    anchors: dict[str, tuple[int, float, float]]  # id -> (page index, x, y in CSS px from the top left)
    bookmarks: list[tuple[int, int, str, float, float]]  # (page index, level, label, x, y)

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "page_heights": self.page_heights,
            "anchors": {k: list(v) for k, v in self.anchors.items()},
            "bookmarks": [list(b) for b in self.bookmarks],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Layout:
        return cls(
            int(data["pages"]),
            [float(h) for h in data["page_heights"]],
            {str(k): (int(v[0]), float(v[1]), float(v[2])) for k, v in data["anchors"].items()},
            [(int(b[0]), int(b[1]), str(b[2]), float(b[3]), float(b[4])) for b in data["bookmarks"]],
        )
