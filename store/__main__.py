"""`python -m store COMMAND ...`: see store/cli.py."""
import sys

from shortlived import run_and_exit  # first: it switches cyclic GC off before pandas is imported

from loaders.readahead import read_ahead
from settings import get_settings

if __name__ == "__main__":
    settings = get_settings()
    # the workbooks named are parsed in the background while the rest of the program is imported
    read_ahead(sys.argv[1:], settings.max_upload_mb, settings.max_cells)
    from store.cli import main

    run_and_exit(main)  # main() disposes the engine: every transaction is committed or rolled back
