from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ptce_mono.check.scaffold import scaffold
from ptce_mono.check.schema import json_schema
from ptce_mono.check.validate import validate
from ptce_mono.sources.monograph import parse_text

ROOT = Path(__file__).resolve().parents[1]
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def test_scaffold_parses_and_check_lists_what_remains(grid):
    text = scaffold(grid, "Pôle des Essais")
    monograph = parse_text(text, grid, "monographs/pole-des-essais.md")
    problems = validate([monograph], grid)
    assert not [p for p in problems if p.code.startswith(("yaml", "unknown"))]
    assert monograph.id == "essais" and monograph.status == "draft"  # the short default id
    # every section heading is there, with its guiding questions as comments
    assert [s.id for s in monograph.sections] == grid.section_ids
    for spec in grid.sections:
        assert spec.questions[0] in text
    # what remains: each empty required field and each empty section, nothing else
    required_empty = {p.message.split("`")[1].split(".")[0] for p in problems if p.code in ("empty-field", "bad-year", "bad-count", "bad-date")}
    assert {"carrier", "legal_form", "year_pole_formed", "member_count", "jobs[1]", "date_written"} <= required_empty
    # a count is scaffolded dated: its value and its year are both left to fill in
    assert {"member_count.value", "member_count.as_of", "jobs[1].as_of"} <= {
        p.message.split("`")[1] for p in problems if p.code == "empty-field"}
    assert {p.line for p in problems if p.code == "empty-section"} == {s.position.line for s in monograph.sections}


def front_matters(tmp_path: Path) -> list[Path]:
    files = []
    for md in sorted((ROOT / "monographs").glob("*.md")):
        target = tmp_path / f"{md.stem}.yaml"
        target.write_text(md.read_text(encoding="utf-8").split("---\n")[1], encoding="utf-8")
        files.append(target)
    return files


def test_schema_accepts_the_shipped_corpus_with_check_jsonschema(tmp_path, grid):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(json_schema(grid), ensure_ascii=False), encoding="utf-8")
    files = front_matters(tmp_path)
    result = subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(schema), *map(str, files)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("status: published", "status: publié"),
        ("territory_types: [désindustrialisé]", "territory_types: [industriel]"),
        ("legal_form: sans structure propre", "legal_form: SA"),
        ("id: pole-sud-aquitain", "id: Pôle Sud"),
    ],
)
def test_schema_rejects_what_check_rejects(tmp_path, grid, old, new):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(json_schema(grid), ensure_ascii=False), encoding="utf-8")
    text = (ROOT / "monographs" / "pole-sud-aquitain.md").read_text(encoding="utf-8").split("---\n")[1]
    assert old in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new), encoding="utf-8")
    result = subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(schema), str(bad)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
