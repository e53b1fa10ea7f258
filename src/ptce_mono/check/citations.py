"""Checks of the citations: every key known, every stated fact of a published monograph cited.

- a cited key that no bibliography file defines is an error at the citation, with the nearest
  key suggested; when the key is in a bibliography file that cannot be read, the message says so;
- in a published monograph, a paragraph (or list) that states a figure, a date or a proper name
  and cites nothing itself is an `uncited-claim` warning (`check --strict` fails on it);
- the citations of the front matter (`source:` keys of counts, funding, members...) are checked
  as the text's, at the place of each key;
- a bibliography entry that nothing cites or lists is an info at its own line.
"""

from __future__ import annotations

from pathlib import Path

from ptce_mono.core.i18n import _
from ptce_mono.core.problems import Position, Problem, ProblemList, Severity
from ptce_mono.core.text import did_you_mean
from ptce_mono.sources.bibliography import Bibliography, load_bibliography, shown_path
from ptce_mono.sources.citekeys import KeyUse, citation_spans, scan_section
from ptce_mono.sources.dated import front_matter_citations
from ptce_mono.sources.monograph import Monograph


def source_keys(monograph: Monograph) -> list[KeyUse]:
    """The bibliography keys the front matter's `sources:` lists, where they are written."""
    uses = []
    for entry in monograph.meta.get("sources") or []:
        key = entry.get("key") if isinstance(entry, dict) else None
        if key:
            line, column = str(entry.get("line", "")), str(entry.get("column", ""))
            position = Position(int(line), int(column)) if line.isdigit() and column.isdigit() else Position()
            uses.append(KeyUse(str(key), position))
    return uses


def cited_keys(monograph: Monograph) -> list[KeyUse]:
    """The keys cited in the sections, then in the front matter's `source:` keys, then in the
    SWOT items (at the item's text)."""
    uses = [use for section in monograph.sections for use in section.citations.uses]
    uses += [use for cited in front_matter_citations(monograph.meta) for use in cited.uses]
    for items in (monograph.meta.get("swot") or {}).values():
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            line, column = item.get("text_line"), item.get("text_column")
            where = monograph.front_position
            if isinstance(line, int) and isinstance(column, int):
                where = Position(line, column)
            uses += [KeyUse(key, where) for s in citation_spans(str(item.get("text", ""))) for key in s.keys]
    return uses


def check_text_citations(shown: str, text: str, bibliography: Bibliography) -> list[Problem]:
    """Unknown keys of an editorial text, at their file:line:col."""
    problems = ProblemList(shown)
    for use in scan_section(list(enumerate(text.split("\n"), 1))).uses:
        _key_problem(problems, use, bibliography)
    return problems.items


def _key_problem(problems: ProblemList, use: KeyUse, bibliography: Bibliography) -> None:
    if use.key in bibliography.entries:
        return
    unreadable = bibliography.unreadable.get(use.key)
    if unreadable is not None:
        problems.error(
            use.position,
            "cite-key-unreadable",
            _("`@{key}` is defined only in {file}, which cannot be read").format(
                key=use.key, file=unreadable
            ),
            _("Fix the error reported in {file}; the entry is used once the file reads.").format(
                file=unreadable
            ),
        )
        return
    hint = did_you_mean(use.key, sorted(bibliography.entries))
    if not bibliography.files:
        hint = _("dossier.yaml names no bibliography: add `bibliography: [references.bib]`.")
    problems.error(
        use.position,
        "unknown-cite-key",
        _("`@{key}` is not in the bibliography").format(key=use.key),
        hint or _("Add the entry to the bibliography (Zotero export), or correct the key."),
    )


def own_bibliography(monograph: Monograph, root: Path, problems: ProblemList) -> Bibliography:
    """The bibliography files a monograph's front matter names (`bibliography:`), read."""
    files: list[Path] = []
    for name in monograph.meta.get("bibliography") or []:
        path = (root / name).resolve()
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            if not path.is_relative_to(root.resolve()):
                message = _("`bibliography`: `{name}` is outside the project").format(name=name)
            else:
                message = _("`bibliography`: `{name}` is not found").format(name=name)
            problems.error(
                monograph.front_position,
                "no-such-file",
                message,
                _("Paths are written from the project's folder, e.g. `biblio/pole.bib`."),
            )
        else:
            files.append(path)
    return load_bibliography(files, [shown_path(f, root) for f in files])


def check_citations(
    monographs: list[Monograph], bibliography: Bibliography, root: Path | None = None
) -> list[Problem]:
    """Problems of the citations of `monographs` against `bibliography` (plus each monograph's
    own, named in its front matter from the project folder `root`), and of the bibliographies."""
    found: list[Problem] = list(bibliography.problems)
    used: set[str] = set()
    for monograph in monographs:
        problems = ProblemList(monograph.path)
        known = bibliography
        if monograph.meta.get("bibliography"):
            own = own_bibliography(monograph, root or Path.cwd(), problems)
            found.extend(p for p in own.problems if p not in found)
            known = bibliography.merged(own)
        for use in [*cited_keys(monograph), *source_keys(monograph)]:
            used.add(use.key)
            _key_problem(problems, use, known)
        if monograph.is_published:
            # Every paragraph on its own: a citation in the section's first paragraph does not
            # vouch for the figures, dates and names of the others.
            for section in monograph.sections:
                for position, claim in section.citations.uncited_claims:
                    problems.warning(
                        position,
                        "uncited-claim",
                        _("this paragraph states `{claim}` but cites no source").format(claim=claim),
                        _("Cite the source of this paragraph and its page, e.g. `[@labo2014citego, p. 17]`."),
                    )
        found.extend(problems.items)
    if monographs:
        for key, entry in bibliography.entries.items():
            if key not in used:
                message = _("`{key}` is cited by no monograph").format(key=key)
                found.append(Problem(entry.path, entry.position, Severity.INFO, "unused-bib-entry", message))
    return found


def citing_share(monograph: Monograph) -> tuple[int, int]:
    """Paragraphs that cite a source, and all paragraphs, of a monograph's sections."""
    citing = sum(s.citations.citing for s in monograph.sections)
    return citing, sum(s.citations.paragraphs for s in monograph.sections)


__all__ = [
    "check_citations",
    "check_text_citations",
    "cited_keys",
    "citing_share",
    "own_bibliography",
    "source_keys",
]
