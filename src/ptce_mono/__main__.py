"""`python -m ptce_mono`: the same command line as `ptce-mono`."""

from .cli import main

main()
