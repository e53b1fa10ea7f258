"""Reading what `check` says: the author's errors first, levels, honest partial gaps, hints that
say what to type."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ptce_mono import Severity, check_paths
from ptce_mono.check.scaffold import default_id, scaffold
from ptce_mono.sources.grid import Grid

from monograph_factory import invoke, monograph_text, write_project

GAP = "::: lacune\nLes sources ne disent rien de plus.\n:::"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    # Files named so that the notes on gaps come first in file order, the error last.
    return write_project(
        tmp_path,
        {
            "monographs/a-gaps.md": monograph_text(
                "a-gaps", status="draft", body={"Gouvernance": GAP, "Genèse": GAP}
            ),
            "monographs/b-thin.md": monograph_text("b-thin", body={"Gouvernance": "Trop court."}),
            "monographs/c-error.md": monograph_text("c-error").replace("carrier:", "carier:"),
        },
    )


def severities(output: str) -> list[str]:
    return re.findall(r"^\S+:\d+:\d+: (error|warning|info):", output, re.MULTILINE)


def test_errors_come_first_then_warnings_then_notes(corpus: Path) -> None:
    result = invoke(["check"], corpus)
    assert result.exit_code == 1
    found = severities(result.stdout)
    assert found == sorted(found, key=["error", "warning", "info"].index)
    assert found[0] == "error" and "info" in found and "warning" in found


def test_level_hides_what_is_below_it(corpus: Path) -> None:
    warnings = invoke(["check", "--level", "warning"], corpus)
    assert set(severities(warnings.stdout)) == {"error", "warning"}
    assert "2 below warning not shown (--level info shows them)." in warnings.stderr
    for quiet in (["-q"], ["--level", "error"]):
        assert set(severities(invoke(["check", *quiet], corpus).stdout)) == {"error"}


def test_a_partial_gap_is_the_sections_honest_end(tmp_path: Path, grid: Grid) -> None:
    text = monograph_text(
        body={
            "Gouvernance": f"Treize mots de contenu réel sur la gouvernance du pôle, pas davantage.\n\n{GAP}"
        }
    )
    result = check_paths(
        [write_project(tmp_path, {"monographs/p.md": text}) / "monographs"], grid, root=tmp_path
    )
    found = [(p.code, p.severity) for p in result.problems]
    assert ("partial-gap", Severity.INFO) in found
    assert "thin-section" not in [code for code, _ in found]
    [note] = [p for p in result.problems if p.code == "partial-gap"]
    assert note.message.startswith("`Gouvernance`: partly documented")
    # A section with only a gap note is still "the sources say nothing".
    full = check_paths(
        [
            write_project(
                tmp_path / "full",
                {"monographs/p.md": monograph_text(status="draft", body={"Gouvernance": GAP})},
            )
        ],
        grid,
        root=tmp_path,
    )
    assert "gap" in [p.code for p in full.problems]


def test_a_colon_inside_a_value_says_to_quote_it(tmp_path: Path, grid: Grid) -> None:
    text = monograph_text().replace("shared_place: aucun", "shared_place: lieu commun : ancienne scierie")
    result = check_paths(
        [write_project(tmp_path, {"monographs/p.md": text}) / "monographs"], grid, root=tmp_path
    )
    [problem] = [p for p in result.problems if p.code == "yaml-syntax"]
    assert (
        problem.hint
        == 'A value with ": " in it must be quoted: shared_place: "lieu commun : ancienne scierie"'
    )


def test_a_wrong_theme_lists_the_themes_with_their_french_labels(tmp_path: Path, grid: Grid) -> None:
    text = monograph_text().replace("theme: culture-cooperation", "theme: cooperation")
    result = check_paths(
        [write_project(tmp_path, {"monographs/p.md": text}) / "monographs"], grid, root=tmp_path
    )
    [problem] = [p for p in result.problems if p.code == "bad-value"]
    assert "culture-cooperation (Culture de coopération et confiance)" in problem.hint
    assert "financement (Financement et modèle économique)" in problem.hint


def test_the_skeleton_shows_a_whole_swot_item(grid: Grid) -> None:
    text = scaffold(grid, "Pôle des Deux Rives")
    swot = text[text.index("# swot:") :].splitlines()
    assert swot[1:5] == [
        "#   strengths:  # atouts",
        '#     - text: ""  # l\'atout, en une phrase tirée du texte',
        '#       theme: ""  # un des thèmes ci-dessous',
        '#       section: ""  # la section d\'où il vient : summary, genesis, purposes, structuring...',
    ]
    assert "# #   culture-cooperation : Culture de coopération et confiance" in swot


def test_an_uncommented_swot_item_checks(tmp_path: Path, grid: Grid) -> None:
    block = scaffold(grid, "x").split("# swot:")[1].split("---")[0]
    item = "\n".join(line.removeprefix("# ") for line in ("# swot:" + block).strip().splitlines())
    filled = item.replace('text: ""', "text: Une coopération ancienne").replace(
        'theme: ""', "theme: gouvernance"
    )
    filled = filled.replace('section: ""', "section: genesis")
    text = monograph_text("p", front_extra="").replace(
        "swot:\n  strengths:\n    - text: Une coopération ancienne\n      theme: culture-cooperation\n      section: genesis\n",
        filled + "\n",
    )
    result = check_paths(
        [write_project(tmp_path, {"monographs/p.md": text}) / "monographs"], grid, root=tmp_path
    )
    assert [p.code for p in result.problems if p.severity >= Severity.WARNING] == []
    assert result.monographs[0].meta["swot"]["strengths"][0]["theme"] == "gouvernance"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Pôle des Deux Rives", "deux-rives"),
        ("Pôle territorial de coopération économique du Pays de Vilaine", "pays-vilaine"),
        ("Initiatives et Cité – Lille MétroPôle Solidaire", "initiatives-cite-lille"),
        ("Le Multiple", "multiple"),
        ("Pôle", "pole"),
    ],
)
def test_the_default_id_is_short(name: str, expected: str) -> None:
    assert default_id(name) == expected
