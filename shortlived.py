"""How the command lines run: a short-lived process without cyclic GC and without interpreter teardown.

Import this module before pandas: gc is switched off at import, so pandas imports without GC passes.
"""
from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable

# Cyclic GC would only walk the million cell objects of a big workbook (or the ~800,000 facts of a big
# import) again and again; reference counting still frees everything that is not a cycle.
gc.disable()


def run_and_exit(main: Callable[[], int]) -> None:
    """Run main(), flush the output, and leave without teardown (which frees a big import's objects one by one).

    main() must have committed or rolled back every transaction and closed its files before it returns.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(code)
