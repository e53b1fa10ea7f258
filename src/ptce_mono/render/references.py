"""The sources as the dossier lists them: one list per case study, the bibliography at the end.

A case study closes on one list, in the citation style: the works it cites, then the sources
its front matter lists without citing them, marked « consultée, non citée », each with the part
consulted and the case study's note. A source written out in full in the front matter (`title`,
`publisher`, `date`, `kind`) is formatted by the same style; when its title is that of a
bibliography entry (« Dossier CITEGO …, parties 1.1 et 1.3 » names the entry « Dossier CITEGO … »),
it is that entry, and the rest of its title says which part was consulted. The entries' notes (a
document's table of contents, how it was known) are printed once, in the final bibliography.

The final bibliography holds the works this edition cites, then, apart, the entries its case
studies list as consulted without citing them. An entry that nothing printed names is left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ptce_mono.render.citations import RenderedCitations

_NOTE_BLOCK = re.compile(r'\s*<div class="csl-block">.*?</div>', re.DOTALL)

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?!\d))?(?:-(\d{2})(?!\d))?")
# Where a title ends and the part consulted begins: « , parties 1.1 », « (p. 2-8) », « — annexe 1 ».
_PART_SEPARATORS = (",", " (", " :", " —", " –", " -", ".")
PART_TITLE_WORDS = 4


@dataclass(frozen=True)
class Reference:
    """One line of a case study's list of sources."""

    anchor: str
    html: Markup
    cited: bool
    note: str = ""  # the part consulted and the case study's note


# The names the style prints in capitals at the head of an entry (« LE LABO DE L’ESS, 2013. »).
_AUTHORS = re.compile(r"^((?:<[^>]+>)*)([A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ0-9’'&;.\- ]*[A-ZÀ-ÖØ-Þ.])(?=,\s|\.\s)")


def with_small_capitals(html: str) -> str:
    """The authors' names at the head of an entry in small capitals, as French bibliographies
    print them, rather than in the style's full capitals."""
    return _AUTHORS.sub(r'\1<span class="author">\2</span>', html, count=1)


def without_note(html: str) -> str:
    """An entry without its note (the style's `csl-block`): the final bibliography prints it."""
    return _NOTE_BLOCK.sub("", html).strip()


def source_id(pole: str, index: int) -> str:
    return f"{pole}--source-{index}"


def source_item(pole: str, index: int, source: dict[str, Any]) -> dict[str, Any]:
    """A source written out in full in the front matter, as a CSL item for the citation style."""
    # One type for every kind, which the style prints as « Title, year. Kind. Publisher. »: its
    # other types print the date twice, or leave the publisher out.
    item: dict[str, Any] = {
        "id": source_id(pole, index),
        "type": "report",
        "title": str(source.get("title", "")),
        "publisher": str(source.get("publisher", "")),
        "genre": str(source.get("kind", "")),
    }
    dates = [
        [int(part) for part in match.groups() if part]
        for match in _DATE.finditer(str(source.get("date", "")))
    ]
    if dates:
        item["issued"] = {"date-parts": dates[:2]}
    if source.get("url"):
        item["URL"] = str(source["url"])
    return item


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.split()).casefold()


def consulted_part(title: str, entry_title: str) -> str | None:
    """The part of `entry_title`'s work that `title` names (« parties 1.1 et 1.3 »), "" for the
    whole work, None when `title` is not that work. A trailing parenthesis of the entry's title
    (« (PTCE) ») may be left out."""
    written, entry = _plain(title), _plain(entry_title)
    main = re.split(r"\s?: ", entry, maxsplit=1)[0]  # a subtitle joined by the bibliography
    candidates = list(dict.fromkeys(c for t in (entry, main) for c in (t, re.sub(r"\s*\([^()]*\)$", "", t))))
    for candidate in filter(None, candidates):
        if written == candidate:
            return ""
        # A part of a work is named after a title long enough to be that work's alone.
        if (
            len(candidate.split()) >= PART_TITLE_WORDS
            and written.startswith(candidate)
            and written[len(candidate) :].startswith(_PART_SEPARATORS)
        ):
            words, known = title.split(), candidate.split()
            rest = " ".join([words[len(known) - 1][len(known[-1]) :], *words[len(known) :]])
            return rest.lstrip(",:—–-. ").strip()
    return None


def _joined(*parts: str) -> str:
    return " ; ".join(part.strip() for part in parts if part and part.strip())


def chapter_references(
    pole: str, cited: Iterable[str], sources: list[dict[str, Any]], citations: RenderedCitations | None
) -> list[Reference]:
    """A case study's one list: the works it cites, in the style's order, then the sources its
    front matter lists without citing them, marked as such."""
    if citations is None:
        return []
    cited_keys = set(cited)
    notes: dict[str, str] = {}  # key -> the part consulted and the note, from the front matter
    listed: list[str] = []  # keys listed and not cited, in the front matter's order
    written: list[tuple[int, dict[str, Any]]] = []  # sources in full that are no entry
    for index, source in enumerate(sources, 1):
        key = str(source.get("key") or "")
        part = ""
        if not key:
            matches = (
                (entry, consulted_part(str(source.get("title", "")), title))
                for entry, title in citations.titles.items()
            )
            key, part = next(((entry, p) for entry, p in matches if p is not None), ("", ""))
        if not key:
            written.append((index, source))
            continue
        if key not in citations.entries:
            continue
        notes[key] = _joined(
            notes.get(key, ""), part, str(source.get("locator", "")), str(source.get("note", ""))
        )
        if key not in cited_keys and key not in listed:
            listed.append(key)
    references = [
        Reference(
            f"{pole}--ref-{key}", Markup(with_small_capitals(without_note(html))), True, notes.get(key, "")
        )
        for key, html in citations.entries.items()
        if key in cited_keys
    ]
    references += [
        Reference(
            f"{pole}--ref-{key}",
            Markup(with_small_capitals(without_note(citations.entries[key]))),
            False,
            notes[key],
        )
        for key in listed
    ]
    for index, source in written:
        html = citations.sources.get(source_id(pole, index))
        if html is not None:
            references.append(
                Reference(
                    source_id(pole, index),
                    Markup(with_small_capitals(without_note(html))),
                    False,
                    str(source.get("note", "")),
                )
            )
    return references


def bibliography_annex(
    citations: RenderedCitations | None, cited: set[str], consulted: set[str], letter: str
) -> str:
    """The annex « Bibliographie »: the works the edition cites, each the target of `#ref-<key>`,
    then those its case studies list as consulted without citing them; "" when there are none."""
    if citations is None:
        return ""

    def items(keys: set[str]) -> str:
        return "".join(
            f'<li class="csl-entry" id="ref-{escape(key)}">{with_small_capitals(html)}</li>\n'
            for key, html in citations.entries.items()
            if key in keys
        )

    works, others = items(cited), items(consulted - cited)
    if not works and not others:
        return ""
    parts = [
        '<section class="annex" id="annexe-bibliographie">\n',
        f'<h2 id="annexe-{letter.lower()}">{letter}. Bibliographie</h2>\n',
    ]
    if works:
        parts.append(
            f'<h3 class="bibliography-title">Travaux cités</h3>\n<ol class="bibliography">\n{works}</ol>\n'
        )
    if others:
        parts.append(
            '<h3 class="bibliography-title">Autres sources consultées, non citées</h3>\n'
            f'<ol class="bibliography bibliography-consulted">\n{others}</ol>\n'
        )
    parts.append("</section>\n")
    return "".join(parts)


__all__ = [
    "Reference",
    "bibliography_annex",
    "chapter_references",
    "consulted_part",
    "source_item",
    "without_note",
]
