from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from monograph_factory import invoke, monograph_text, write_project

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    bad = monograph_text("bad").replace("carrier:", "carier:").replace("## Gouvernance", "## Gouvernanse")
    return write_project(tmp_path, {
        "monographs/good.md": monograph_text("good"),
        "monographs/bad.md": bad,
    })




def test_shipped_corpus_passes(root):
    result = invoke(["check", "monographs", "--summary"], root)
    assert result.exit_code == 0, result.output
    assert "published" in result.output
    assert "pole-sud-aquitain" in result.output


def test_errors_exit_1_with_file_line_col_code_frame_and_hint(project):
    result = invoke(["check"], project)
    assert result.exit_code == 1
    out = result.output
    assert "monographs/bad.md:" in out
    assert "[unknown-field]" in out and "Did you mean `carrier`?" in out
    assert "[unknown-heading]" in out and "Did you mean `Gouvernance`?" in out
    assert " | ## Gouvernanse" in out  # code frame
    assert "Traceback" not in out


def test_warnings_pass_unless_strict(tmp_path):
    write_project(tmp_path, {"monographs/x.md": monograph_text("x").replace("## Résumé", "# Titre\n\n## Résumé")})
    assert invoke(["check"], tmp_path).exit_code == 0
    assert invoke(["check", "--strict"], tmp_path).exit_code == 1


def test_json_format(project):
    result = invoke(["check", "--format", "json"], project)
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert {"path", "line", "column", "severity", "code", "message", "hint"} <= set(data[0])
    assert any(d["code"] == "unknown-heading" and d["path"] == "monographs/bad.md" for d in data)


def test_github_format_groups_per_file_and_escapes(project):
    out = invoke(["check", "--format", "github"], project).output
    assert "::group::monographs/bad.md" in out
    line = next(x for x in out.splitlines() if "unknown-heading" in x)
    assert line.startswith("::error file=monographs/bad.md,line=")


def test_github_format_says_when_the_annotation_cap_hides_some(tmp_path):
    files = {f"monographs/p{i}.md": monograph_text(f"p{i}").replace("carrier:", "carier:") for i in range(12)}
    out = invoke(["check", "--format", "github"], write_project(tmp_path, files)).output
    assert out.count("::error ") >= 24
    assert "beyond GitHub's limit" in out


def test_junit_format(project):
    out = invoke(["check", "--format", "junit"], project).output
    suite = ET.fromstring(out)
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    failing = [c.get("name") for c in suite if c.find("failure") is not None]
    assert failing == ["monographs/bad.md"]


def test_missing_path_is_an_error_not_a_traceback(tmp_path):
    result = invoke(["check", "nowhere"], tmp_path)
    assert result.exit_code == 1
    assert "nowhere:1:1: error: no such file or folder" in result.output


def test_broken_grid_exits_2_with_its_line(tmp_path):
    write_project(tmp_path, {"grid/grid.yaml": "sections: [\n", "monographs/x.md": monograph_text("x")})
    result = invoke(["check"], tmp_path)
    assert result.exit_code == 2
    assert "grid/grid.yaml:" in result.output and "YAML syntax error" in result.output


def test_summary_table_marks_gaps_and_unknown_fields(tmp_path):
    draft = monograph_text("d", status="draft", body={"Gouvernance": "::: lacune\nRien dans les sources.\n:::"})
    out = invoke(["check", "--summary"], write_project(tmp_path, {"monographs/d.md": draft})).output
    row = next(x for x in out.splitlines() if x.startswith("d "))
    assert "draft" in row and "gap" in row and "jobs" in row
