"""What a fresh machine needs to run the tests: Python, WeasyPrint's libraries, nothing else."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# poppler-utils' command-line tools: a fresh machine does not have them; tests read PDFs with
# tests/pdf_reading.py (pypdfium2) instead. Spelled apart so that this file does not match itself.
POPPLER_TOOL = re.compile(r"\bpdf(?:to" + r"text|to" + r"ppm|in" + r"fo)\b")


def test_no_test_or_benchmark_calls_a_poppler_tool() -> None:
    scripts = [*(ROOT / "tests").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py"), ROOT / ".ci" / "run"]
    assert len(scripts) > 20
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in scripts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if POPPLER_TOOL.search(line)
    ]
    assert not found, "\n".join(found)
