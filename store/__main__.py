"""`python -m store COMMAND ...`: see store/cli.py."""
import gc
import os
import sys

# A short-lived process, as in `python -m loaders`: cyclic GC would only walk the ~800,000 facts of a big
# import again and again (reference counting still frees everything that is not a cycle).
gc.disable()

from store.cli import main  # noqa: E402  (after gc.disable, so pandas imports without GC passes)

if __name__ == "__main__":
    code = main()  # the engine is disposed and every transaction committed or rolled back by now
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    # Skip the interpreter's teardown, which frees the big import's objects one by one.
    os._exit(code)
