"""What the in-pieces builder cannot carry across a cut: it declines, and the single pass runs.

A piece is a whole document to WeasyPrint. What the builder hands each piece: the page number its
first page takes (`@page :first`), the dossier's page count in place of `counter(pages)`, the page
number of every link to another piece (`data-page`, printed by a `[data-page]` rule), and the
running strings in force at the cut (the cut's mark). Anything else that runs across the document
would restart in every piece, so the builder looks for it in the stylesheet and the HTML instead
of assuming a stylesheet.
"""

from __future__ import annotations

import re

from ptce_mono.core.i18n import _
from ptce_mono.typeset.pieces.cutting import Chunk

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_COUNTER_RULE = re.compile(r"counter-(?:reset|increment|set)\s*:\s*([^;}\"]+)")
_STRING_SET = re.compile(r"string-set\s*:\s*([^;}]+)")
_PAGES_WITH_STYLE = re.compile(r"counters?\(\s*pages\s*,|counters\(\s*pages\s*\)")
_TARGET = re.compile(r"target-(?:counter|counters|text)\s*\(")
_PAGE_PSEUDO = re.compile(r"@page[^{]*:(?:first|left|right|blank|nth)")


def running_strings(css: str) -> set[str]:
    """The names the stylesheet sets with `string-set`."""
    names = set()
    for value in _STRING_SET.findall(_COMMENT.sub("", css)):
        for part in value.split(","):
            words = part.split()
            if words and words[0] != "none":
                names.add(words[0])
    return names


def decline_reason(css: str, chunks: list[Chunk]) -> str | None:
    """Why the dossier cannot be typeset in pieces equal to the single pass; None when it can."""
    rules = _COMMENT.sub("", css)
    styles = "".join(_inline_styles(chunk.html) for chunk in chunks)
    for where, text in ((_("the stylesheet"), rules), (_("the HTML"), styles)):
        counters = [c.strip() for c in _COUNTER_RULE.findall(text) if c.strip() != "none"]
        if counters:
            return _("{where} sets a CSS counter ({counter}), which would restart in every piece").format(
                where=where, counter=counters[0]
            )
    if "running(" in rules or "element(" in rules:
        return _("the stylesheet has running elements, which a piece does not carry")
    if _PAGES_WITH_STYLE.search(rules):
        return _("the stylesheet prints the page count with a counter style")
    if _PAGE_PSEUDO.search(rules):
        return _(
            "the stylesheet has `@page :first`, `:left`, `:right`, `:blank` or `:nth` rules, "
            "which depend on the cut"
        )
    if _TARGET.search(rules) and "[data-page]" not in rules:
        return _("the stylesheet prints cross-references (target-counter) without a [data-page] rule")
    names = running_strings(rules)
    for chunk in chunks[1:]:
        missing = sorted(names - set(chunk.strings))
        if missing and not chunk.opens_with_heading:
            return _(
                "the cut before “{label}” does not restate the running strings {names} "
                "(a `ptce-mono:page` mark with them), nor opens with a heading"
            ).format(label=chunk.label, names=", ".join(missing))
    return None


def _inline_styles(html: str) -> str:
    parts = re.findall(r"<style[^>]*>(.*?)</style>", html, re.S | re.I)
    parts += re.findall(r'style="([^"]*)"', html)
    return "\n".join(parts)


__all__ = ["decline_reason", "running_strings"]
