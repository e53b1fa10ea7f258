"""Citations as authors write them, in pandoc's syntax: found in a text with their positions.

`[@key]`, `[@key, p. 12]`, `[voir @a, p. 3 ; @b]`, `[-@key]` (author suppressed), and `@key`
or `@key [p. 12]` in running text. The same patterns serve the parse stage (which keys a
section cites, where, and which paragraphs state a fact without citing) and the render stage
(which spans to hand to the citation processor).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ptce_mono.core.problems import Position

# pandoc's key: a letter, digit or _ first, then internal punctuation allowed, ending on a word
# character (so the full stop after `@dupont2012.` is not part of the key).
KEY = r"[\w](?:[\w:.#$%&+?<>~/-]*[\w])?"
_KEY_IN_BRACKETS = re.compile(rf"(?<![\w.@\\])-?@({KEY})")
# A bracketed citation holds at least one `@key` not preceded by a word character (an e-mail
# address is not a citation) and is not a link's text.
BRACKETED = re.compile(rf"\[(?=[^\[\]]*?(?<![\w.@\\])-?@{KEY})([^\[\]]*)\](?![(\[])")
# `\@` is a literal @, as in pandoc: `\@LaboESS` names an account, it cites nothing.
IN_TEXT = re.compile(rf"(?<![\w.@\[/:=\\-])@({KEY})(?:[ \t]*\[([^\[\]@]*)\])?")
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-Þ][\wÀ-ÖØ-öø-ÿ’'-]*")
_DIGIT = re.compile(r"\d")
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-+*]|\d+[.)])[ \t]+", re.MULTILINE)
# What may precede a capital that opens a sentence, a list item or a quotation. Not the colon:
# in French, a capital after it is a proper name.
_OPENERS = frozenset(".!?…-–—*_>#(«\"“‘'")


@dataclass(frozen=True)
class CitationSpan:
    """One citation as written: `text` is the whole span, `keys` the keys in it, in order."""

    start: int
    end: int
    text: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class KeyUse:
    key: str
    position: Position


@dataclass
class SectionCitations:
    """What a section cites and which of its paragraphs state a fact without citing."""

    uses: list[KeyUse] = field(default_factory=list)
    uncited_claims: list[tuple[Position, str]] = field(default_factory=list)  # where, what
    paragraphs: int = 0
    citing: int = 0


def citation_spans(text: str) -> Iterator[CitationSpan]:
    """Every citation in `text`, in order: bracketed ones, then `@key` outside brackets."""
    spans = []
    taken: list[tuple[int, int]] = []
    for match in BRACKETED.finditer(text):
        keys = tuple(m.group(1) for m in _KEY_IN_BRACKETS.finditer(match.group(1)))
        spans.append(CitationSpan(match.start(), match.end(), match.group(0), keys))
        taken.append((match.start(), match.end()))
    for match in IN_TEXT.finditer(text):
        if not any(start <= match.start() < end for start, end in taken):
            spans.append(CitationSpan(match.start(), match.end(), match.group(0), (match.group(1),)))
    yield from sorted(spans, key=lambda s: s.start)


def strip_citations(text: str) -> str:
    """`text` without its citations: for summaries quoted where no reference list follows."""
    out, last = [], 0
    for span in citation_spans(text):
        bracketed = span.text.startswith("[")
        out.append(text[last : span.start].rstrip(" ") if bracketed else text[last : span.start])
        out.append("" if bracketed else span.keys[0])
        last = span.end
    out.append(text[last:])
    return "".join(out)


def first_claim(text: str) -> tuple[int, str] | None:
    """Offset and word of the first figure, date or proper name of a paragraph, if any.

    A figure or a date has a digit (list numbers aside); a proper name is a capitalised word
    that does not open a sentence, a list item or a quotation.
    """
    # A list marker becomes a full stop of its length: an item opens like a sentence.
    plain = _LIST_MARKER.sub(lambda m: "." + " " * (len(m.group(0)) - 1), text)
    found: list[tuple[int, str]] = []
    digit = _DIGIT.search(plain)
    if digit:
        end = digit.start()
        while end < len(plain) and (plain[end].isdigit() or plain[end] in " ,."):
            end += 1
        found.append((digit.start(), plain[digit.start() : end].strip(" ,.")))
    for word in _CAPITALISED.finditer(plain):
        before = plain[: word.start()].rstrip()
        if before and before[-1] not in _OPENERS:
            found.append((word.start(), word.group(0)))
            break
    return min(found) if found else None


def _position(lines: list[tuple[int, str]], text: str, offset: int) -> Position:
    line_index = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Position(lines[line_index][0], column)


def scan_section(buffer: list[tuple[int, str]]) -> SectionCitations:
    """Citations and uncited claims of a section's lines (file line, text), paragraph by paragraph."""
    result = SectionCitations()
    paragraphs: list[list[tuple[int, str]]] = [[]]
    fence = False
    for number, line in buffer:
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence:
            continue
        if line.strip():
            paragraphs[-1].append((number, line))
        elif paragraphs[-1]:
            paragraphs.append([])
    for lines in (p for p in paragraphs if p):
        text = "\n".join(line for _, line in lines)
        spans = list(citation_spans(text))
        for span in spans:
            for key_match in re.finditer(rf"(?<![\w.@])-?@({KEY})", span.text):
                at = span.start + key_match.start() + (1 if key_match.group(0).startswith("-") else 0)
                result.uses.append(KeyUse(key_match.group(1), _position(lines, text, at)))
        if text.lstrip().startswith("#"):
            continue
        result.paragraphs += 1
        if spans:
            result.citing += 1
            continue
        claim = first_claim(text)
        if claim is not None:
            result.uncited_claims.append((_position(lines, text, claim[0]), claim[1]))
    return result


__all__ = [
    "BRACKETED",
    "IN_TEXT",
    "KEY",
    "CitationSpan",
    "KeyUse",
    "SectionCitations",
    "citation_spans",
    "first_claim",
    "scan_section",
    "strip_citations",
]
