"""The package's version: pyproject.toml reads it from here, the command line and reports print it."""

VERSION = "0.1.0"
