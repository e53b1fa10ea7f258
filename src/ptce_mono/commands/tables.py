"""`ptce-mono matrix`: the cross-case tables as CSV files and one XLSX workbook, for researchers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ptce_mono.analysis.crosscase import CrossCase
from ptce_mono.commands.prepare import analyse_project
from ptce_mono.core.files import sweep_temporaries, write_bytes_atomic

Table = tuple[list[str], list[list[object]]]

# A spreadsheet program runs a cell that starts with one of these as a formula (OWASP, "CSV
# injection"): a pole name `=HYPERLINK(...)` would become a live link, `@SUM(...)` a call.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def would_start_a_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """The value as a CSV cell: text that would start a formula gets a leading apostrophe."""
    return "'" + str(value) if would_start_a_formula(value) else value


def matrix_table(model: CrossCase) -> Table:
    header = [
        *("pole", "nom", "section", "titre", "état", "résumé", "origine du résumé", "fichier", "ligne"),
        "clés citées",
    ]
    titles = dict(model.matrix.sections)
    rows: list[list[object]] = []
    for pole in model.poles:
        for section, _ in model.matrix.sections:
            cell = model.matrix.cell(pole.id, section)
            rows.append(
                [
                    pole.id,
                    pole.name,
                    section,
                    titles[section],
                    cell.state,
                    cell.summary,
                    cell.origin,
                    pole.path,
                    cell.line or "",
                    " ; ".join(cell.keys),
                ]
            )
    return header, rows


def typology_table(model: CrossCase) -> Table:
    header = ["attribut", "titre", "valeur", "pôles (k)", "N", "pôles"]
    rows: list[list[object]] = [
        [t.attribute, t.title, r.value, r.count, t.n, " ".join(r.poles)]
        for t in model.typology
        for r in t.rows
    ]
    return header, rows


def swot_table(model: CrossCase) -> Table:
    header = ["id", "quadrant", "thème", "intitulé", "k", "N", "pôle", "énoncé", "section", "ligne"]
    rows: list[list[object]] = []
    for items in model.swot.items.values():
        for item in items:
            for s in item.statements:
                rows.append(
                    [
                        item.id,
                        item.quadrant,
                        item.theme or "",
                        item.label,
                        item.k,
                        item.n,
                        s.pole,
                        s.text,
                        s.section or "",
                        s.line,
                    ]
                )
    return header, rows


TABLES = {"matrice": matrix_table, "typologie": typology_table, "afom": swot_table}


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_cell(value) for value in table[0]])
    writer.writerows([csv_cell(value) for value in row] for row in table[1])
    # A BOM lets spreadsheet programs recognise UTF-8 when they open the file directly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: dict[str, Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in tables.items():
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if would_start_a_formula(cell.value):
                    # Kept as typed, stored as a string: openpyxl would otherwise write a formula.
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
    # Fixed properties keep the workbook byte-stable between runs.
    workbook.properties.creator = "ptce-mono"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_tables(model: CrossCase, out_dir: Path, xlsx: bool = True) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    sweep_temporaries(out_dir)
    tables = {name: build(model) for name, build in TABLES.items()}
    written = []
    for name, table in tables.items():
        path = out_dir / f"{name}.csv"
        write_bytes_atomic(path, to_csv(table))
        written.append(path)
    if xlsx:
        path = out_dir / "analyse-transversale.xlsx"
        write_bytes_atomic(path, to_xlsx(tables))
        written.append(path)
    return written


def write_tables(project: Path, out_dir: Path, drafts: bool | None = None, xlsx: bool = True) -> list[Path]:
    """`ptce-mono matrix`: the tables of the poles the dossier prints, in its order, under its
    draft policy (`drafts` overrides `drafts:` of dossier.yaml). Raises as `analyse_project`."""
    corpus = analyse_project(project, drafts)
    return export_tables(corpus.model, out_dir, xlsx=xlsx)
