"""The dated model: several job counts, the funding by category, the member structures, people's
roles with their year, citations in the front matter, and the checks that go with them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ptce_mono.check.schema import json_schema
from ptce_mono.check.validate import check_paths, validate
from ptce_mono.core.problems import Severity
from ptce_mono.sources.dated import Budget, Funding, FundingShare, Member, Person
from ptce_mono.sources.fields import AuthorityRole, Count
from ptce_mono.sources.monograph import parse_text

from monograph_factory import invoke, monograph_text, write_project

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
JOBS = "jobs: {inconnu: Les sources ne donnent pas d'effectif.}"
MEMBERS = "member_count: {value: 20, qualifier: environ, as_of: 2013}"
ROLES = "local_authority_roles: [{role: facilitateur, as_of: 2013}]"
PEOPLE = "interviewees:\n  - name: Jeanne Exemple\n    role: coordinatrice\n    as_of: 2013\n"
FUNDING = """\
funding:
  as_of: 2012
  source: "[@labo2012matinee, p. 3]"
  budget: {amount: 640 000, as_of: 2023}
  shares:
    - {category: ventes et prestations, share: 48, amount: 307200}
    - {category: financements publics, share: 30}
    - {category: fondations et mécénat, share: 12}
    - {category: cotisations des membres, share: 10, as_of: 2013}
  note: répartition de l'exercice
"""


def read(grid, old: str, new: str, status: str = "published"):
    """The front-matter values and the problems (parse and validate) of the factory's monograph
    with `old` replaced by `new`."""
    text = monograph_text(status=status)
    assert old in text
    monograph = parse_text(text.replace(old, new, 1), grid, "pole-test.md")
    problems = [p for p in validate([monograph], grid) if p.severity >= Severity.WARNING]
    return monograph, [(p.code, p.line, p.column, p.message, p.hint) for p in problems]


# -- jobs ---------------------------------------------------------------------------------------


def test_jobs_hold_several_counts_each_with_unit_year_scope_and_source(grid):
    jobs = (
        "jobs:\n"
        '  - {value: 64, unit: postes, as_of: 2013, source: "[@labo2014citego, p. 7]"}\n'
        "  - {value: 38, unit: ETP, as_of: 2013}\n"
        "  - {value: 400, unit: ETP, as_of: 2012, scope: entreprises membres, qualifier: environ}\n"
    )
    monograph, problems = read(grid, JOBS, jobs)
    assert problems == []
    first, second, third = monograph.meta["jobs"]
    assert (first.value, first.unit, first.as_of, str(first.source)) == (
        64,
        "postes",
        2013,
        "[@labo2014citego, p. 7]",
    )
    assert str(second) == "38 ETP (2013)"
    assert str(third) == "environ 400 ETP, entreprises membres (2012)"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("42 salariés", [Count(42, unit="salariés")]),
        (
            "{value: 21, unit: emplois en insertion, as_of: 2013}",
            [Count(21, unit="emplois en insertion", as_of=2013)],
        ),
        ("environ 85 ETP", [Count(85, "environ", "ETP")]),
    ],
)
def test_one_count_is_still_a_valid_jobs_value(grid, typed, expected):
    monograph, _ = read(grid, JOBS, f"jobs: {typed}", status="draft")
    assert monograph.meta["jobs"] == expected
    assert [p for p in monograph.problems if p.severity >= Severity.WARNING] == []


@pytest.mark.parametrize(
    ("typed", "severity", "fragment"),
    [
        ("{value: 38, unit: ETPs, as_of: 2013}", Severity.ERROR, "Did you mean `ETP`?"),
        ("[{value: 12, unit: personnes, scope: le pôle}]", Severity.ERROR, "Allowed: emplois, postes, ETP"),
        # the old, undated forms stay valid: their unit is kept, with a warning saying what to write
        ("85 etp", Severity.WARNING, "write `ETP`, not `etp`"),
        ("{value: 130, unit: emplois directs}", Severity.WARNING, "the rest in `scope`"),
    ],
)
def test_a_job_unit_comes_from_the_vocabulary(grid, typed, severity, fragment):
    monograph, _ = read(grid, JOBS, f"jobs: {typed}", status="draft")
    [problem] = [p for p in monograph.problems if p.code == "bad-value"]
    assert (problem.severity, problem.line) == (severity, 16)
    assert fragment in problem.message + " " + problem.hint
    kept = monograph.meta.get("jobs") or []
    assert len(kept) == (severity == Severity.WARNING)


# -- funding ------------------------------------------------------------------------------------


def test_the_funding_by_category_with_a_budget_its_year_and_its_source(grid):
    monograph, problems = read(grid, "sources:\n", FUNDING + "sources:\n")
    assert problems == []
    funding = monograph.meta["funding"]
    assert isinstance(funding, Funding) and funding.total == 100
    assert funding.budget == Budget(640000, 2023)
    assert funding.shares[0] == FundingShare("ventes et prestations", 48, 307200)
    assert funding.year_of(funding.shares[1]) == 2012 and funding.year_of(funding.shares[3]) == 2013
    assert str(funding.source) == "[@labo2012matinee, p. 3]"


@pytest.mark.parametrize(
    ("shares", "total", "hint"),
    [
        ((48, 30, 20, 10), "108", "together they make 100 %"),
        ((48, 30, 12, 3), "93", "`- {category: non précisé, share: 7}`"),
    ],
)
def test_shares_that_do_not_total_100_are_an_error_giving_the_sum(grid, shares, total, hint):
    text = FUNDING
    for old, new in zip((48, 30, 12, 10), shares, strict=True):
        text = text.replace(f"share: {old}", f"share: {new}", 1)
    _, problems = read(grid, "sources:\n", text + "sources:\n")
    assert [p[0] for p in problems] == ["funding-total"]
    _code, line, _column, message, found_hint = problems[0]
    assert line == monograph_text().split("\n").index("sources:") + FUNDING.split("\n").index("  shares:") + 1
    assert f"total {total} %, not 100 %" in message
    assert hint in found_hint


def test_rounding_within_one_point_passes(grid):
    text = FUNDING.replace("share: 48, amount: 307200", "share: 47.5").replace("share: 10,", "share: 10.2,")
    monograph, problems = read(grid, "sources:\n", text + "sources:\n")
    assert problems == []
    assert monograph.meta["funding"].total == pytest.approx(99.7)


@pytest.mark.parametrize(
    ("old", "new", "code", "fragment"),
    [
        (
            "ventes et prestations",
            "ventes et prestation",
            "bad-value",
            "Did you mean `ventes et prestations`?",
        ),
        ("fondations et mécénat", "ventes et prestations", "duplicate-item", "listed twice"),
        ("640 000", "beaucoup", "bad-value", "amount in euros"),
        ("share: 30", "share: 130", "bad-value", "share from 0 to 100 %"),
        ("as_of: 2012", "as_of: 12", "bad-year", "four-digit year"),
        ('"[@labo2012matinee, p. 3]"', "labo2012matinee p. 3", "bad-citation", "`[@key, p. 4]`"),
    ],
)
def test_bad_funding_values_are_reported(grid, old, new, code, fragment):
    _, problems = read(grid, "sources:\n", FUNDING.replace(old, new, 1) + "sources:\n")
    assert code in [p[0] for p in problems]
    found = next(p for p in problems if p[0] == code)
    assert fragment in found[3] + " " + found[4]


def test_the_old_funding_form_is_read_as_categories_with_how_to_convert(grid):
    old = "funding:\n  public: 7\n  note: chiffre de 2012\n"
    monograph = parse_text(monograph_text(front_extra=old), grid, "pole-test.md")
    funding = monograph.meta["funding"]
    assert [(s.category, s.share) for s in funding.shares] == [
        ("financements publics", 7),
        ("non précisé", 93),
    ]
    assert funding.old_form and funding.note == "chiffre de 2012"
    [note] = [p for p in monograph.problems if p.code == "funding-old-form"]
    assert note.severity == Severity.INFO
    assert "{category: financements publics, share: 7}, {category: non précisé, share: 93}" in note.hint
    both = parse_text(
        monograph_text(front_extra="funding: {self_financing: 45, public: 55}\n"), grid, "pole-test.md"
    )
    assert [(s.category, s.share) for s in both.meta["funding"].shares] == [
        ("ressources propres", 45),
        ("financements publics", 55),
    ]
    over = parse_text(
        monograph_text(front_extra="funding: {self_financing: 60, public: 48}\n"), grid, "pole-test.md"
    )
    assert [p.code for p in over.problems if p.severity == Severity.ERROR] == ["funding-total"]


# -- members, people, roles -----------------------------------------------------------------------


MEMBER_LIST = """\
members:
  - {name: Cap Services, type: CAE, role: membre fondateur, joined: 2010, as_of: 2013, source: "[@labo2014citego, p. 2]"}
  - {name: Régie de quartier, type: structure d'insertion, as_of: 2013}
"""


def test_members_are_listed_with_type_role_and_years(grid):
    monograph, problems = read(grid, "sources:\n", MEMBER_LIST + "sources:\n")
    assert problems == []
    first, second = monograph.meta["members"]
    assert first == Member("Cap Services", "CAE", "membre fondateur", 2010, 2013)
    assert str(first) == "Cap Services (CAE, adhésion en 2010), membre fondateur (2013)"
    assert str(second) == "Régie de quartier (structure d'insertion) (2013)"


def test_a_member_type_comes_from_the_vocabulary(grid):
    _, problems = read(
        grid, "sources:\n", MEMBER_LIST.replace("type: CAE", "type: coopérative") + "sources:\n"
    )
    assert [p[0] for p in problems] == ["bad-value"]
    assert "Allowed: association, SCOP, SCIC, CAE" in problems[0][4]


def test_more_members_than_the_count_at_the_same_date_is_an_error(grid):
    count = "member_count: {value: 1, as_of: 2013}"
    _, problems = read(grid, MEMBERS, count)
    assert problems == []
    text = monograph_text().replace(MEMBERS, count).replace("sources:\n", MEMBER_LIST + "sources:\n")
    monograph = parse_text(text, grid, "pole-test.md")
    problems = [p for p in validate([monograph], grid) if p.severity == Severity.ERROR]
    second = (
        text.split("\n").index("  - {name: Régie de quartier, type: structure d'insertion, as_of: 2013}") + 1
    )
    assert [(p.code, p.line) for p in problems] == [("members-over-count", second)]
    assert "names 2 structures, more than `member_count` counts (1 (2013))" in problems[0].message
    # a member listed at another date is not counted against it; nor is an approximate count
    later = text.replace("as_of: 2013}\n", "as_of: 2016}\n")
    assert not [
        p for p in validate([parse_text(later, grid, "pole-test.md")], grid) if p.code == "members-over-count"
    ]
    rough = text.replace(count, "member_count: {value: 1, qualifier: environ, as_of: 2013}")
    assert not [
        p for p in validate([parse_text(rough, grid, "pole-test.md")], grid) if p.code == "members-over-count"
    ]


def test_roles_carry_their_year(grid):
    roles = 'local_authority_roles:\n  - {role: financeur, by: Le Sicoval, as_of: 2013, source: "[@rtes2013sicoval]"}\n  - {role: impulseur, as_of: 1996}'
    monograph, problems = read(grid, ROLES, roles)
    assert problems == []
    assert monograph.meta["local_authority_roles"] == [
        AuthorityRole("financeur", "Le Sicoval", 2013),
        AuthorityRole("impulseur", "", 1996),
    ]
    assert monograph.meta["interviewees"] == [Person("Jeanne Exemple", "coordinatrice", 2013)]
    assert str(monograph.meta["interviewees"][0]) == "Jeanne Exemple, coordinatrice (2013)"


# -- undated facts --------------------------------------------------------------------------------


UNDATED = {
    MEMBERS: "member_count: 15",
    JOBS: "jobs:\n  - {value: 38, unit: ETP, as_of: 2013}\n  - 21 emplois en insertion",
    ROLES: "local_authority_roles: [financeur]",
    PEOPLE: "interviewees:\n  - name: Jeanne Exemple\n    role: coordinatrice\n",
    "sources:\n": FUNDING.replace("  as_of: 2012\n", "")
    .replace('  source: "[@labo2012matinee, p. 3]"\n', "")
    .replace("{amount: 640 000, as_of: 2023}", "{amount: 640000}")
    + "sources:\n",
}


def undated_text(status: str = "published") -> str:
    text = monograph_text(status=status)
    for old, new in UNDATED.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def test_an_undated_count_or_role_in_a_published_monograph_is_a_warning(grid):
    monograph = parse_text(undated_text(), grid, "pole-test.md")
    undated = [p for p in validate([monograph], grid) if p.code == "undated-fact"]
    assert all(p.severity == Severity.WARNING for p in undated)
    found = {p.message.split("`")[1]: (p.line, p.column) for p in undated}
    funding = undated_text().split("\n").index("funding:") + 2  # its first key
    assert found == {
        "member_count": (15, 15),
        "jobs[2]": (18, 5),
        "local_authority_roles[1]": (22, 25),
        "interviewees[1]": (24, 5),
        "funding": (funding, 3),
        "funding.budget": (funding, 11),
    }
    hints = " ".join(p.hint for p in undated)
    assert "`member_count: {value: 15, as_of: AAAA}`" in hints
    assert "`{value: 21, unit: emplois en insertion, as_of: AAAA}`" in hints
    assert "`{name: Jeanne Exemple, role: coordinatrice, as_of: AAAA}`" in hints


def test_undated_facts_fail_strict_and_are_left_alone_in_drafts(tmp_path, grid):
    write_project(tmp_path, {"monographs/pole-test.md": undated_text()})
    assert invoke(["check"], tmp_path).exit_code == 0
    strict = invoke(["check", "--strict"], tmp_path)
    assert strict.exit_code == 1 and "[undated-fact]" in strict.output and "Traceback" not in strict.output
    draft = parse_text(undated_text("draft"), grid, "pole-test.md")
    assert not [p for p in validate([draft], grid) if p.code == "undated-fact"]


def test_the_undated_fact_message_is_french(tmp_path):
    write_project(tmp_path, {"monographs/pole-test.md": undated_text()})
    output = invoke(["--lang", "fr", "check"], tmp_path).output.replace("\u00a0", " ").replace("\u202f", " ")
    assert "`member_count` : « 15 » n’est pas daté (`as_of`) [undated-fact]" in output
    assert "Donnez l’année que décrit la source, `member_count: {value: 15, as_of: AAAA}`" in output


# -- citations in the front matter ----------------------------------------------------------------


BIB = """\
@report{labo2012matinee, author = {{Le Labo}}, title = {Matinée PTCE}, date = {2012}}
@report{labo2014citego, author = {{Le Labo}}, title = {Dossier CITEGO}, date = {2014}, pagetotal = {48}}
"""


def test_front_matter_citations_are_checked_like_the_texts(tmp_path):
    text = monograph_text(front_extra=FUNDING.replace("labo2012matinee", "labo2012matine"))
    text = text.replace(
        MEMBERS, 'member_count: {value: 20, as_of: 2013, source: "[voir @labo2014citego, p. 2]"}'
    )
    write_project(
        tmp_path,
        {
            "dossier.yaml": "title: D\npublisher: P\nperiod: 2013\nbibliography: [references.bib]\n",
            "references.bib": BIB,
            "monographs/pole-test.md": text,
        },
    )
    result = invoke(["check"], tmp_path)
    assert result.exit_code == 1
    line = next(i for i, row in enumerate(text.split("\n"), 1) if "labo2012matine," in row)
    column = text.split("\n")[line - 1].index("@labo2012matine") + 2  # after the @
    assert (
        f"monographs/pole-test.md:{line}:{column - 1}: error: `@labo2012matine` is not in the bibliography"
        in result.output
    )
    assert "Did you mean `labo2012matinee`?" in result.output
    assert "labo2014citego` is cited by no monograph" not in result.output  # the count's citation uses it
    assert "Traceback" not in result.output


# -- the schema -----------------------------------------------------------------------------------


def _schema_check(tmp_path: Path, grid, front: str) -> int:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(json_schema(grid), ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "front.yaml"
    target.write_text(front, encoding="utf-8")
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(schema), str(target)], capture_output=True, check=False
    ).returncode


def test_the_schema_accepts_the_dated_forms_and_rejects_bad_ones(tmp_path, grid):
    front = monograph_text(front_extra=FUNDING.replace("640 000", "640000") + MEMBER_LIST).split("---\n")[1]
    front = front.replace(
        JOBS, "jobs:\n  - {value: 38, unit: ETP, as_of: 2013, scope: pôle}\n  - 21 emplois en insertion"
    )
    assert _schema_check(tmp_path, grid, front) == 0
    for old, new in [
        ("unit: ETP", "unit: ETPs"),
        ("type: CAE", "type: coopérative"),
        ("category: financements publics", "category: subventions"),
        ("as_of: 2013, scope", "as_of: deux mille treize, scope"),
    ]:
        assert old in front
        assert _schema_check(tmp_path, grid, front.replace(old, new, 1)) == 1, new
    checked = check_paths(
        [write_project(tmp_path / "p", {"monographs/m.md": f"---\n{front}---\n"}) / "monographs"], grid
    )
    assert not [p for p in checked.problems if p.code in ("unknown-field", "wrong-type", "bad-value")]


def test_an_unquoted_citation_says_to_quote_it(grid):
    text = monograph_text().replace(MEMBERS, "member_count: {value: 15, as_of: 2012, source: [@labo2012matinee]}")
    monograph = parse_text(text, grid, "pole-test.md")
    [problem] = [p for p in monograph.problems if p.severity == Severity.ERROR]
    assert (problem.code, problem.line, problem.column) == ("yaml-syntax", 15, 49)
    assert 'source: "[@key, p. 4]"' in problem.hint
