"""Entry point of `python -m loaders`."""
from shortlived import run_and_exit  # first: it switches cyclic GC off before pandas is imported

from loaders.cli import main  # noqa: E402

if __name__ == "__main__":
    run_and_exit(main)
