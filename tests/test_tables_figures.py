from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from ptce_mono.analysis.crosscase import analyse
from ptce_mono.commands.tables import export_tables
from ptce_mono.render.figures import MapPoint, departement_centroid, pole_map

from test_analyse import corpus


def test_tables_open_in_a_spreadsheet(tmp_path, grid):
    model = analyse(corpus(tmp_path, grid), grid)
    written = export_tables(model, tmp_path / "out")
    assert sorted(p.name for p in written) == ["afom.csv", "analyse-transversale.xlsx", "matrice.csv", "typologie.csv"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "matrice.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == 3 * len(grid.sections)
    gap = next(r for r in rows if r["pole"] == "c" and r["section"] == "governance")
    assert (gap["état"], gap["résumé"]) == ("gap", "Rien sur ce point.")
    swot = list(csv.DictReader(io.StringIO((tmp_path / "out" / "afom.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert {(r["id"], r["pôle"]) for r in swot} >= {("S2", "a"), ("S2", "b"), ("W5", "a")}
    book = load_workbook(tmp_path / "out" / "analyse-transversale.xlsx")
    assert book.sheetnames == ["matrice", "typologie", "afom"]
    assert book["afom"].max_row == len(swot) + 1


def test_map_places_poles_by_departement_and_is_stable():
    lat, lon = departement_centroid("40")  # Landes
    assert 43.4 < lat < 44.6 and -1.5 < lon < 0.2
    assert departement_centroid("99") is None
    points = [MapPoint("2.1", "A", "40"), MapPoint("2.2", "B", "35"), MapPoint("2.3", "C", "35")]
    svg = pole_map(points)
    assert svg.startswith("<svg") and svg == pole_map(points)
    assert "<text" not in svg  # text drawn as paths: no font needed to read it
    assert svg.count("<circle") == 3 and svg.count("<path transform=") == 3  # one digit each
    # The two poles of département 35 are fanned out, not drawn on top of each other.
    centres = re.findall(r'<circle cx="([-\d.]+)" cy="([-\d.]+)"', svg)
    assert len(set(centres)) == 3
