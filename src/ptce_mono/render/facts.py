"""The key facts of a pole ("Repères"), from its front matter, as the chapter's box prints them.

Every fact the front matter records and `check` validates is printed here or elsewhere in the
dossier (tests/test_facts.py walks the grid's fields): a value the author declared unknown says
so, with its reason; an optional field left out is left out of the box. A figure or a role is
printed with the year it describes, « 15 (2012) », « coordinatrice (2013) », and with its
citation when the front matter gives one, formatted by the same citeproc call as the text's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from ptce_mono.analysis.values import NOT_DOCUMENTED, location_of
from ptce_mono.core.text import slugify
from ptce_mono.render.figures import departement_name
from ptce_mono.sources.dated import Budget, Funding, Member, Person
from ptce_mono.sources.fields import AuthorityRole, Citation, Count, Unknown, dated, french_number

# Percentages get a narrow no-break space before the sign, as French typography wants.
_PERCENT = "\u202f%"
# A citation's own wrapper: the box keeps its text and link, inside the value (the word-processor
# exports read each value as one span).
_SPAN_TAG = re.compile(r"</?span\b[^>]*>")

Cite = Callable[[str], str]  # a citation as written -> its HTML


@dataclass(frozen=True)
class Share:
    """One part of the funding bar: its label, its percentage and its CSS class."""

    label: str
    percent: float
    kind: str


@dataclass(frozen=True)
class Fact:
    """One line of a chapter's key-facts box; `reason` says why a value is not documented.

    `value` is the plain text (the site's cards, the tables); `html`, when set, is the same with
    its citations."""

    label: str
    value: str
    undocumented: bool = False
    reason: str = ""
    wide: bool = False  # a long value: printed across the box, not in one of its two columns
    shares: tuple[Share, ...] = ()  # the funding bar, when the fact is the funding
    html: Markup | None = None


@cache
def departement_label(code: str | None) -> str:
    """`40` -> `Landes (40)`; a code without a known name is printed as it is."""
    if not code:
        return NOT_DOCUMENTED
    name = departement_name(code)
    return f"{name} ({code})" if name != code else code


def item_text(item: Any) -> str:
    """A list item as printed: a local authority's role with the authority that holds it and its
    year, a member structure with its type, role and years."""
    if isinstance(item, AuthorityRole):
        return dated(item.role, item.authority, item.as_of)
    return str(item)


def _source_html(source: Citation | None, cite: Cite | None) -> Markup:
    if source is None or cite is None:
        return Markup("")
    return Markup(' <small class="fact-source">{}</small>').format(
        Markup(_SPAN_TAG.sub("", cite(source.text)))
    )


def _cited(parts: Iterable[tuple[str, Citation | None]], cite: Cite | None, separator: str) -> Markup:
    """The parts' texts joined by `separator`, each followed by its citation when there is one."""
    return Markup(escape(separator)).join(escape(text) + _source_html(source, cite) for text, source in parts)


def _with_sources(
    label: str,
    items: list[tuple[str, Citation | None]],
    cite: Cite | None,
    wide: bool = False,
    separator: str = " ; ",
) -> Fact:
    value = separator.join(text for text, _ in items)
    has_sources = any(source is not None for _, source in items)
    return Fact(label, value, wide=wide, html=_cited(items, cite, separator) if has_sources else None)


def fact(label: str, value: Any, wide: bool = False) -> Fact:
    if value is None or value == [] or isinstance(value, Unknown):
        reason = value.reason if isinstance(value, Unknown) else ""
        return Fact(label, NOT_DOCUMENTED, True, reason, wide)
    if isinstance(value, list):
        return Fact(label, ", ".join(item_text(v) for v in value), wide=wide)
    text = str(value) if isinstance(value, (Count, int, str)) else repr(value)
    return Fact(label, text, wide=wide)


def _counts_fact(label: str, value: Any, cite: Cite | None) -> Fact:
    """One count (`member_count`) or several (`jobs`), each with its year and citation."""
    counts = value if isinstance(value, list) else [value]
    if not counts or not all(isinstance(c, Count) for c in counts):
        return fact(label, value)
    return _with_sources(label, [(str(c), c.source) for c in counts], cite, wide=len(counts) > 1)


def _roles_fact(label: str, value: Any, cite: Cite | None) -> Fact:
    if not isinstance(value, list) or not value:
        return fact(label, value, wide=True)
    items = [(item_text(role), getattr(role, "source", None)) for role in value]
    return _with_sources(label, items, cite, wide=True, separator=", ")


def funding_fact(funding: Funding, cite: Cite | None = None) -> Fact:
    """`48 % ventes et prestations · 30 % financements publics … (2012)`, its citations, the note
    after it, and the bar of the shares."""
    shares = tuple(Share(line.category, line.share, slugify(line.category)) for line in funding.shares)
    items: list[tuple[str, Citation | None]] = [
        (_share_text(line.share, line.category, line.amount, line.as_of), line.source)
        for line in funding.shares
    ]
    text = " · ".join(text for text, _ in items)
    whole = dated(text, funding.as_of) if text else ""
    html = _cited(items, cite, " · ")
    if text and funding.as_of:
        html += escape(f" ({funding.as_of})")
    html += _source_html(funding.source, cite)
    if funding.note:
        whole = f"{whole} — {funding.note}" if whole else funding.note
        html += escape(f" — {funding.note}" if text else funding.note)
    return Fact("Financement", whole, wide=True, shares=shares, html=html)


def _share_text(share: float, category: str, amount: int | None, as_of: int | None) -> str:
    euros = f"{french_number(amount)}\u00a0€" if amount is not None else ""
    return dated(f"{french_number(share)}{_PERCENT} {category}", euros, as_of)


def _budget_fact(budget: Budget, year: int | None, cite: Cite | None) -> Fact:
    text = dated(f"{french_number(budget.amount)}\u00a0€", budget.as_of or year)
    return _with_sources("Budget", [(text, budget.source)], cite)


def _members_fact(members: list[Member], cite: Cite | None) -> Fact:
    return _with_sources("Membres nommés", [(str(m), m.source) for m in members], cite, wide=True)


def _people_fact(people: list[Person], cite: Cite | None) -> Fact:
    items = [(str(p), p.source) for p in people]
    if not items:
        return Fact("Personnes interviewées", "aucun entretien", wide=True)
    return _with_sources("Personnes interviewées", items, cite, wide=True)


def pole_facts(meta: dict[str, Any], cite: Cite | None = None) -> list[Fact]:
    """The box's facts, short ones first (two by two), then those printed across the box.

    `cite` formats a citation of the front matter (`source:`); without it none is printed."""
    location: dict[str, Any] = location_of(meta)
    region, today = location.get("region_study"), location.get("region_today")
    where = (location.get("commune"), departement_label(location.get("departement")))
    place = ", ".join(x for x in where if x)
    changed = region and today and today != region
    funding = meta.get("funding")
    facts = [
        fact("Implantation", place or None),
        fact("Région", f"{region} (aujourd’hui {today})" if changed else region),
        fact("Territoire", meta.get("territory_types")),
        fact("Activités", meta.get("activity_types")),
        fact("Début de la coopération", meta.get("year_cooperation_began")),
        fact("Constitution en pôle", meta.get("year_pole_formed")),
        _counts_fact("Structures membres", meta.get("member_count"), cite),
        fact("Forme juridique", meta.get("legal_form")),
        _counts_fact("Emplois", meta.get("jobs"), cite),
    ]
    if isinstance(funding, Funding) and funding.budget is not None:
        facts.append(_budget_fact(funding.budget, funding.as_of, cite))
    if meta.get("sectors"):  # optional: absent, it is left out rather than called undocumented
        facts.append(fact("Secteurs", meta.get("sectors"), wide=True))
    facts += [
        fact("Structure porteuse", meta.get("carrier"), wide=True),
        fact("Lieu commun", meta.get("shared_place"), wide=True),
        fact("Logiques de coopération", meta.get("cooperation_logics"), wide=True),
    ]
    if meta.get("governance_bodies"):  # optional, as the sectors
        facts.append(fact("Instances de gouvernance", meta.get("governance_bodies"), wide=True))
    facts.append(_roles_fact("Rôle des collectivités", meta.get("local_authority_roles"), cite))
    if isinstance(funding, Funding) and (funding.shares or funding.note):
        facts.append(funding_fact(funding, cite))
    members = meta.get("members")
    if isinstance(members, list) and members:
        facts.append(_members_fact(members, cite))
    people = [p for p in meta.get("interviewees") or [] if isinstance(p, Person)]
    facts.append(_people_fact(people, cite))
    return facts


__all__ = ["Fact", "Share", "departement_label", "fact", "funding_fact", "item_text", "pole_facts"]
