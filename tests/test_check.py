"""One case per check: a valid monograph changed in one place gives exactly the expected problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptce_mono import Severity, check_paths
from ptce_mono.sources.fields import Count, Unknown
from ptce_mono.sources.monograph import parse_monograph

from monograph_factory import FRONT, SECTIONS, WORDS, monograph_text, write_project


def run(tmp_path: Path, grid, files: dict[str, str | bytes]):
    write_project(tmp_path, files)
    return check_paths([tmp_path / "monographs"], grid, root=tmp_path)


def codes(result, severity=Severity.ERROR):
    return sorted({p.code for p in result.problems if p.severity == severity})


def test_a_valid_monograph_has_no_problem(tmp_path, grid):
    result = run(tmp_path, grid, {"monographs/pole-test.md": monograph_text()})
    assert [p for p in result.problems if p.severity >= Severity.WARNING] == []
    meta = result.monographs[0].meta
    assert meta["member_count"] == Count(20, "environ", as_of=2013)
    assert isinstance(meta["jobs"], Unknown)
    assert meta["year_pole_formed"] == 2010


def front_line(key: str) -> int:
    """1-based line of `key:` in a factory monograph (line 1 is the opening ---)."""
    return next(i for i, line in enumerate(FRONT.splitlines(), 2) if line.startswith(f"{key}:"))


def replace_front(old: str, new: str) -> str:
    text = monograph_text()
    assert old in text
    return text.replace(old, new, 1)


FRONT_CASES = [
    ("unknown field with suggestion", replace_front("carrier:", "carier:"), "unknown-field", front_line("carrier"), "carrier"),
    ("missing required field", replace_front("legal_form: association\n", ""), "missing-field", 1, "legal_form"),
    ("value outside the list", replace_front("territory_types: [rural]", "territory_types: [rurale]"), "bad-value", front_line("territory_types"), "rural"),
    ("wrong type", replace_front("territory_types: [rural]", "territory_types: rural"), "wrong-type", front_line("territory_types"), "list"),
    ("impossible date", replace_front("date_written: 2026-11", "date_written: 2013-13-45"), "bad-date", front_line("date_written"), "2013-13-45"),
    ("year as text", replace_front("year_pole_formed: 2010", "year_pole_formed: deux mille dix"), "bad-year", front_line("year_pole_formed"), "four-digit"),
    ("bad count", replace_front("member_count: {value: 20, qualifier: environ, as_of: 2013}", "member_count: beaucoup"), "bad-count", front_line("member_count"), "whole number"),
    ("duplicate key", replace_front("carrier: Association porteuse\n", "carrier: A\ncarrier: B\n"), "duplicate-key", front_line("carrier") + 1, "first on line"),
    ("bad id", replace_front("id: pole-test", "id: Pôle Test"), "bad-id", 2, "pole-test"),
    ("unknown without reason", replace_front("jobs: {inconnu: Les sources ne donnent pas d'effectif.}", "jobs: {inconnu: ''}"), "unknown-without-reason", front_line("jobs"), "reason"),
    ("unknown SWOT theme", replace_front("theme: culture-cooperation", "theme: culture"), "bad-value", None, "culture-cooperation"),
    ("departement not a code", replace_front('departement: "40"', "departement: Landes"), "bad-value", None, "département code"),
    ("YAML syntax", replace_front("carrier: Association porteuse", 'carrier: "Association porteuse'), "yaml-syntax", None, "YAML"),
    ("YAML tab", replace_front("  commune: Tarnos", "\tcommune: Tarnos"), "yaml-syntax", None, "tab"),
    ("anchor and alias", replace_front("carrier: Association porteuse\nlegal_form: association", "carrier: &c Association porteuse\nshared_place: *c\nlegal_form: association").replace("shared_place: aucun\n", ""), "yaml-alias", None, "aliases"),
    ("merge key", replace_front("location:\n", "location:\n  <<: {commune: X}\n"), "yaml-merge-key", front_line("location") + 1, "merge"),
    ("python tag", replace_front("carrier: Association porteuse", "carrier: !!python/object:os.system echo"), "yaml-tag", front_line("carrier"), "python/object"),
    ("empty value", replace_front("carrier: Association porteuse", "carrier:"), "empty-field", front_line("carrier"), "no value"),
    ("unknown summary section", replace_front("swot:", "summaries:\n  governace: Une phrase.\nswot:"), "unknown-section", None, "governance"),
]


@pytest.mark.parametrize(("case", "text", "code", "line", "fragment"), FRONT_CASES, ids=[c[0] for c in FRONT_CASES])
def test_front_matter_checks(tmp_path, grid, case, text, code, line, fragment):
    result = run(tmp_path, grid, {"monographs/pole-test.md": text})
    found = [p for p in result.problems if p.code == code]
    assert found, f"{case}: expected {code}, got {[(p.code, p.message) for p in result.problems]}"
    problem = found[0]
    assert problem.severity == Severity.ERROR
    assert problem.path == "monographs/pole-test.md"
    if line is not None:
        assert problem.line == line
    assert fragment in problem.message + problem.hint


@pytest.mark.parametrize("typed", ["NO", "on", "yes", "1.10", "2013-10-01", "null-ish", "0x1F"])
def test_yaml_surprises_stay_text(tmp_path, grid, typed):
    text = replace_front("carrier: Association porteuse", f"carrier: {typed}")
    result = run(tmp_path, grid, {"monographs/pole-test.md": text})
    assert codes(result) == []
    assert result.monographs[0].meta["carrier"] == typed


def body(**changes: str | None) -> str:
    sections = [s for s in SECTIONS if changes.get(s, "") is not None]
    return monograph_text(sections=sections, body={k: v for k, v in changes.items() if v is not None})


GAP = "::: lacune\nLes sources ne disent rien.\n:::"


@pytest.mark.parametrize(
    ("case", "text", "code", "severity"),
    [
        ("required section missing", body(**{"Gouvernance": None}), "missing-section", Severity.ERROR),
        ("missing in a draft only warns", monograph_text(status="draft", sections=SECTIONS[:-1]), "missing-section", Severity.WARNING),
        ("empty section", body(**{"Gouvernance": ""}), "empty-section", Severity.ERROR),
        ("thin section", body(**{"Gouvernance": "Trop court."}), "thin-section", Severity.WARNING),
        ("gap is reported", monograph_text(status="draft", body={"Gouvernance": GAP}), "gap", Severity.INFO),
        ("gap in a published required section", body(**{"Gouvernance": GAP}), "gap-in-published", Severity.ERROR),
        ("gap without reason", body(**{"Gouvernance": "::: lacune\n:::"}), "gap-without-reason", Severity.ERROR),
        ("unclosed gap", body(**{"Gouvernance": "::: lacune\nRien."}), "gap-unclosed", Severity.ERROR),
        ("misspelled heading", monograph_text(sections=[*SECTIONS, "Gouvernanse"]), "unknown-heading", Severity.ERROR),
        ("duplicate section", monograph_text(sections=[*SECTIONS, "Gouvernance"]), "duplicate-section", Severity.ERROR),
        ("order", monograph_text(sections=[SECTIONS[1], SECTIONS[0], *SECTIONS[2:]]), "section-order", Severity.WARNING),
        ("level-1 heading", monograph_text().replace("## Résumé", "# Pôle\n\n## Résumé"), "heading-level", Severity.WARNING),
        ("damaged text", body(**{"Genèse": WORDS + " Le dĠǀeloppement local."}), "damaged-text", Severity.ERROR),
        ("no front matter", "## Résumé\n\nTexte.\n", "no-front-matter", Severity.ERROR),
        ("unclosed front matter", "---\nid: x\n\n## Résumé\n", "front-matter-unclosed", Severity.ERROR),
        ("empty file", "", "empty-file", Severity.ERROR),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 and "\n" not in v else "",
)
def test_body_checks(tmp_path, grid, case, text, code, severity):
    result = run(tmp_path, grid, {"monographs/pole-test.md": text})
    found = [p for p in result.problems if p.code == code]
    assert found, f"{case}: got {[(p.code, p.line) for p in result.problems]}"
    assert found[0].severity == severity
    assert found[0].line >= 1


def test_heading_matching_ignores_case_accents_and_accepts_ids_and_aliases(tmp_path, grid):
    text = monograph_text(sections=["résumé", "GENESE", "Finalités du pôle", "Parties prenantes",
                                    "Modes de gouvernance {#governance}", "Modèle économique", "Impacts"])
    result = run(tmp_path, grid, {"monographs/pole-test.md": text})
    assert codes(result) == []
    assert [s.id for s in result.monographs[0].sections] == [
        "summary", "genesis", "purposes", "stakeholders", "governance", "economic_model", "impacts"]


def test_headings_in_code_blocks_and_comments_are_not_sections(tmp_path, grid):
    extra = "\n```\n## Gouvernanse\n```\n<!-- ## Projets\nquestions -->\n"
    result = run(tmp_path, grid, {"monographs/pole-test.md": body(**{"Genèse": WORDS + extra})})
    assert codes(result) == []
    assert len(result.monographs[0].sections) == len(SECTIONS)


def test_comments_do_not_count_as_words(tmp_path, grid):
    result = run(tmp_path, grid, {"monographs/pole-test.md": body(**{"Gouvernance": f"<!-- {WORDS} -->"})})
    assert "empty-section" in codes(result)


@pytest.mark.parametrize(
    ("content", "code", "fragment"),
    [
        ("Genèse du pôle".encode("latin-1"), "not-utf8", "offset"),
        (monograph_text().encode("utf-16"), "not-utf8", "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary-file", "NUL"),
    ],
)
def test_encoding_problems_are_named_with_their_offset(tmp_path, grid, content, code, fragment):
    result = run(tmp_path, grid, {"monographs/pole-test.md": content})
    assert [p.code for p in result.problems] == [code]
    assert fragment in result.problems[0].message


def test_bom_and_windows_line_endings_are_accepted(tmp_path, grid):
    data = b"\xef\xbb\xbf" + monograph_text().replace("\n", "\r\n").encode()
    result = run(tmp_path, grid, {"monographs/pole-test.md": data})
    assert codes(result) == []
    assert codes(result, Severity.WARNING) == ["bom"]


def test_duplicate_ids_across_files_are_reported_on_both(tmp_path, grid):
    result = run(tmp_path, grid, {
        "monographs/a.md": monograph_text("same"),
        "monographs/b.md": monograph_text("same"),
    })
    dup = [p for p in result.problems if p.code == "duplicate-id"]
    assert sorted(p.path for p in dup) == ["monographs/a.md", "monographs/b.md"]


def test_all_problems_of_all_files_are_reported_in_one_run(tmp_path, grid):
    bad = replace_front("carrier: Association porteuse", "carier: X").replace("## Gouvernance", "## Gouvernanse")
    result = run(tmp_path, grid, {"monographs/a.md": bad, "monographs/b.md": bad.replace("pole-test", "other")})
    for path in ("monographs/a.md", "monographs/b.md"):
        found = {p.code for p in result.problems if p.path == path}
        assert {"unknown-field", "missing-field", "unknown-heading", "missing-section"} <= found


def test_parse_keeps_section_positions_and_paragraph_lines(tmp_path, grid):
    path = write_project(tmp_path, {"m.md": monograph_text()}) / "m.md"
    monograph = parse_monograph(path, grid)
    lines = path.read_text().splitlines()
    for section in monograph.sections:
        assert lines[section.position.line - 1].startswith("## ")
        assert all(lines[p.line - 1].strip() for p in section.paragraphs)
