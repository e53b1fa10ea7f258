"""Field types with a richer form: counts with a unit and a note, roles held by a named authority,
sources cited by a bibliography key. Each is checked as the front matter is, and accepted by the
JSON Schema that editors validate with."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ptce_mono.analysis.typology import attribute_values, size_bucket
from ptce_mono.check.schema import json_schema
from ptce_mono.core.problems import Severity
from ptce_mono.sources.fields import AuthorityRole, Count
from ptce_mono.sources.monograph import parse_text

from monograph_factory import monograph_text

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
SICOVAL = "Communauté d'agglomération du Sicoval"


def parsed(grid, old: str, new: str):
    text = monograph_text()
    assert old in text
    monograph = parse_text(text.replace(old, new, 1), grid, "m.md")
    errors = [(p.code, p.line, p.message, p.hint) for p in monograph.problems if p.severity >= Severity.WARNING]
    return monograph.meta, errors


JOBS = "jobs: {inconnu: Les sources ne donnent pas d'effectif.}"
MEMBERS = "member_count: {value: 20, qualifier: environ, as_of: 2013}"
ROLES = "local_authority_roles: [{role: facilitateur, as_of: 2013}]"


@pytest.mark.parametrize(
    ("typed", "count", "printed"),
    [
        ("85", Count(85), "85"),
        ("environ 85", Count(85, "environ"), "environ 85"),
        ("85 ETP", Count(85, unit="ETP"), "85 ETP"),
        ("environ 85 ETP", Count(85, "environ", "ETP"), "environ 85 ETP"),
        ("Plus de 30 emplois salariés", Count(30, "plus de", "emplois salariés"), "plus de 30 emplois salariés"),
        ('{value: 400, unit: ETP, qualifier: environ, note: "cumulés, 2012"}', Count(400, "environ", "ETP", "cumulés, 2012"), "environ 400 ETP (cumulés, 2012)"),
        ("{value: 12}", Count(12), "12"),
        ("\n  value: 7\n  note: en 2013", Count(7, note="en 2013"), "7 (en 2013)"),
    ],
)
def test_counts_with_a_unit_a_qualifier_and_a_note(grid, typed, count, printed):
    meta, errors = parsed(grid, MEMBERS, f"member_count: {typed}")
    assert errors == []
    assert meta["member_count"] == count
    assert str(meta["member_count"]) == printed
    assert meta["member_count"].value == count.value  # what sorting and the size typology use


@pytest.mark.parametrize(
    ("typed", "code", "fragment"),
    [
        ("beaucoup", "bad-count", "whole number"),
        ("ETP 85", "bad-count", "whole number"),
        ("85 3", "bad-count", "whole number"),
        ("{unit: ETP}", "missing-field", "required field `value` is missing from `member_count`"),
        ("{value: quatre}", "bad-value", "`member_count.value` must be a whole number"),
        ("{value: 4, qualifier: environs}", "bad-value", "Did you mean `environ`?"),
        ("{value: 4, units: ETP}", "unknown-field", "Did you mean `unit`?"),
        ("[85]", "wrong-type", "`member_count` must be a number or"),
    ],
)
def test_bad_counts_are_reported_at_their_line(grid, typed, code, fragment):
    meta, errors = parsed(grid, MEMBERS, f"member_count: {typed}")
    assert [e[0] for e in errors] == [code]
    assert fragment in errors[0][2] + " " + errors[0][3]
    assert errors[0][1] == 15  # the `member_count:` line
    # a wrong value is dropped; a record with an unknown key or a wrong optional part is kept
    assert ("member_count" in meta) == (code in ("unknown-field", "bad-value") and "value" not in fragment)


def test_a_count_with_a_unit_keeps_its_size_bucket(grid):
    meta, _ = parsed(grid, MEMBERS, "member_count: 45 structures")
    assert size_bucket(meta["member_count"]) == "40 structures et plus"


def test_local_authority_roles_may_name_the_authority(grid):
    roles = f'local_authority_roles:\n  - impulseur\n  - {{role: financeur, by: "{SICOVAL}"}}'
    monograph = parse_text(monograph_text().replace(ROLES, roles), grid, "m.md")
    assert [p for p in monograph.problems if p.severity >= Severity.WARNING] == []
    assert monograph.meta["local_authority_roles"] == [AuthorityRole("impulseur"), AuthorityRole("financeur", SICOVAL)]
    # the typology groups by role id, whoever holds it
    assert attribute_values(monograph, "local_authority_roles", 2013) == ["impulseur", "financeur"]


@pytest.mark.parametrize(
    ("item", "code", "fragment"),
    [
        ("{role: financeurs, by: Le Sicoval}", "bad-value", "Did you mean `financeur`?"),
        ("financeurs", "bad-value", "Did you mean `financeur`?"),
        ("{by: Le Sicoval}", "missing-field", "required field `role` is missing from `local_authority_roles[1]`"),
        ("{role: financeur, bye: Le Sicoval}", "unknown-field", "Did you mean `by`?"),
        ("[financeur]", "wrong-type", "`local_authority_roles[1]` must be a role or"),
    ],
)
def test_bad_roles_are_checked_against_the_vocabulary(grid, item, code, fragment):
    meta, errors = parsed(grid, ROLES, f"local_authority_roles:\n  - {item}")
    assert [e[0] for e in errors] == [code]
    assert fragment in errors[0][2] + " " + errors[0][3]
    assert len(meta["local_authority_roles"]) == (code == "unknown-field")


def test_the_same_role_held_by_two_authorities_is_not_a_duplicate(grid):
    roles = "local_authority_roles:\n  - {role: financeur, by: La commune}\n  - {role: financeur, by: La région}\n  - {role: financeur, by: La région}"
    meta, errors = parsed(grid, ROLES, roles)
    assert [e[0] for e in errors] == ["duplicate-item"]
    assert [r.authority for r in meta["local_authority_roles"]] == ["La commune", "La région"]


KEYED = "sources:\n  - {key: labo-ess-2013, locator: p. 12, note: plan d'action}\n  - key: citego-2014\n  - title: Document de référence"


def test_a_source_may_be_cited_by_its_bibliography_key(grid):
    meta, errors = parsed(grid, "sources:\n  - title: Document de référence", KEYED)
    assert errors == []
    first, second, full = meta["sources"]
    assert (first["key"], first["locator"], first["note"]) == ("labo-ess-2013", "p. 12", "plan d'action")
    assert (second["key"], second["locator"], second["note"]) == ("citego-2014", "", "")
    assert "key" not in full and full["title"] == "Document de référence" and full["kind"] == "document"


@pytest.mark.parametrize(
    ("entry", "code", "fragment"),
    [
        ("{key: labo, page: 12}", "unknown-field", "unknown field `page` in `sources[1]`"),
        ("{key: ''}", "empty-field", "`sources[1].key` is empty"),
        ("{key: labo, title: Un titre}", "unknown-field", "unknown field `title` in `sources[1]`"),
    ],
)
def test_bad_key_entries_are_reported(grid, entry, code, fragment):
    _, errors = parsed(grid, "sources:\n  - title: Document de référence\n    publisher: Éditeur\n    date: 2013-2014\n    kind: document", f"sources:\n  - {entry}")
    assert [e[0] for e in errors] == [code]
    assert fragment in errors[0][2]


def _schema_check(tmp_path: Path, grid, front: str) -> subprocess.CompletedProcess[str]:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(json_schema(grid), ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "front.yaml"
    target.write_text(front, encoding="utf-8")
    return subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(schema), str(target)],
                          capture_output=True, text=True, check=False)


def test_the_schema_accepts_the_new_forms(tmp_path, grid):
    front = monograph_text().split("---\n")[1]
    front = front.replace(JOBS, 'jobs: {value: 400, unit: ETP, qualifier: environ, note: "cumulés, 2012"}')
    front = front.replace(MEMBERS, "member_count: environ 20 structures")
    front = front.replace(ROLES, f'local_authority_roles: [impulseur, {{role: financeur, by: "{SICOVAL}"}}]')
    front = front.replace("sources:\n", "sources:\n  - {key: labo-ess-2013, locator: p. 12}\n")
    assert parse_text(f"---\n{front}---\n", grid, "m.md").meta["jobs"] == [Count(400, "environ", "ETP", "cumulés, 2012")]
    result = _schema_check(tmp_path, grid, front)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (JOBS, "jobs: {unit: ETP}"),
        (JOBS, "jobs: ETP 85"),
        (ROLES, "local_authority_roles: [{role: financeurs}]"),
        ("sources:\n", "sources:\n  - {key: labo, page: 12}\n"),
    ],
)
def test_the_schema_rejects_what_check_rejects(tmp_path, grid, old, new):
    front = monograph_text().split("---\n")[1]
    assert old in front
    assert _schema_check(tmp_path, grid, front.replace(old, new)).returncode == 1
