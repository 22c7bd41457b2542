"""`python -m loaders COMMAND ...`: see loaders/cli.py."""
import gc

from shortlived import run_and_exit

if __name__ == "__main__":
    gc.disable()  # a short-lived process: cyclic GC would only walk the parsed facts again and again
    import sys

    for stream in (sys.stdout, sys.stderr):  # process-wide, so here and not in main(), which tests call in process
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    from loaders.cli import main

    run_and_exit(main)
