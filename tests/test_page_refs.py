"""The Sommaire's page numbers written over their placeholders (page_refs.py): where WeasyPrint
would print them, and never when anything they rely on does not hold.

Real front PDFs, typeset by WeasyPrint with placeholders; the filled-in dossier as a whole is
compared with the one-pass dossier in test_pieces.py."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from ptce_mono.commands.prepare import prepare_dossier
from ptce_mono.sources.resources import template_folders
from ptce_mono.typeset.engine import render_pdf
from ptce_mono.typeset.layout import Layout
from ptce_mono.typeset.pieces.builder import original_font
from ptce_mono.typeset.pieces.cutting import Chunk, number_links, split_document
from ptce_mono.typeset.pieces.margins import PIECE_CSS
from ptce_mono.typeset.pieces.toc_numbers import fill_page_numbers, placeholder

from monograph_factory import monograph_text, write_project
from pdf_reading import page_words

FILES: dict[str, str | bytes] = {
    "dossier.yaml": "title: Dossier d’essai\nperiod: 2013-2014\npublisher: Comité d’essai\n",
    "monographs/pole-alpha.md": monograph_text("pole-alpha"),
    "monographs/pole-beta.md": monograph_text("pole-beta"),
}


@dataclasses.dataclass
class Front:
    pdf: bytes
    layout: Layout
    numbers: dict[str, str]  # href -> the number to fill in
    project: Path


def typeset_front(project: Path, numbers: dict[str, str] | None = None) -> tuple[Chunk, bytes, Layout]:
    """The front with the placeholders (or with `numbers`, by target id), as pieces.py has it."""
    front = next(c for c in split_document(prepare_dossier(project).rendered.html) if c.front)
    values = numbers or {link: placeholder(i) for i, link in enumerate(sorted(front.links))}
    pdf, layout = render_pdf(number_links(front, values).html, template_folders(project), project, 0, extra_css=PIECE_CSS)
    return front, pdf, layout


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Front:
    project = write_project(tmp_path_factory.mktemp("front"), FILES)
    chunk, pdf, layout = typeset_front(project)
    numbers = {f"ptce-anchor:{link}": str(7 + 3 * i) for i, link in enumerate(sorted(chunk.links))}
    return Front(pdf, layout, numbers, project)


def words(pdf: bytes) -> list[tuple[str, float, float]]:
    """(word, left, right) of the Sommaire's page, in points."""
    return [(w.text, w.left, w.right) for w in page_words(pdf)[1]]


def test_the_layout_records_each_number_in_its_fixed_box(front: Front) -> None:
    printed = front.layout.page_numbers
    assert len(printed) == len(front.numbers) >= 8
    assert all(n.fixed and n.page == 1 for n in printed)
    assert {n.href for n in printed} == set(front.numbers)
    assert len({round(n.right, 2) for n in printed}) == 1  # one column
    assert Layout.from_json(front.layout.to_json()) == front.layout


def test_numbers_are_written_right_aligned_where_the_placeholders_were(front: Front) -> None:
    filled = fill_page_numbers(front.pdf, front.layout, front.numbers, original_font)
    assert filled is not None
    before, after = words(front.pdf), words(filled)
    placeholders = [w for w in before if re.fullmatch(r"\d{3}", w[0])]
    numbers = [w for w in after if w[0] in front.numbers.values()]
    assert sorted(w[0] for w in numbers) == sorted(front.numbers.values())
    assert not [w for w in after if re.fullmatch(r"\d{3}", w[0])]  # no placeholder left
    for placeholder_word, number in zip(placeholders, numbers, strict=True):
        assert number[2] == pytest.approx(placeholder_word[2], abs=0.05)  # the same right edge
    assert [w for w in after if not w[0].isdigit()] == [w for w in before if not w[0].isdigit()]


def test_the_numbers_are_those_weasyprint_prints(front: Front) -> None:
    filled = fill_page_numbers(front.pdf, front.layout, front.numbers, original_font)
    assert filled is not None
    by_id = {href.removeprefix("ptce-anchor:"): number for href, number in front.numbers.items()}
    _chunk, typeset, _layout = typeset_front(front.project, by_id)
    expected, got = words(typeset), words(filled)
    assert [w[0] for w in got] == [w[0] for w in expected]
    for want, have in zip(expected, got, strict=True):
        assert have[1:] == pytest.approx(want[1:], abs=0.05), want[0]


def moved(layout: Layout, **changes: object) -> Layout:
    first, *rest = layout.page_numbers
    return dataclasses.replace(layout, page_numbers=[dataclasses.replace(first, **changes), *rest])


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("elsewhere", "not found where the layout put it"),
        ("inline", "not alone in a box of fixed width"),
        ("other text", "drawn with other characters"),
        ("too wide", "wider than its box"),
        ("no number", "no page number for"),
        ("not right-aligned", "not aligned on its box's right edge"),
    ],
)
def test_anything_unexpected_and_the_numbers_are_not_filled_in(
    front: Front, case: str, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    layout, numbers = front.layout, dict(front.numbers)
    first = layout.page_numbers[0]
    if case == "elsewhere":
        layout = moved(layout, baseline=first.baseline + 40)
    elif case == "inline":
        layout = moved(layout, fixed=False)
    elif case == "other text":
        layout = moved(layout, text="999")
    elif case == "too wide":
        numbers[first.href] = "123456"
    elif case == "no number":
        del numbers[first.href]
    else:
        layout = moved(layout, right=first.right + 3, left=first.left + 3)
    with caplog.at_level("INFO", logger="ptce_mono.typeset.pieces.toc_numbers"):
        assert fill_page_numbers(front.pdf, layout, numbers, original_font) is None
    assert why in caplog.text
