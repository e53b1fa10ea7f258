"""`ptce-mono new`: a monograph skeleton generated from the grid, never written by hand.

Every field is present (required ones marked), every section heading is there with its guiding
questions as comments. The skeleton parses cleanly; `check` then lists exactly what is left.
"""

from __future__ import annotations

import re

from ptce_mono.core.text import slugify
from ptce_mono.sources.grid import FieldSpec, Grid

_PLACEHOLDER = {
    "slug": "{id}",
    "text": '""',
    "choice": '""',
    "list": "[]",
    "year": '""',
    "count": '""',
    "month": '""',
}


def _field_lines(name: str, spec: FieldSpec, grid: Grid, pole_id: str, pole_name: str) -> list[str]:
    allowed = grid.allowed_values(spec)
    note = ("requis — " if spec.required else "") + spec.description
    if allowed:
        note += f" Valeurs : {', '.join(allowed)}."
    lines = [f"# {note}"]
    if name == "id":
        lines.append(f"id: {pole_id}")
    elif name == "name":
        lines.append(f'name: "{pole_name}"')
    elif name == "status":
        lines.append("status: draft")
    elif spec.type == "motto":
        lines += ["motto:", '  text: ""', '  attribution: ""']
    elif spec.type == "location":
        lines += [
            "location:",
            '  commune: ""',
            '  departement: ""  # code : "40", "2A"',
            '  region_study: ""  # région avant 2015',
            '  region_today: ""  # région actuelle',
        ]
    elif spec.type == "people":
        lines += [f"{name}:", '  - name: ""', '    role: ""', '    as_of: ""  # année où elle tient ce rôle']
    elif spec.type == "count":
        lines += [
            f"{name}:",
            '  value: ""  # le nombre ; « environ » : qualifier: environ',
            '  as_of: ""  # année que décrit la source',
            '  # source: "[@cle, p. 2]"',
        ]
    elif spec.type == "counts":
        units = ", ".join(allowed)
        lines += [
            f"{name}:  # un effectif par ligne",
            '  - value: ""',
            f'    unit: ""  # {units}' if units else '    unit: ""',
            '    as_of: ""  # année que décrit la source',
            '    # scope: ""  # périmètre : le pôle, les entreprises membres...',
            '    # source: "[@cle, p. 2]"',
        ]
    elif spec.type == "members":
        lines += [
            f"{name}:  # les structures que nomment les sources",
            '  - name: ""',
            '    type: ""  # voir les valeurs ci-dessus',
            '    role: ""  # membre fondateur, structure porteuse...',
            '    joined: ""  # année d\'adhésion',
            '    as_of: ""  # année que décrit la source',
            '    source: "[@cle, p. 2]"',
        ]
    elif spec.type == "funding":
        lines += [
            f"{name}:",
            '  as_of: ""  # année de la répartition',
            '  source: "[@cle, p. 3]"',
            '  budget: {amount: "", as_of: ""}  # en euros',
            '  shares:  # 100 % au total ; la part que les sources ne ventilent pas : « non précisé »',
            '    - {category: "", share: ""}',
            '  note: ""',
        ]
    elif spec.type == "sources":
        lines += [
            f"{name}:",
            '  - title: ""',
            '    publisher: ""',
            '    date: ""',
            '    kind: ""  # entretien, document, page web, présentation, compte rendu',
        ]
    elif spec.type == "swot":
        # One whole item shows the three keys; the themes are listed with their labels.
        themes = grid.vocabularies.get("swot_theme")
        lines += [
            f"{name}:",
            "  strengths:  # atouts",
            '    - text: ""  # l\'atout, en une phrase tirée du texte',
            '      theme: ""  # un des thèmes ci-dessous',
            '      section: ""  # la section d\'où il vient : ' + ", ".join(grid.section_ids[:4]) + "...",
            "  weaknesses: []  # faiblesses, mêmes clés",
            "  opportunities: []  # opportunités",
            "  threats: []  # menaces",
        ]
        if themes is not None:
            # Comments even once the block is uncommented.
            lines += ["# Thèmes :"] + [f"#   {v} : {themes.label(v)}" for v in themes.values]
    elif spec.type in ("summaries", "scores"):
        lines.append(f"{name}: {{}}")
    else:
        placeholder = _PLACEHOLDER.get(spec.type, '""').replace("{id}", pole_id)
        lines.append(f"{name}: {placeholder}")
    return lines


# Words left out of a default id: articles and prepositions, and the words every pole's name
# shares ("Pôle territorial de coopération économique ...").
_NOT_IN_ID = frozenset(
    (
        *("a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "pour"),
        *("sur", "un", "une", "pole", "poles", "ptce", "territorial", "territoriale", "territoriaux"),
        *("cooperation", "economique"),
    )
)


def default_id(pole_name: str) -> str:
    """A short id for `pole_name`: its first three significant words (`Pôle territorial des Deux
    Rives` -> `deux-rives`), or the whole name when it has none."""
    words = re.findall(r"[a-z0-9]+", slugify(pole_name))
    significant = [w for w in words if w not in _NOT_IN_ID]
    return "-".join(significant[:3]) or "-".join(words[:3]) or "pole"


def scaffold(grid: Grid, pole_name: str, pole_id: str | None = None) -> str:
    """The text of a new monograph for `pole_name`."""
    pole_id = pole_id or default_id(pole_name)
    front: list[str] = []
    for name, spec in grid.fields.items():
        if not spec.required and spec.type in ("scores",):
            continue
        lines = _field_lines(name, spec, grid, pole_id, pole_name)
        if not spec.required:
            # Optional fields stay commented out until the author has something to put there.
            lines = [lines[0], *(f"# {line}" for line in lines[1:])]
        front += lines
    body = []
    for section in grid.sections:
        marker = "requise" if section.required else "facultative"
        questions = "\n".join(f"     - {q}" for q in section.questions)
        body.append(
            f"## {section.title}\n\n"
            f"<!-- Section {marker}, {section.min_words} mots au moins. Questions :\n{questions}\n"
            "     Si les sources ne disent rien, écrire à la place :\n"
            "     ::: lacune\n     Les sources consultées ne disent rien de ...\n     :::\n-->\n"
        )
    return "---\n" + "\n".join(front) + "\n---\n\n" + "\n".join(body)
