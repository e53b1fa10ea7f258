"""What the preflight reports: one finding per point a proof-reader would mark, with its page
and, where the PDF's anchors tell, the source file and line it comes from."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from ptce_mono.core.i18n import _, ngettext

# An anchor of the document (an element's id) -> "monographs/x.md:12", or None when it names
# nothing of the sources.
SourceOf = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Finding:
    code: str  # stable, English: ink-outside, raw-citation, short-page...
    page: int
    message: str  # in the language spoken
    excerpt: str = ""
    source: str = ""  # file:line, when the page's anchors tell

    def line(self) -> str:
        """One line of `-v`: page, what, where, the text concerned."""
        text = _("page {page}: {message}").format(page=self.page, message=self.message)
        if self.source:
            text += f" ({self.source})"
        if self.excerpt:
            text += f" « {self.excerpt} »"
        return f"{text} [{self.code}]"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(**{k: data[k] for k in ("code", "page", "message", "excerpt", "source") if k in data})


class Locator:
    """Where a point of a page comes from: the last anchor of the sources at or above it."""

    def __init__(self, anchors: list[tuple[str, int, float]], source_of: SourceOf | None) -> None:
        known = []
        for name, page, top in anchors:
            where = source_of(name) if source_of else None
            if where:
                known.append(((page, top), where))
        known.sort(key=lambda item: item[0])
        self._keys = [key for key, _where in known]
        self._where = [where for _key, where in known]

    def __call__(self, page: int, top: float) -> str:
        index = bisect.bisect_right(self._keys, (page, top + 1.0)) - 1
        return self._where[index] if index >= 0 else ""


def summary_line(findings: list[Finding]) -> str:
    """« Épreuve : 3 points à revoir »."""
    if not findings:
        return _("Proof: nothing to review.")
    return ngettext(
        "Proof: {count} point to review.", "Proof: {count} points to review.", len(findings)
    ).format(count=len(findings))


def excerpt(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


__all__ = ["Finding", "Locator", "SourceOf", "excerpt", "summary_line"]
