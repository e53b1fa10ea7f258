"""Renders the cross-case model (part 3 and the annexes) and its figures to HTML fragments."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from dataclasses import dataclass

from jinja2 import Environment
from markupsafe import Markup

from ptce_mono.analysis.crosscase import MISSING, QUADRANT_TITLES, CrossCase
from ptce_mono.analysis.options import TOWS_QUADRANTS, Options
from ptce_mono.analysis.values import location_of
from ptce_mono.render.dossier import with_house_style
from ptce_mono.render.figures import MapPoint, pole_map, pole_map_alt
from ptce_mono.render.markdown import render_inline
from ptce_mono.sources.grid import Grid
from ptce_mono.sources.monograph import Monograph

STATE_LABELS = {
    "written": "rédigée",
    "partial": "partielle",
    "thin": "succincte",
    "gap": "non documentée",
    "missing": "absente",
}
EDITORIAL_PARTS = ("intro", "swot", "options", "governance")


@dataclass(frozen=True)
class TemplateCalls:
    """What the part's and the annexes' templates call: methods of a record of this stage, which
    the template sandbox lets them call (render/template_sandbox.py)."""

    model: CrossCase
    cite: Callable[[str], str] | None

    def inline(self, text: object) -> Markup:
        """`text` as one line of Markdown, its citations formatted."""
        return Markup(render_inline(str(text), self.cite))

    def absent_from(self, section: str) -> set[str]:
        """The poles where `section` is absent."""
        return {p.id for p in self.model.poles if self.model.matrix.cell(p.id, section).state == MISSING}


def render_analysis(
    env: Environment,
    model: CrossCase,
    options: Options,
    grid: Grid,
    editorial: dict[str, str],
    number: int = 3,
    cite: Callable[[str], str] | None = None,
    drafts: int = 0,
) -> tuple[str, str]:
    """HTML of part `number` and of the annexes. `editorial` holds rendered HTML per part;
    `cite` turns a citation into HTML, in the SWOT statements, the options and the annex's
    summaries, all read as one line of Markdown (without it, citations print as written).
    `drafts` is how many of the poles analysed are drafts: a review edition says so."""
    pole_names = {p.id: p.short_name for p in model.poles}

    calls = TemplateCalls(model, cite)
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
        "pole_numbers": {p.id: f"2.{index}" for index, p in enumerate(model.poles, 1)},
        "absent_from": calls.absent_from,
        "drafts": drafts,
        "inline": calls.inline,
    }
    with_house_style(env)
    part = env.get_template("partials/analysis.html").render(context)
    annexes = env.get_template("partials/annexes.html").render(context)
    return part, annexes


def pole_map_html(monographs: list[Monograph]) -> str:
    """The map of the printed poles, each marked with its chapter number (2.1, 2.2...)."""
    points = []
    for index, m in enumerate(monographs, 1):
        location = location_of(m.meta)
        # The front matter's `coordinates: {lat, lon}`, as the map's (lat, lon).
        given = location.get("coordinates")
        where = None
        if isinstance(given, dict) and given.keys() >= {"lat", "lon"}:
            where = (given["lat"], given["lon"])
        points.append(MapPoint(f"2.{index}", m.name, str(location.get("departement", "")), where))
    # As an image rather than inline markup: WeasyPrint's SVG renderer reads SVG presentation
    # styles that its HTML style engine would reject, and browsers show it the same way.
    svg = pole_map(points).encode("utf-8")
    data = base64.b64encode(svg).decode("ascii")
    alt = html.escape(pole_map_alt(points), quote=True)
    return f'<img class="map" alt="{alt}" src="data:image/svg+xml;base64,{data}">'
