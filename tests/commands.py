"""Run a command line's main(argv) in this process and get what a subprocess would give: exit code, stdout, stderr.

Starting Python for each command costs about a second; the tests call main() here instead, with the environment the
command reads set by monkeypatch.setenv (settings.get_settings reads it at each call). Each `python -m` entry point is
still run once as a real process: tests/test_store_cli.py (every store command), tests/test_aliases.py (loaders,
with -X importtime) and tests/test_briefing.py (exports briefing).
"""
from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ran:
    """As subprocess.CompletedProcess: returncode, stdout, stderr; output is both."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_main(main: Callable[[list[str]], int], *args: object, stdin: str = "") -> Ran:
    """main([str(a) for a in args]) with stdin, stdout and stderr swapped for text buffers.

    The buffers translate newlines as a subprocess's text output is read (universal newlines). A SystemExit (argparse's
    usage errors, --help) gives its exit code as the interpreter would: None 0, a number itself, a message 1.
    """
    out, err = io.StringIO(newline=None), io.StringIO(newline=None)
    stdin_before = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exit_:
                if exit_.code is None or isinstance(exit_.code, int):
                    code = exit_.code or 0
                else:
                    print(exit_.code, file=sys.stderr)
                    code = 1
    finally:
        sys.stdin = stdin_before
    return Ran(code, out.getvalue(), err.getvalue())
