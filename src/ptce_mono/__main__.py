"""`python -m ptce_mono`: the same command line as `ptce-mono`."""

from .cli import main

if __name__ == "__main__":  # not when a spawned process of the build imports it again
    main()
