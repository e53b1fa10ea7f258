"""`ptce-mono matrix`: the cross-case tables as CSV files and one XLSX workbook, for researchers."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ptce_mono.analysis.crosscase import CrossCase
from ptce_mono.commands.prepare import analyse_project
from ptce_mono.core.files import sweep_temporaries, write_bytes_atomic
from ptce_mono.core.project_files import output_folder

Table = tuple[list[str], list[list[object]]]

# A spreadsheet program runs a cell that starts with one of these as a formula (OWASP, "CSV
# injection"): a pole name `=HYPERLINK(...)` would become a live link, `@SUM(...)` a call.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Characters a spreadsheet cell cannot hold (openpyxl refuses them): shown escaped, not dropped.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_value(value: object) -> object:
    """`value` as a cell may hold it: its control characters written as escapes (`\\x1b`)."""
    if isinstance(value, str) and _UNPRINTABLE.search(value):
        return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value


def would_start_a_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """The value as a CSV cell: text that would start a formula gets a leading apostrophe."""
    value = cell_value(value)
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


# A French spreadsheet (LibreOffice, Excel in French) splits on semicolons: the comma is the
# decimal separator there. `separator=","` writes the comma CSV other tools expect.
FRENCH_SEPARATOR = ";"


def to_csv(table: Table, separator: str = FRENCH_SEPARATOR) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\n")
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
            sheet.append([cell_value(value) for value in row])
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


def export_tables(
    model: CrossCase, out_dir: Path, xlsx: bool = True, separator: str = FRENCH_SEPARATOR
) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)  # the caller has checked it (`output_folder`)
    sweep_temporaries(out_dir)
    tables = {name: build(model) for name, build in TABLES.items()}
    written = []
    for name, table in tables.items():
        path = out_dir / f"{name}.csv"
        write_bytes_atomic(path, to_csv(table, separator))
        written.append(path)
    if xlsx:
        path = out_dir / "analyse-transversale.xlsx"
        write_bytes_atomic(path, to_xlsx(tables))
        written.append(path)
    return written


def write_tables(
    project: Path,
    out_dir: Path,
    drafts: bool | None = None,
    xlsx: bool = True,
    separator: str = FRENCH_SEPARATOR,
) -> list[Path]:
    """`ptce-mono matrix`: the tables of the poles the dossier prints, in its order, under its
    draft policy (`drafts` overrides `drafts:` of dossier.yaml). CSV files have a UTF-8 BOM and
    `separator` between fields (`;` by default). Raises as `analyse_project`."""
    corpus = analyse_project(project, drafts)
    output_folder(out_dir, project)  # in the project, a real folder of it, never a link out
    return export_tables(corpus.model, out_dir, xlsx=xlsx, separator=separator)
