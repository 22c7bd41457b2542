"""`python -m loaders COMMAND ...`: see loaders/cli.py."""
import sys

from shortlived import run_and_exit  # first: it switches cyclic GC off before pandas is imported

from loaders.readahead import read_ahead

if __name__ == "__main__":
    read_ahead(sys.argv[1:])  # the workbooks named are parsed in the background while the rest is imported
    from loaders.cli import main

    run_and_exit(main)
