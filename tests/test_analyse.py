"""The cross-case model on a three-pole corpus whose right answers can be read off by eye."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptce_mono.analysis.crosscase import analyse, first_sentence, opening_sentence
from ptce_mono.analysis.options import load_options
from ptce_mono.analysis.typology import group_poles, order_poles
from ptce_mono.analysis.values import NOT_DOCUMENTED
from ptce_mono.sources.monograph import parse_monograph

from monograph_factory import monograph_text, write_project

SWOT_A = """swot:
  strengths:
    - {text: Une coopération ancienne, theme: culture-cooperation, section: genesis}
    - {text: Un lieu partagé, theme: ancrage-territorial, section: summary}
  weaknesses:
    - {text: Une coordination bénévole, theme: financement, section: economic_model}
"""
SWOT_B = """swot:
  strengths:
    - {text: Une confiance entre membres, theme: culture-cooperation, section: governance}
  threats:
    - {text: Des subventions incertaines, theme: soutien-public}
"""


def corpus(tmp_path: Path, grid):
    a = (monograph_text("a").split("swot:")[0] + SWOT_A + "---" + monograph_text("a").split("---", 2)[2])
    a = a.replace("territory_types: [rural]", "territory_types: [rural, désindustrialisé]")
    a = a.replace("legal_form: association", "legal_form: association\nsummaries:\n  governance: Une phrase d'auteur.")
    b = monograph_text("b", body={"Genèse": "Première phrase du texte. Deuxième phrase ici."})
    b = b.split("swot:")[0] + SWOT_B + "---" + b.split("---", 2)[2]
    b = b.replace("territory_types: [rural]", "territory_types: [urbain, quartier populaire]")
    b = b.replace("year_cooperation_began: 2001", "year_cooperation_began: 2010").replace(
        "member_count: {value: 20, qualifier: environ, as_of: 2013}", "member_count: 8")
    c = monograph_text("c", status="draft", body={"Gouvernance": "::: lacune\nRien sur ce point.\n:::"})
    c = c.split("swot:")[0] + "---" + c.split("---", 2)[2]
    c = c.replace("year_cooperation_began: 2001", "year_cooperation_began: {inconnu: Non daté.}")
    write_project(tmp_path, {"a.md": a, "b.md": b, "c.md": c})
    monographs = [parse_monograph(tmp_path / f"{x}.md", grid) for x in "abc"]
    assert all(not [p for p in m.problems if p.severity == 2] for m in monographs), [m.problems for m in monographs]
    return monographs


def test_swot_groups_items_by_quadrant_and_theme_with_k_of_n(tmp_path, grid):
    model = analyse(corpus(tmp_path, grid), grid, reference_year=2013)
    swot = model.swot
    strengths = {item.id: item for item in swot.items["strengths"]}
    # culture-cooperation is the 2nd theme of the grid vocabulary: S2, supported by a and b
    assert strengths["S2"].poles == ["a", "b"] and strengths["S2"].share == "2/3"
    assert strengths["S1"].poles == ["a"] and strengths["S1"].share == "1/3"
    assert [i.id for i in swot.items["strengths"]] == ["S2", "S1"]  # most supported first
    assert [i.id for i in swot.items["weaknesses"]] == ["W5"]
    assert swot.items["opportunities"] == []
    assert swot.poles_without_items == ["c"]
    # every item of every monograph appears exactly once
    statements = [s.text for items in swot.items.values() for i in items for s in i.statements]
    assert sorted(statements) == sorted(["Une coopération ancienne", "Un lieu partagé", "Une coordination bénévole",
                                         "Une confiance entre membres", "Des subventions incertaines"])
    assert strengths["S2"].statements[1].anchor == "b--governance"


def test_typology_counts(tmp_path, grid):
    model = analyse(corpus(tmp_path, grid), grid, reference_year=2013)
    tables = {t.attribute: t for t in model.typology}
    territory = {r.value: r.count for r in tables["territory_types"].rows}
    assert territory == {"rural": 2, "urbain": 1, "quartier populaire": 1, "désindustrialisé": 1}
    assert tables["territory_types"].multi_valued
    age = {r.value: r.poles for r in tables["age"].rows}
    assert age == {"moins de 5 ans": ["b"], "10 à 19 ans": ["a"], NOT_DOCUMENTED: ["c"]}
    assert [r.value for r in tables["age"].rows] == ["moins de 5 ans", "10 à 19 ans", NOT_DOCUMENTED]
    size = {r.value: r.poles for r in tables["size"].rows}
    assert size == {"moins de 10 structures": ["b"], "20 à 39 structures": ["a", "c"]}


def test_grouping_and_ordering_by_any_attribute(tmp_path, grid):
    monographs = corpus(tmp_path, grid)
    assert group_poles(monographs, grid, "territory_types", 2013)["rural"] == ["a", "c"]
    assert order_poles(monographs, "member_count") == ["b", "a", "c"]
    assert order_poles(monographs, "year_cooperation_began") == ["a", "b", "c"]


def test_matrix_cells_say_where_each_summary_comes_from(tmp_path, grid):
    monographs = corpus(tmp_path, grid)
    matrix = analyse(monographs, grid).matrix
    assert matrix.cell("a", "governance").origin == "author"
    assert matrix.cell("a", "governance").summary == "Une phrase d'auteur."
    genesis = matrix.cell("b", "genesis")
    assert (genesis.origin, genesis.summary) == ("first sentence", "Première phrase du texte.")
    text = (tmp_path / "b.md").read_text().splitlines()
    assert text[genesis.line - 1].startswith("Première phrase")
    assert matrix.cell("c", "governance").state == "gap"
    assert matrix.cell("c", "governance").summary == "Rien sur ce point."
    assert matrix.cell("a", "projects").state == "missing"
    assert matrix.state_counts("governance") == {"written": 2, "gap": 1}


def test_referentiel_says_when_no_pole_is_scored(tmp_path, grid):
    assert analyse(corpus(tmp_path, grid), grid).referentiel.scored is False


def test_first_sentence_strips_markup_and_is_whole():
    assert first_sentence("**Le pôle** [naît](http://x) en 2010. Puis…") == "Le pôle naît en 2010."
    # A summary is never cut in the middle of a sentence, and a removed citation leaves no
    # space before the full stop.
    long = " ".join(["mot"] * 50) + " [@a, p. 8]. Suite."
    assert first_sentence(long) == " ".join(["mot"] * 50) + "."


def test_the_summary_as_written_keeps_its_citations_whole():
    text = "Le pôle naît en 2010 [@labo2014citego, p. 8. Le dossier]. Puis il grandit."
    assert opening_sentence(text) == "Le pôle naît en 2010 [@labo2014citego, p. 8. Le dossier]."


def test_a_role_held_for_two_authorities_counts_the_pole_once(tmp_path, grid):
    roles = (
        "local_authority_roles:\n  - {role: financeur, by: Région, as_of: 2013}\n"
        "  - {role: financeur, by: Département, as_of: 2013}\n"
    )
    text = monograph_text("a").replace("local_authority_roles: [{role: facilitateur, as_of: 2013}]\n", roles)
    assert roles in text
    write_project(tmp_path, {"a.md": text})
    model = analyse([parse_monograph(tmp_path / "a.md", grid)], grid)
    table = next(t for t in model.typology if t.attribute == "local_authority_roles")
    assert [(r.value, r.count, table.n) for r in table.rows] == [("financeur", 1, 1)]


@pytest.mark.parametrize(
    ("yaml_text", "code", "line"),
    [
        ("options:\n  - {quadrant: SO, title: T, text: X, combines: [S2, O9]}\n", "unknown-swot-id", 2),
        ("options:\n  - quadrant: WO\n    title: T\n    text: X\n    combines:\n      - S2\n", "swot-quadrant", 6),
        ("options:\n  - {quadrant: XY, title: T, text: X, combines: [S2]}\n", "bad-value", 2),
        ("options:\n  - {quadrant: SO, title: T, combines: [S2]}\n", "missing-field", 2),
    ],
)
def test_options_cite_existing_swot_ids(tmp_path, grid, yaml_text, code, line):
    model = analyse(corpus(tmp_path, grid), grid)
    path = tmp_path / "options.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    _, problems = load_options(path, model.swot)
    assert [(p.code, p.line) for p in problems] == [(code, line)]


def test_valid_options_are_grouped_by_tows_quadrant(tmp_path, grid):
    model = analyse(corpus(tmp_path, grid), grid)
    path = tmp_path / "options.yaml"
    path.write_text("options:\n  - {quadrant: ST, title: T, text: X, combines: [S2, t6]}\n", encoding="utf-8")
    options, problems = load_options(path, model.swot)
    assert problems == []
    assert options.by_quadrant()["ST"][0].combines == ["S2", "T6"]
