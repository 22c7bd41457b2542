"""`python -m store COMMAND ...`: see store/cli.py."""
from shortlived import run_and_exit  # first: it switches cyclic GC off before pandas is imported

from store.cli import main  # noqa: E402

if __name__ == "__main__":
    run_and_exit(main)  # main() disposes the engine: every transaction is committed or rolled back
