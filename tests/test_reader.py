"""One reader for every YAML file: the same situation gives the same code and message in each."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptce_mono import GridError, Severity, load_grid
from ptce_mono.analysis.crosscase import Swot
from ptce_mono.analysis.options import load_options
from ptce_mono.core.errors import ConfigError
from ptce_mono.core.problems import Problem
from ptce_mono.sources.config import load_config
from ptce_mono.sources.monograph import parse_text

from monograph_factory import monograph_text, write_project

ROOT = Path(__file__).resolve().parents[1]
GRID_TEXT = (ROOT / "grid" / "grid.yaml").read_text(encoding="utf-8")
DOSSIER = "title: Les PTCE\npublisher: Comité éditorial\nperiod: 2013-2014\ndrafts: exclude\n"
OPTIONS = "options:\n  - quadrant: SO\n    title: Titre\n    text: Texte\n    combines: [S1]\n"


def _line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def _changed(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def front_problems(tmp_path: Path, grid, old: str, new: str) -> tuple[list[Problem], str]:
    text = _changed(monograph_text(), old, new)
    return parse_text(text, grid, "m.md").problems, text


def dossier_problems(tmp_path: Path, grid, old: str, new: str) -> tuple[list[Problem], str]:
    text = _changed(DOSSIER, old, new)
    write_project(tmp_path, {"dossier.yaml": text})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    return caught.value.problems, text


def grid_problems(tmp_path: Path, grid, old: str, new: str) -> tuple[list[Problem], str]:
    text = _changed(GRID_TEXT, old, new)
    write_project(tmp_path, {"grid.yaml": text})
    with pytest.raises(GridError) as caught:
        load_grid(tmp_path / "grid.yaml")
    return caught.value.problems, text


def options_problems(tmp_path: Path, grid, old: str, new: str) -> tuple[list[Problem], str]:
    text = _changed(OPTIONS, old, new)
    write_project(tmp_path, {"options.yaml": text})
    _, problems = load_options(tmp_path / "options.yaml", Swot({}, [], 0))
    return [p for p in problems if p.code != "unknown-swot-id"], text


READERS = {"front": front_problems, "dossier": dossier_problems, "grid": grid_problems, "options": options_problems}

# (file, change, code, message, hint, line fragment): one situation per group, in each file.
CASES = [
    ("front", ("carrier:", "carier:"), "unknown-field", "unknown field `carier` in the front matter", "Did you mean `carrier`?", "carier:"),
    ("dossier", ("publisher:", "publsher:"), "unknown-field", "unknown field `publsher` in the dossier settings", "Did you mean `publisher`?", "publsher:"),
    ("grid", ("gap_marker:", "gap_markers:"), "unknown-field", "unknown field `gap_markers` in the grid", "Did you mean `gap_marker`?", "gap_markers:"),
    ("options", ("options:", "option:"), "unknown-field", "unknown field `option` in the options file", "Did you mean `options`?", "option:"),
    # nested records: the key is named with its path
    ("front", ("  commune: Tarnos", "  comune: Tarnos"), "unknown-field", "unknown field `comune` in `location`", "Did you mean `commune`?", "comune:"),
    ("grid", ("    min_words: 40\n    pillar: genesis", "    min_word: 40\n    pillar: genesis"), "unknown-field", "unknown field `min_word` in `sections[2]`", "Did you mean `min_words`?", "min_word:"),
    ("options", ("    combines:", "    combine:"), "unknown-field", "unknown field `combine` in `options[1]`", "Did you mean `combines`?", "combine:"),
    # wrong type
    ("front", ("territory_types: [rural]", "territory_types: rural"), "wrong-type", "`territory_types` must be a list, found a text", "Write `territory_types: [first, second]`, or one `- item` per line.", "territory_types:"),
    ("dossier", ("drafts: exclude", "poles: pole-a"), "wrong-type", "`poles` must be a list, found a text", "Write one `- pole-id` per line, in the order of the dossier.", "poles:"),
    ("grid", ("    aliases: [Synthèse, En bref, Presentation]", "    aliases: Synthèse"), "wrong-type", "`sections[1].aliases` must be a list, found a text", "", "Synthèse"),
    ("options", ("combines: [S1]", "combines: S1"), "wrong-type", "`options[1].combines` must be a list, found a text", "An option cites the SWOT ids it combines, e.g. `combines: [S1, O3]`.", "S1"),
    # a value with no text
    ("front", ("carrier: Association porteuse", 'carrier: ""'), "empty-field", "`carrier` is empty", "", "carrier:"),
    ("dossier", ("title: Les PTCE", 'title: ""'), "empty-field", "`title` is empty", "", '""'),
    ("grid", ("    title: Genèse", '    title: ""'), "empty-field", "`sections[2].title` is empty", "", '""'),
    ("options", ("title: Titre", 'title: ""'), "empty-field", "`options[1].title` is empty", "", '""'),
    # a value not in the allowed list
    ("front", ("legal_form: association", "legal_form: asociation"), "bad-value", "`legal_form`: `asociation` is not an allowed value", "Did you mean `association`? Allowed:", "legal_form:"),
    ("dossier", ("drafts: exclude", "drafts: exclud"), "bad-value", "`drafts`: `exclud` is not an allowed value", "Did you mean `exclude`? Allowed: exclude, include.", "drafts:"),
    ("options", ("quadrant: SO", "quadrant: SX"), "bad-value", "`options[1].quadrant`: `SX` is not an allowed value", "Allowed: SO, ST, WO, WT.", "SX"),
]


def _missing(file: str, change: tuple[str, str], message: str) -> tuple[str, tuple[str, str], str, str]:
    return (file, change, "missing-field", message)


MISSING = [
    _missing("front", ("legal_form: association\n", ""), "required field `legal_form` is missing from the front matter"),
    _missing("dossier", ("publisher: Comité éditorial\n", ""), "required field `publisher` is missing from the dossier settings"),
    _missing("grid", ("    title: Genèse\n", ""), "required field `title` is missing from `sections[2]`"),
    _missing("options", ("    text: Texte\n", ""), "required field `text` is missing from `options[1]`"),
]


@pytest.mark.parametrize(("file", "change", "code", "message", "hint", "at"), CASES, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_same_situation_same_problem_in_every_file(tmp_path, grid, file, change, code, message, hint, at):
    problems, text = READERS[file](tmp_path, grid, *change)
    found = [p for p in problems if p.code == code]
    assert [p.message for p in found] == [message], [(p.code, p.message) for p in problems]
    assert found[0].severity == Severity.ERROR
    assert found[0].hint.startswith(hint)
    assert found[0].line == _line_of(text, at)


@pytest.mark.parametrize(("file", "change", "code", "message"), MISSING, ids=[m[0] for m in MISSING])
def test_missing_required_field_in_every_file(tmp_path, grid, file, change, code, message):
    problems, _ = READERS[file](tmp_path, grid, *change)
    assert [p.message for p in problems if p.code == code] == [message]


def test_a_missing_front_matter_field_points_at_the_opening_line(grid):
    problems = parse_text(_changed(monograph_text(), "legal_form: association\n", ""), grid, "m.md").problems
    (missing,) = [p for p in problems if p.code == "missing-field"]
    assert missing.line == 1
    assert "inconnu" in missing.hint


def test_a_key_with_no_value(tmp_path, grid):
    problems, text = front_problems(tmp_path, grid, "carrier: Association porteuse", "carrier:")
    (empty,) = [p for p in problems if p.code == "empty-field"]
    assert (empty.message, empty.line) == ("`carrier` has no value", _line_of(text, "carrier:"))
    assert "inconnu" in empty.hint
    # an optional setting with no value is the same as no setting
    write_project(tmp_path, {"dossier.yaml": DOSSIER + "subtitle:\n"})
    assert load_config(tmp_path).subtitle == ""


def test_duplicates_in_a_list_are_reported_with_the_first_line(tmp_path, grid):
    problems, _ = front_problems(tmp_path, grid, "territory_types: [rural]", "territory_types:\n  - rural\n  - rural")
    (dup,) = [p for p in problems if p.code == "duplicate-item"]
    assert dup.severity == Severity.WARNING
    assert dup.message.startswith("`rural` is listed twice in `territory_types` (first on line ")


def test_the_shipped_files_read_cleanly(grid):
    assert grid.section_ids[0] == "summary"
    assert load_config(ROOT).title
    _, problems = load_options(ROOT / "editorial" / "options.yaml", Swot({}, [], 0))
    assert {p.code for p in problems} == {"unknown-swot-id"}  # no SWOT given: every cited id is unknown


def test_a_list_that_must_not_be_empty(tmp_path, grid):
    start = GRID_TEXT.index("sections:\n")
    end = GRID_TEXT.index("# Shared vocabularies")
    write_project(tmp_path, {"grid.yaml": GRID_TEXT[:start] + "sections: []\n" + GRID_TEXT[end:]})
    with pytest.raises(GridError) as caught:
        load_grid(tmp_path / "grid.yaml")
    (empty,) = [p for p in caught.value.problems if p.code == "grid-empty"]
    assert (empty.message, empty.line) == ("`sections` must list at least one item", _line_of(GRID_TEXT, "sections:\n"))
