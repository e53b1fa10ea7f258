"""Renders the cross-case model (part 3 and the annexes) and its figures to HTML fragments."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable

from jinja2 import Environment
from markupsafe import Markup, escape

from ptce_mono.analysis.crosscase import QUADRANT_TITLES, CrossCase
from ptce_mono.analysis.options import TOWS_QUADRANTS, Options
from ptce_mono.analysis.values import location_of
from ptce_mono.render.figures import MapPoint, pole_map, pole_map_alt
from ptce_mono.sources.grid import Grid
from ptce_mono.sources.monograph import Monograph

STATE_LABELS = {"written": "rédigée", "thin": "succincte", "gap": "non documentée", "missing": "absente"}
EDITORIAL_PARTS = ("intro", "swot", "options", "governance")


def render_analysis(
    env: Environment,
    model: CrossCase,
    options: Options,
    grid: Grid,
    editorial: dict[str, str],
    number: int = 3,
    cite: Callable[[str], Markup] | None = None,
) -> tuple[str, str]:
    """HTML of part `number` and of the annexes. `editorial` holds rendered HTML per part;
    `cite` turns a SWOT statement's citations into HTML (without it, they print as written)."""
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
        "cite": cite or escape,
    }
    part = env.get_template("partials/analysis.html").render(context)
    annexes = env.get_template("partials/annexes.html").render(context)
    return part, annexes


def pole_map_html(monographs: list[Monograph]) -> str:
    """The map of the printed poles, each marked with its chapter number (2.1, 2.2...)."""
    points = []
    for index, m in enumerate(monographs, 1):
        location = location_of(m.meta)
        points.append(
            MapPoint(f"2.{index}", m.name, str(location.get("departement", "")), location.get("coordinates"))
        )
    # As an image rather than inline markup: WeasyPrint's SVG renderer reads SVG presentation
    # styles that its HTML style engine would reject, and browsers show it the same way.
    svg = pole_map(points).encode("utf-8")
    data = base64.b64encode(svg).decode("ascii")
    alt = html.escape(pole_map_alt(points), quote=True)
    return f'<img class="map" alt="{alt}" src="data:image/svg+xml;base64,{data}">'
