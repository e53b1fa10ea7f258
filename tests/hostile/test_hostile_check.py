"""Hostile input for `check`: each case asserts the exact outcome, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from monograph_factory import invoke, monograph_text, write_project

GOOD = monograph_text("pole-test")


def front(extra: str) -> str:
    return GOOD.replace("shared_place: aucun\n", extra + "\n", 1)


def deep(n: int) -> str:
    return front("shared_place: " + "[" * n + "x" + "]" * n)


CASES: list[tuple[str, str | bytes, int, str, int | None]] = [
    # name, content, exit code, expected code, expected line (None: any)
    ("empty file", "", 1, "empty-file", 1),
    ("binary file", b"\x00\x01\x02PNG", 1, "binary-file", 1),
    ("latin-1", GOOD.replace("Tarnos", "Tarnosé").encode("latin-1"), 1, "not-utf8", 3),
    ("utf-16", GOOD.encode("utf-16"), 1, "not-utf8", 1),
    ("bom", b"\xef\xbb\xbf" + GOOD.encode(), 0, "bom", 1),
    ("windows line endings", GOOD.replace("\n", "\r\n").encode(), 0, "", None),
    ("front matter without closing fence", GOOD.replace("---\n\n## Résumé", "\n## Résumé", 1), 1, "front-matter-unclosed", 1),
    ("tabs in YAML", front("shared_place:\n\t- x"), 1, "yaml-syntax", None),
    ("unclosed quote", front('shared_place: "aucun'), 1, "yaml-syntax", None),
    ("duplicate keys", front("shared_place: a\nshared_place: b"), 1, "duplicate-key", None),
    ("alias bomb", front("shared_place: &a [x, x]\nsectors: [*a, *a, *a, *a, *a, *a, *a, *a, *a]"), 1, "yaml-alias", None),
    ("alias cycle", front("shared_place: &a [*a]"), 1, "yaml-alias", None),
    ("1,000-deep nesting", deep(1000), 1, "yaml-too-deep", None),
    ("python tag", front("shared_place: !!python/object/apply:os.system [echo hacked]"), 1, "yaml-tag", None),
    ("merge key", front("shared_place: x\nsectors: {<<: {a: 1}}"), 1, "yaml-merge-key", None),
    ("NO in a text field", front("shared_place: NO"), 0, "", None),
    ("on in a text field", front("shared_place: on"), 0, "", None),
    ("1.10 in a text field", front("shared_place: 1.10"), 0, "", None),
    ("impossible date", GOOD.replace("date_written: 2026-11", "date_written: 2013-13-45"), 1, "bad-date", None),
    ("NO in a year field", GOOD.replace("year_pole_formed: 2010", "year_pole_formed: NO"), 1, "bad-year", None),
    ("line of 1 MB", GOOD + "\n" + "x" * 1_000_000 + "\n", 0, "long-line", None),
    ("heading-only file", "## Résumé\n## Genèse\n", 1, "no-front-matter", 1),
    ("headings at the wrong level", GOOD.replace("## ", "### "), 1, "missing-section", None),
    ("every required section missing", GOOD.split("## Résumé")[0], 1, "missing-section", None),
    ("mojibake", GOOD.replace("Le pôle rassemble", "Le pôle rassemble dans le dĠǀeloppement", 1), 1, "damaged-text", None),
    ("script tag in the body is text", GOOD.replace("Le pôle rassemble", "<script>alert(1)</script> Le pôle rassemble", 1), 0, "", None),
    ("jinja-looking text", GOOD.replace("Le pôle rassemble", "{{ 7*7 }} {% raw %} Le pôle rassemble", 1), 0, "", None),
]


def run_check(project: Path, *args: str):
    return invoke(["check", *args], project)


@pytest.mark.parametrize(("name", "content", "exit_code", "code", "line"), CASES, ids=[c[0] for c in CASES])
def test_hostile_monograph(tmp_path, name, content, exit_code, code, line):
    write_project(tmp_path, {"monographs/pole-test.md": content})
    result = run_check(tmp_path, "--format", "json")
    assert result.exit_code == exit_code, result.output[:2000]
    assert "Traceback" not in result.output
    if code:
        import json

        problems = json.loads(result.output)
        found = [p for p in problems if p["code"] == code]
        assert found, [p["code"] for p in problems]
        assert all(p["path"] == "monographs/pole-test.md" and p["line"] >= 1 for p in problems)
        if line is not None:
            assert found[0]["line"] == line


def test_twenty_megabyte_monograph_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "monographs" / "big.md"
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        handle.write(GOOD.encode())
        handle.write(b"mot " * 5_000_000)
    result = run_check(tmp_path)
    assert result.exit_code == 1
    assert "monographs/big.md:1:1: error: the file is 19.1 MiB; a monograph may be at most 2 MiB" in result.output


def test_two_files_with_the_same_id(tmp_path):
    write_project(tmp_path, {"monographs/a.md": GOOD, "monographs/b.md": GOOD})
    result = run_check(tmp_path)
    assert result.exit_code == 1
    assert result.output.count("[duplicate-id]") == 2


def test_file_name_with_spaces_and_accents(tmp_path):
    write_project(tmp_path, {"monographs/pôle de test.md": GOOD})
    result = run_check(tmp_path)
    assert result.exit_code == 0
    assert "monographs/pôle de test.md:1:1: warning: the file name `pôle de test` differs from the id" in result.output


def test_symlink_pointing_outside_the_project_is_not_read(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(GOOD.replace("Tarnos", "SECRET-CANARY"), encoding="utf-8")
    project = write_project(tmp_path / "project", {"monographs/ok.md": GOOD.replace("pole-test", "ok")})
    (project / "monographs" / "link.md").symlink_to(outside)
    result = run_check(project)
    assert result.exit_code == 1
    assert "monographs/link.md:1:1: error: the file is a link to a place outside the project" in result.output
    assert "SECRET-CANARY" not in result.output
