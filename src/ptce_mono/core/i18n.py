"""The language ptce-mono speaks: French by default, English on request.

Messages are written in English in the source (they are gettext's message ids, and what a
developer reads) and translated through the French catalog in `locale/`. French is spoken unless
the locale asks for English (`LANG=en_US.UTF-8`, or LANGUAGE, LC_ALL, LC_MESSAGES) or the caller
does (`ptce-mono --lang en`): a CI machine with no locale, or `C.UTF-8`, gets French, as the
researchers who read its logs do. Message codes (`unknown-heading`) are identifiers and are never
translated.

The language is chosen once per process, before any message is made: worker processes forked
afterwards speak the same language.

click, which reads the command line, marks its own words (« Usage », « Error », « Missing
argument », « default », « required »...) with the standard library's `gettext`, in the
process's global text domain. Their French is a second catalog beside ours, `click.po`, which
`make catalogs` extracts from the installed click; `set_language` makes it the global domain and
says the language the standard library's way, in the `LANGUAGE` environment variable (which the
processes the tool starts inherit, so they speak the same language).
"""

from __future__ import annotations

import errno
import gettext
import os
from pathlib import Path

DOMAIN = "ptce_mono"
CLICK_DOMAIN = "click"  # click's own messages, translated in locale/fr/LC_MESSAGES/click.po
LOCALE_FOLDER = Path(__file__).resolve().parents[1] / "locale"
LANGUAGES = ("fr", "en")
_ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_translations: gettext.NullTranslations | None = None
_language = ""


def language_from_environment() -> str:
    """`en` when the first locale variable that is set names English, else `fr`."""
    for name in _ENVIRONMENT:
        value = os.environ.get(name, "").strip()
        if value:
            first = value.split(":")[0].lower()
            return "en" if first.startswith("en") else "fr"
    return "fr"


def set_language(language: str | None) -> str:
    """Speak `language` (`fr` or `en`; None: as the environment says) from now on; the language."""
    global _translations, _language
    chosen = language or language_from_environment()
    if chosen not in LANGUAGES:
        chosen = "fr"
    if chosen == "en":
        _translations = gettext.NullTranslations()
    else:
        _translations = gettext.translation(DOMAIN, LOCALE_FOLDER, languages=[chosen], fallback=True)
    _language = chosen
    gettext.bindtextdomain(CLICK_DOMAIN, str(LOCALE_FOLDER))
    gettext.textdomain(CLICK_DOMAIN)
    os.environ["LANGUAGE"] = chosen
    return chosen


def current_language() -> str:
    if _translations is None:
        set_language(None)
    return _language


def _(message: str) -> str:
    """`message` in the language spoken (an empty text stays empty: gettext would give the
    catalog's header for it)."""
    if not message:
        return message
    if _translations is None:
        set_language(None)
    assert _translations is not None
    return _translations.gettext(message)


def decimal(value: float, places: int = 1) -> str:
    """`value` with `places` decimals, written as the language spoken writes it (6,1 in French)."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if current_language() == "fr" else text


def N_(message: str) -> str:
    """`message` unchanged, marked for the catalog: for a message id kept in data (a spec's
    `what`, a label) and translated by `_()` only when shown, after the language is chosen."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or the plural of a message, as `count` and the language spoken ask."""
    if _translations is None:
        set_language(None)
    assert _translations is not None
    return _translations.ngettext(singular, plural, count)


# The system says why a file could not be read or written in English (`strerror`): the usual
# reasons are said here in the language spoken.
_OS_REASONS = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.EISDIR: N_("it is a folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.ENOSPC: N_("no space left on the device"),
    errno.EROFS: N_("the file system is read-only"),
    errno.EEXIST: N_("it already exists"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.ELOOP: N_("it is a link"),
    errno.EMFILE: N_("too many open files"),
    errno.EIO: N_("input/output error"),
    errno.EDQUOT: N_("disk quota exceeded"),
}


def os_reason(exc: BaseException) -> str:
    """Why reading or writing a file failed (`exc`: an OSError, or a file that is not UTF-8), in the
    language spoken."""
    if isinstance(exc, UnicodeDecodeError):
        return _("it is not UTF-8 text (byte {position})").format(position=exc.start)
    reason = _OS_REASONS.get(getattr(exc, "errno", None) or 0)
    if reason is not None:
        return _(reason)
    return getattr(exc, "strerror", None) or str(exc)


__all__ = [
    "LANGUAGES",
    "N_",
    "_",
    "current_language",
    "decimal",
    "language_from_environment",
    "ngettext",
    "os_reason",
    "set_language",
]
