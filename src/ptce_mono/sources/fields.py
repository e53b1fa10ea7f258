"""Field values and their converters: the text an author typed -> a checked value.

Each converter takes the stripped text of a scalar and the place it is read (`At`), and returns
the value or None after reporting why not. `sources/frontmatter.py` assembles them into the specs
of the grid's field types; the grid and dossier settings use the generic ones (ids, whole numbers,
flags).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ptce_mono.core.i18n import N_, _
from ptce_mono.core.problems import Position
from ptce_mono.core.text import SLUG, normalise
from ptce_mono.sources.citekeys import KEY, KeyUse, citation_spans
from ptce_mono.sources.reader import At, Text, Unknown
from ptce_mono.sources.vocabulary import AsWarning, allowed_value

COUNT_QUALIFIERS = ("environ", "près de", "plus de", "moins de", "au moins")


def french_number(value: float) -> str:
    """`640000` -> `640 000` (narrow no-break spaces), `12.5` -> `12,5`: numbers as French prints them."""
    if value == int(value):
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,}".replace(",", "\u202f").replace(".", ",")


@dataclass(frozen=True)
class Citation:
    """A citation written in the front matter (`source: "[@key, p. 4]"`), with where each key is."""

    text: str
    uses: tuple[KeyUse, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        return self.text


def dated(text: str, *details: object) -> str:
    """`text (detail, 2012)`: the precisions of a value, its year last, in brackets after it."""
    shown = ", ".join(str(d) for d in details if d not in (None, ""))
    return f"{text} ({shown})" if shown else text


@dataclass(frozen=True)
class Count:
    """A count as the source gives it: exact (`20`), approximate (`environ 20`), with a unit and a
    note, the year it describes (`as_of`), what it covers (`scope`) and its citation."""

    value: int
    qualifier: str = ""
    unit: str = ""  # what is counted when the source says (`ETP`)
    note: str = ""  # the source's precision (`cumulés`)
    as_of: int | None = None  # the year the source describes
    scope: str = ""  # what the count covers (`entreprises membres`)
    source: Citation | None = field(default=None, compare=False)
    position: Position | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        text = " ".join(part for part in (self.qualifier, french_number(self.value), self.unit) if part)
        return dated(f"{text}, {self.scope}" if self.scope else text, self.note, self.as_of)


@dataclass(frozen=True)
class AuthorityRole:
    """A local authority's role (a vocabulary id) and, when the source names it, the authority."""

    role: str
    authority: str = ""
    as_of: int | None = None
    source: Citation | None = field(default=None, compare=False)
    position: Position | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return self.role


_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$")
_COUNT = re.compile(
    rf"^(?:({'|'.join(COUNT_QUALIFIERS)})\s*)?(\d+)(?:\s+([^\W\d_].*))?$", re.IGNORECASE | re.DOTALL
)
_SOURCE_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?(?:\s*[-–/]\s*\d{4})?$")
_PERCENT = re.compile(r"^(\d{1,3})(?:[.,]\d+)?\s*%?$")
_DECIMAL_PERCENT = re.compile(r"^(\d{1,3}(?:[.,]\d+)?)\s*%?$")

# -- converters: the stripped text -> the value, or None after reporting ---------------------------


def slug(text: str, at: At) -> str | None:
    if SLUG.match(text):
        return text
    at.error(
        "bad-id",
        _("`{name}` must be lower-case letters, digits and hyphens, found `{found}`").format(
            name=at.name, found=text
        ),
        _("For example `{example}`.").format(example=_suggest_slug(text)),
    )
    return None


def year(text: str, at: At) -> int | None:
    if _YEAR.match(text):
        return int(text)
    message = _("`{name}` must be a four-digit year, found `{found}`")
    at.error("bad-year", message.format(name=at.name, found=text))
    return None


def count(text: str, at: At) -> Count | None:
    return counted(())(text, at)


def counted(units: tuple[str, ...]) -> Callable[[str, At], Count | None]:
    """The converter of a count written as text (`environ 85 ETP`). When `units` are given, a
    unit outside them is a warning: this form cannot be dated, it is read as it always was."""

    def read(text: str, at: At) -> Count | None:
        match = _COUNT.match(text)
        if not match:
            at.error(
                "bad-count",
                _("`{name}` must be a whole number, found `{found}`").format(name=at.name, found=text),
                _(
                    "Write `20`, `environ 20` or `plus de 30` when the source is approximate, `85 ETP` with "
                    "a unit, or `{{value: 400, unit: ETP, as_of: 2012}}` with the year it describes."
                ).format(),
            )
            return None
        unit_at = At(at.problems, _("{name} (its unit)").format(name=at.name), at.position)
        unit = unit_of(" ".join((match.group(3) or "").split()), units, unit_at, dated=False)
        return Count(int(match.group(2)), (match.group(1) or "").lower(), unit or "", position=at.position)

    return read


def unit_of(unit: str, units: tuple[str, ...], at: At, dated: bool) -> str | None:
    """A count's unit (read at `at`): one of `units` when they are given. Outside them it is an
    error in a dated count (None), a warning in an undated one, which keeps the unit as written."""
    if not unit or not units or unit in units:
        return unit
    if dated:
        return allowed_value(unit, units, at)
    advice = _("Write one of these units and the rest in `scope`, with the year in `as_of`.")
    allowed_value(unit, units, AsWarning(at, advice))
    return unit


def whole_number(text: str, at: At) -> int | None:
    if text.isdigit():
        return int(text)
    message = _("`{name}` must be a whole number, found `{found}`")
    at.error("bad-value", message.format(name=at.name, found=text))
    return None


def flag(text: str, at: At) -> bool | None:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    message = _("`{name}` must be true or false, found `{found}`")
    at.error("bad-value", message.format(name=at.name, found=text))
    return None


def month(text: str, at: At) -> str | None:
    match = _MONTH.match(text)
    if match:
        year_, month_, day = int(match.group(1)), int(match.group(2)), match.group(3)
        try:
            dt.date(year_, month_, int(day) if day else 1)
            return text
        except ValueError:
            pass
    message = _("`{name}` must be a real date written YYYY-MM or YYYY-MM-DD, found `{found}`")
    at.error("bad-date", message.format(name=at.name, found=text))
    return None


def departement(text: str, at: At) -> str | None:
    code = text.zfill(2)
    if _DEPARTEMENT.match(code):
        return code
    at.error(
        "bad-value",
        _('`{name}` must be a département code such as "40", "2A" or "974"').format(name=at.name),
        _('Quote it so that YAML keeps the leading zero: `departement: "01"`.'),
    )
    return None


def between(low: float, high: float) -> Text:
    def number(text: str, at: At) -> float | None:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if low <= value <= high:
            return value
        message = _("`{name}` must be a number between {low} and {high}")
        at.error("bad-value", message.format(name=at.name, low=f"{low:g}", high=f"{high:g}"))
        return None

    return Text(number, N_("a number"))


def share(text: str, at: At) -> int | None:
    match = _PERCENT.match(text)
    if match and int(match.group(1)) <= 100:
        return int(match.group(1))
    at.error("bad-value", _("`{name}` must be a share from 0 to 100 %").format(name=at.name))
    return None


def percent(text: str, at: At) -> float | None:
    """A share in %, decimals allowed (`12.5`, `12,5 %`): an int when it is whole."""
    match = _DECIMAL_PERCENT.match(text)
    if match:
        value = float(match.group(1).replace(",", "."))
        if value <= 100:
            return int(value) if value == int(value) else value
    at.error(
        "bad-value",
        _("`{name}` must be a share from 0 to 100 %, found `{found}`").format(name=at.name, found=text),
        _("Write the number alone: `share: 30` for 30 %."),
    )
    return None


def amount(text: str, at: At) -> int | None:
    """An amount in euros, written `640000`, `640 000` or `640 000 €`."""
    digits = re.sub(r"[\s\u202f\u00a0]", "", text).removesuffix("€").removesuffix("euros")
    if digits.isdigit():
        return int(digits)
    at.error(
        "bad-value",
        _("`{name}` must be an amount in euros, found `{found}`").format(name=at.name, found=text),
        _("Write the whole number of euros: `amount: 640000`."),
    )
    return None


_CITED_KEY = re.compile(rf"(?<![\w.@])-?@({KEY})")


def citation(text: str, at: At) -> Citation | None:
    """A citation in pandoc's syntax (`[@key, p. 4]`), its keys placed where they are written."""
    uses: list[KeyUse] = []
    # A YAML scalar that starts with `[` or `@` is quoted: its text starts one column later.
    shift = at.position.column + (1 if text[:1] in "[@" else 0)
    for span in citation_spans(text):
        for match in _CITED_KEY.finditer(span.text):
            offset = span.start + match.start() + (1 if match.group(0).startswith("-") else 0)
            where = Position(at.position.line, shift + offset) if "\n" not in text else at.position
            uses.append(KeyUse(match.group(1), where))
    if uses:
        return Citation(text, tuple(uses))
    at.error(
        "bad-citation",
        _("`{name}` must be a citation such as `[@key, p. 4]`, found `{found}`").format(
            name=at.name, found=text
        ),
        _('Write it in quotes, as in the text: `source: "[@labo2014citego, p. 17]"`.'),
    )
    return None


def source_date(text: str, at: At) -> str | None:
    if _SOURCE_DATE.match(text):
        return text
    message = _("source date `{found}` is not YYYY, YYYY-MM, YYYY-MM-DD or a range like 2013-2014")
    at.error("bad-date", message.format(found=text))
    return None


def url(text: str, at: At) -> str | None:
    if text.startswith(("http://", "https://")):
        return text
    at.error("bad-url", _("`{name}` must start with http:// or https://").format(name=at.name))
    return None


def level(text: str, at: At) -> int | None:
    if text in ("1", "2", "3", "4"):
        return int(text)
    at.error("bad-score", _("`{name}` must be a level from 1 to 4").format(name=at.name))
    return None


def _suggest_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-") or "mon-pole"


__all__ = ["AuthorityRole", "Citation", "Count", "Unknown", "dated", "french_number"]
