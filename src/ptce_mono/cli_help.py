"""The command line's help, in the language spoken.

The commands' docstrings and the options' `help=` texts are message ids of the catalog:
`extract_help` gives them to `make catalogs` (babel.cfg), and `Command` and `Group` translate them
when the help is shown, once `--lang` has been read, not when the module is imported. The
headings (usage, options, commands) and the help and version options speak the same language.
"""

from __future__ import annotations

import ast
import inspect
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import click

from ptce_mono.core.i18n import N_, _, current_language, set_language

HELP_OPTION = N_("Show this message and exit.")
VERSION_OPTION = N_("Show the version and exit.")


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


class Command(click.Command):
    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _spoken([self]):
            super().format_help(ctx, formatter)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), _("Usage: "))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The help and version options' texts are click's: the catalog has them too.
        records = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                records.append((record[0], _(record[1])))
        if records:
            with formatter.section(_heading(_("Options"))):
                formatter.write_dl(records)


class Group(Command, click.Group):
    command_class = Command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _spoken([self, *self.commands.values()]):
            click.Group.format_help(self, ctx, formatter)

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


__all__ = ["HELP_OPTION", "VERSION_OPTION", "Command", "Group", "choose_language", "extract_help"]
