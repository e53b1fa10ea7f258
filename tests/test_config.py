"""dossier.yaml: values, defaults, and every problem reported at once with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptce_mono.core.errors import ConfigError
from ptce_mono.sources.config import load_config, order_poles

from monograph_factory import write_project

ROOT = Path(__file__).resolve().parents[1]

MINIMAL = """\
title: Les PTCE
publisher: Comité éditorial
period: 2013-2014
"""


def problems_of(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> list[tuple[int, str]]:
    write_project(tmp_path, {"dossier.yaml": text, **(files or {})})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    return [(p.line, p.code) for p in caught.value.problems]


def test_shipped_settings_load() -> None:
    config = load_config(ROOT)
    assert config.title == "Les Pôles Territoriaux de Coopération Économique"
    assert config.language == "fr"
    assert config.period == "2013-2014"
    assert config.reference_year == 2013
    assert config.include_drafts is False
    assert "2013-2014" in config.footer
    assert config.editorial["analysis"] == ROOT / "editorial" / "analyse.md"


def test_defaults(tmp_path: Path) -> None:
    write_project(tmp_path, {"dossier.yaml": MINIMAL})
    config = load_config(tmp_path)
    assert config.footer == "Comité éditorial | Dossier PTCE | 2013-2014"
    assert config.subtitle == ""
    assert config.editors == ()
    assert config.poles == ()
    assert config.editorial == {}
    assert config.include_drafts is False


def test_conventional_editorial_files_are_found(tmp_path: Path) -> None:
    write_project(tmp_path, {"dossier.yaml": MINIMAL, "editorial/typologie.md": "Texte."})
    assert load_config(tmp_path).editorial == {"typology": (tmp_path / "editorial/typologie.md").resolve()}


def test_every_problem_at_once_with_its_line(tmp_path: Path) -> None:
    text = """\
title: Les PTCE
publsher: Comité éditorial
period: 2014-2013
language: en
drafts: maybe
editorial:
  methodologie: editorial/m.md
  typology: ../outside.md
  analysis: editorial/absent.md
"""
    assert problems_of(tmp_path, text) == [
        (1, "missing-field"),  # publisher: reported on the mapping, line 1
        (2, "unknown-field"),
        (3, "bad-period"),
        (4, "bad-value"),
        (5, "bad-value"),
        (7, "unknown-field"),
        (8, "path-outside"),
        (9, "no-such-file"),
    ]


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    write_project(tmp_path, {"dossier.yaml": MINIMAL + "subtitel: x\n"})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    (problem,) = caught.value.problems
    assert problem.location() == f"{problem.path}:4:1"
    assert problem.hint == "Did you mean `subtitle`?"


def test_yaml_errors_and_refused_features_have_lines(tmp_path: Path) -> None:
    # An alias is reported where the value it repeats is anchored.
    assert problems_of(tmp_path, MINIMAL + "footer: &f x\nsubtitle: *f\n") == [(4, "yaml-alias")]
    assert problems_of(tmp_path, MINIMAL + "footer: [unclosed\n") == [(5, "yaml-syntax")]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.problems[0].code == "config-unreadable"
    assert caught.value.exit_code == 1


def test_pole_order_listed_first_then_alphabetical(tmp_path: Path) -> None:
    write_project(tmp_path, {"dossier.yaml": MINIMAL + "poles:\n  - zeta\n  - alpha\n"})
    config = load_config(tmp_path)
    assert order_poles(config, ["beta", "alpha", "zeta", "gamma"]) == ["zeta", "alpha", "beta", "gamma"]


def test_unknown_pole_is_an_error_at_its_line(tmp_path: Path) -> None:
    write_project(tmp_path, {"dossier.yaml": MINIMAL + "poles:\n  - pole-sud-aquitain\n  - pole-sud-aquitian\n"})
    config = load_config(tmp_path)
    with pytest.raises(ConfigError) as caught:
        order_poles(config, ["pole-sud-aquitain", "les-articulteurs"])
    (problem,) = caught.value.problems
    assert (problem.line, problem.code) == (6, "unknown-pole")
    assert "pole-sud-aquitain" in problem.hint


def test_pole_list_items_are_checked(tmp_path: Path) -> None:
    text = MINIMAL + "poles:\n  - alpha\n  - Pôle Beta\n  - alpha\n"
    assert problems_of(tmp_path, text) == [(6, "bad-id"), (7, "duplicate-pole")]
