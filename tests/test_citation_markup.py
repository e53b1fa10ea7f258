"""A citation is its text and its links, without the element pandoc wraps them in: the page
reads the same and keeps its links, with one element fewer per citation to lay out and tag."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdfium2

from ptce_mono.render.citations import render_citations
from ptce_mono.sources.bibliography import load_bibliography, packaged_style
from ptce_mono.sources.resources import template_folders
from ptce_mono.typeset.engine import render_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "citations"
WRITTEN = ["[@labo2014citego, p. 5-8]", "[voir @labo2014citego, p. 3 ; @labo2014citego, p. 9]"]


def _rendered() -> list[str]:
    bib = load_bibliography([FIXTURES / "references.bib"], ["references.bib"])
    rendered = render_citations(bib, packaged_style("iso690-author-date-fr"), WRITTEN)
    return [rendered.html(written) for written in WRITTEN]


def test_a_citation_is_its_links_without_a_wrapper() -> None:
    for html in _rendered():
        assert 'class="citation"' not in html
        assert html.startswith("(") and html.endswith(")")
        assert html.count('<a href="#ref-labo2014citego"') == html.count("</a>") >= 1


def _structure(pdf: bytes) -> tuple[list[str], list[str]]:
    """The pages' text, and the structure elements' types in the order of the tree."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        texts = [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
    kinds: list[str] = []
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        todo = [opened.Root.StructTreeRoot]
        while todo:
            element = todo.pop()
            if "/S" in element:
                kinds.append(str(element.S))
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            todo.extend(kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid)
    return texts, kinds


def test_the_page_reads_the_same_and_keeps_its_links_with_fewer_elements() -> None:
    project = Path(__file__).resolve().parents[1]
    ours = _rendered()
    wrapped = [f'<span class="citation" data-cites="labo2014citego">{html}</span>' for html in ours]

    def page(citations: list[str]) -> bytes:
        body = "".join(f"<p>Le pôle coopère avec ses voisins {c}.</p>" for c in citations)
        html = f'<html lang="fr"><head><title>Essai</title></head><body><main>{body}</main></body></html>'
        return render_pdf(html, template_folders(project), project, 0)[0]

    texts, kinds = _structure(page(ours))
    wrapped_texts, wrapped_kinds = _structure(page(wrapped))
    assert texts == wrapped_texts and "Le Labo de l’ESS" in texts[0]
    assert kinds.count("/Link") == wrapped_kinds.count("/Link") == 3
    # What the wrappers made were spans (WeasyPrint tags the text around the links as such), and
    # nothing else changed.
    assert [k for k in kinds if k != "/Span"] == [k for k in wrapped_kinds if k != "/Span"]
    assert kinds.count("/Span") <= wrapped_kinds.count("/Span") - len(WRITTEN)
