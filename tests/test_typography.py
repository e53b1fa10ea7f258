"""French typography: the cases of fixtures/typography.txt, each also checked for idempotence."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptce_mono.render.typography import NBSP, NNBSP, french_html, french_text

FIXTURES = Path(__file__).parent / "fixtures" / "typography.txt"


def read_cases(path: Path) -> list[tuple[str, str, str]]:
    """(title, input, expected) triples from a markdown-it-py style fixture file."""
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
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
        source, expected = (
            "\n".join(b).replace("{nnbsp}", NNBSP).replace("{nbsp}", NBSP) for b in blocks
        )
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
    page = (
        "<html><head><title>Dossier : PTCE</title><style>a:hover{x:y}</style></head><body>"
        + "".join(source for _, source, _ in CASES)
    )
    once = french_html(page)
    assert french_html(once) == once
    assert "<style>a:hover{x:y}</style>" in once
    assert "<title>Dossier : PTCE</title>" in once  # metadata stays as typed
