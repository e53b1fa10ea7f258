"""Builds valid monograph texts for tests; each test changes one thing and expects one outcome."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

WORDS = (
    "Le pôle rassemble des associations, des entreprises et des collectivités du territoire "
    "autour de projets communs d'emploi, de formation et de services, dans une démarche "
    "coopérative ancienne et reconnue localement par les partenaires publics et privés. "
    "Ses membres partagent des moyens, des emplois et un lieu, et construisent ensemble des "
    "réponses aux besoins des habitants."
)

FRONT = """\
id: {id}
name: Pôle {id}
status: {status}
location:
  commune: Tarnos
  departement: "40"
  region_study: Aquitaine
  region_today: Nouvelle-Aquitaine
territory_types: [rural]
year_cooperation_began: 2001
year_pole_formed: 2010
carrier: Association porteuse
legal_form: association
member_count: {{value: 20, qualifier: environ, as_of: 2013}}
jobs: {{inconnu: Les sources ne donnent pas d'effectif.}}
activity_types: [services]
cooperation_logics: [mutualisation]
shared_place: aucun
local_authority_roles: [{{role: facilitateur, as_of: 2013}}]
interviewees:
  - name: Jeanne Exemple
    role: coordinatrice
    as_of: 2013
authors: [Comité éditorial]
date_written: 2026-11
sources:
  - title: Document de référence
    publisher: Éditeur
    date: 2013-2014
    kind: document
swot:
  strengths:
    - text: Une coopération ancienne
      theme: culture-cooperation
      section: genesis
"""

SECTIONS = [
    "Résumé",
    "Genèse",
    "Objectifs et activités",
    "Les parties prenantes",
    "Gouvernance",
    "Fonctionnement économique",
    "Impacts sur l'emploi et le territoire",
]


def monograph_text(
    pole_id: str = "pole-test",
    status: str = "published",
    front_extra: str = "",
    sections: list[str] | None = None,
    body: dict[str, str] | None = None,
) -> str:
    body = body or {}
    parts = ["---\n", FRONT.format(id=pole_id, status=status), front_extra, "---\n\n"]
    for title in SECTIONS if sections is None else sections:
        parts.append(f"## {title}\n\n{body.get(title, WORDS)}\n\n")
    return "".join(parts)


def write_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """A temporary project from {relative path: content}."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def invoke(args: list[str], cwd: Path) -> Result:
    """Run the command line in `cwd`, letting any traceback fail the test."""
    from ptce_mono.cli import main

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)


def pdf_outline(reader: Any) -> list[tuple[int, str, int]]:
    """A PDF's outline, flattened: (level, title, page number), in order."""
    flat: list[tuple[int, str, int]] = []

    def walk(items: list[object], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                flat.append((level, item.title, reader.get_destination_page_number(item) + 1))  # type: ignore[attr-defined]

    walk(reader.outline, 1)
    return flat
