"""Vector figures: the map of the poles on the regions of the study period.

Figures are SVG strings to be inlined in the dossier's HTML. Text is drawn as paths in the
dossier's sans font, so a figure looks the same in the PDF and in a browser, and the output is
byte-stable (no date, fixed ids).
"""

from __future__ import annotations

import io
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

GEO = Path(__file__).resolve().parent / "geo"
INK, ACCENT, MUTED, LAND, BORDER = "#1f2a36", "#8c2f39", "#9aa3ad", "#f1ede4", "#b9b2a3"


@dataclass(frozen=True)
class MapPoint:
    number: str  # the chapter number shown on the marker, e.g. "2.3"
    name: str
    departement: str
    coordinates: tuple[float, float] | None = None  # (lat, lon)


def _pyplot() -> Any:
    """matplotlib, set up once: no GUI backend, the dossier's font, reproducible SVG."""
    import matplotlib

    matplotlib.use("svg")
    from matplotlib import font_manager, pyplot

    font_dir = _sans_font_dir()
    if font_dir is not None:
        for name in ("SourceSansPro-Regular.ttf", "SourceSansPro-Semibold.ttf"):
            if (font_dir / name).is_file():
                font_manager.fontManager.addfont(str(font_dir / name))
        matplotlib.rcParams["font.family"] = "Source Sans Pro"
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "path",
            "svg.hashsalt": "ptce-mono",
            "font.size": 9,
            "axes.edgecolor": MUTED,
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
        }
    )
    return pyplot


def _sans_font_dir() -> Path | None:
    try:
        import font_source_sans_pro
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return Path(font_source_sans_pro.__file__).resolve().parent / "files"


def _svg(figure: Any, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Title": title, "Creator": None},
        bbox_inches="tight",
        pad_inches=0.02,
    )
    _pyplot().close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # inline: no XML prolog or doctype
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)


@lru_cache(maxsize=4)
def _outlines(name: str) -> list[tuple[str, str, list[list[tuple[float, float]]]]]:
    data = json.loads((GEO / name).read_text(encoding="utf-8"))
    shapes = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        )
        rings = [_thin([(float(x), float(y)) for x, y in polygon[0]]) for polygon in polygons]
        shapes.append((feature["properties"]["code"], feature["properties"]["nom"], rings))
    return shapes


def _thin(ring: list[tuple[float, float]], step: int = 3) -> list[tuple[float, float]]:
    """Every `step`-th point of a long outline: at print scale the detail is invisible."""
    return ring if len(ring) < 60 else [*ring[::step], ring[-1]]


def departement_centroid(code: str) -> tuple[float, float] | None:
    """(lat, lon) of a département's largest ring's centroid; None for an unknown code."""
    for dep_code, _, rings in _outlines("departements-version-simplifiee.geojson"):
        if dep_code == code:
            ring = max(rings, key=lambda r: abs(_area(r)))
            return _centroid(ring)
    return None


def _area(ring: list[tuple[float, float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=False)) / 2


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    area = _area(ring)
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=False):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cy / (6 * area), cx / (6 * area)


def pole_map(points: list[MapPoint]) -> str:
    """Metropolitan France in its pre-2015 regions, one numbered marker per pole."""
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(5.6, 5.6))
    for _, _, rings in _outlines("regions-avant-redecoupage-2015.geojson"):
        for ring in rings:
            xs, ys = zip(*ring, strict=True)
            axes.fill(xs, ys, facecolor=LAND, edgecolor=BORDER, linewidth=0.6)
    placed: list[tuple[float, float]] = []
    for point in points:
        where = point.coordinates or departement_centroid(point.departement)
        if where is None:
            continue
        lat, lon = where
        # Poles of one city would hide each other: fan them out around the spot.
        same = sum(1 for p in placed if abs(p[0] - lat) < 0.25 and abs(p[1] - lon) < 0.35)
        if same:
            angle = same * 2.1
            lat, lon = lat + 0.42 * math.sin(angle), lon + 0.6 * math.cos(angle)
        placed.append(where)
        axes.plot(
            lon,
            lat,
            marker="o",
            markersize=13,
            color=ACCENT,
            markeredgecolor="white",
            markeredgewidth=1.2,
            zorder=3,
        )
        axes.text(
            lon,
            lat,
            point.number.split(".")[-1],
            ha="center",
            va="center",
            fontsize=7.5,
            color="white",
            fontweight="semibold",
            zorder=4,
        )
    axes.set_aspect(1 / math.cos(math.radians(46.5)))
    axes.set_xlim(-5.3, 9.7)
    axes.set_ylim(41.2, 51.2)
    axes.axis("off")
    return _svg(figure, "Carte des pôles")


def departement_name(code: str) -> str:
    """The name of a metropolitan département from its code, or the code itself."""
    for dep_code, name, _ in _outlines("departements-version-simplifiee.geojson"):
        if dep_code == code:
            return name
    return code
