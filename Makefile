# Every target creates .venv and installs the project on first use: a fresh clone needs nothing else
# (system libraries: see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: dossier check test lint bench catalogs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q src/ptce_mono  # as pip does for a wheel: no compiling at each run
	touch $(STAMP)

dossier: $(STAMP)
	$(BIN)/ptce-mono build

check: $(STAMP)
	$(BIN)/ptce-mono check monographs/ --summary

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy

# The test files run in parallel, one process per core (pytest-xdist); `--dist loadfile` keeps each
# file's tests in one process, so a file's module fixtures (the dossiers it builds) are built once.
test: lint
	$(BIN)/pytest -q -n auto --dist loadfile

bench: $(STAMP)
	$(BIN)/python -m compileall -q src/ptce_mono
	$(BIN)/python benchmarks/run.py

# The French catalog: messages extracted from the source, merged into the .po (translate the new
# ones there), then compiled into the .mo the package carries. The .po's header (French plurals,
# fixed dates) is left as it is, so that the same .po always compiles to the same .mo.
# click's own words (usage, errors, `[default: …]`) are a second catalog, click.po, extracted from
# the click installed in .venv: after an upgrade of click, translate its new messages there.
LOCALE := src/ptce_mono/locale
catalogs: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output --omit-header -k ngettext:1,2 -o $(LOCALE)/ptce_mono.pot src/ptce_mono
	$(BIN)/pybabel -q update --ignore-obsolete --no-fuzzy-matching --ignore-pot-creation-date -i $(LOCALE)/ptce_mono.pot -d $(LOCALE) -D ptce_mono -l fr
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D ptce_mono -l fr
	$(BIN)/pybabel -q extract --no-location --sort-output --omit-header -k ngettext:1,2 -o $(LOCALE)/click.pot "$$($(BIN)/python -c 'import click, os; print(os.path.dirname(click.__file__))')"
	$(BIN)/pybabel -q update --ignore-obsolete --no-fuzzy-matching --ignore-pot-creation-date -i $(LOCALE)/click.pot -d $(LOCALE) -D click -l fr
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D click -l fr

clean:
	rm -rf build/dossier.pdf build/dossier.html build/dossier-brouillon.pdf build/dossier-brouillon.html build/cache
