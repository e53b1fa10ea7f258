"""A project's templates and citation style run no code and reach nothing outside the project.

A reviewer builds a contributor's branch: its templates (Jinja) and its CSL style are the
contributor's. A template reaches only the dossier's data (Jinja's sandbox, narrowed); pandoc runs
with `--sandbox`, and the tool reads the style itself: a dependent style's parent comes from the
packaged styles only, never from a file or an address the style names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from monograph_factory import invoke, monograph_text, write_project

DOSSIER = "title: Dossier d'essai\npublisher: Comité d'essai\nperiod: 2013-2014\n"
PTCE = str(Path(sys.executable).parent / "ptce-mono")


def project_with_cover(root: Path, cover: str) -> Path:
    """A project whose own `templates/partials/cover.html` is `cover` (the rest: packaged)."""
    return write_project(root, {
        "dossier.yaml": DOSSIER,
        "monographs/pole-test.md": monograph_text("pole-test"),
        "templates/partials/cover.html": cover,
    })


ESCAPES = {
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler globals": "{{ cycler.__init__.__globals__.os.system('touch PWNED') }}",
    "joiner globals": "{{ joiner.__init__.__globals__ }}",
    "namespace globals": "{{ namespace.__init__.__globals__ }}",
    "settings class": "{{ config.__class__ }}",
    "attr filter": "{{ config|attr('__class__') }}",
    "format string": "{{ '{0.__class__.__mro__}'.format(config) }}",
    "path written": "{{ config.project.joinpath('PWNED').write_text('x') }}",
    "path read": "{{ config.path.read_text() }}",
    "path listed": "{{ config.project.iterdir()|list }}",
    "model method of a path": "{% for c in chapters %}{{ c.path.open() }}{% endfor %}",
    "template reference": "{{ self._TemplateReference__context }}",
    "list changed": "{% set x = [] %}{{ x.append(1) }}",
    "huge range": "{% for i in range(10**9) %}{% endfor %}",
    "nested ranges": "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "huge repetition": "{{ 'x' * 10**10 }}",
    "huge power": "{{ 10 ** 100000000 }}",
    "wide format": "{{ '%0999999999d' % 1 }}",
    "wide filter": "{{ 'x'|center(10**10) }}",
    "lorem": "{{ lipsum(10**6) }}",
}


@pytest.mark.parametrize("payload", list(ESCAPES.values()), ids=list(ESCAPES))
def test_a_template_reaches_nothing_but_the_data(tmp_path, payload, monkeypatch):
    """Class 1: each classic escape stops the build with the template's file:line, nothing run."""
    cover = "<section class=\"cover\">\n<h1>{{ config.title }}</h1>\n" + payload + "\n</section>\n"
    project = project_with_cover(tmp_path / "project", cover)
    monkeypatch.chdir(project)
    from ptce_mono.commands.prepare import prepare_dossier
    from ptce_mono.core.errors import RenderError

    with pytest.raises(RenderError) as raised:
        prepare_dossier(project)
    message = str(raised.value)
    assert "templates/partials/cover.html:3: the template" in message, message
    assert "Traceback" not in message
    assert not (project / "PWNED").exists() and not (tmp_path / "PWNED").exists()


def test_a_template_error_is_a_message_with_file_and_line_in_every_command(tmp_path):
    """Class 1, seen during `export`: the command line says where, in French, and exits 1."""
    cover = "<section>\n{{ cycler.__init__.__globals__.os.system('touch PWNED') }}\n</section>\n"
    project = project_with_cover(tmp_path / "project", cover)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}, "LANG": "fr_FR.UTF-8"}
    for args in (["build"], ["export", "--to", "docx"], ["build", "--html"]):
        done = subprocess.run([PTCE, *args], cwd=project, capture_output=True, text=True, env=env, timeout=300,
                              check=False)
        assert done.returncode == 1, (args, done.stderr[-2000:])
        assert "templates/partials/cover.html:2: le modèle" in done.stderr, done.stderr[-2000:]
        assert "Traceback" not in done.stderr
    assert not (project / "PWNED").exists()


def test_the_packaged_templates_still_render_in_the_sandbox(tmp_path):
    """The sandbox refuses escapes, not what the dossier's own templates do (macros, loops, lookups)."""
    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER,
                                                   "monographs/pole-test.md": monograph_text("pole-test")})
    from ptce_mono.commands.prepare import prepare_dossier

    html = prepare_dossier(project).rendered.html
    assert "Pôle pole-test" in html and "Analyse" in html


def test_a_syntax_error_in_a_template_names_its_file_and_line(tmp_path):
    project = project_with_cover(tmp_path / "project", "<section>\n\n{% if %}\n</section>\n")
    result = invoke(["build"], project)
    assert result.exit_code == 1
    assert "templates/partials/cover.html:3: the template cannot be read" in result.output


# -- class 2: the citation style ------------------------------------------------------------------

ENTRIES = [{"id": "dupont2014", "type": "book", "title": "Un livre", "author": [{"family": "Dupont", "given": "Jean"}],
            "issued": {"date-parts": [[2014]]}}]


def cited_project(root: Path, style: str, style_name: str = "style.csl") -> Path:
    text = monograph_text("pole-test", body={"Genèse": "Le pôle est ancien [@dupont2014, p. 3]. " * 12})
    return write_project(root, {
        "dossier.yaml": DOSSIER + f"bibliography: [refs.json]\ncsl: {style_name}\n",
        "refs.json": json.dumps(ENTRIES),
        "monographs/pole-test.md": text,
        style_name: style,
    })


def dependent_style(parent: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="fr-FR">
  <info>
    <title>Un style dépendant</title>
    <id>http://www.zotero.org/styles/dependant-essai</id>
    <link href="{parent}" rel="independent-parent"/>
    <updated>2014-01-01T00:00:00+00:00</updated>
  </info>
</style>
"""


def test_a_dependent_styles_parent_is_never_read_from_a_file_outside_the_project(tmp_path):
    """Class 2: the parent named by path is neither read nor followed; the build says why."""
    from ptce_mono.sources.bibliography import packaged_style

    outside = tmp_path / "outside.csl"
    outside.write_text(packaged_style("apa").read_text(encoding="utf-8")  # type: ignore[union-attr]
                       .replace("<title>", "<title>CANARY "), encoding="utf-8")
    project = cited_project(tmp_path / "project", dependent_style(str(outside)))
    result = invoke(["check"], project)
    assert result.exit_code == 1, result.output
    assert "style.csl" in result.output and "not a packaged style" in result.output
    assert "CANARY" not in result.output


def test_a_dependent_styles_parent_is_never_requested_from_an_address(tmp_path):
    """Class 2: a parent at a loopback address is not requested; nothing listens, nothing is asked."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.1)
    port = listener.getsockname()[1]
    project = cited_project(tmp_path / "project", dependent_style(f"http://127.0.0.1:{port}/styles/evil"))
    from ptce_mono.commands.prepare import prepare_dossier
    from ptce_mono.core.errors import PtceError

    with pytest.raises(PtceError):
        prepare_dossier(project)
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()


def test_a_dependent_style_takes_its_parent_from_the_packaged_styles(tmp_path):
    """Class 2: a Zotero dependent style whose parent is packaged formats as its parent does."""
    project = cited_project(tmp_path / "project", dependent_style("http://www.zotero.org/styles/apa"))
    from ptce_mono.commands.prepare import prepare_dossier

    html = prepare_dossier(project).rendered.html
    assert "Dupont, 2014, p.\u00a03" in html and "Dupont, J. (2014)" in html  # house style: p. and its number held


def test_pandoc_runs_sandboxed_for_citations_and_bibliographies(tmp_path, monkeypatch):
    """Class 2: every pandoc the tool starts has `--sandbox` (citations, BibTeX, exports)."""
    from ptce_mono.core import pandoc

    seen: list[list[str]] = []
    real = pandoc.run_bounded

    def spy(command: list[str], *args, **kwargs):
        seen.append(command)
        return real(command, *args, **kwargs)

    monkeypatch.setattr(pandoc, "run_bounded", spy)
    bib = "@book{dupont2014,\n  author = {Dupont, Jean},\n  title = {Un livre},\n  date = {2014},\n}\n"
    text = monograph_text("pole-test", body={"Genèse": "Le pôle est ancien [@dupont2014, p. 3]. " * 12})
    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER + "bibliography: [refs.bib]\n",
                                                   "refs.bib": bib, "monographs/pole-test.md": text})
    from ptce_mono.commands.export import export_dossier

    export_dossier(project, "odt", project / "build" / "dossier.odt")
    assert len(seen) >= 3
    assert all("--sandbox" in command for command in seen), seen


@pytest.mark.parametrize(("name", "style", "expected"), [
    ("not xml", "<style xmlns='http://purl.org/net/xbiblio/csl'>\n<info>\n</style>\n", "style.csl:3"),
    ("not a style", "<?xml version='1.0'?>\n<html/>\n", "style.csl:2"),
    ("entities", "<?xml version='1.0'?>\n<!DOCTYPE style [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n<style/>\n",
     "style.csl:2"),
])
def test_a_malformed_style_names_the_style_and_a_line(tmp_path, name, style, expected):
    """Class 9 (and 2): the style is read by the tool, its error at its own line."""
    project = cited_project(tmp_path / "project", style)
    result = invoke(["check"], project)
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output


def test_a_style_whose_macros_call_each_other_fails_at_once(tmp_path):
    """Class 4: macros calling each other would drive citeproc's memory without end."""
    from ptce_mono.sources.bibliography import packaged_style

    text = packaged_style("apa").read_text(encoding="utf-8")  # type: ignore[union-attr]
    looped = text.replace("<info>", '<macro name="ping">\n<text macro="pong"/>\n</macro>\n'
                                    '<macro name="pong">\n<text macro="ping"/>\n</macro>\n<info>', 1)
    project = cited_project(tmp_path / "project", looped)
    result = invoke(["check"], project)
    assert result.exit_code == 1, result.output
    assert "style.csl:" in result.output and "`ping`" in result.output
