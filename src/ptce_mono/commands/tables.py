"""`ptce-mono matrix`: the cross-case tables as CSV files and one XLSX workbook, for researchers,
with the dated facts of the front matters (figures, funding lines, member structures)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ptce_mono.analysis.crosscase import CrossCase
from ptce_mono.commands.prepare import analyse_project
from ptce_mono.core.files import sweep_temporaries, write_bytes_atomic
from ptce_mono.core.project_files import output_folder
from ptce_mono.sources.dated import Funding, Member
from ptce_mono.sources.fields import Count
from ptce_mono.sources.grid import Grid
from ptce_mono.sources.monograph import Monograph

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


# -- the dated facts of the front matters: one row per figure, funding line, member structure ----


def _source(value: object) -> str:
    source = getattr(value, "source", None)
    return str(source) if source is not None else ""


def _fields_of(grid: Grid, *kinds: str) -> list[str]:
    return [name for name, spec in grid.fields.items() if spec.type in kinds]


def figures_table(monographs: list[Monograph], grid: Grid) -> Table:
    """Every count (members, jobs...) and budget, with its unit, scope, year and citation."""
    header = [
        "pole",
        "nom",
        "champ",
        "qualificatif",
        "valeur",
        "unité",
        "périmètre",
        "année",
        "note",
        "source",
    ]
    rows: list[list[object]] = []
    for m in monographs:
        for name in _fields_of(grid, "count", "counts", "funding"):
            value = m.meta.get(name)
            if isinstance(value, Funding):
                if value.budget is not None:
                    budget = value.budget
                    year = budget.as_of or value.as_of or ""
                    rows.append(
                        [
                            m.id,
                            m.name,
                            f"{name}.budget",
                            "",
                            budget.amount,
                            "€",
                            "",
                            year,
                            "",
                            _source(budget),
                        ]
                    )
                continue
            for count in value if isinstance(value, list) else [value]:
                if isinstance(count, Count):
                    rows.append(
                        [
                            m.id,
                            m.name,
                            name,
                            count.qualifier,
                            count.value,
                            count.unit,
                            count.scope,
                            count.as_of or "",
                            count.note,
                            _source(count),
                        ]
                    )
    return header, rows


def funding_table(monographs: list[Monograph], grid: Grid) -> Table:
    """Each pole's funding breakdown, one line per category."""
    header = ["pole", "nom", "catégorie", "part (%)", "montant (€)", "année", "source", "note"]
    rows: list[list[object]] = []
    for m in monographs:
        for name in _fields_of(grid, "funding"):
            funding = m.meta.get(name)
            if isinstance(funding, Funding):
                for line in funding.shares:
                    source = _source(line) or _source(funding)
                    year = funding.year_of(line) or ""
                    amount = "" if line.amount is None else line.amount
                    rows.append([m.id, m.name, line.category, line.share, amount, year, source, funding.note])
    return header, rows


def members_table(monographs: list[Monograph], grid: Grid) -> Table:
    """The member structures the monographs name."""
    header = ["pole", "nom", "structure", "type", "rôle", "adhésion", "année", "source"]
    rows: list[list[object]] = []
    for m in monographs:
        for name in _fields_of(grid, "members"):
            for member in m.meta.get(name) or []:
                if isinstance(member, Member):
                    rows.append(
                        [
                            m.id,
                            m.name,
                            member.name,
                            member.type,
                            member.role,
                            member.joined or "",
                            member.as_of or "",
                            _source(member),
                        ]
                    )
    return header, rows


FACT_TABLES = {"chiffres": figures_table, "financements": funding_table, "membres": members_table}


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
    model: CrossCase,
    out_dir: Path,
    xlsx: bool = True,
    separator: str = FRENCH_SEPARATOR,
    facts: tuple[list[Monograph], Grid] | None = None,
) -> list[Path]:
    """The cross-case tables, and with `facts` (the monographs and their grid) the tables of
    their dated facts, as CSV files and one workbook."""
    out_dir.mkdir(parents=True, exist_ok=True)  # the caller has checked it (`output_folder`)
    sweep_temporaries(out_dir)
    tables = {name: build(model) for name, build in TABLES.items()}
    if facts is not None:
        tables.update({name: build(*facts) for name, build in FACT_TABLES.items()})
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
    facts = (corpus.printed, corpus.grid)
    return export_tables(corpus.model, out_dir, xlsx=xlsx, separator=separator, facts=facts)
