"""French typography: the cases of fixtures/typography.txt, each also checked for idempotence."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptce_mono.render.typography import NBSP, NNBSP, french_html, french_text, proper_names

FIXTURES = Path(__file__).parent / "fixtures" / "typography.txt"


def read_cases(path: Path) -> list[tuple[str, str, str]]:
    """(title, input, expected) triples from a markdown-it-py style fixture file."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    cases: list[tuple[str, str, str]] = []
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        title = lines[index]
        assert lines[index + 1] == ".", f"{path}: `.` expected after {title!r}"
        blocks: list[list[str]] = [[], []]
        index += 2
        for block in blocks:
            while lines[index] != ".":
                block.append(lines[index])
                index += 1
            index += 1
        source, expected = ("\n".join(b).replace("{nnbsp}", NNBSP).replace("{nbsp}", NBSP) for b in blocks)
        cases.append((title, source, expected))
    return cases


CASES = read_cases(FIXTURES)


@pytest.mark.parametrize(("title", "source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_fixture(title: str, source: str, expected: str) -> None:
    assert french_html(source) == expected
    assert french_html(expected) == expected


def test_fixture_file_is_read() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize(
    ("before", "text", "expected"),
    [
        ("s", " :", f"{NBSP}:"),
        (" ", "? inconnu", "? inconnu"),
        ("»", " ; ensuite", f"{NNBSP}; ensuite"),
        ("«", "\u202fx", "\u202fx"),
    ],
)
def test_text_looks_at_the_character_before(before: str, text: str, expected: str) -> None:
    assert french_text(text, before) == expected


def test_whole_document_twice_is_stable() -> None:
    page = "<html><head><title>Dossier : PTCE</title><style>a:hover{x:y}</style></head><body>" + "".join(
        source for _, source, _ in CASES
    )
    once = french_html(page)
    assert french_html(once) == once
    assert "<style>a:hover{x:y}</style>" in once
    assert "<title>Dossier : PTCE</title>" in once  # metadata stays as typed


# -- the house style (docs/styling.md) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("(Le Labo 2013, p. 8)", f"(Le Labo 2013, p.{NBSP}8)"),
        ("voir t. II, § 3 et n° 5", f"voir t.{NBSP}II, §{NBSP}3 et n°{NBSP}5"),
        ("de 1996-2011 puis 2013-2014", "de 1996–2011 puis 2013–2014"),
        ("p. 8-9", f"p.{NBSP}8–9"),
        ("le 2012-03-01, de 2014-2013", "le 2012-03-01, de 2014-2013"),  # a date, not a range
    ],
)
def test_locators_and_ranges(source: str, expected: str) -> None:
    assert french_text(source) == expected
    assert french_text(expected) == expected


def test_ordinals_ranges_and_names_are_marked_up_once() -> None:
    names = proper_names(["Stéphane Montuzet", "Pôle Sud Aquitain"])
    html = french_html(
        "<p>Au XXIe siècle, le 1er pôle du Nord-Pas-de-Calais (2013-2014), d'InitiativesETcité, de "
        "Montuzet et du CBE Seignanx.</p>",
        names,
    )
    assert '<span class="roman">XXI</span><sup class="ordinal">e</sup> siècle' in html
    assert '1<sup class="ordinal">er</sup> pôle' in html
    assert '<span class="nom nom-lie">Nord-Pas-de-Calais</span>' in html
    assert '<span class="range">2013–2014</span>' in html
    assert '<span class="nom">InitiativesETcité</span>' in html
    assert '<span class="nom">Montuzet</span>' in html
    assert "Seignanx" in html and '"nom">Seignanx' not in html  # not a name of the corpus given
    assert french_html(html, names) == html
    assert (
        french_html("<p>Le Ve et le Ce et la Vie</p>")
        == '<p>Le <span class="roman">V</span><sup class="ordinal">e</sup> et le Ce et la Vie</p>'
    )


def test_numbers_below_ten_in_words() -> None:
    from ptce_mono.render.typography import in_words

    assert [in_words(n) for n in (0, 1, 2, 9)] == ["zéro", "un", "deux", "neuf"]
    assert in_words(1, "f") == "une"
    assert in_words(12) == "12" and in_words(1500) == f"1{NNBSP}500"


def test_running_heads_are_cut_to_one_line_after_a_word() -> None:
    from ptce_mono.render.typography import RUNNING_HEAD_CHARACTERS, running_head

    head = running_head("2.14. Coopérative d'essai n° 4 de l'Agglomération d'Aix-les-Bains et du Val-d'Arly")
    assert len(head) <= RUNNING_HEAD_CHARACTERS and head.endswith(f"{NBSP}…")
    assert "’" in head and "'" not in head
    assert not head.endswith((f" du{NBSP}…", f" et{NBSP}…", f" de{NBSP}…"))
    assert running_head("2.1. Pôle Sud Aquitain") == "2.1. Pôle Sud Aquitain"


def test_citations_take_the_house_style() -> None:
    from ptce_mono.render.citations import _house_style

    assert _house_style("LABO, [sans date] a. Fiche") == f"LABO, s.{NBSP}d.{NBSP}a. Fiche"
    assert _house_style("LABO, [sans date]. Fiche") == f"LABO, s.{NBSP}d. Fiche"
    assert _house_style("(Labo 2013, pp. 4-5)") == "(Labo 2013, p. 4-5)"
    assert _house_style("Matinée, 1 mars 2012") == f"Matinée, 1er{NBSP}mars 2012"
