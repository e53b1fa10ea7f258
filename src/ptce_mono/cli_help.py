"""The command line's help, in the language spoken.

The commands' docstrings and the options' `help=` texts are message ids of the catalog:
`extract_help` gives them to `make catalogs` (babel.cfg), and `Command` and `Group` translate them
when the help is shown, once `--lang` has been read, not when the module is imported. The
headings (usage, options, commands) and the help and version options speak the same language.

click's own words (`[default: …]`, « Error: », « Missing argument », « Try … for help ») come from
its gettext calls, which `core.i18n` points at the `click` catalog. What click does not translate
is named here: the metavars (`TEXT`, `PATH`, an argument's name: `Option` and `Argument` name them
when shown), `[OPTIONS]` and `COMMAND [ARGS]...` in the usage line, `required` in the help.
"""

from __future__ import annotations

import ast
import inspect
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, TypeVar

import click

from ptce_mono.core.i18n import N_, _, current_language, set_language

F = TypeVar("F", bound=Callable[..., Any])
HELP_OPTION = N_("Show this message and exit.")
VERSION_OPTION = N_("Show the version and exit.")
OPTIONS_METAVAR = N_("[OPTIONS]")
COMMAND_METAVAR = N_("COMMAND [ARGS]...")
REQUIRED = N_("required")


def choose_language(_ctx: click.Context, _param: click.Parameter, language: str | None) -> str | None:
    """`--lang`'s callback. The option is eager: given before `--help`, it is read first, and the
    help speaks the language asked for."""
    set_language(language)
    return language


def _heading(text: str) -> str:
    """A section heading: click writes the colon after it, which French spaces from the word."""
    return text + "\u00a0" if current_language() == "fr" else text


@contextmanager
def _spoken(commands: Iterable[click.Command]) -> Iterator[None]:
    """The help texts of `commands` and of their parameters translated, for the time of a help."""
    saved: list[tuple[Any, str]] = []
    for command in commands:
        holders: list[Any] = [command, *command.params]
        for holder in holders:
            text = getattr(holder, "help", None)
            if text:
                saved.append((holder, text))
                holder.help = _(inspect.cleandoc(text))
    try:
        yield
    finally:
        for holder, text in saved:
            holder.help = text


def _type_word(param_type: click.ParamType[Any]) -> str | None:
    """The metavar of a value of `param_type`, as a catalog message; None when the type names
    its values itself (a choice lists them)."""
    if isinstance(param_type, click.Path):
        if param_type.file_okay and not param_type.dir_okay:
            return N_("FILE")
        return N_("FOLDER") if param_type.dir_okay and not param_type.file_okay else N_("PATH")
    if isinstance(param_type, click.types.IntParamType):  # IntRange too: its range follows
        return N_("INTEGER")
    if isinstance(param_type, click.types.StringParamType):
        return N_("TEXT")
    return None


class PathType(click.Path):
    """`click.Path`, named in its errors (« Dossier 'x' introuvable ») in the language spoken when
    the error is said: click names it once, when the command line is declared."""

    @property
    def name(self) -> str:
        if self.file_okay and not self.dir_okay:
            return _("file")
        return _("folder") if self.dir_okay and not self.file_okay else _("path")

    @name.setter
    def name(self, _given: str) -> None:
        pass


class Option(click.Option):
    """An option whose metavar and `[required]` are said in the language spoken."""

    def make_metavar(self, ctx: click.Context) -> str:
        word = _type_word(self.type) if self.metavar is None else self.metavar
        if word is None or self.type.get_metavar(param=self, ctx=ctx):
            return super().make_metavar(ctx)
        return _(word) + ("..." if self.nargs != 1 else "")

    def get_help_extra(self, ctx: click.Context) -> click.types.OptionHelpExtra:
        extra = super().get_help_extra(ctx)
        if "required" in extra:
            extra["required"] = _(REQUIRED)  # click passes it through its own catalog, which lacks it
        return extra


class Argument(click.Argument):
    """An argument whose name (its metavar: `metavar=N_("NAME")`) is said in the language spoken,
    in the help and in click's errors (« Argument manquant 'NOM' »)."""

    def make_metavar(self, ctx: click.Context) -> str:
        word = _(self.metavar or (self.name or "").upper())
        if not self.required:
            word = f"[{word}]"
        return word + ("..." if self.nargs != 1 else "")


def option(*declarations: str, **settings: Any) -> Callable[[F], F]:
    """`click.option` with `Option`."""
    return click.option(*declarations, cls=Option, **settings)


def argument(*declarations: str, **settings: Any) -> Callable[[F], F]:
    """`click.argument` with `Argument`."""
    return click.argument(*declarations, cls=Argument, **settings)


class Command(click.Command):
    def main(self, *args: Any, **settings: Any) -> Any:
        # The language of the environment from the start: click's errors about the first
        # options, before `--lang` is read, speak it too.
        set_language(None)
        return super().main(*args, **settings)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _spoken([self]):
            super().format_help(ctx, formatter)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        if self.options_metavar and pieces[:1] == [self.options_metavar]:
            pieces[0] = _(OPTIONS_METAVAR)
        return pieces

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), _("Usage: "))

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = [p.get_help_record(ctx) for p in self.get_params(ctx) if isinstance(p, click.Argument)]
        rows = [record for record in records if record is not None]
        if any(text for _name, text in rows):
            with formatter.section(_heading(_("Arguments"))):
                formatter.write_dl(rows)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The help option is made once, in the language spoken then: its text is said again.
        help_option = self.get_help_option(ctx)
        records = []
        for param in self.get_params(ctx):
            record = None if isinstance(param, click.Argument) else param.get_help_record(ctx)
            if record is not None:
                records.append((record[0], _(HELP_OPTION) if param is help_option else _(record[1])))
        if records:
            with formatter.section(_heading(_("Options"))):
                formatter.write_dl(records)


class Group(Command, click.Group):
    command_class = Command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _spoken([self, *self.commands.values()]):
            click.Group.format_help(self, ctx, formatter)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = Command.collect_usage_pieces(self, ctx)
        if pieces and pieces[-1] == self.subcommand_metavar:
            pieces[-1] = _(COMMAND_METAVAR)
        return pieces

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        Command.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with formatter.section(_heading(_("Commands"))):
                formatter.write_dl(rows)


def extract_help(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, Any, Any, Any]]:
    """Babel extraction for cli.py: its `_()` messages, the commands' docstrings and the
    options' `help=` texts, as `Command` and `Group` look them up."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and any(_is_command(d) for d in node.decorator_list):
            docstring = ast.get_docstring(node)
            if docstring:
                yield node.lineno, "_", docstring, []
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg == "help" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    yield value.lineno, "_", inspect.cleandoc(value.value), []


def _is_command(decorator: ast.expr) -> bool:
    called = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
    return name in ("command", "group")


__all__ = [
    "HELP_OPTION",
    "VERSION_OPTION",
    "Argument",
    "Command",
    "Group",
    "Option",
    "PathType",
    "argument",
    "choose_language",
    "extract_help",
    "option",
]
