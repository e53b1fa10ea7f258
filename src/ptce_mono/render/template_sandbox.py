"""The environment every template of the dossier runs in: Jinja's sandbox, narrowed to the data.

A project's templates come with a contributor's branch, and a reviewer builds it: a template must
not reach Python itself. Jinja's `ImmutableSandboxedEnvironment` already refuses private and
internal attributes (`__class__`, `__globals__`, `mro`, a function's code) and the methods that
change a list or a dict; here, besides:

- only what the dossier's data needs may be called: the text and collection methods of plain
  values, the macros and loop helpers of Jinja, the methods of the analysis and render stages'
  records (`matrix.cell(...)`), and the functions the tool passes in. A `Path` passed in (the
  settings hold some) can be printed, never opened, written or listed;
- work is bounded: `range` counts to at most `MAX_RANGE` and all the ranges of one rendering to
  `RANGE_BUDGET`; a repetition (`'x' * n`), a power, a `%` format or a filter's number argument
  cannot ask for more than `MAX_ITEMS` items or columns; `lipsum` is not offered;
- any failure of a template, refused or not, is a `RenderError` naming the template file and
  its line, never a traceback.

Limit: a template's own loops over the dossier's data are bounded by that data, not in time.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import traceback
import types
from collections.abc import Callable, Iterable
from typing import Any

from jinja2 import BaseLoader, Template, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.runtime import BlockReference, LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace
from markupsafe import Markup, escape

from ptce_mono.core.errors import RenderError
from ptce_mono.core.i18n import _

MAX_RANGE = 100_000  # items of one `range`
RANGE_BUDGET = 2_000_000  # items of all the `range`s of one rendering
MAX_EXPONENT = 1024
MAX_ITEMS = 1_000_000  # characters or items one operation may make; a filter's number argument

# Values whose methods a template may call: plain data. Mutating methods of lists and dicts are
# refused by the immutable sandbox before a call is even considered.
_PLAIN = (str, Markup, int, float, bool, list, tuple, dict, set, frozenset, dt.date, dt.datetime)
# Jinja's own objects a template calls: macros, `caller()`, `super()`, `loop.cycle()`, cyclers.
_JINJA = (Macro, BlockReference, LoopContext, Cycler, Joiner)
# The stages whose records (plain data with lookup methods) the templates receive.
_RECORD_MODULES = ("ptce_mono.analysis.", "ptce_mono.render.")
_WIDE_FORMAT = re.compile(r"\d{7,}")  # a width or precision of a million columns or more


class TemplateRefused(SecurityError):
    """What the sandbox refuses, with a message in the user's language."""


def _shown(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


class _Budget:
    def __init__(self) -> None:
        self.left = RANGE_BUDGET


class DossierSandbox(ImmutableSandboxedEnvironment):
    """The sandboxed environment of the dossier's templates (see the module's docstring)."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, loader: BaseLoader, **options: Any) -> None:
        super().__init__(loader=loader, **options)
        self.template_class = SandboxedTemplate
        self.budget = _Budget()
        self.globals.pop("lipsum", None)
        self.globals["range"] = self._range
        self.filters = {name: self._bounded_filter(f) for name, f in self.filters.items()}

    def get_template(self, name: Any, parent: str | None = None, globals: Any = None) -> Template:
        try:
            return super().get_template(name, parent, globals)
        except TemplateSyntaxError as exc:
            raise template_failure(exc, None) from None

    # -- what may be called --------------------------------------------------------------------

    def _is_tool_function(self, obj: Any) -> bool:
        return any(obj is value for value in self.globals.values()) or obj is escape

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if isinstance(obj, functools.partial):
            return self.is_safe_callable(obj.func)
        if isinstance(obj, _JINJA) or obj in (Cycler, Joiner, Namespace, dict):
            return True
        if self._is_tool_function(obj) or obj in self.filters.values():
            return True
        wrapped = getattr(obj, "__wrapped__", None)  # the sandbox's own `str.format`
        if wrapped is not None and isinstance(getattr(wrapped, "__self__", None), str):
            return True
        owner = getattr(obj, "__self__", None)
        if isinstance(obj, types.MethodType | types.BuiltinMethodType) and owner is not None:
            return isinstance(owner, _PLAIN + _JINJA) or type(owner).__module__.startswith(_RECORD_MODULES)
        return False

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if not __self.is_safe_callable(__obj):
            name = getattr(__obj, "__qualname__", None) or type(__obj).__name__
            raise TemplateRefused(_("`{name}` may not be called from a template").format(name=name))
        _check_numbers(args, kwargs)
        wrapped = getattr(__obj, "__wrapped__", None)
        if wrapped is not None and _WIDE_FORMAT.search(str(getattr(wrapped, "__self__", ""))):
            raise TemplateRefused(_too_many(MAX_ITEMS + 1))
        return __context.call(__obj, *args, **kwargs)

    # -- what may be read ------------------------------------------------------------------------

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        return self.undefined(
            _("`{attribute}` of a {kind} is not available to templates").format(
                attribute=attribute, kind=type(obj).__name__
            ),
            name=attribute,
            obj=obj,
            exc=TemplateRefused,
        )

    # -- bounded work ----------------------------------------------------------------------------

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > MAX_RANGE:
            raise TemplateRefused(
                _("range() of {count} items: a template counts to at most {limit}").format(
                    count=len(numbers), limit=MAX_RANGE
                )
            )
        self.budget.left -= len(numbers)
        if self.budget.left < 0:
            raise TemplateRefused(
                _("the template's loops count more than {limit} items in all").format(limit=RANGE_BUDGET)
            )
        return numbers

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                sequence = isinstance(sized, str | list | tuple) and isinstance(count, int)
                made = len(sized) * count if sequence else 0
                if made > MAX_ITEMS:
                    raise TemplateRefused(_too_many(made))
        elif operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise TemplateRefused(_("a power of {exponent}: too large for a template").format(exponent=right))
        elif operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise TemplateRefused(_too_many(MAX_ITEMS + 1))
        return super().call_binop(context, operator, left, right)

    def _bounded_filter(self, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            _check_numbers(args, kwargs)
            if function.__name__ == "do_format" and args and _WIDE_FORMAT.search(str(args[0])):
                raise TemplateRefused(_too_many(MAX_ITEMS + 1))
            return function(*args, **kwargs)

        return bounded


def _too_many(count: int) -> str:
    return _("this would make {count} items; a template may make at most {limit}").format(
        count=count, limit=MAX_ITEMS
    )


def _check_numbers(args: Iterable[Any], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ITEMS:
            raise TemplateRefused(_too_many(abs(value)))


class SandboxedTemplate(Template):
    """A template whose failures are `RenderError`s naming the template file and line."""

    environment: DossierSandbox

    def render(self, *args: Any, **kwargs: Any) -> str:
        self.environment.budget = _Budget()
        try:
            return super().render(*args, **kwargs)
        except RenderError:
            raise
        except Exception as exc:  # whatever a template does wrong is the template's error
            raise template_failure(exc, self.filename) from None


def template_failure(exc: BaseException, filename: str | None) -> RenderError:
    """`exc`, raised while a template was loaded or rendered, as a message with file:line."""
    path, line = filename, None
    if isinstance(exc, TemplateSyntaxError):
        path, line = exc.filename or filename, exc.lineno
    else:
        # Jinja rewrites the traceback so that template frames carry the template's file and line.
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.endswith((".html", ".xml", ".txt", ".j2")) and os.path.isabs(frame.filename):
                path, line = frame.filename, frame.lineno
    where = f"{_shown(path)}:{line}" if path and line else _shown(path) if path else _("a template")
    if isinstance(exc, SecurityError):
        reason = _("the template may not do this: {reason}").format(reason=exc)
    elif isinstance(exc, TemplateSyntaxError):
        reason = _("the template cannot be read: {reason}").format(reason=exc.message)
    elif isinstance(exc, RecursionError):
        reason = _("the template calls itself without end")
    else:
        reason = _("the template failed: {reason}").format(reason=f"{type(exc).__name__}: {exc}")
    return RenderError(f"{where}: {reason}")


__all__ = ["MAX_RANGE", "DossierSandbox", "SandboxedTemplate", "TemplateRefused", "template_failure"]
