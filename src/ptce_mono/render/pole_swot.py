"""A pole's own SWOT, printed at the end of its case study (templates/partials/pole-swot.html).

The four quadrants hold the pole's own statements, each under the id of the harmonised item of
part 3.1 it belongs to (S5, W2...), so that a case study printed alone shows every fact of its
front matter and a reader can go from a statement to the cross-case item and back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ptce_mono.analysis.crosscase import QUADRANT_TITLES, swot_id, theme_label
from ptce_mono.sources.grid import SWOT_QUADRANTS, Grid

Quote = Callable[[str], Markup]  # a statement's text -> its HTML, citations formatted


@dataclass(frozen=True)
class PoleSwotItem:
    id: str  # the harmonised item's id in part 3.1
    theme: str  # its theme's label
    html: Markup  # the pole's statement, its citations formatted
    text: str  # the same as written


@dataclass(frozen=True)
class PoleSwotQuadrant:
    quadrant: str  # strengths, weaknesses, opportunities, threats
    title: str  # Atouts, Faiblesses...
    items: tuple[PoleSwotItem, ...]


def pole_swot(meta: dict[str, Any], grid: Grid, quote: Quote | None = None) -> list[PoleSwotQuadrant]:
    """The pole's SWOT by quadrant, items in the order of their ids; [] when it has none."""
    swot = meta.get("swot") or {}
    if not any(swot.get(q) for q in SWOT_QUADRANTS):
        return []
    quadrants = []
    for quadrant in SWOT_QUADRANTS:
        items = [
            PoleSwotItem(
                swot_id(quadrant, raw.get("theme"), grid),
                theme_label(raw.get("theme"), grid),
                quote(str(raw["text"])) if quote else Markup(escape(raw["text"])),
                str(raw["text"]),
            )
            for raw in swot.get(quadrant) or []
            if isinstance(raw, dict)
        ]
        items.sort(key=lambda item: int(item.id[1:]))  # stable: the author's order within an id
        quadrants.append(PoleSwotQuadrant(quadrant, QUADRANT_TITLES[quadrant], tuple(items)))
    return quadrants


__all__ = ["PoleSwotItem", "PoleSwotQuadrant", "pole_swot"]
