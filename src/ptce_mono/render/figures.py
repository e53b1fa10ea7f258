"""Vector figures: the map of the poles on the regions of the study period.

Figures are SVG strings written here from the outlines in geo/: a plotting library would take
longer to import than this module takes to draw the map (a few milliseconds).
Numbers are drawn as paths from the dossier's sans font, so a figure looks the same in the PDF
and in a browser, and the output is byte-stable (no date, no generated ids).
"""

from __future__ import annotations

import json
import math
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


def _sans_font_dir() -> Path:
    import font_source_sans_pro

    return Path(font_source_sans_pro.font_directory).resolve()


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


# The map is drawn in points: 21 pt per degree of longitude, latitude stretched by 1/cos(46.5°)
# so that France keeps its shape at its mean latitude; the dossier shows it 118 mm wide.
_POINTS_PER_DEGREE = 21.0
_LATITUDE_STRETCH = 1 / math.cos(math.radians(46.5))
_MARKER_RADIUS, _MARKER_EDGE, _BORDER_WIDTH, _NUMBER_SIZE = 6.5, 1.2, 0.6, 7.5
_MAP_PADDING = 2.0


def _project(lat: float, lon: float) -> tuple[float, float]:
    return lon * _POINTS_PER_DEGREE, -lat * _POINTS_PER_DEGREE * _LATITUDE_STRETCH


_OUTLINE_TOLERANCE = 0.3  # pt: below what the eye can see at print size


def _simplified(line: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: the points of `line` that keep it within `tolerance` of the original.
    WeasyPrint draws every point of an SVG path in Python: fewer points, faster builds."""
    if len(line) < 3:
        return line
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = line[first], line[last]
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy)
        farthest, distance = 0, 0.0
        for index in range(first + 1, last):
            x, y = line[index]
            away = abs(dy * (x - x0) - dx * (y - y0)) / length if length else math.hypot(x - x0, y - y0)
            if away > distance:
                farthest, distance = index, away
        if distance > tolerance:
            keep[farthest] = True
            stack.extend(((first, farthest), (farthest, last)))
    return [point for point, kept in zip(line, keep, strict=True) if kept]


def _number(value: float) -> str:
    """Coordinates to a tenth of a point: exact enough, and the same text at every build."""
    text = f"{value:.1f}"
    return "0" if text in ("0.0", "-0.0") else text.removesuffix(".0")


class _OpenContours:
    """Passes a glyph's drawing on, without the segment back to a contour's start that HarfBuzz
    draws before closing it: a closed path implies it, and the SVG stays as the font has it."""

    def __init__(self, pen: Any) -> None:
        self.pen = pen
        self.start: tuple[float, float] | None = None
        self.held: tuple[float, float] | None = None

    def _release(self) -> None:
        if self.held is not None:
            self.pen.lineTo(self.held)
            self.held = None

    def moveTo(self, point: tuple[float, float]) -> None:  # the pen protocol names its methods
        self._release()
        self.start = point
        self.pen.moveTo(point)

    def lineTo(self, point: tuple[float, float]) -> None:
        self._release()
        self.held = point

    def curveTo(self, *points: tuple[float, float]) -> None:
        self._release()
        self.pen.curveTo(*points)

    def qCurveTo(self, *points: tuple[float, float]) -> None:
        self._release()
        self.pen.qCurveTo(*points)

    def closePath(self) -> None:
        if self.held != self.start:
            self._release()
        self.held = None
        self.pen.closePath()


@lru_cache(maxsize=1)
def _digit_outlines() -> tuple[dict[str, tuple[str, float]], float, float, float]:
    """Each digit of the dossier's semibold sans as an SVG path (font units, y up) with its
    advance in ems; the digits' lowest and highest points in ems, to centre them on a marker;
    the font's units per em. HarfBuzz reads the outlines in a few milliseconds, where parsing
    the font's CFF table in Python took 0.15 s of every build."""
    import uharfbuzz
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.pens.svgPathPen import SVGPathPen

    face = uharfbuzz.Face(uharfbuzz.Blob((_sans_font_dir() / "SourceSansPro-Semibold.otf").read_bytes()))
    font = uharfbuzz.Font(face)
    outlines: dict[str, tuple[str, float]] = {}
    bounds = BoundsPen(None)
    for digit in "0123456789":
        glyph = font.get_nominal_glyph(ord(digit))
        if glyph is None:
            raise ValueError(f"the sans font has no digit {digit}")
        pen = SVGPathPen(None, ntos=lambda v: _number(float(v)))
        font.draw_glyph_with_pen(glyph, _OpenContours(pen))
        font.draw_glyph_with_pen(glyph, _OpenContours(bounds))
        outlines[digit] = (pen.getCommands(), float(font.get_glyph_h_advance(glyph)))
    units = float(face.upem)
    _x_min, y_min, _x_max, y_max = bounds.bounds or (0, 0, 0, units)
    in_ems = {d: (path, advance / units) for d, (path, advance) in outlines.items()}
    return in_ems, y_min / units, y_max / units, units


def _label(text: str, x: float, y: float) -> str:
    """`text` (digits) centred on (x, y), as paths: the figure needs no font to be read."""
    outlines, low, high, units = _digit_outlines()
    digits = [c for c in text if c in outlines]
    width = sum(outlines[c][1] for c in digits) * _NUMBER_SIZE
    pen_x = x - width / 2
    baseline = y + (low + high) / 2 * _NUMBER_SIZE
    scale = _NUMBER_SIZE / units
    parts = []
    for digit in digits:
        path, advance = outlines[digit]
        parts.append(
            f'<path transform="translate({_number(pen_x)} {_number(baseline)}) '
            f'scale({scale:.4f} -{scale:.4f})" d="{path}"/>'
        )
        pen_x += advance * _NUMBER_SIZE
    return "".join(parts)


def pole_map(points: list[MapPoint]) -> str:
    """Metropolitan France in its pre-2015 regions, one numbered marker per pole."""
    regions = []
    xs: list[float] = []
    ys: list[float] = []
    for _, _, rings in _outlines("regions-avant-redecoupage-2015.geojson"):
        for ring in rings:
            projected = _simplified([_project(lat, lon) for lon, lat in ring], _OUTLINE_TOLERANCE)
            if len(projected) < 4:  # an islet smaller than the tolerance
                continue
            xs.extend(x for x, _ in projected)
            ys.extend(y for _, y in projected)
            start, *rest = projected
            line = " ".join(f"{_number(x)} {_number(y)}" for x, y in rest)
            regions.append(f'<path d="M{_number(start[0])} {_number(start[1])} L{line} Z"/>')
    markers, labels = [], []
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
        x, y = _project(lat, lon)
        xs.extend((x - _MARKER_RADIUS, x + _MARKER_RADIUS))
        ys.extend((y - _MARKER_RADIUS, y + _MARKER_RADIUS))
        markers.append(f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{_MARKER_RADIUS}"/>')
        labels.append(_label(point.number.split(".")[-1], x, y))
    left, top = min(xs) - _MAP_PADDING, min(ys) - _MAP_PADDING
    width, height = max(xs) + _MAP_PADDING - left, max(ys) + _MAP_PADDING - top
    box = f"{_number(left)} {_number(top)} {_number(width)} {_number(height)}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_number(width)}pt" '
        f'height="{_number(height)}pt" viewBox="{box}"><title>Carte des pôles</title>'
        f'<g fill="{LAND}" stroke="{BORDER}" stroke-width="{_BORDER_WIDTH}" stroke-linejoin="round">'
        + "".join(regions)
        + f'</g><g fill="{ACCENT}" stroke="#ffffff" stroke-width="{_MARKER_EDGE}">'
        + "".join(markers)
        + '</g><g fill="#ffffff">'
        + "".join(labels)
        + "</g></svg>"
    )


def pole_map_alt(points: list[MapPoint]) -> str:
    """What the map shows, in words: the alternative text a screen reader gives for it."""
    placed, elsewhere = [], []
    for point in points:
        if point.coordinates or departement_centroid(point.departement):
            where = departement_name(point.departement) if point.departement else ""
            placed.append(f"{point.number} {point.name}" + (f" ({where})" if where else ""))
        else:
            elsewhere.append(f"{point.number} {point.name}")
    count = len(placed)
    text = (
        f"Carte de la France métropolitaine dans ses régions d’avant 2015, "
        f"{count} pôle{'s' if count > 1 else ''} marqué{'s' if count > 1 else ''} "
        f"du numéro de son étude de cas\u202f: " + "\u202f; ".join(placed) + "."
    ) if placed else "Carte de la France métropolitaine\u202f: aucun pôle n’y est placé."
    if elsewhere:
        text += " Hors de la carte, faute de localisation\u202f: " + "\u202f; ".join(elsewhere) + "."
    return text


def departement_name(code: str) -> str:
    """The name of a metropolitan département from its code, or the code itself."""
    for dep_code, name, _ in _outlines("departements-version-simplifiee.geojson"):
        if dep_code == code:
            return name
    return code
