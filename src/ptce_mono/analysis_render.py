"""Renders the cross-case model (part 3 and the annexes) and its figures to HTML fragments."""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import Environment

from .analyse import QUADRANT_TITLES, CrossCase
from .figures import MapPoint, bar_chart, pole_map
from .grid import Grid
from .monograph import Monograph
from .options import TOWS_QUADRANTS, Options

STATE_LABELS = {"written": "rédigée", "thin": "succincte", "gap": "non documentée", "missing": "absente"}
EDITORIAL_PARTS = ("intro", "swot", "options", "governance")


def render_analysis(
    env: Environment,
    model: CrossCase,
    options: Options,
    grid: Grid,
    editorial: dict[str, str],
    number: int = 3,
) -> tuple[str, str]:
    """HTML of part `number` and of the annexes. `editorial` holds rendered HTML per part."""
    pole_names = {p.id: p.short_name for p in model.poles}
    context = {
        "model": model,
        "options": options,
        "grid": grid,
        "number": number,
        "editorial": {part: editorial.get(part, "") for part in EDITORIAL_PARTS},
        "pole_names": pole_names,
        "quadrant_titles": QUADRANT_TITLES,
        "tows_titles": TOWS_QUADRANTS,
        "state_labels": STATE_LABELS,
    }
    part = env.get_template("partials/analysis.html").render(context)
    annexes = env.get_template("partials/annexes.html").render(context)
    return part, annexes


def render_figures(
    model: CrossCase, monographs: list[Monograph], number_of: Callable[[str], str]
) -> tuple[dict[str, str], str]:
    """Typology bar charts per attribute, and the map with each pole's chapter number."""
    charts = {table.attribute: bar_chart(table) for table in model.typology}
    points = []
    for m in monographs:
        location = m.meta.get("location") or {}
        points.append(
            MapPoint(
                number_of(m.id), m.name, str(location.get("departement", "")), location.get("coordinates")
            )
        )
    return charts, pole_map(points)
