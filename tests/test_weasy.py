"""WeasyPrint's import (weasy.py): its libraries opened without a subprocess, and opened
still when they are not where their soname says."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut is Linux's")

COUNT_SUBPROCESSES = """
import subprocess
started = []
real = subprocess.Popen.__init__
def counted(self, args, *rest, **options):
    started.append(args)
    real(self, args, *rest, **options)
subprocess.Popen.__init__ = counted
"""


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_weasyprint_is_imported_without_a_subprocess() -> None:
    # Without the shortcut, ctypes.util.find_library runs ldconfig, gcc and ld some fifty times.
    out = run_python(
        COUNT_SUBPROCESSES
        + "import ctypes.util\nbefore = ctypes.util.find_library\n"
        + "import ptce_mono.typeset.weasy\n"
        + "assert ctypes.util.find_library is before\n"
        + "print(len(started))\n"
    )
    assert out.split() == ["0"]


def test_libraries_not_found_by_their_soname_are_searched_as_weasyprint_does() -> None:
    # A machine whose loader finds the libraries only through find_library's search: the first
    # attempt fails, the import is done again with the search, and succeeds.
    out = run_python(
        """
import ctypes.util, cffi.api
real_find, real_load = ctypes.util.find_library, cffi.api._load_backend_lib
refused = []
def load(backend, name, flags):
    if ctypes.util.find_library is not real_find:
        refused.append(name)
        raise OSError(f"cannot load library {name!r}")
    return real_load(backend, name, flags)
cffi.api._load_backend_lib = load
from ptce_mono.typeset.weasy import HTML
assert ctypes.util.find_library is real_find
print(len(refused) > 0, HTML.__module__)
"""
    )
    assert out.split()[-2:] == ["True", "weasyprint"]
