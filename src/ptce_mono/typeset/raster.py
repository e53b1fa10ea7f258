"""SVG figures as PNG, in-process: for word processors, which do not all read SVG.

pandoc hands an SVG to `rsvg-convert` to put it in a .docx, a program a user rarely has. Here
WeasyPrint (already the typesetter) lays the SVG on a page of its own size and pdfium (pypdfium2,
from PyPI) paints that page: no external program, nothing fetched.
"""

from __future__ import annotations

import base64
import io
import re

_LENGTH = re.compile(r'\b(width|height)="([\d.]+)(pt|px|mm)?"')
_TO_POINTS = {"pt": 1.0, "px": 0.75, "mm": 72 / 25.4, None: 0.75}


def _size_in_points(svg: str) -> tuple[float, float]:
    """The SVG's width and height in points, from its root element's attributes."""
    root = svg[: svg.find(">") + 1]
    found = {name: float(value) * _TO_POINTS[unit] for name, value, unit in _LENGTH.findall(root)}
    return found.get("width", 400.0), found.get("height", 300.0)


def svg_to_png(svg: bytes, dpi: int = 200) -> bytes:
    """The SVG painted on a white background at `dpi`, as PNG bytes."""
    import pypdfium2
    from weasyprint import HTML

    from ptce_mono.typeset.engine import SandboxFetcher

    width, height = _size_in_points(svg.decode("utf-8"))
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    page = (
        f"<style>@page {{ size: {width}pt {height}pt; margin: 0 }} body {{ margin: 0 }}"
        f" img {{ display: block; width: {width}pt; height: {height}pt }}</style>"
        f'<img src="{source}" alt="">'
    )
    # The data: URL only; whole fonts, since pdfium only paints this page and never keeps it.
    pdf = HTML(string=page, url_fetcher=SandboxFetcher([])).write_pdf(full_fonts=True)
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=dpi / 72, fill_color=(255, 255, 255, 255)).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True, dpi=(dpi, dpi))  # its printed size
    return out.getvalue()


__all__ = ["svg_to_png"]
