"""How the command lines end: output flushed, then no interpreter teardown (which frees a big import's objects one by one).

For a command line's entry point (`__main__`) only: library code never calls this.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable


def run_and_exit(main: Callable[[], int]) -> None:
    """Run main(), flush the output, and leave without teardown.

    main() must have committed or rolled back every transaction and closed its files before it returns.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(code)
