"""The typology: poles grouped by age, size, territory, activity, legal form, authorities' roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ptce_mono.analysis.values import NOT_DOCUMENTED, display
from ptce_mono.sources.fields import Count, Unknown
from ptce_mono.sources.grid import Grid
from ptce_mono.sources.monograph import Monograph


@dataclass
class TypologyRow:
    value: str
    count: int
    poles: list[str]


@dataclass
class TypologyTable:
    attribute: str
    title: str
    rows: list[TypologyRow]
    n: int
    multi_valued: bool = False


def age_bucket(began: Any, reference_year: int) -> str:
    if not isinstance(began, int):
        return NOT_DOCUMENTED
    age = reference_year - began
    if age < 5:
        return "moins de 5 ans"
    if age < 10:
        return "5 à 9 ans"
    if age < 20:
        return "10 à 19 ans"
    return "20 ans et plus"


def size_bucket(count: Any) -> str:
    if not isinstance(count, Count):
        return NOT_DOCUMENTED
    if count.value < 10:
        return "moins de 10 structures"
    if count.value < 20:
        return "10 à 19 structures"
    if count.value < 40:
        return "20 à 39 structures"
    return "40 structures et plus"


AGE_ORDER = ["moins de 5 ans", "5 à 9 ans", "10 à 19 ans", "20 ans et plus", NOT_DOCUMENTED]
SIZE_ORDER = [
    "moins de 10 structures",
    "10 à 19 structures",
    "20 à 39 structures",
    "40 structures et plus",
    NOT_DOCUMENTED,
]

TYPOLOGY_ATTRIBUTES: list[tuple[str, str]] = [
    ("territory_types", "Type de territoire"),
    ("activity_types", "Type d'activité"),
    ("age", "Ancienneté de la coopération"),
    ("size", "Nombre de structures membres"),
    ("legal_form", "Forme juridique de la structure porteuse"),
    ("local_authority_roles", "Rôle des collectivités locales"),
]


def attribute_values(m: Monograph, attribute: str, reference_year: int) -> list[str]:
    """The values a pole takes for a typology attribute (several for list fields)."""
    if attribute == "age":
        return [age_bucket(m.meta.get("year_cooperation_began"), reference_year)]
    if attribute == "size":
        return [size_bucket(m.meta.get("member_count"))]
    value = m.meta.get(attribute)
    if isinstance(value, list):
        return [str(v) for v in value] or [NOT_DOCUMENTED]
    return [display(value)]


def typology_table(
    monographs: list[Monograph], grid: Grid, attribute: str, title: str, reference_year: int
) -> TypologyTable:
    members: dict[str, list[str]] = {}
    for m in monographs:
        # A value counts a pole once, however many times it holds it: a role held by two
        # authorities (`{role: financeur, by: ...}` twice) is one pole that is « financeur ».
        for value in dict.fromkeys(attribute_values(m, attribute, reference_year)):
            members.setdefault(value, []).append(m.id)
    order = _value_order(grid, attribute)
    rows = [
        TypologyRow(v, len(members[v]), members[v])
        for v in sorted(members, key=lambda v: (order.index(v) if v in order else len(order), v))
    ]
    spec = grid.fields.get(attribute)
    return TypologyTable(attribute, title, rows, len(monographs), bool(spec and spec.type == "list"))


def _value_order(grid: Grid, attribute: str) -> list[str]:
    if attribute == "age":
        return AGE_ORDER
    if attribute == "size":
        return SIZE_ORDER
    spec = grid.fields.get(attribute)
    return [*grid.allowed_values(spec), NOT_DOCUMENTED] if spec else [NOT_DOCUMENTED]


def group_poles(
    monographs: list[Monograph], grid: Grid, attribute: str, reference_year: int
) -> dict[str, list[str]]:
    """Poles grouped by an attribute's value, in the grid's order of values."""
    table = typology_table(monographs, grid, attribute, attribute, reference_year)
    return {row.value: row.poles for row in table.rows}


def order_poles(monographs: list[Monograph], attribute: str, reference_year: int = 2013) -> list[str]:
    """Pole ids ordered by an attribute (numbers numerically, undocumented last), then by id."""

    def key(m: Monograph) -> tuple[int, Any, str]:
        value = m.meta.get(attribute)
        if isinstance(value, Count):
            return (0, value.value, m.id)
        if isinstance(value, int):
            return (0, value, m.id)
        if value is None or isinstance(value, Unknown):
            return (2, "", m.id)
        return (1, display(value), m.id)

    return [m.id for m in sorted(monographs, key=key)]
