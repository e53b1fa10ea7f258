"""The dated facts of a front matter: counts, the funding, the member structures, people's roles.

A figure or a role is true at a date: each may carry the year the source describes (`as_of`) and
the citation it rests on (`source: "[@key, p. 4]"`), which `check` validates as it does the
text's. These are the specs that read them (assembled by `sources/frontmatter.py`) and the values
they give. The old forms stay readable: a count as text (`environ 20`), one count for `jobs`, the
funding as `{self_financing, public, note}`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from ptce_mono.core.i18n import N_, _
from ptce_mono.core.problems import Position, Severity
from ptce_mono.sources.fields import (
    COUNT_QUALIFIERS,
    Citation,
    Count,
    amount,
    citation,
    counted,
    dated,
    french_number,
    percent,
    share,
    unit_of,
    whole_number,
    year,
)
from ptce_mono.sources.reader import (
    At,
    Choice,
    ListOf,
    Record,
    Spec,
    Text,
    Variant,
    by_shape,
    optional,
    required,
)
from ptce_mono.sources.yamlsafe import Mapping, YValue

# The categories the old funding form is read as.
OWN_RESOURCES, PUBLIC_FUNDING, NOT_BROKEN_DOWN = "ressources propres", "financements publics", "non précisé"
# Shares may miss 100 % by this much, for rounding.
ROUNDING = 1.0


@dataclass(frozen=True)
class FundingShare:
    """One line of a funding breakdown: a category and its share in %, optionally its amount."""

    category: str
    share: float
    amount: int | None = None
    as_of: int | None = None
    source: Citation | None = field(default=None, compare=False)

    def __str__(self) -> str:
        text = f"{french_number(self.share)}\u202f% {self.category}"
        return dated(
            text, f"{french_number(self.amount)}\u00a0€" if self.amount is not None else "", self.as_of
        )


@dataclass(frozen=True)
class Budget:
    """The pole's budget in euros, for one year."""

    amount: int
    as_of: int | None = None
    source: Citation | None = field(default=None, compare=False)
    position: Position | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return dated(f"{french_number(self.amount)}\u00a0€", self.as_of)


@dataclass(frozen=True)
class Funding:
    """Where the pole's resources come from: shares by category, a budget, their year and source."""

    shares: tuple[FundingShare, ...] = ()
    budget: Budget | None = None
    as_of: int | None = None  # the year of the breakdown, for the lines that do not give their own
    source: Citation | None = field(default=None, compare=False)
    note: str = ""
    old_form: bool = False  # read from `{self_financing, public}`
    position: Position | None = field(default=None, compare=False, repr=False)

    @property
    def total(self) -> float:
        return sum(line.share for line in self.shares)

    def year_of(self, line: FundingShare) -> int | None:
        return line.as_of or self.as_of

    def __str__(self) -> str:
        lines = " · ".join(str(line) for line in self.shares)
        return dated(lines or self.note, self.note if lines else "", self.as_of)


@dataclass(frozen=True)
class Member:
    """A member structure as the sources name it."""

    name: str
    type: str = ""
    role: str = ""
    joined: int | None = None
    as_of: int | None = None
    source: Citation | None = field(default=None, compare=False)
    position: Position | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        about = ", ".join(x for x in (self.type, f"adhésion en {self.joined}" if self.joined else "") if x)
        text = f"{self.name} ({about})" if about else self.name
        return dated(f"{text}, {self.role}" if self.role else text, self.as_of)


@dataclass(frozen=True)
class Person:
    """A person interviewed, with the role the sources give and its year."""

    name: str
    role: str
    as_of: int | None = None
    source: Citation | None = field(default=None, compare=False)
    position: Position | None = field(default=None, compare=False, repr=False)

    @property
    def dated_role(self) -> str:
        return dated(self.role, self.as_of)

    def __str__(self) -> str:
        return f"{self.name}, {self.dated_role}" if self.role else self.name


def _year() -> Text:
    return Text(year, N_("a year"))


def _source() -> Text:
    return Text(citation, N_("a citation"))


# -- counts -------------------------------------------------------------------------------------


def count_spec(units: tuple[str, ...] = ()) -> Variant:
    """A count: `15`, `environ 20`, `85 ETP`, or `{value, unit, qualifier, note, as_of, scope, source}`."""
    record = Record(
        (
            required("value", Text(whole_number, N_("a whole number"))),
            optional("unit", Text(), ""),
            optional("qualifier", Choice(COUNT_QUALIFIERS), ""),
            optional("note", Text(), ""),
            optional("as_of", _year()),
            optional("scope", Text(), ""),
            optional("source", _source()),
        ),
        finish=lambda values, at: _count(values, at, units),
    )
    return by_shape(Text(counted(units)), record, what=N_("a number or `{value: ..., unit: ...}`"))


def _count(values: dict[str, Any], at: At, units: tuple[str, ...]) -> Count | None:
    # The old form, {value, unit, qualifier, note}, stays valid with any unit; a dated one uses
    # the grid's units.
    dated = any(values.get(key) for key in ("as_of", "scope", "source"))
    unit_at = At(at.problems, f"{at.name}.unit" if at.name else "unit", at.position)
    if at.mapping is not None and "unit" in at.mapping.entries:
        unit_at.position = at.mapping.entries["unit"].value.position
    unit = unit_of(values["unit"], units, unit_at, dated)
    if unit is None:
        return None
    return Count(
        values["value"],
        values["qualifier"],
        unit,
        values["note"],
        values.get("as_of"),
        values["scope"],
        values.get("source"),
        at.position,
    )


def counts_spec(units: tuple[str, ...] = ()) -> ListOf:
    """One count or a list of counts (`jobs`): always read as a list."""
    hint = _("Write one `- {value: 38, unit: ETP, as_of: 2013}` per count.")
    return ListOf(count_spec(units), hint, lone_item=True, min_items=1)


# -- funding ------------------------------------------------------------------------------------


def funding_spec(categories: tuple[str, ...]) -> Variant:
    """`{as_of, source, budget, shares, note}`, or the old `{self_financing, public, note}`."""
    category = Choice(categories) if categories else Text()
    line = Record(
        (
            required("category", category),
            required("share", Text(percent, N_("a number"))),
            optional("amount", Text(amount, N_("a number"))),
            optional("as_of", _year()),
            optional("source", _source()),
        ),
        finish=lambda values, at: FundingShare(
            values["category"],
            values["share"],
            values.get("amount"),
            values.get("as_of"),
            values.get("source"),
        ),
    )
    budget = Record(
        (
            required("amount", Text(amount, N_("a number"))),
            optional("as_of", _year()),
            optional("source", _source()),
        ),
        finish=lambda values, at: Budget(
            values["amount"], values.get("as_of"), values.get("source"), at.position
        ),
    )
    shares = ListOf(
        line,
        _("Write one `- {category: ventes et prestations, share: 48}` per category."),
        unique=lambda line: line.category,
        duplicate_severity=Severity.ERROR,
    )
    new = Record(
        (
            optional("as_of", _year()),
            optional("source", _source()),
            optional("budget", budget),
            optional("shares", shares),
            optional("note", Text(), ""),
        ),
        hint=_("The funding is written `{as_of: 2012, budget: {amount: ...}, shares: [...], note: ...}`."),
        finish=_funding,
    )
    old = Record(
        (
            optional("self_financing", Text(share)),
            optional("public", Text(share)),
            optional("note", Text(), ""),
        ),
        finish=_old_funding,
    )

    def choose(value: YValue) -> Spec | None:
        if not isinstance(value, Mapping):
            return None
        old_keys = {"self_financing", "public"} & set(value.entries)
        return old if old_keys and not {"shares", "budget", "as_of", "source"} & set(value.entries) else new

    return Variant(choose, N_("a mapping"))


def _funding(values: dict[str, Any], at: At) -> Funding:
    funding = Funding(
        tuple(values.get("shares") or ()),
        values.get("budget"),
        values.get("as_of"),
        values.get("source"),
        values["note"],
        position=at.position,
    )
    if funding.shares and abs(funding.total - 100) > ROUNDING:
        where = at.position
        if at.mapping is not None and "shares" in at.mapping.entries:
            where = at.mapping.entries["shares"].key_position
        total = french_number(round(funding.total, 1))
        message = _("`{name}.shares` total {total} %, not 100 %").format(name=at.name, total=total)
        hint = _("Correct the shares: together they make 100 % (± 1 for rounding).")
        if funding.total < 100:
            rest = french_number(round(100 - funding.total, 1))
            hint = _(
                "If the sources do not break down the rest, say so with a line "
                "`- {{category: {other}, share: {rest}}}`; otherwise correct the shares."
            ).format(other=NOT_BROKEN_DOWN, rest=rest)
        at.problems.error(where, "funding-total", message, hint)
    return funding


def _old_funding(values: dict[str, Any], at: At) -> Funding:
    """The old form, read as categories: self-financing is « ressources propres », public money
    « financements publics », and what the two leave is not broken down."""
    shares = [
        FundingShare(category, values[key])
        for key, category in (("self_financing", OWN_RESOURCES), ("public", PUBLIC_FUNDING))
        if isinstance(values.get(key), int)
    ]
    total = sum(line.share for line in shares)
    if total > 100 + ROUNDING:
        at.error(
            "funding-total",
            _("`{name}`: `self_financing` and `public` total {total} %, more than 100 %").format(
                name=at.name, total=total
            ),
            _("Correct the shares: together they make 100 % at most."),
        )
    elif shares and total < 100 - ROUNDING:
        shares.append(FundingShare(NOT_BROKEN_DOWN, 100 - total))
    lines = ", ".join(f"{{category: {line.category}, share: {french_number(line.share)}}}" for line in shares)
    at.problems.info(
        at.position,
        "funding-old-form",
        _("`{name}` is written in the old form, read as the categories « {own} » and « {public} »").format(
            name=at.name, own=OWN_RESOURCES, public=PUBLIC_FUNDING
        ),
        _("To date it, write the new form (the note stays `note:`): {example}").format(
            example=f"`{at.name}: {{as_of: AAAA, shares: [{lines}]}}`"
        ),
    )
    return Funding(tuple(shares), note=values["note"], old_form=True, position=at.position)


# -- members and people ---------------------------------------------------------------------------


def members_spec(types: tuple[str, ...]) -> ListOf:
    record = Record(
        (
            required("name", Text()),
            optional("type", Choice(types) if types else Text(), ""),
            optional("role", Text(), ""),
            optional("joined", _year()),
            optional("as_of", _year()),
            optional("source", _source()),
        ),
        finish=lambda values, at: Member(
            values["name"],
            values["type"],
            values["role"],
            values.get("joined"),
            values.get("as_of"),
            values.get("source"),
            at.position,
        ),
    )
    hint = _(
        "Write one `- {name: ..., type: association, role: ..., joined: 2010, as_of: 2012}` per structure."
    )
    return ListOf(record, hint, unique=lambda member: member.name)


def people_spec() -> ListOf:
    record = Record(
        (
            required("name", Text()),
            required("role", Text()),
            optional("as_of", _year()),
            optional("source", _source()),
        ),
        finish=lambda values, at: Person(
            values["name"], values["role"], values.get("as_of"), values.get("source"), at.position
        ),
    )
    return ListOf(record, _("Write one `- {name: ..., role: ..., as_of: 2013}` per person."))


def front_matter_citations(value: Any) -> Iterator[Citation]:
    """Every citation of a front matter's values (`source:` keys), in the order written."""
    if isinstance(value, Citation):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from front_matter_citations(item)
    elif isinstance(value, (list, tuple)) and not isinstance(value, Position):
        for item in value:
            yield from front_matter_citations(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            yield from front_matter_citations(getattr(value, item.name))


__all__ = [
    "NOT_BROKEN_DOWN",
    "OWN_RESOURCES",
    "PUBLIC_FUNDING",
    "Budget",
    "Funding",
    "FundingShare",
    "Member",
    "Person",
    "count_spec",
    "counts_spec",
    "front_matter_citations",
    "funding_spec",
    "members_spec",
    "people_spec",
]
