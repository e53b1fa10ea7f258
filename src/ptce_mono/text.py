"""Small text helpers shared by the stages: normalisation, suggestions, word counts."""

from __future__ import annotations

import difflib
import re
import unicodedata

_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿœŒ]+(?:['’-][0-9A-Za-zÀ-ÖØ-öø-ÿœŒ]+)*")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[’'`´\-_.,;:!?«»\"()]+")


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "Les Parties-prenantes" -> "les parties prenantes"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("œ", "oe").replace("æ", "ae")
    return _SPACES.sub(" ", _PUNCT.sub(" ", stripped)).strip()


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


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
    return f"Did you mean `{best}`?" if best else ""


def slugify(text: str) -> str:
    return normalise(text).replace(" ", "-")
