"""WeasyPrint, imported without the library search that cost every build 0.2 s.

WeasyPrint opens Pango, HarfBuzz, fontconfig and GObject under a list of names each, Windows'
and macOS' names before the Linux soname. cffi passes every name that dlopen refuses to
`ctypes.util.find_library`, which on Linux runs ldconfig, gcc and ld in subprocesses: about
fifty of them, on the way of the first typesetting process, before any page is laid out.

On Linux the soname (`libpango-1.0.so.0`), which dlopen finds by itself wherever
find_library would, is in every list; so find_library answers "not found" at once while
WeasyPrint is imported. Should the import fail all the same (a library known by another name
only), it is done again with the real search, as WeasyPrint does it.
"""

from __future__ import annotations

import ctypes.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def _not_searched(name: str) -> str | None:
    return None


@contextmanager
def _sonames_only() -> Iterator[None]:
    real = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        yield
    finally:
        ctypes.util.find_library = real


def _forget_partial_import() -> None:
    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        del sys.modules[name]


if sys.platform.startswith("linux"):
    try:
        with _sonames_only():
            import weasyprint.text.ffi  # noqa: F401  # opens the libraries
    except OSError:
        _forget_partial_import()

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.formatting_structure.boxes import InlineBlockBox, TextBox  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

__all__ = [
    "CSS",
    "HTML",
    "FatalURLFetchingError",
    "FontConfiguration",
    "InlineBlockBox",
    "TextBox",
    "URLFetcher",
    "URLFetcherResponse",
]
