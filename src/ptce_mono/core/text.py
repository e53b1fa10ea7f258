"""Small text helpers shared by the stages: normalisation, suggestions, word counts."""

from __future__ import annotations

import difflib
import re
import unicodedata

from ptce_mono.core.i18n import _

# An identifier authors type (pole ids): lower-case letters, digits and single hyphens.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG = re.compile(SLUG_PATTERN)
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[’'`´\-_.,;:!?«»\"()]+")


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "Les Parties-prenantes" -> "les parties prenantes"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("œ", "oe").replace("æ", "ae")
    return _SPACES.sub(" ", _PUNCT.sub(" ", stripped)).strip()


_MARKUP_TOKENS = frozenset({"-", "*", "+", "|", "#", "##", "###", "####", ">", ":::", "—", "–", "---"})


def count_words(text: str) -> int:
    """Whitespace-separated words, not counting bare markup such as `-`, `##` or `|`."""
    tokens = text.split()
    # map() over a set's __contains__ keeps the loop in C: this runs on every section of every file.
    return len(tokens) - sum(map(_MARKUP_TOKENS.__contains__, tokens))


def suggest(word: str, candidates: list[str], normalised: bool = True) -> str | None:
    """The closest candidate, or None when nothing is close enough to be a likely typo."""
    if not candidates:
        return None
    if normalised:
        keyed = {normalise(c): c for c in candidates}
        match = difflib.get_close_matches(normalise(word), list(keyed), n=1, cutoff=0.6)
        return keyed[match[0]] if match else None
    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(word: str, candidates: list[str]) -> str:
    best = suggest(word, candidates)
    return _("Did you mean `{suggestion}`?").format(suggestion=best) if best else ""


def slugify(text: str) -> str:
    return normalise(text).replace(" ", "-")
