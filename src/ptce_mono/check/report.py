"""Problem reports for people (text with a code frame), machines (json, junit) and GitHub.

Every format shows a problem's path, message and hint with their control characters escaped
(`core.terminal.printable`): a heading holding an escape sequence is not replayed on a terminal,
and the JUnit report stays valid XML."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ptce_mono.check.citations import citing_share
from ptce_mono.check.validate import GAP, MISSING, PARTIAL, THIN, WRITTEN, section_state
from ptce_mono.core.i18n import N_, _, ngettext
from ptce_mono.core.problems import Problem, Severity
from ptce_mono.core.project_files import MAX_SOURCE_BYTES, read_head
from ptce_mono.core.terminal import printable
from ptce_mono.sources.grid import Grid
from ptce_mono.sources.monograph import Monograph

GITHUB_ANNOTATION_CAP = 10  # GitHub shows at most 10 annotations of each kind per step
FORMATS = ("text", "json", "github", "junit", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# The severity as people read it in the text format; machine formats keep `str(severity)`.
SEVERITY_WORDS = {Severity.ERROR: N_("error"), Severity.WARNING: N_("warning"), Severity.INFO: N_("info")}


# Problems about a file that was refused: it is not read for a frame either.
UNREAD = frozenset(
    {"link-outside", "not-a-file", "file-too-large", "unreadable", "no-such-file", "config-unreadable"}
)
FRAME_BYTES = MAX_SOURCE_BYTES  # a frame never reads more of a file than a monograph may hold


def _shown(problems: list[Problem]) -> list[Problem]:
    """The problems as they may be printed: control characters escaped in what a file said."""
    return [
        dataclasses.replace(p, path=printable(p.path), message=printable(p.message), hint=printable(p.hint))
        for p in problems
    ]


def _frame(problem: Problem, cache: dict[str, list[str]], root: Path) -> str:
    if problem.code in UNREAD:
        return ""
    if problem.path not in cache:
        cache.clear()  # problems come sorted by file: one file's lines at a time, not the corpus's
        try:
            head = read_head(Path(os.path.abspath(problem.path)), root, FRAME_BYTES)
            cache[problem.path] = head.decode("utf-8", errors="replace").splitlines()
        except OSError:
            cache[problem.path] = []
    lines = cache[problem.path]
    if not 1 <= problem.line <= len(lines):
        return ""
    text = printable(lines[problem.line - 1])
    if len(text) > 120:
        text = text[:117] + "..."
    gutter = f"{problem.line:>5} | "
    caret = " " * (len(gutter) + min(problem.column - 1, 119)) + "^"
    return f"{gutter}{text}\n{caret}\n"


def format_text(problems: list[Problem], frames: bool = True, root: Path | None = None) -> str:
    """Problems as text; each warning and error with the line it is about.

    Frames read only regular files under `root` (default: the working folder), a bounded
    window of each, and never a file the check refused.
    """
    cache: dict[str, list[str]] = {}
    base = root or Path.cwd()
    out = []
    for p, read in zip(_shown(problems), problems, strict=True):
        out.append(f"{p.location()}: {_(SEVERITY_WORDS[p.severity])}: {p.message} [{p.code}]\n")
        if frames and p.severity >= Severity.WARNING:
            out.append(_frame(read, cache, base))
        if p.hint:
            out.append("      " + _("hint: {hint}").format(hint=p.hint) + "\n")
    return "".join(out)


def format_json(problems: list[Problem]) -> str:
    problems = _shown(problems)
    return (
        json.dumps(
            [
                {
                    "path": p.path,
                    "line": p.line,
                    "column": p.column,
                    "severity": str(p.severity),
                    "code": p.code,
                    "message": p.message,
                    "hint": p.hint,
                }
                for p in problems
            ],
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def format_github(problems: list[Problem]) -> str:
    """Workflow commands grouped per file, with a closing line when the cap hides some."""
    problems = _shown(problems)
    out = []
    shown = {Severity.ERROR: 0, Severity.WARNING: 0, Severity.INFO: 0}
    hidden = {Severity.ERROR: 0, Severity.WARNING: 0, Severity.INFO: 0}
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        by_file[p.path].append(p)
    for path, items in by_file.items():
        out.append(f"::group::{path}\n")
        for p in items:
            kind = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}[p.severity]
            message = f"{p.message} [{p.code}]" + (f" — {p.hint}" if p.hint else "")
            out.append(
                f"::{kind} file={_gh_escape(p.path, True)},line={p.line},col={p.column},"
                f"title={_gh_escape(p.code, True)}::{_gh_escape(message)}\n"
            )
            if shown[p.severity] < GITHUB_ANNOTATION_CAP:
                shown[p.severity] += 1
            else:
                hidden[p.severity] += 1
        out.append("::endgroup::\n")
    if any(hidden.values()):
        errors, warnings = hidden[Severity.ERROR], hidden[Severity.WARNING]
        out.append(
            "ptce-mono: "
            + ngettext(
                "{count} annotation beyond GitHub's limit of {cap} per kind is not shown on the pull "
                "request ({errors}, {warnings}); the log above lists them all.",
                "{count} annotations beyond GitHub's limit of {cap} per kind are not shown on the pull "
                "request ({errors}, {warnings}); the log above lists them all.",
                sum(hidden.values()),
            ).format(
                count=sum(hidden.values()),
                cap=GITHUB_ANNOTATION_CAP,
                errors=ngettext("{count} error", "{count} errors", errors).format(count=errors),
                warnings=ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings),
            )
            + "\n"
        )
    return "".join(out)


def format_junit(problems: list[Problem], files: list[str]) -> str:
    problems, files = _shown(problems), [printable(f) for f in files]
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        by_file[p.path].append(p)
    all_files = list(dict.fromkeys([*files, *by_file]))
    failures = sum(1 for f in all_files if any(p.severity == Severity.ERROR for p in by_file[f]))
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<testsuite name="ptce-mono check" tests="{len(all_files)}" failures="{failures}">\n',
    ]
    for path in all_files:
        errors = [p for p in by_file[path] if p.severity == Severity.ERROR]
        out.append(f'  <testcase classname="ptce-mono" name={quoteattr(path)}>\n')
        if errors:
            body = "\n".join(f"{p.location()}: {p.message} [{p.code}]" for p in errors)
            said = ngettext("{count} error", "{count} errors", len(errors)).format(count=len(errors))
            out.append(f"    <failure message={quoteattr(said)}>{escape(body)}</failure>\n")
        others = [p for p in by_file[path] if p.severity != Severity.ERROR]
        if others:
            body = "\n".join(
                f"{p.location()}: {_(SEVERITY_WORDS[p.severity])}: {p.message} [{p.code}]" for p in others
            )
            out.append(f"    <system-out>{escape(body)}</system-out>\n")
        out.append("  </testcase>\n")
    out.append("</testsuite>\n")
    return "".join(out)


def format_sarif(problems: list[Problem], version: str) -> str:
    """SARIF 2.1.0, the format code-scanning services read."""
    problems = _shown(problems)
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    rules = sorted({p.code for p in problems})
    results = [
        {
            "ruleId": p.code,
            "level": levels[p.severity],
            "message": {"text": p.message + (f" — {p.hint}" if p.hint else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": p.path},
                        "region": {"startLine": p.line, "startColumn": p.column},
                    }
                }
            ],
        }
        for p in problems
    ]
    log = {
        "version": "2.1.0",
        "$schema": SARIF_SCHEMA,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ptce-mono",
                        "version": version,
                        "rules": [{"id": code, "shortDescription": {"text": code}} for code in rules],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


# A section's state in the summary: a sign, or a word as wide as a column.
_SYMBOLS = {WRITTEN: "✔", PARTIAL: "◐", THIN: "~", GAP: N_("gap"), MISSING: "·"}
_STATUS = {"published": N_("published"), "draft": N_("draft")}
COLUMN = 6


def completeness_rows(monographs: list[Monograph], grid: Grid) -> list[dict[str, Any]]:
    rows = []
    for m in sorted(monographs, key=lambda m: m.id):
        states = {s.id: section_state(m, s.id, grid) for s in grid.sections}
        unknown = sorted(k for k, v in m.meta.items() if type(v).__name__ == "Unknown")
        rows.append({"id": m.id, "status": m.status, "sections": states, "unknown_fields": unknown})
    return rows


def _column_label(title: str) -> str:
    """A section's column: the first word of its heading that is not an article, cut to fit."""
    words = [w for w in re.split(r"[\s’']+", title) if w.lower() not in {"le", "la", "les", "l", "d", "de"}]
    word = (words or [title])[0]
    return word[:1].upper() + word[1 : COLUMN - 1]


def format_summary(monographs: list[Monograph], grid: Grid) -> str:
    """Pole x section table: ✔ written, ◐ partial, ~ thin, gap, · missing; then unknown fields.
    The columns are named after the headings an author writes (`## Genèse`)."""
    rows = completeness_rows(monographs, grid)
    if not rows:
        return _("No monograph found.") + "\n"
    width = max(len(str(r["id"])) for r in rows) + 2
    statuses = {status: _(word) for status, word in _STATUS.items()}
    status_width = max(11, *(len(word) + 2 for word in statuses.values()))
    legend = _("Completeness (✔ written, ◐ partial, ~ thin, {gap} = sources silent, · missing; * required)")
    out = [legend.format(gap=_(_SYMBOLS[GAP])) + "\n"]
    sections = grid.sections
    header = (
        _("pole").ljust(width)
        + _("status").ljust(status_width)
        + " ".join(("*" if s.required else " ") + _column_label(s.title).ljust(COLUMN - 1) for s in sections)
    )
    out.append(header + "  " + _("unknown fields") + "\n")
    for r in rows:
        states = r["sections"]
        cells = " ".join(_(_SYMBOLS[states[s.id]]).center(COLUMN) for s in grid.sections)
        unknown = ", ".join(r["unknown_fields"])
        status = statuses.get(str(r["status"]), str(r["status"]))
        out.append(f"{str(r['id']).ljust(width)}{status.ljust(status_width)}{cells}  {unknown}\n")
    published = sum(1 for r in rows if r["status"] == "published")
    drafts = len(rows) - published
    out.append(
        _("{monographs}: {published}, {drafts}").format(
            monographs=ngettext("{count} monograph", "{count} monographs", len(rows)).format(count=len(rows)),
            published=ngettext("{count} published", "{count} published", published).format(count=published),
            drafts=ngettext("{count} draft", "{count} drafts", drafts).format(count=drafts),
        )
        + "\n"
    )
    out.append("\n" + _("Citations (paragraphs that cite a source / paragraphs)") + "\n")
    for monograph in sorted(monographs, key=lambda m: m.id):
        citing, paragraphs = citing_share(monograph)
        share = f"{100 * citing / paragraphs:3.0f} %" if paragraphs else "  — "
        out.append(f"{monograph.id.ljust(width)}{share}  ({citing}/{paragraphs})\n")
    return "".join(out)
