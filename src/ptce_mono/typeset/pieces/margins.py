"""The page's margin boxes as the pieces see them: the page number is drawn after the merge.

Each piece is typeset without its page number (`PIECE_CSS`); the page-number specimen keeps that
box alone (`stamp_css`, `stamp_html`).
"""

from __future__ import annotations

PAGE_NUMBER_BOX = "bottom-right"  # dossier.css prints the page number there
_MARGIN_BOXES = [
    f"{side}-{place}"
    for side, places in (
        ("top", ("left-corner", "left", "center", "right", "right-corner")),
        ("bottom", ("left-corner", "left", "center", "right", "right-corner")),
        ("left", ("top", "middle", "bottom")),
        ("right", ("top", "middle", "bottom")),
    )
    for place in places
]
PIECE_CSS = f"@page {{ @{PAGE_NUMBER_BOX} {{ content: none; }} }}\n"


def stamp_css(page_names: set[str]) -> str:
    """Only the page-number box stays, on every kind of page; nothing else is drawn."""
    others = " ".join(f"@{box} {{ content: none; }}" for box in _MARGIN_BOXES if box != PAGE_NUMBER_BOX)
    selectors = ["@page"] + [f"@page {name}" for name in sorted(page_names) if name]
    rules = "".join(f"{selector} {{ background: none; border: none; {others} }}\n" for selector in selectors)
    return rules + "html, body { background: none; }\n"


def stamp_html(page_names: list[str], language: str = "fr") -> str:
    pages = "".join(
        f'<div style="page: {name or "auto"}; break-before: page; height: 1px"></div>' for name in page_names
    )
    head = f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"></head>'
    return f"{head}<body>{pages}</body></html>"
