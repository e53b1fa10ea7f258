"""Every fact of the front matter is printed: the grid's fields walked on a complete monograph.

The monograph is the example `ptce-mono init` writes (a fictitious pole, every field filled) with
the référentiel scores added, built for real and read back from the PDF.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ptce_mono.check.validate import check_paths
from ptce_mono.commands.build import build_dossier
from ptce_mono.render.dossier import french_month
from ptce_mono.render.facts import departement_label, item_text
from ptce_mono.render.typography import french_text
from ptce_mono.sources.config import project_bibliography
from ptce_mono.sources.grid import FieldSpec, Grid
from ptce_mono.sources.monograph import Monograph

from monograph_factory import write_project
from pdf_reading import drawn_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "ptce_mono" / "data" / "init" / "monographs" / "exemple-pole-fictif.md"
SETTINGS = "title: Dossier d'essai\npublisher: Comité d'essai\nperiod: 2023-2024\n"
# The fields whose value is not printed as such, and why.
NOT_PRINTED = {
    "id": "an identifier: it names the chapter's anchor and the site's page, not a fact",
    "status": "printed as the BROUILLON mark of a draft; a published monograph carries none",
    "bibliography": "files read for the citations; the entries cited are printed, not the files",
}
# Fields the example leaves out, and why.
NOT_IN_EXAMPLE = {
    "bibliography": "the monograph's own files, beside the dossier's: the example's source is in the dossier's",
}
BIBLIOGRAPHY = EXAMPLE.parents[1] / "references.bib"


@pytest.fixture(scope="module")
def complete(grid: Grid, tmp_path_factory: pytest.TempPathFactory) -> tuple[Monograph, str]:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "\n---\n\n", "\nreferentiel:\n  a1: 3\n  b1: 4\n---\n\n", 1
    )
    project = write_project(
        tmp_path_factory.mktemp("facts"),
        {
            "dossier.yaml": SETTINGS + "bibliography: [references.bib]\n",
            "references.bib": BIBLIOGRAPHY.read_text(encoding="utf-8"),
            "monographs/exemple-pole-fictif.md": text,
        },
    )
    bibliography, _ = project_bibliography(project)
    checked = check_paths([project / "monographs"], grid, root=project, bibliography=bibliography)
    [monograph] = checked.monographs
    assert all(p.code in ("gap", "init-leftover") for p in checked.problems), checked.problems
    report = build_dossier(project, project / "build", jobs=1)
    return monograph, drawn_text(report.pdf)


def squashed(text: str) -> str:
    """Spaces of any kind, hyphens and line ends removed: a value typeset across lines or
    hyphenated at a line end still matches."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


def printed_forms(spec: FieldSpec, value: Any, grid: Grid) -> list[str]:
    """What the dossier prints for the value of field `spec`."""
    if spec.type == "motto":
        return [value["text"], value["attribution"]]
    if spec.type == "location":
        return [
            value["commune"],
            departement_label(value["departement"]),
            value["region_study"],
            value["region_today"],
        ]
    if spec.type == "funding":
        return [*(str(line) for line in value.shares), str(value.budget), value.note]
    if spec.type in ("people", "members", "counts"):
        return [str(item) for item in value]
    if spec.type == "month":
        return [french_month(value)]
    if spec.type == "sources":
        return [part for source in value for part in _source_forms(source)]
    if spec.type == "summaries":
        return list(value.values())
    if spec.type == "swot":
        return [item["text"] for items in value.values() for item in items]
    if spec.type == "scores":  # annex B prints the scored indicators
        titles = {indicator.id: indicator.title for indicator in grid.referentiel.indicators}
        return [titles[indicator] for indicator in value]
    if isinstance(value, list):
        return [item_text(item) for item in value]
    return [str(value)]


def _source_forms(source: dict[str, Any]) -> list[str]:
    if "key" not in source:
        return [source["title"], source["publisher"]]
    # An entry of the bibliography: printed with the chapter's references, under its title.
    entry = re.search(r"@\w+\{" + re.escape(source["key"]) + r",.*?\btitle\s*=\s*\{(.*?)\},", BIBLIOGRAPHY.read_text(
        encoding="utf-8"), re.DOTALL)
    assert entry is not None, source
    return [entry.group(1).replace("{", "").replace("}", "")]


def test_the_example_fills_every_field(grid: Grid, complete: tuple[Monograph, str]) -> None:
    monograph, _text = complete
    assert set(NOT_PRINTED) <= set(grid.fields)
    empty = [
        name
        for name in grid.fields
        if name not in NOT_IN_EXAMPLE and monograph.meta.get(name) in (None, [], {}, "")
    ]
    assert empty == []


def test_every_field_of_a_complete_monograph_is_in_the_pdf(
    grid: Grid, complete: tuple[Monograph, str]
) -> None:
    monograph, text = complete
    printed = squashed(text)
    missing = [
        f"{name}: {form!r}"
        for name, spec in grid.fields.items()
        if name not in NOT_PRINTED and name not in NOT_IN_EXAMPLE
        for form in printed_forms(spec, monograph.meta[name], grid)
        if squashed(french_text(str(form))) not in printed
    ]
    assert missing == []


def test_the_funding_shares_are_drawn_as_a_bar(complete: tuple[Monograph, str], grid: Grid) -> None:
    from ptce_mono.render.facts import pole_facts

    monograph, _text = complete
    [funding] = [f for f in pole_facts(monograph.meta) if f.label == "Financement"]
    assert [(s.label, s.percent) for s in funding.shares] == [("ventes et prestations", 45), ("financements publics", 55)]


def test_a_local_authority_role_is_printed_with_its_authority_and_year() -> None:
    from ptce_mono.render.facts import fact
    from ptce_mono.sources.fields import AuthorityRole

    printed = fact(
        "Rôle des collectivités",
        [AuthorityRole("financeur", "Conseil départemental", 2013), AuthorityRole("impulseur")],
    )
    assert printed.value == "financeur (Conseil départemental, 2013), impulseur"
