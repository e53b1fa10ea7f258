"""Front-matter values as the cross-case tables print them."""

from __future__ import annotations

from typing import Any

from ptce_mono.sources.fields import Unknown

NOT_DOCUMENTED = "non documenté"


def display(value: Any) -> str:
    """A front-matter value as one short line of text."""
    if value is None or isinstance(value, Unknown):
        return NOT_DOCUMENTED
    if isinstance(value, list):
        # Once each: a role held for three authorities is one role (the case study names them).
        return ", ".join(dict.fromkeys(display(v) for v in value)) or "—"
    return str(value)


def location_of(meta: dict[str, Any]) -> dict[str, Any]:
    """The pole's `location`, or an empty one when the sources do not place the pole
    (`location: {inconnu: ...}`): every part of it is then printed as not documented."""
    location = meta.get("location")
    return location if isinstance(location, dict) else {}
