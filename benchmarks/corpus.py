"""Deterministic synthetic corpora for benchmarks: realistic size and shape, invented content.

The poles generated here are fictitious ("Pôle synthétique 17"): they exist to measure speed.
"""

from __future__ import annotations

import random
from pathlib import Path

VOCAB = [
    "coopération",
    "territoire",
    "emploi",
    "insertion",
    "association",
    "entreprise",
    "collectivité",
    "mutualisation",
    "formation",
    "projet",
    "gouvernance",
    "financement",
    "lieu",
    "activité",
    "service",
    "réseau",
    "acteurs",
    "développement",
    "local",
    "solidaire",
    "économique",
    "social",
    "partage",
    "moyens",
    "habitants",
    "structure",
    "conseil",
    "pôle",
    "durable",
]

SECTIONS = [
    "Résumé",
    "Genèse",
    "Objectifs et activités",
    "Les parties prenantes",
    "Gouvernance",
    "Fonctionnement économique",
    "Logiques de coopération",
    "Impacts sur l'emploi et le territoire",
    "Enjeux",
    "Projets",
]
REGIONS = [
    ("Aquitaine", "Nouvelle-Aquitaine", "40"),
    ("Bretagne", "Bretagne", "35"),
    ("Rhône-Alpes", "Auvergne-Rhône-Alpes", "42"),
    ("Île-de-France", "Île-de-France", "75"),
    ("Midi-Pyrénées", "Occitanie", "31"),
    ("Limousin", "Nouvelle-Aquitaine", "23"),
]
THEMES = ["culture-cooperation", "financement", "gouvernance", "soutien-public", "emploi", "immobilier"]


def _paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(VOCAB) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def synthetic_monograph(index: int, rng: random.Random, paragraphs: int = 3) -> str:
    region, today, dep = REGIONS[index % len(REGIONS)]
    swot = "\n".join(
        f"  {quadrant}:\n"
        + "\n".join(
            f"    - text: {_paragraph(rng, 8)}\n      theme: {rng.choice(THEMES)}\n      section: governance"
            for _ in range(2)
        )
        for quadrant in ("strengths", "weaknesses", "opportunities", "threats")
    )
    front = f"""---
id: pole-synthetique-{index:04d}
name: Pôle synthétique {index}
status: published
location: {{commune: Commune {index}, departement: "{dep}", region_study: {region}, region_today: {today}}}
territory_types: [{rng.choice(["rural", "urbain", "périurbain", "désindustrialisé"])}]
year_cooperation_began: {rng.randint(1990, 2008)}
year_pole_formed: {rng.randint(2009, 2013)}
carrier: Association porteuse {index}
legal_form: {rng.choice(["association", "SCIC", "SCOP", "sans structure propre"])}
member_count: {rng.randint(5, 40)}
jobs: {rng.randint(10, 400)}
activity_types: [{rng.choice(["production", "services", "arts et culture"])}]
cooperation_logics: [mutualisation]
shared_place: Lieu commun {index}
local_authority_roles: [{rng.choice(["impulseur", "facilitateur", "partie prenante", "financeur"])}]
interviewees: [{{name: Personne {index}, role: coordination}}]
authors: [Banc d'essai]
date_written: 2013-10
sources: [{{title: Corpus synthétique, publisher: ptce-mono, date: "2026", kind: document}}]
swot:
{swot}
---
"""
    body = "".join(
        f"\n## {title}\n\n"
        + "\n\n".join(_paragraph(rng, rng.randint(50, 110)) for _ in range(paragraphs))
        + "\n"
        for title in SECTIONS
    )
    return front + body


def write_corpus(folder: Path, count: int, seed: int = 2013, paragraphs: int = 3) -> Path:
    rng = random.Random(seed)
    target = folder / "monographs"
    target.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (target / f"pole-synthetique-{index:04d}.md").write_text(
            synthetic_monograph(index, rng, paragraphs), encoding="utf-8"
        )
    return folder
