"""Property: whatever the bytes, parsing and validating never raise, and every problem has a place."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptce_mono.check.validate import validate
from ptce_mono.sources.monograph import parse_text

from monograph_factory import FRONT, SECTIONS, monograph_text

YAML_BITS = st.sampled_from([
    ":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!python/object ", "<<: ", "'", '"', "\t", "\n", "  ",
    "NO", "on", "1.10", "2013-13-45", "~", "null", "#", "---", "...", "%YAML 1.1\n", "? ", "|", ">",
    "inconnu:", "id: x", "status: published", "é", "Ġ", "\x00", "\ufeff",
])
BODY_BITS = st.sampled_from([
    *(f"## {s}\n" for s in SECTIONS), "# Titre\n", "### Sous-titre\n", "::: lacune\n", ":::\n", "```\n",
    "<!-- ", " -->", "<script>", "{{ 7*7 }}", "![x](/etc/passwd)", "texte ", "\n", "\n\n", "dž",
])


FILLED = FRONT.format(id="x", status="draft")


def assert_well_placed(text: str, grid) -> None:
    monograph = parse_text(text, grid, "fuzz.md")
    problems = validate([monograph], grid)
    lines = max(text.count("\n") + 1, 1)
    for p in problems:
        assert p.path == "fuzz.md"
        assert 1 <= p.line <= lines + 1, (p, lines)
        assert p.column >= 1
        assert p.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(YAML_BITS | st.text(max_size=8), max_size=40), st.integers(0, len(FILLED)))
def test_front_matter_fuzz(grid, bits, cut):
    text = "---\n" + FILLED[:cut] + "".join(bits) + "\n---\n## Résumé\ntexte\n"
    assert_well_placed(text, grid)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(BODY_BITS | st.text(max_size=12), max_size=60))
def test_body_fuzz(grid, bits):
    head = monograph_text("x").split("## Résumé")[0]
    assert_well_placed(head + "".join(bits), grid)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text(grid, text):
    assert_well_placed(text, grid)
