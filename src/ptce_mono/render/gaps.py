"""What the sources do not document, as a case study prints it (`::: lacune` blocks)."""

from __future__ import annotations

import re
from dataclasses import dataclass

GAP_LABEL = "Les sources ne documentent pas ce point :"
# A reason that says it itself: « Les sources consultées ne… », « Aucune source ne… », « Les
# documents disponibles… ».
_NAMES_THE_SOURCES = re.compile(
    r"^\W*(?:(?:les|la|le|l['’]|aucune?|ces|cette|nos)\s*)?(?:sources?|documents?)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class GapNote:
    """What the sources do not document, as printed: the reason, after a label unless the reason
    already opens on the sources (« Les sources consultées ne… » is not said twice)."""

    reason: str  # as HTML, its citations formatted (a `Markup`), or as written
    label: str = GAP_LABEL

    @classmethod
    def of(cls, written: str, html: str | None = None) -> GapNote:
        """The gap whose reason is `written` in the monograph and printed as `html`."""
        return cls(written if html is None else html, "" if _NAMES_THE_SOURCES.match(written) else GAP_LABEL)

    def __str__(self) -> str:
        return f"{self.label} {self.reason}" if self.label else self.reason


__all__ = ["GAP_LABEL", "GapNote"]
