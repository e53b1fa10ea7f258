"""The key facts of a pole ("Repères"), from its front matter, as the chapter's box prints them.

Every fact the front matter records and `check` validates is printed here or elsewhere in the
dossier (tests/test_facts.py walks the grid's fields): a value the author declared unknown says
so, with its reason; an optional field left out is left out of the box.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ptce_mono.analysis.values import NOT_DOCUMENTED, location_of
from ptce_mono.render.figures import departement_name
from ptce_mono.sources.fields import Count, Unknown

# Percentages get a narrow no-break space before the sign, as French typography wants.
_PERCENT = "\u202f%"


@dataclass(frozen=True)
class Share:
    """One part of the funding bar: its label, its percentage and its CSS class."""

    label: str
    percent: int
    kind: str


@dataclass(frozen=True)
class Fact:
    """One line of a chapter's key-facts box; `reason` says why a value is not documented."""

    label: str
    value: str
    undocumented: bool = False
    reason: str = ""
    wide: bool = False  # a long value: printed across the box, not in one of its two columns
    shares: tuple[Share, ...] = ()  # the funding bar, when the fact is the funding


@cache
def departement_label(code: str | None) -> str:
    """`40` -> `Landes (40)`; a code without a known name is printed as it is."""
    if not code:
        return NOT_DOCUMENTED
    name = departement_name(code)
    return f"{name} ({code})" if name != code else code


def item_text(item: Any) -> str:
    """A list item as printed: a local authority's role with the authority that holds it."""
    authority = getattr(item, "authority", "")
    return f"{item} ({authority})" if authority else str(item)


def fact(label: str, value: Any, wide: bool = False) -> Fact:
    if value is None or value == [] or isinstance(value, Unknown):
        reason = value.reason if isinstance(value, Unknown) else ""
        return Fact(label, NOT_DOCUMENTED, True, reason, wide)
    if isinstance(value, list):
        return Fact(label, ", ".join(item_text(v) for v in value), wide=wide)
    text = str(value) if isinstance(value, (Count, int, str)) else repr(value)
    return Fact(label, text, wide=wide)


def funding_fact(funding: dict[str, Any]) -> Fact:
    """`45 % autofinancement · 55 % public`, the note after it, and the bar of the shares."""
    shares = tuple(
        Share(label, funding[key], key.replace("_", "-"))
        for key, label in (("self_financing", "autofinancement"), ("public", "public"))
        if isinstance(funding.get(key), int)
    )
    text = " · ".join(f"{share.percent}{_PERCENT} {share.label}" for share in shares)
    note = str(funding.get("note") or "")
    if note:
        text = f"{text} ({note})" if text else note
    return Fact("Financement", text, wide=True, shares=shares)


def pole_facts(meta: dict[str, Any]) -> list[Fact]:
    """The box's facts, short ones first (two by two), then those printed across the box."""
    location: dict[str, Any] = location_of(meta)
    region, today = location.get("region_study"), location.get("region_today")
    where = (location.get("commune"), departement_label(location.get("departement")))
    place = ", ".join(x for x in where if x)
    changed = region and today and today != region
    people = list(meta.get("interviewees") or [])
    facts = [
        fact("Implantation", place or None),
        fact("Région", f"{region} (aujourd’hui {today})" if changed else region),
        fact("Territoire", meta.get("territory_types")),
        fact("Activités", meta.get("activity_types")),
        fact("Début de la coopération", meta.get("year_cooperation_began")),
        fact("Constitution en pôle", meta.get("year_pole_formed")),
        fact("Structures membres", meta.get("member_count")),
        fact("Emplois", meta.get("jobs")),
        fact("Forme juridique", meta.get("legal_form")),
    ]
    if meta.get("sectors"):  # optional: absent, it is left out rather than called undocumented
        facts.append(fact("Secteurs", meta.get("sectors"), wide=True))
    facts += [
        fact("Structure porteuse", meta.get("carrier"), wide=True),
        fact("Lieu commun", meta.get("shared_place"), wide=True),
        fact("Rôle des collectivités", meta.get("local_authority_roles"), wide=True),
    ]
    funding = meta.get("funding")
    if isinstance(funding, dict) and any(
        funding.get(k) not in (None, "") for k in ("self_financing", "public", "note")
    ):
        facts.append(funding_fact(funding))
    interviewed = "; ".join(f"{p['name']}, {p['role']}" if p.get("role") else p["name"] for p in people)
    facts.append(fact("Personnes interviewées", interviewed or "aucun entretien", wide=True))
    return facts


__all__ = ["Fact", "Share", "departement_label", "fact", "funding_fact", "item_text", "pole_facts"]
