from __future__ import annotations

from pathlib import Path

import pytest

from ptce_mono import GridError, load_grid
from ptce_mono.core.text import normalise

ROOT = Path(__file__).resolve().parents[1]


def test_grid_reconciles_the_three_source_grids(grid):
    ids = grid.section_ids
    # CITEGO headings, in their order
    for title in ["Résumé", "Genèse", "Objectifs et activités", "Les parties prenantes", "Gouvernance",
                  "Fonctionnement économique", "Logiques de coopération", "Enjeux", "Projets"]:
        assert normalise(title) in grid.heading_index(), title
    # Labo de l'ESS 2013 grid categories, as aliases
    for alias in ["Finalités du pôle", "Origine de la coopération", "Facteurs internes et externes de structuration",
                  "Leadership et parties prenantes", "Modes de gouvernance", "Modèles économiques et financements",
                  "Impacts sur l'emploi et les territoires"]:
        assert normalise(alias) in grid.heading_index(), alias
    pillars = {s.pillar for s in grid.sections if s.pillar}
    assert pillars == {"genesis", "governance", "economic_model", "impacts"}
    assert all(grid.section(p).required for p in ("genesis", "governance", "economic_model", "impacts"))
    assert ids.index("genesis") < ids.index("governance") < ids.index("economic_model")


def test_referentiel_has_three_general_and_nine_principal_objectives(grid):
    ref = grid.referentiel
    assert len(ref.general_objectives) == 3
    assert [o.id for o in ref.objectives] == list("abcdefghi")
    assert set(ref.levels) == {1, 2, 3, 4}
    assert all(i.objective in "abcdefghi" for i in ref.indicators)


def test_every_section_has_guiding_questions_and_every_field_a_description(grid):
    assert all(s.questions for s in grid.sections)
    assert all(f.description for f in grid.fields.values())


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "grid" / "grid.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "grid.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("    type: slug", "    type: slogan", "grid-field-type"),
        ("    of: territory_type", "    of: territory_kinds", "grid-vocabulary"),
        ("    informs: [a, b, d]", "    informs: [a, z]", "grid-referentiel"),
        ("    min_words: 40\n    pillar: genesis", "    min_words: many\n    pillar: genesis", "bad-value"),
        ("sections:\n", "sections:\n  bad: [\n", "yaml-syntax"),
    ],
)
def test_a_broken_grid_is_refused_with_its_line(tmp_path, old, new, code):
    with pytest.raises(GridError) as info:
        load_grid(_broken(tmp_path, old, new))
    codes = {p.code for p in info.value.problems}
    assert code in codes
    assert all(p.line > 1 for p in info.value.problems if p.code == code)


def test_a_missing_grid_is_a_clear_error(tmp_path):
    with pytest.raises(GridError, match="cannot read the grid"):
        load_grid(tmp_path / "nope.yaml")
