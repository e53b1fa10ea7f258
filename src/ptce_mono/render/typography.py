"""French typography for the text of rendered HTML: never tags, attribute values, code or URLs.

- narrow no-break space (U+202F) before ; ! ? and inside « », no-break space (U+00A0) before :
- straight and English double quotes become « » ; an apostrophe after a letter becomes ’
- no line break inside a grouped number (6 500) nor between a number and its unit (12 %, 6 500 m²)
- a no-break space after a locator (p. 8, t. II, § 3, n° 5); a range of years or pages with an
  en dash (2013–2014, p. 8–9), kept on one line
- in HTML: ordinals in superscript (1er, XXIe, the roman numeral in small capitals), and proper
  names never hyphenated (`names`, words with a capital inside, hyphenated capitalised names)

Every rule is idempotent: applying them to their own output changes nothing, so text that an
author already typed correctly is left as it is and the stage can safely run twice.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

NNBSP = "\u202f"
NBSP = "\u00a0"
_SPACES = f" \t\n{NBSP}{NNBSP}"  # what may already stand where a fixed space belongs

# Elements whose text is verbatim (code), not text at all, or metadata (the document's <title>
# stays as typed, like the author and subject stored beside it in the PDF).
_VERBATIM = frozenset(
    {"code", "pre", "kbd", "samp", "var", "script", "style", "svg", "math", "textarea", "title"}
)
# Elements that end a run of text: punctuation at the start of one never looks back across them.
_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "div", "dl", "dt"}
    | {"figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr"}
    | {"html", "li", "main", "nav", "ol", "p", "section", "table", "tbody", "td", "tfoot", "th"}
    | {"thead", "title", "tr", "ul"}
)
_TAG = re.compile(r"(<!--.*?-->|<![^>]*>|<[^>]*>)", re.DOTALL)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
# An address ends before the punctuation of the sentence around it ("voir http://a.fr : ...").
_URL = re.compile(
    r"((?:https?://|ftp://|mailto:|www\.)[^\s<>«»\"]*?(?=[.,;:!?)\]]*(?:[\s<>«»\"]|$))"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

# A run this long without a space is no French word (a pasted identifier, a digit string): it
# gets a break opportunity every `_BREAK_EVERY` characters, or it would leave the page, and a
# table column holding it could not narrow. Addresses are left whole: the stylesheet breaks them.
_LONG_RUN = re.compile(r"(\S{30,})")
_BREAK_EVERY = 10


def _const(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


def _group_digits(match: re.Match[str]) -> str:
    return re.sub(f"[{_SPACES}]", NNBSP, match.group(0))


_RULES: list[Rule] = [
    # ’ after a letter: l’économie, aujourd’hui, the pole’s; a quote opening a word is left alone.
    (re.compile(r"(?<=[^\W\d_])'"), _const("’")),
    # “ ” and straight quotes: a quote after a space or an opening bracket opens, any other closes.
    (re.compile(r"“"), _const("«")),
    (re.compile(r"”"), _const("»")),
    (re.compile(r"(?<![^\s(\[{/—–])\""), _const("«")),
    (re.compile(r"\""), _const("»")),
    (re.compile(f"«[{_SPACES}]*"), _const(f"«{NNBSP}")),
    (re.compile(f"[{_SPACES}]*»"), _const(f"{NNBSP}»")),
    # Only before a space, the end, or more punctuation: "?q=1" and "a;b" are not prose.
    (
        re.compile(f"(?<=[^{_SPACES};!?:«(\\[])[{_SPACES}]*([;!?])(?=[{_SPACES}»)\\]”\"'’.,;:!?…]|$)"),
        lambda m: NNBSP + m.group(1),
    ),
    (
        re.compile(f"(?<=[^{_SPACES}:«(\\[])[{_SPACES}]*:(?=[{_SPACES}»)\\]]|$)"),
        _const(f"{NBSP}:"),
    ),
    # 6 500, 200 000: groups of three digits after a first group of one to three.
    (re.compile(f"(?<![\\d.,])\\d{{1,3}}(?:[{_SPACES}]\\d{{3}})+(?!\\d)"), _group_digits),
    (
        re.compile(f"(?<=\\d)[{_SPACES}]?(%|‰|€|k€|M€|m²|m2|km²|km|ha)(?![\\w²])"),
        lambda m: NNBSP + m.group(1),
    ),
]


_RULES += [
    # p. 8, t. II, § 3, n° 5: the locator never ends a line without its number.
    (
        re.compile(f"(?<![\\w.])(p|pp|t|vol|chap|sect|fig|art|n°|§)(\\.?)[{_SPACES}]+(?=[\\dIVXLC])"),
        lambda m: m.group(1) + m.group(2) + NBSP,
    ),
    # 2013-2014, p. 8-9: ranges take an en dash.
    (
        re.compile(r"(?<![\d\-–/])(1[5-9]\d\d|20\d\d)-(1[5-9]\d\d|20\d\d)(?![\d\-–/])"),
        lambda m: f"{m.group(1)}–{m.group(2)}" if m.group(2) > m.group(1) else m.group(0),
    ),
    (re.compile(f"(?<=\\bp\\.{NBSP})(\\d+)-(\\d+)(?![\\d\\-])"), lambda m: f"{m.group(1)}–{m.group(2)}"),
    (re.compile(f"(?<=§{NBSP})(\\d+)-(\\d+)(?![\\d\\-])"), lambda m: f"{m.group(1)}–{m.group(2)}"),
]

# Every rule's match holds one of these, or is a unit right after a digit: text without them
# (most headings, names, short cells) is left as it is without running the rules.
_TRIGGERS = re.compile(r"['“”\"«»;:!?\d§]|\b(?:p|pp|t|vol|chap|sect|fig|art)\.")


def _apply(chunk: str, before: str) -> str:
    """The rules on `chunk`; `before` (already processed text) is only looked at, never changed."""
    if not before[-1:].isdigit() and _TRIGGERS.search(chunk) is None:
        return chunk
    text = before + chunk
    start = len(before)
    for pattern, replace in _RULES:

        def guarded(match: re.Match[str], replace: Callable[[re.Match[str]], str] = replace) -> str:
            return match.group(0) if match.start() < start else replace(match)

        text = pattern.sub(guarded, text)
    return text[start:]


def french_text(text: str, before: str = " ") -> str:
    """Typography for plain text (no markup). `before` is the character that precedes it."""
    parts = _URL.split(text)
    for index in range(0, len(parts), 2):
        previous = parts[index - 1][-1:] if index else before
        parts[index] = _apply(parts[index], previous or " ")
    return "".join(parts)


def _escaped_breakable(text: str) -> str:
    """`text` escaped for HTML, with `<wbr>` in its long runs without a space (not in addresses)."""
    if len(text) < 30:
        return html.escape(text, quote=False)
    out = []
    for index, part in enumerate(_URL.split(text)):
        if index % 2 or len(part) < 30:
            out.append(html.escape(part or "", quote=False))
            continue
        for number, run in enumerate(_LONG_RUN.split(part)):
            if number % 2:
                chunks = (run[i : i + _BREAK_EVERY] for i in range(0, len(run), _BREAK_EVERY))
                out.append("<wbr>".join(html.escape(chunk, quote=False) for chunk in chunks))
            else:
                out.append(html.escape(run, quote=False))
    return "".join(out)


# Markup of the house style, on escaped text: ordinals, ranges kept on one line, proper names.
_ROMAN_ORDINAL = re.compile(r"(?<![\w&;])([IVXLC]{2,}|[IVX])(e|er|re)(?![\w’'])")
_ORDINAL = re.compile(r"(?<![\w&;,.])(\d+)(e|er|re|es|ers|res)(?![\w’'])")
_RANGE = re.compile(r"(?<![\w–-])(\d+–\d+)(?![\w–-])")
_WORD = re.compile(r"(?<![\w&;-])([A-ZÀ-ÖØ-Þ][\w’'-]*[\w])")
_INNER_CAPITAL = re.compile(r"[a-zß-öø-ÿ][\w’'-]*[A-ZÀ-ÖØ-Þ]")
_COMPOUND = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w’']*(?:-[\w’']+)+$")
# The house style's own elements: their text is marked up already (the pass runs twice alike).
_MARKED = re.compile(r'^<(?:span|sup) class="(?:range|roman|ordinal|nom[^"]*)">$')
# A compound name this short stays on one line (« Nord-Pas-de-Calais »); a longer one may still
# break at a hyphen, in a narrow column.
COMPOUND_ON_ONE_LINE = 18


def _proper_name(names: frozenset[str]) -> Callable[[re.Match[str]], str]:
    def mark(match: re.Match[str]) -> str:
        word = match.group(1)
        compound = _COMPOUND.match(word) and any(c.isupper() for c in word[1:])
        acronym = word.isupper() and len(word) >= 4
        if not (compound or acronym or word in names or _INNER_CAPITAL.search(word)):
            return word
        kind = "nom nom-lie" if compound and len(word) <= COMPOUND_ON_ONE_LINE else "nom"
        return f'<span class="{kind}">{word}</span>'

    return mark


def _house_markup(escaped: str, names: frozenset[str]) -> str:
    if "<" in escaped:  # a run with break opportunities: an address or an identifier
        return escaped
    text = _ROMAN_ORDINAL.sub(r'<span class="roman">\1</span><sup class="ordinal">\2</sup>', escaped)
    text = _ORDINAL.sub(r'\1<sup class="ordinal">\2</sup>', text)
    text = _RANGE.sub(r'<span class="range">\1</span>', text)
    return _WORD.sub(_proper_name(names), text) if _WORD.search(text) else text


# What the right-hand running head holds in one line beside the part's name (docs/styling.md).
RUNNING_HEAD_CHARACTERS = 56
UNITS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")


def in_words(number: int, gender: str = "m") -> str:
    """A number of the running text as French typography writes it: in words below ten
    (`une` for a feminine one), in figures from ten on."""
    if 0 <= number < len(UNITS):
        return "une" if number == 1 and gender == "f" else UNITS[number]
    return french_text(f"{number:,}".replace(",", " "))


_LINKING_WORDS = frozenset(
    {"à", "au", "aux", "d’", "de", "des", "du", "en", "et", "l’", "la", "le", "les", "n°", "ou", "sur"}
)


def running_head(text: str, limit: int = RUNNING_HEAD_CHARACTERS) -> str:
    """`text` as a running head prints it: French typography (it is an attribute, which the last
    pass does not touch), cut after a word and marked « … » when longer than `limit` characters."""
    text = french_text(" ".join(text.split()))
    if len(text) <= limit:
        return text
    words = text[: limit - 1].rsplit(" ", 1)[0].split(" ")
    while len(words) > 1 and (words[-1].lower() in _LINKING_WORDS or words[-1].endswith("’")):
        words.pop()  # « … de l’Agglomération » cut after « de » would end on « de »
    cut = " ".join(words).rstrip(" ,;:–—-(")
    return f"{cut}\u00a0…" if cut else text[: limit - 1] + "…"


def proper_names(texts: list[str]) -> frozenset[str]:
    """The words of `texts` (the corpus's names of poles, places, people) that French typography
    does not hyphenate: the capitalised ones long enough to be hyphenated at all."""
    return frozenset(word for text in texts for word in _WORD.findall(text) if len(word) >= 6)


def french_html(markup: str, names: frozenset[str] = frozenset()) -> str:
    """`french_text` on every text node of an HTML document or fragment, except verbatim ones;
    ordinals, ranges and proper names (those of `names`, and the house style's rules) marked up.

    Runs of 30 characters or more without a space get break opportunities (`<wbr>`).
    """
    pieces = _TAG.split(markup)
    verbatim = 0
    in_title = False
    before = " "
    for index, piece in enumerate(pieces):
        if index % 2:  # a tag, comment or doctype
            name = _TAG_NAME.match(piece)
            if name is None:
                continue
            tag = name.group(2).lower()
            if tag == "title":
                in_title = not name.group(1)
            if tag in _VERBATIM and not piece.endswith("/>"):
                verbatim = max(verbatim + (-1 if name.group(1) else 1), 0)
            elif tag in _BLOCKS:
                before = " "
            continue
        if verbatim or not piece:
            continue
        text = html.unescape(piece)
        if not text.strip():
            before = before if not text else text[-1]
            continue
        done = french_text(text, before)
        if in_title:
            pieces[index] = html.escape(done, quote=False)
        elif _MARKED.search(pieces[index - 1] if index else ""):  # marked up already
            pieces[index] = _escaped_breakable(done)
        else:
            pieces[index] = _house_markup(_escaped_breakable(done), names)
        before = done[-1]
    return "".join(pieces)


__all__ = [
    "NBSP",
    "NNBSP",
    "RUNNING_HEAD_CHARACTERS",
    "french_html",
    "french_text",
    "in_words",
    "proper_names",
    "running_head",
]
