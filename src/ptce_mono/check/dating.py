"""Checks of the dated facts: a published figure or role says its year, the members fit the count.

- in a published monograph, a count, a funding breakdown, a budget or a role that the key facts
  print without the year it describes (`as_of`) is an `undated-fact` warning (`check --strict`
  fails on it): « 15 membres » read in 2026 of a 2012 source is a present fact it is not;
- listing more members than `member_count` counts at the same date is an error.

Fields are found by their type in the grid, as everywhere: the code knows types, not names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ptce_mono.core.i18n import _
from ptce_mono.core.problems import Position, Problem, ProblemList
from ptce_mono.sources.dated import Funding, Member, Person
from ptce_mono.sources.fields import AuthorityRole, Count
from ptce_mono.sources.frontmatter import ROLE_VOCABULARY
from ptce_mono.sources.grid import Grid
from ptce_mono.sources.monograph import Monograph

# The list of member structures and the count it is checked against.
MEMBERS, MEMBER_COUNT = "members", "member_count"
YEAR = "AAAA"


def _undated(monograph: Monograph, grid: Grid) -> Iterator[tuple[str, Any, Position | None, str]]:
    """(name, value, where, how to date it) of each undated fact the key facts print."""
    meta = monograph.meta
    for name, spec in grid.fields.items():
        value = meta.get(name)
        if spec.type == "count" and isinstance(value, Count) and value.as_of is None:
            yield name, value, value.position, f"`{name}: {_dated_count(value)}`"
        elif spec.type == "counts" and isinstance(value, list):
            for index, count in enumerate(value, 1):
                if isinstance(count, Count) and count.as_of is None:
                    shown = name if len(value) == 1 else f"{name}[{index}]"
                    yield shown, count, count.position, f"`{_dated_count(count)}`"
        elif spec.type == "funding" and isinstance(value, Funding):
            if value.as_of is None and any(line.as_of is None for line in value.shares):
                shares = " · ".join(str(line) for line in value.shares)
                yield name, shares, value.position, f"`{name}: {{as_of: {YEAR}, shares: ...}}`"
            if value.budget is not None and value.budget.as_of is None and value.as_of is None:
                budget = value.budget
                example = f"`budget: {{amount: {budget.amount}, as_of: {YEAR}}}`"
                yield f"{name}.budget", budget, budget.position, example
        elif isinstance(value, list):
            for index, item in enumerate(value, 1):
                shown = f"{name}[{index}]"
                if isinstance(item, Person) and item.as_of is None:
                    example = f"`{{name: {item.name}, role: {item.role}, as_of: {YEAR}}}`"
                    yield shown, item.role, item.position, example
                elif isinstance(item, Member) and item.role and item.as_of is None:
                    yield shown, f"{item.name}, {item.role}", item.position, f"`as_of: {YEAR}`"
                elif (
                    spec.vocabulary == ROLE_VOCABULARY
                    and isinstance(item, AuthorityRole)
                    and item.as_of is None
                ):
                    held = f", by: {item.authority}" if item.authority else ""
                    yield shown, item.role, item.position, f"`{{role: {item.role}{held}, as_of: {YEAR}}}`"


def _dated_count(count: Count) -> str:
    """The record form of `count`, with a year to fill in."""
    keys = [f"value: {count.value}"]
    keys += [f"{key}: {getattr(count, key)}" for key in ("qualifier", "unit", "scope") if getattr(count, key)]
    keys += [f'note: "{count.note}"'] if count.note else []
    return "{" + ", ".join([*keys, f"as_of: {YEAR}"]) + "}"


def check_dates(monograph: Monograph, grid: Grid) -> list[Problem]:
    """The problems of a monograph's dated facts (see the module's doc)."""
    problems = ProblemList(monograph.path)
    if monograph.is_published:
        for name, value, where, example in _undated(monograph, grid):
            problems.warning(
                where or monograph.front_position,
                "undated-fact",
                _("`{name}`: « {value} » has no year (`as_of`)").format(name=name, value=value),
                _(
                    "Give the year the source describes, {example}: the key facts print it « … ({year}) ». "
                    "Undated, a figure or a role of 2012 reads as a present fact."
                ).format(example=example, year=YEAR),
            )
    _members_fit_the_count(monograph, problems)
    return problems.items


def _members_fit_the_count(monograph: Monograph, problems: ProblemList) -> None:
    count, members = monograph.meta.get(MEMBER_COUNT), monograph.meta.get(MEMBERS)
    if (
        not isinstance(count, Count)
        or not isinstance(members, list)
        or count.qualifier not in ("", "moins de")
    ):
        return
    at_that_date = [
        m
        for m in members
        if isinstance(m, Member)
        and m.as_of in (None, count.as_of)
        and (m.joined is None or count.as_of is None or m.joined <= count.as_of)
    ]
    most = count.value - (1 if count.qualifier == "moins de" else 0)
    if len(at_that_date) > most:
        extra = at_that_date[most]
        problems.error(
            extra.position or monograph.front_position,
            "members-over-count",
            _("`{members}` names {listed} structures, more than `{count}` counts ({value})").format(
                members=MEMBERS, listed=len(at_that_date), count=MEMBER_COUNT, value=count
            ),
            _(
                "Correct `{count}`, or date each: members listed at another date than the count's take "
                "their own `as_of`."
            ).format(count=MEMBER_COUNT),
        )


__all__ = ["check_dates"]
