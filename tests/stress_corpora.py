"""Corpora that push the dossier's layout to its limits: many poles with long names and
apostrophes, every region, one SWOT theme that thirty poles share, a pole that documents nothing
and one that documents everything, drafts among them. The poles are fictitious.

Each corpus is built once per test session (tests/conftest.py) and must give a dossier that the
preflight finds nothing to say about.
"""

from __future__ import annotations

from pathlib import Path

from monograph_factory import write_project

# Every region of the grid's `region_study`, with a département of it and its region of today.
REGIONS = [
    ("Alsace", "67", "Grand Est"),
    ("Aquitaine", "40", "Nouvelle-Aquitaine"),
    ("Auvergne", "63", "Auvergne-Rhône-Alpes"),
    ("Basse-Normandie", "14", "Normandie"),
    ("Bourgogne", "21", "Bourgogne-Franche-Comté"),
    ("Bretagne", "35", "Bretagne"),
    ("Centre", "37", "Centre-Val de Loire"),
    ("Champagne-Ardenne", "51", "Grand Est"),
    ("Corse", "2A", "Corse"),
    ("Franche-Comté", "25", "Bourgogne-Franche-Comté"),
    ("Haute-Normandie", "76", "Normandie"),
    ("Île-de-France", "93", "Île-de-France"),
    ("Languedoc-Roussillon", "34", "Occitanie"),
    ("Limousin", "87", "Nouvelle-Aquitaine"),
    ("Lorraine", "54", "Grand Est"),
    ("Midi-Pyrénées", "31", "Occitanie"),
    ("Nord-Pas-de-Calais", "59", "Hauts-de-France"),
    ("Pays de la Loire", "44", "Pays de la Loire"),
    ("Picardie", "80", "Hauts-de-France"),
    ("Poitou-Charentes", "86", "Nouvelle-Aquitaine"),
    ("Provence-Alpes-Côte d'Azur", "13", "Provence-Alpes-Côte d'Azur"),
    ("Rhône-Alpes", "73", "Auvergne-Rhône-Alpes"),
    ("Guadeloupe", "971", "Guadeloupe"),
    ("Martinique", "972", "Martinique"),
    ("Guyane", "973", "Guyane"),
    ("La Réunion", "974", "La Réunion"),
    ("Mayotte", "976", "Mayotte"),
]
PLACES = [
    "l'Agglomération d'Aix-les-Bains et du Val-d'Arly",
    "Saint-Jean-de-Maurienne et de l'Arvan",
    "l'Entre-deux-Mers et du Haut-Pays d'Albret",
    "Villeneuve-d'Ascq, Lille-Métropole et l'Est lillois",
    "la Communauté d'agglomération du Grand Besançon",
    "l'Isle-d'Abeau, de la Tour-du-Pin et des Terres froides",
]
SECTION_TITLES = {
    "summary": "Résumé",
    "genesis": "Genèse",
    "purposes": "Objectifs et activités",
    "structuring": "Facteurs de structuration",
    "stakeholders": "Les parties prenantes",
    "governance": "Gouvernance",
    "economic_model": "Fonctionnement économique",
    "cooperation": "Logiques de coopération",
    "impacts": "Impacts sur l'emploi et le territoire",
    "challenges": "Enjeux",
    "projects": "Projets",
}
REQUIRED = ["summary", "genesis", "purposes", "stakeholders", "governance", "economic_model", "impacts"]
BIBLIOGRAPHY = """\
@report{essai2013rapport,
  author = {{Observatoire d'essai de l'économie solidaire}},
  title = {Rapport d'essai sur les coopérations territoriales},
  date = {2013},
  type = {rapport},
}
@misc{essaisansdate,
  author = {{Observatoire d'essai de l'économie solidaire}},
  title = {Fiche d'essai sans date},
  type = {fiche descriptive},
}
@misc{essaisansdateb,
  author = {{Observatoire d'essai de l'économie solidaire}},
  title = {Seconde fiche d'essai sans date},
  type = {compte rendu},
}
@online{essai2012page,
  title = {Page d'essai : quatre initiatives},
  date = {2012-03-01},
  type = {page web},
}
@misc{essaijamaiscite,
  title = {Document d'essai que personne ne cite},
  date = {2011},
}
"""
WORDS = (
    "Le pôle rassemble des associations, des entreprises et des collectivités du territoire autour "
    "de projets d'emploi, de formation et de services ; ses membres partagent des moyens, des emplois "
    "et un lieu, et construisent ensemble des réponses aux besoins des habitants"
)


def _name(index: int) -> tuple[str, str]:
    place = PLACES[index % len(PLACES)]
    name = f"Pôle territorial de coopération économique n° {index + 1} de {place}"
    short = (
        f"Coopérative d'essai n° {index + 1} de {place}" if index % 7 == 3 else f"Pôle d'essai n° {index + 1}"
    )
    return name, short


def _paragraphs(index: int, count: int = 2) -> str:
    cites = [
        "[@essai2013rapport, p. 8-9]",
        "[@essaisansdate]",
        "[@essai2012page]",
        "[voir @essaisansdateb ; @essai2013rapport, p. 112]",
    ]
    return "\n\n".join(
        f"{WORDS} {cites[(index + n) % len(cites)]}. Au XXIe siècle, les 3 structures fondatrices "
        f"du pôle n° {index + 1} ont été rejointes par d'autres {cites[(index + n + 1) % len(cites)]}."
        for n in range(count)
    )


def monograph(
    index: int, *, status: str = "published", swot_theme_for_all: bool = True, sections: list[str] = REQUIRED
) -> str:
    region, departement, today = REGIONS[index % len(REGIONS)]
    name, short = _name(index)
    swot = (
        "swot:\n  strengths:\n"
        f"    - text: Une coopération ancienne entre les membres du pôle n° {index + 1} [@essai2013rapport, p. 4-5]\n"
        "      theme: financement\n      section: economic_model\n"
        if swot_theme_for_all
        else "swot:\n  strengths:\n"
        "    - text: Une culture de coopération partagée [@essaisansdate]\n"
        "      theme: culture-cooperation\n      section: genesis\n"
    )
    front = f"""---
id: pole-essai-{index + 1:02d}
name: "{name}"
short_name: "{short}"
status: {status}
location:
  commune: Commune d'essai {index + 1}
  departement: "{departement}"
  region_study: "{region}"
  region_today: "{today}"
territory_types: [{"rural" if index % 2 else "urbain"}]
year_cooperation_began: {1990 + index % 20}
year_pole_formed: 2011
carrier: Association d'essai n° {index + 1}
legal_form: {"association" if index % 3 else "SCIC"}
member_count: {5 + index}
jobs: {{inconnu: Les sources d'essai ne donnent pas d'effectif.}}
activity_types: [services]
cooperation_logics: [mutualisation]
shared_place: aucun
local_authority_roles:
  - {{role: financeur, by: Conseil régional d'essai}}
  - {{role: financeur, by: Conseil départemental d'essai}}
interviewees:
  - name: Personne d'essai {index + 1}
    role: coordinatrice
authors: [Comité d'essai]
date_written: 2013-10
sources:
  - key: essai2013rapport
  - key: essai2012page
    locator: rubrique « initiatives »
{swot}---

"""
    body = []
    for section in sections:
        text = _paragraphs(index + len(body))
        if section == "impacts":
            text += (
                "\n\n::: lacune\nLes sources d'essai ne chiffrent pas les emplois créés "
                "[@essai2013rapport, p. 12-14].\n:::"
            )
        body.append(f"## {SECTION_TITLES[section]}\n\n{text}\n")
    return front + "\n".join(body)


EMPTY_POLE = """---
id: pole-essai-vide
name: "Pôle d'essai dont les sources ne disent rien"
status: draft
location: {inconnu: Les sources ne situent pas le pôle.}
territory_types: {inconnu: Les sources ne le disent pas.}
year_cooperation_began: {inconnu: Les sources ne le disent pas.}
year_pole_formed: {inconnu: Les sources ne le disent pas.}
carrier: {inconnu: Les sources ne le disent pas.}
legal_form: {inconnu: Les sources ne le disent pas.}
member_count: {inconnu: Les sources ne le disent pas.}
jobs: {inconnu: Les sources ne le disent pas.}
activity_types: {inconnu: Les sources ne le disent pas.}
cooperation_logics: {inconnu: Les sources ne le disent pas.}
shared_place: {inconnu: Les sources ne le disent pas.}
local_authority_roles: {inconnu: Les sources ne le disent pas.}
interviewees: []
authors: [Comité d'essai]
date_written: 2013-10
sources:
  - key: essaisansdateb
---

""" + "\n".join(
    f"## {SECTION_TITLES[s]}\n\n::: lacune\nLes sources d'essai ne disent rien de ce point "
    f"[@essaisansdateb].\n:::\n"
    for s in REQUIRED
)


def full_pole() -> str:
    """Every field of the front matter and every section of the grid, written."""
    text = monograph(99, swot_theme_for_all=False, sections=list(SECTION_TITLES))
    text = text.replace("id: pole-essai-100", "id: pole-essai-complet")
    extra = """motto:
  text: "Coopérer, c'est d'abord se connaître : l'« essai » le dit"
  attribution: charte d'essai du pôle
sectors: [insertion, bâtiment et travaux publics, restauration et portage de repas, maraîchage]
governance_bodies: [assemblée générale, conseil d'administration, comité de pilotage]
funding:
  self_financing: 45
  public: 55
  note: d'après le rapport d'essai
referentiel: {a1: 3, b1: 2, c1: 4}
summaries:
  summary: Le pôle d'essai complet documente chaque champ de la grille [@essai2013rapport, p. 3].
"""
    return text.replace("status: published\n", "status: published\n" + extra, 1)


def stress_project(folder: Path, poles: int = 60) -> Path:
    """`poles` published poles (thirty or more sharing one SWOT theme), a pole whose sources say
    nothing (a draft) and a pole with every field: the review edition of all of them."""
    files: dict[str, str | bytes] = {
        "dossier.yaml": (
            "title: Dossier d'essai à grande échelle\nperiod: 2013-2014\n"
            "publisher: Comité d'essai de l'économie solidaire\n"
            "footer: Comité d'essai | Dossier à grande échelle | 2013-2014\n"
            "bibliography: [references.bib]\nedition: 2014-03\ndrafts: include\n"
        ),
        "references.bib": BIBLIOGRAPHY,
        "monographs/pole-essai-vide.md": EMPTY_POLE,
        "monographs/pole-essai-complet.md": full_pole(),
    }
    for index in range(poles - 2):
        files[f"monographs/pole-essai-{index + 1:02d}.md"] = monograph(index)
    return write_project(folder, files)


__all__ = ["REGIONS", "stress_project"]
