"""The types citeproc reads in a CSL-JSON entry, checked before it is ever given a bibliography.

pandoc's citeproc refuses a whole bibliography for one field of the wrong type (a title given as a
list, an author as a string, a year as a bare number, `null`), in English and naming the
temporary file the tool wrote. Checked here, each such field is an error of `check` at its entry.
The rules are citeproc's (CSL 1.0.2 variables): a name variable is a list of names (an object of
texts, or a text); a date is an object (`date-parts`: lists of whole numbers or numeric texts;
`raw`, `literal`: texts) or a text; a standard variable is a text or a whole number. Variables the
specification does not name are ignored by citeproc, and here.
"""

from __future__ import annotations

from typing import Any

from ptce_mono.core.i18n import _


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NAME_VARIABLES = _words(
    "author chair collection-editor compiler composer container-author contributor curator director "
    "editor editor-translator editorial-director executive-producer guest host illustrator "
    "interviewer narrator organizer original-author performer producer recipient reviewed-author "
    "script-writer series-creator translator"
)
DATE_VARIABLES = _words("accessed available-date event-date issued original-date submitted")
STANDARD_VARIABLES = _words(
    "abstract annote archive archive_collection archive_location archive-place authority call-number "
    "chapter-number citation-key citation-label citation-number collection-number collection-title "
    "container-title container-title-short dimensions division DOI edition event event-place "
    "event-title first-reference-note-number genre ISBN ISSN issue jurisdiction keyword language "
    "license locator medium note number number-of-pages number-of-volumes original-publisher "
    "original-publisher-place original-title page page-first part-number part-title PMCID PMID "
    "printing-number publisher publisher-place references reviewed-genre reviewed-title scale section "
    "source status supplement-number title title-short URL version volume volume-title "
    "volume-title-short year-suffix"
)
_NAME_PARTS = frozenset(
    ("family", "given", "literal", "dropping-particle", "non-dropping-particle", "suffix")
)


def _kind(value: Any) -> str:
    """The JSON type of `value`, as the messages name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("a boolean")
    if isinstance(value, float):
        return _("a decimal number")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return _("a number") if isinstance(value, int) else _("a text")


def _text_or_whole(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _name_problem(name: str, value: Any) -> str | None:
    if not isinstance(value, list):
        return _("`{field}` must be a list of names, not {kind}").format(field=name, kind=_kind(value))
    for person in value:
        if isinstance(person, str):
            continue
        if not isinstance(person, dict):
            return _(
                "`{field}`: each name must be an object (`family`, `given`) or a text, not {kind}"
            ).format(field=name, kind=_kind(person))
        for part, text in person.items():
            if text is not None and not isinstance(text, str) and part in _NAME_PARTS:
                return _("`{field}`: `{part}` must be a text, not {kind}").format(
                    field=name, part=part, kind=_kind(text)
                )
    return None


def _date_problem(name: str, value: Any) -> str | None:
    if isinstance(value, str):
        return None
    if not isinstance(value, dict):
        return _('`{field}` must be a date (`{{"date-parts": [[2014]]}}`) or a text, not {kind}').format(
            field=name, kind=_kind(value)
        )
    for part in ("raw", "literal"):
        if part in value and not isinstance(value[part], str):
            return _("`{field}`: `{part}` must be a text, not {kind}").format(
                field=name, part=part, kind=_kind(value[part])
            )
    parts = value.get("date-parts", [])
    if not isinstance(parts, list) or not all(isinstance(date, list) for date in parts):
        return _("`{field}`: `date-parts` must be a list of dates such as `[[2014, 3]]`").format(field=name)
    for date in parts:
        for number in date:
            whole = isinstance(number, int) and not isinstance(number, bool)
            if not whole and not (isinstance(number, str) and number.strip().lstrip("-").isdigit()):
                return _("`{field}`: `{value}` in `date-parts` is not a whole number").format(
                    field=name, value=number
                )
    return None


def item_problems(item: dict[str, Any]) -> list[str]:
    """What citeproc would refuse in the CSL-JSON entry `item`, one message per field."""
    found = []
    for name, value in item.items():
        if name in NAME_VARIABLES:
            problem = _name_problem(name, value)
        elif name in DATE_VARIABLES:
            problem = _date_problem(name, value)
        elif name in STANDARD_VARIABLES and not _text_or_whole(value):
            problem = _("`{field}` must be a text or a whole number, not {kind}").format(
                field=name, kind=_kind(value)
            )
        else:
            problem = None
        if problem:
            found.append(problem)
    return found


__all__ = ["item_problems"]
