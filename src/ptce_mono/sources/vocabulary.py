"""A value among a vocabulary's: the exact one, or a message naming the value meant.

The reader's `Choice` and the converters that find a vocabulary's value inside a text (the unit
of `85 ETP`) report a wrong value the same way: the value written in another case or without its
accents is named, else the closest value is suggested and the allowed ones listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ptce_mono.core.i18n import _
from ptce_mono.core.text import did_you_mean, normalise


class Reporter(Protocol):
    """Where a value is read (the reader's `At`): its name in messages, and where to report."""

    @property
    def name(self) -> str: ...

    def error(self, code: str, message: str, hint: str = "") -> None: ...

    def warning(self, code: str, message: str, hint: str = "") -> None: ...


def allowed_value(
    text: str, values: tuple[str, ...], at: Reporter, code: str = "bad-value", any_case: bool = False
) -> str | None:
    """`text` if it is one of `values` (or, with `any_case`, the value it names in another case);
    else None, after reporting it with the value meant or a did-you-mean."""
    if text in values:
        return text
    for candidate in values:
        if any_case and candidate.casefold() == text.casefold():
            return candidate
        if normalise(candidate) == normalise(text):
            message = _("`{name}`: write `{expected}`, not `{found}`")
            hint = _("Values are written exactly as in the grid.")
            at.error(code, message.format(name=at.name, expected=candidate, found=text), hint)
            return None
    allowed = _("Allowed: {values}.").format(values=", ".join(values))
    at.error(
        code,
        _("`{name}`: `{found}` is not an allowed value").format(name=at.name, found=text),
        " ".join(filter(None, (did_you_mean(text, list(values)), allowed))),
    )
    return None


@dataclass(frozen=True)
class AsWarning:
    """Reports what `at` would report as an error as a warning instead: for a form that stays
    valid although its value is outside the vocabulary (an undated count's unit)."""

    at: Reporter
    hint: str = ""  # added after the hint of each warning

    @property
    def name(self) -> str:
        return self.at.name

    def error(self, code: str, message: str, hint: str = "") -> None:
        self.at.warning(code, message, " ".join(filter(None, (hint, self.hint))))

    def warning(self, code: str, message: str, hint: str = "") -> None:
        self.at.warning(code, message, hint)


__all__ = ["AsWarning", "Reporter", "allowed_value"]
