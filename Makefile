# Every target creates .venv and installs the project on first use: a fresh clone needs nothing else
# (system libraries: see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: dossier check test lint bench clean

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

test: lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m compileall -q src/ptce_mono
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf build/dossier.pdf build/dossier.html build/cache
