"""What the tool prints is safe to print: on any terminal encoding, and whatever bytes a file holds.

- `printable`: a text with its control characters (but the tab) shown escaped (`\\x1b`, `\\u202e`):
  an escape sequence in a heading or a file name is never replayed on a terminal, never makes a
  report invalid XML. Bidirectional overrides count as controls (they reorder what is shown).
- `safe_streams`: standard output and error keep the terminal's encoding (Latin-1 under
  `LANG=fr_FR.ISO-8859-1`, ASCII under some `LANG=C`), and a character it lacks is written as its
  nearest form (`’` as `'`, the narrow no-break space as a space, `é` as `e` in ASCII), else `?`,
  instead of ending the command in an encoding error.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import re
import sys
import unicodedata
from collections.abc import Iterator

from ptce_mono.core.i18n import _

ERRORS = "ptce-mono-terminal"
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NEAREST = {
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2026": "...",
    "\u2013": "-",
    "\u2014": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u2192": "->",
    "\u2714": "v",
    "\u00b7": ".",
}


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, keep_lines: bool = False) -> str:
    """`text` with every control character written as an escape (line breaks kept when
    `keep_lines`)."""
    if keep_lines:
        return "\n".join(_CONTROLS.sub(_escaped, line) for line in text.split("\n"))
    return _CONTROLS.sub(_escaped, text)


def _nearest(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for character in error.object[error.start : error.end]:
        candidates = [_NEAREST.get(character, ""), unicodedata.normalize("NFKD", character)[:1]]
        for candidate in candidates:
            try:
                if candidate:
                    candidate.encode(error.encoding)
                    out.append(candidate)
                    break
            except UnicodeEncodeError:
                continue
        else:
            out.append("?")
    return "".join(out), error.end


codecs.register_error(ERRORS, _nearest)


def safe_streams() -> None:
    """Standard output and error never fail on a character their encoding lacks."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and codecs.lookup(stream.encoding).name != "utf-8":
            stream.reconfigure(errors=ERRORS)


class PrintableFormatter(logging.Formatter):
    """Log lines with their control characters escaped."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record), keep_lines=True)


def log_to_terminal(level: int, line: str) -> None:
    """`logging.basicConfig`, each line formatted as `line` with its control characters escaped."""
    logging.basicConfig(level=level, format=line)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(PrintableFormatter(line))




@contextlib.contextmanager
def build_progress(enabled: bool) -> Iterator[None]:
    """A one-line status on a terminal while the build runs, fed by the build's log messages."""
    if not enabled or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(_("Building the dossier…")) as status:

        class ToStatus(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                status.update(record.getMessage() + "…")

        handler = ToStatus(logging.INFO)
        logger = logging.getLogger("ptce_mono.commands.build")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        try:
            yield
        finally:
            logger.removeHandler(handler)


__all__ = ["ERRORS", "PrintableFormatter", "build_progress", "log_to_terminal", "printable", "safe_streams"]
