from __future__ import annotations

import json
from pathlib import Path

from monograph_factory import invoke, monograph_text, write_project

ROOT = Path(__file__).resolve().parents[1]




def test_new_writes_a_skeleton_that_check_reads(tmp_path):
    result = invoke(["new", "Pôle des Deux Rives"], tmp_path)
    assert result.exit_code == 0, result.output
    path = tmp_path / "monographs" / "deux-rives.md"  # the default id: three significant words at most
    assert path.is_file()
    check = invoke(["check", "--format", "json"], tmp_path)
    codes = {p["code"] for p in json.loads(check.output)}
    assert check.exit_code == 1
    assert "empty-field" in codes and "empty-section" in codes
    assert not {c for c in codes if c.startswith("yaml")}
    again = invoke(["new", "Pôle des Deux Rives"], tmp_path)
    assert again.exit_code == 1 and "already exists" in again.output


def test_schema_is_json_schema_of_the_grid(tmp_path):
    result = invoke(["schema"], tmp_path)
    schema = json.loads(result.output)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "territory_types" in schema["required"]


def test_sarif_report(tmp_path):
    write_project(tmp_path, {"monographs/x.md": monograph_text("x").replace("carrier:", "carier:")})
    result = invoke(["check", "--format", "sarif"], tmp_path)
    log = json.loads(result.output)
    assert result.exit_code == 1 and log["version"] == "2.1.0"
    found = [r for r in log["runs"][0]["results"] if r["ruleId"] == "unknown-field"]
    region = found[0]["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "monographs/x.md" and region["region"]["startLine"] > 1


def test_matrix_exports_tables(tmp_path):
    # The tables hold the poles the dossier prints: the project's dossier.yaml says which.
    write_project(tmp_path, {"dossier.yaml": "title: T\npublisher: P\nperiod: 2013-2014\n",
                             "monographs/x.md": monograph_text("x")})
    result = invoke(["matrix", "--out", "out"], tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "afom.csv", "analyse-transversale.xlsx", "chiffres.csv", "financements.csv",
        "matrice.csv", "membres.csv", "typologie.csv"]


def test_build_quiet_and_verbose(tmp_path):
    write_project(tmp_path, {"dossier.yaml": "title: T\npublisher: P\nperiod: 2013-2014\n",
                             "monographs/x.md": monograph_text("x")})
    quiet = invoke(["build", "--quiet"], tmp_path)
    assert quiet.exit_code == 0 and quiet.output == ""
    verbose = invoke(["build", "--verbose", "--out", "b2"], tmp_path)
    assert verbose.exit_code == 0 and "Built " in verbose.output


def test_unchanged_build_is_skipped_and_any_change_rebuilds(tmp_path):
    write_project(tmp_path, {"dossier.yaml": "title: T\npublisher: P\nperiod: 2013-2014\n",
                             "monographs/x.md": monograph_text("x")})
    assert "Built " in invoke(["build"], tmp_path).output
    pdf = tmp_path / "build" / "dossier.pdf"
    before = pdf.stat().st_mtime_ns
    again = invoke(["build"], tmp_path)
    assert again.exit_code == 0 and again.output.startswith("Up to date")
    assert pdf.stat().st_mtime_ns == before
    assert "Built " in invoke(["build", "--force"], tmp_path).output
    source = tmp_path / "monographs" / "x.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Le pôle rassemble", "Le pôle réunit"),
                      encoding="utf-8")
    assert "Built " in invoke(["build"], tmp_path).output
    pdf.write_bytes(b"damaged")  # an output changed by hand is rebuilt too
    assert "Built " in invoke(["build"], tmp_path).output
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_matrix_follows_the_dossiers_order_and_draft_policy(tmp_path):
    write_project(tmp_path, {
        "dossier.yaml": "title: T\npublisher: P\nperiod: 2013-2014\npoles: [zeta, alpha]\ndrafts: include\n",
        "monographs/alpha.md": monograph_text("alpha"),
        "monographs/zeta.md": monograph_text("zeta"),
        "monographs/brouillon.md": monograph_text("brouillon").replace("status: published", "status: draft"),
    })
    assert invoke(["matrix", "--out", "out", "--no-xlsx"], tmp_path).exit_code == 0
    rows = (tmp_path / "out" / "matrice.csv").read_text(encoding="utf-8").splitlines()[1:]
    poles = list(dict.fromkeys(row.split(";")[0] for row in rows))
    assert poles == ["zeta", "alpha", "brouillon"]
    assert invoke(["matrix", "--out", "out2", "--no-xlsx", "--no-drafts"], tmp_path).exit_code == 0
    rows = (tmp_path / "out2" / "matrice.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert "brouillon" not in {row.split(";")[0] for row in rows}


def test_csv_for_french_spreadsheets_or_with_commas(tmp_path):
    write_project(tmp_path, {
        "dossier.yaml": "title: T\npublisher: P\nperiod: 2013-2014\n",
        "monographs/alpha.md": monograph_text("alpha"),
    })
    assert invoke(["matrix", "--out", "fr", "--no-xlsx"], tmp_path).exit_code == 0
    french = (tmp_path / "fr" / "matrice.csv").read_bytes()
    assert french.startswith("\ufeff".encode()) and french.decode("utf-8-sig").startswith("pole;nom;section;")
    assert invoke(["matrix", "--out", "en", "--no-xlsx", "--csv-comma"], tmp_path).exit_code == 0
    assert (tmp_path / "en" / "matrice.csv").read_text(encoding="utf-8-sig").startswith("pole,nom,section,")


def test_a_project_with_its_own_grid_and_templates_builds_from_its_folder(tmp_path):
    """As `make dossier` runs: in the project's folder, whose own grid/ and templates/ are read
    through paths relative to it."""
    import shutil

    project = write_project(tmp_path, {"dossier.yaml": "title: Essai\npublisher: Comité\nperiod: 2013-2014\n",
                                       "monographs/pole-a.md": monograph_text("pole-a")})
    shutil.copytree(ROOT / "grid", project / "grid")
    shutil.copytree(ROOT / "templates", project / "templates")
    for command in (["check"], ["matrix"], ["build"]):
        result = invoke(command, project)
        assert result.exit_code == 0, (command, result.output)
    assert (project / "build" / "dossier.pdf").stat().st_size > 10_000
