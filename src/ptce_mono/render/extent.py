"""A work's page count in its bibliography entry: « Le Labo de l’ESS. 48 p. »

BibLaTeX's `pagetotal` reaches the citation processor as CSL's `number-of-pages`, but the packaged
ISO 690 styles never print that variable (their `page` macro, which would, is called for no
type that has it), and a packaged style is not ours to edit. The extent is added to the entry
as ISO 690 places it, after the publisher and before the online address, once the style has
formatted it, as `render/citations.py` does for page ranges.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from markupsafe import escape

from ptce_mono.render.citations import RenderedCitations
from ptce_mono.sources.bibliography import Bibliography


def extent(item: dict[str, Any]) -> str:
    """`48 p.` for an item with 48 pages; "" without a page count."""
    pages = str(item.get("number-of-pages") or "").strip()
    return f"{pages}\u00a0p." if pages else ""


def with_extent(html: str, item: dict[str, Any]) -> str:
    """The entry `html` with the item's page count, unless the style printed it already; before
    the entry's note (`csl-block`), which is the entry's last part and may be printed apart."""
    pages = extent(item)
    if not pages or pages[:-1] in html.replace(" p", "\u00a0p"):
        return html
    note_at = html.find('<div class="csl-block">')
    if note_at > 0:
        head = html[:note_at]
        body = head.rstrip()
        return f"{with_extent(body, item)}{head[len(body):]}{html[note_at:]}"
    url = str(escape(item.get("URL") or ""))
    at = html.find(url) if url else -1
    if at > 0:
        start = html.rfind(". ", 0, at)
        if start > 0:
            return f"{html[: start + 2]}{pages} {html[start + 2 :]}"
    body = html.rstrip()
    return f"{body} {pages}" if body.endswith(".") else f"{body}. {pages}"


def with_page_counts(citations: RenderedCitations, bibliography: Bibliography) -> RenderedCitations:
    """`citations` whose bibliography entries carry their works' page counts."""
    entries = {
        key: with_extent(html, bibliography.entries[key].csl) if key in bibliography.entries else html
        for key, html in citations.entries.items()
    }
    return dataclasses.replace(citations, entries=entries)


__all__ = ["extent", "with_extent", "with_page_counts"]
