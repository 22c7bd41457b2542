"""Untrusted uploads parsed in a separate, bounded process: what a file does to its reader costs that file only.

Each parse runs in a process of its own with an address-space limit (what the process holds when it
starts plus ParseLimits.memory_mb), a CPU-time limit and a wall-clock timeout (ParseLimits.seconds).
A worker that dies, runs out of memory or of time becomes one bilingual LoaderError on that file;
the caller (the web server, a batch import) goes on. The worker sends its progress and its result
over a multiprocessing pipe.

Start method: "fork" where the caller has a single thread (a command line: the child shares what the
parent imported and starts in about a millisecond), else "forkserver" (the web server and the tests
run threads, which a fork must not copy). An entry point whose forkserver children should start with
pandas imported calls `preload_forkserver()` once, before the first parse.
"""
from __future__ import annotations

import ctypes
import faulthandler
import gc
import logging
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from loaders.options import Defaults, ParseLimits

if TYPE_CHECKING:  # pandas-importing modules, imported by the worker and on first use
    import pandas as pd

    from catalog import Catalog
    from loaders.problems import LoaderError, ParseResult

LOG = logging.getLogger(__name__)
PRELOAD = ["__main__", "loaders.files", "catalog"]  # imported once by a forkserver for all its children
POLL_SECONDS = 0.25
IMPORT_ALLOWANCE_MB = 512  # address space pandas and pyarrow map when a worker imports them itself
Progress = Callable[[float, str], None]


def preload_forkserver() -> None:
    """Have forkserver workers start with the loader (pandas, pyarrow) imported: call from an entry point only.

    The forkserver is one per process, so this sets process-wide state: the app's server script and the
    test session call it, library code never does.
    """
    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)


def default_start_method() -> str:
    """'fork' in a single-threaded process (cheap, safe), 'forkserver' where threads run (fork would copy their locks)."""
    return "fork" if threading.active_count() == 1 else "forkserver"


class ParseJob:
    """One file being parsed in a worker process of its own; `result()` waits for it (and always ends the worker).

    With `facts=False` the worker sends the report only (problems, sheets, dropped rows, the number of facts).
    """

    def __init__(self, data: bytes, file_name: str, defaults: Defaults = Defaults(), *, catalog: Catalog | None = None,
                 sheets: Collection[str] | None = None, limits: ParseLimits | None = None,
                 start_method: str | None = None, facts: bool = True):
        self.file_name = file_name
        self.limits = limits or ParseLimits.from_settings()
        method = start_method or default_start_method()
        context = multiprocessing.get_context(method)
        self._conn, sender = context.Pipe(duplex=False)
        read_ahead = method == "fork" and "pandas" not in sys.modules  # the worker imports pandas: overlap the two
        self._process = context.Process(
            target=_work, name="kpi-parse", daemon=True,
            args=(sender, data, file_name, defaults, catalog, tuple(sheets) if sheets else None, self.limits, read_ahead,
                  facts),
        )
        self._started = time.monotonic()
        self._failed_to_start = ""
        try:
            self._process.start()
        except OSError as exc:  # no process to be had (EAGAIN, ENOMEM): the file cannot be read now
            self._failed_to_start = f"could not start: {exc.strerror or exc}"
        finally:
            sender.close()

    def result(self, progress: Progress | None = None) -> ParseResult:
        """The parse result; LoaderError when the file cannot be read, or cannot be read safely within the limits."""
        try:
            return self._wait(progress)
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop the worker if it still runs (a caller that gave up, an exception in the progress callback)."""
        if not self._failed_to_start:
            if self._process.exitcode is None:
                self._process.kill()
            self._process.join()
        self._conn.close()

    def _wait(self, progress: Progress | None) -> ParseResult:
        if self._failed_to_start:
            raise _refusal("unsafe_crash", self.file_name, detail=self._failed_to_start)
        deadline = self._started + self.limits.seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.cancel()
                raise _refusal("unsafe_time", self.file_name, seconds=_number(self.limits.seconds))
            if not self._conn.poll(min(remaining, POLL_SECONDS)):
                continue
            try:
                kind, payload = self._conn.recv()
            except (EOFError, OSError):
                raise self._died() from None
            if kind == "progress":
                if progress is not None:
                    progress(*payload)
            elif kind == "result":
                result, packed = payload
                result.facts = unpack_facts(packed)
                return result
            elif kind == "refused":
                from loaders.problems import LoaderError

                raise LoaderError(payload)
            elif kind == "memory":
                raise _refusal("unsafe_memory", self.file_name, limit_mb=self.limits.memory_mb)
            else:
                raise self._died()

    def _died(self) -> LoaderError:
        """The LoaderError for a worker that ended without a result: out of memory, of CPU time, or crashed."""
        self._process.join(5)
        code = self._process.exitcode
        if code == -signal.SIGXCPU:  # over its CPU-time limit
            return _refusal("unsafe_time", self.file_name, seconds=_number(self.limits.seconds))
        if code in (-signal.SIGABRT, -signal.SIGKILL):  # a failed allocation aborts; the kernel's OOM killer kills
            LOG.info("parse worker for %r ended by signal %s", self.file_name, -code)
            return _refusal("unsafe_memory", self.file_name, limit_mb=self.limits.memory_mb)
        detail = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        LOG.info("parse worker for %r ended with %s", self.file_name, detail)
        return _refusal("unsafe_crash", self.file_name, detail=detail)


def parse_isolated(data: bytes, file_name: str, defaults: Defaults = Defaults(), *, progress: Progress | None = None,
                   **options) -> ParseResult:
    """loaders.parse_bytes run in a bounded worker process; LoaderError when the file cannot be read (safely)."""
    return ParseJob(data, file_name, defaults, **options).result(progress)


def read_upload(path: str | Path, limits: ParseLimits | None = None) -> bytes:
    """A file's bytes; LoaderError when it is over the upload limit or cannot be opened."""
    path = Path(path)
    limit_mb = (limits or ParseLimits.from_settings()).max_upload_mb
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= limit_mb * 1024 * 1024 else None
    except OSError as exc:
        raise _refusal("unreadable", path.name, detail=f"{type(exc).__name__}: {exc.strerror or exc}") from None
    if data is None:
        raise _refusal("too_large", path.name, size_mb=size / 2**20, limit_mb=limit_mb)
    return data


class ParsePipeline:
    """Files parsed one after another in bounded workers, the next one started while the caller uses the last.

    The first worker starts in the constructor: a command line builds this before it imports pandas and
    SQLAlchemy, so the first file is parsed meanwhile. Iterating gives (name, path, bytes or None, outcome)
    per file in order, the outcome a ParseResult, or the LoaderError of a file that cannot be read (safely).
    """

    def __init__(self, paths: Sequence[str], defaults: Defaults = Defaults(), limits: ParseLimits | None = None,
                 progress: Progress | None = None, **options):
        self.limits = limits or ParseLimits.from_settings()
        self._progress = progress
        self._options = dict(options, limits=self.limits)
        self._defaults = defaults
        self._paths = list(paths)
        self._next = self._start(0)

    def __iter__(self) -> Iterator[tuple[str, Path, bytes | None, ParseResult | LoaderError]]:
        try:
            for index in range(len(self._paths)):
                path, data, job = self._next
                outcome = _outcome(job, self._progress) if isinstance(job, ParseJob) else job
                self._next = self._start(index + 1) if index + 1 < len(self._paths) else None
                yield path.name, path, data, outcome  # the next file is parsed while the caller stores this one
        finally:
            self.close()

    def close(self) -> None:
        """End a worker still running (the caller stopped early)."""
        if self._next is not None and not isinstance(self._next[2], Exception):
            self._next[2].cancel()
        self._next = None

    def _start(self, index: int) -> tuple[Path, bytes | None, ParseJob | Exception]:
        path = Path(self._paths[index])
        try:
            data = read_upload(path, self.limits)
        except Exception as error:
            _raise_unless_refusal(error)
            return path, None, error
        return path, data, ParseJob(data, path.name, self._defaults, **self._options)


def _outcome(job: ParseJob, progress: Progress | None) -> ParseResult | LoaderError:
    try:
        return job.result(progress)
    except Exception as error:
        _raise_unless_refusal(error)
        return error


def _raise_unless_refusal(error: Exception) -> None:
    """Raise `error` again unless it is a LoaderError (a command line has not loaded pandas, so that is imported here)."""
    from loaders.problems import LoaderError

    if not isinstance(error, LoaderError):
        raise error


def _refusal(code: str, file_name: str, **fields: object) -> LoaderError:
    """The LoaderError for a file, made on demand: its module imports pandas, which a command line may not have yet."""
    from loaders.messages import loader_error

    return loader_error(code, file_name, **fields)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


# ---- the worker -----------------------------------------------------------------
def _work(conn, data: bytes, file_name: str, defaults: Defaults, catalog: Catalog | None,
          sheets: tuple[str, ...] | None, limits: ParseLimits, read_ahead: bool, send_facts: bool) -> None:
    """A worker process's whole life: limit itself, parse, send the outcome, and leave."""
    _limit_resources(limits, importing=read_ahead)
    _quiet()
    gc.disable()  # a short-lived process: cyclic GC would only walk the million cells of a big workbook again and again
    ahead = None
    if read_ahead:
        from loaders.readahead import BookAhead  # standard library and python-calamine only

        ahead = BookAhead(data, limits.max_upload_mb, limits.max_cells)
    try:
        from loaders.files import parse_bytes
        from loaders.problems import LoaderError

        def report(fraction: float, label: str) -> None:
            conn.send(("progress", (fraction, label)))

        try:
            result = parse_bytes(data, file_name, defaults, catalog=catalog, sheets=sheets, limits=limits, ahead=ahead,
                                 progress=report)
        except LoaderError as error:
            outcome = ("refused", error.problem)
        else:
            if not send_facts:
                result.facts_not_sent, result.facts = len(result.facts), result.facts.iloc[:0]
            packed, result.facts = pack_facts(result.facts), None
            outcome = ("result", (result, packed))
        conn.send(outcome)
    except MemoryError:
        conn.send(("memory", None))
    conn.close()


def pack_facts(facts: pd.DataFrame) -> dict:
    """Facts as a worker sends them: each text or date column as small integer codes into its distinct values.

    A text column repeats a few objects (a unit's name once per row and metric): pickling 800,000 references
    costs about 0.3 s each way, codes a few milliseconds. Objects are told apart by identity (the addresses the
    column holds), so equal texts held as two objects just get two codes: unpacking gives back the same values.
    """
    import numpy as np
    import pandas as pd

    columns = {}
    for name in facts.columns:
        column = facts[name]
        if column.dtype.kind == "M" and len(column):  # dates repeat too: codes into the distinct ones
            codes, uniques = pd.factorize(column.to_numpy())
            columns[name] = ("coded", codes.astype(np.min_scalar_type(len(uniques))), uniques)
            continue
        if column.dtype != object or not len(column):  # numbers, pandas' own string type: pickled as they are
            columns[name] = ("plain", column)
            continue
        values = np.ascontiguousarray(column.to_numpy())
        addresses = np.ctypeslib.as_array((ctypes.c_int64 * len(values)).from_address(values.ctypes.data))
        codes = pd.factorize(addresses)[0]  # read while `values` holds the objects
        first = np.empty(int(codes.max()) + 1, dtype=np.int64)
        first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
        columns[name] = ("objects", codes.astype(np.min_scalar_type(len(first))), values[first])
    return {"columns": columns, "index": list(facts.columns)}


def unpack_facts(packed: dict) -> pd.DataFrame:
    """The DataFrame pack_facts was given (object columns as object columns)."""
    import pandas as pd

    columns = {}
    for name in packed["index"]:
        kind, *parts = packed["columns"][name]
        if kind == "plain":
            columns[name] = parts[0].values
        elif kind == "coded":
            columns[name] = parts[1][parts[0]]
        else:
            columns[name] = pd.Series(parts[1][parts[0]], dtype=object, copy=False)
    return pd.DataFrame(columns, columns=packed["index"], copy=False)


def _limit_resources(limits: ParseLimits, importing: bool) -> None:
    """Address space: what the process holds now plus the limit (and what pandas maps, if it is still to be imported);
    CPU time: the limit in seconds (SIGXCPU ends the process)."""
    extra = limits.memory_mb + (IMPORT_ALLOWANCE_MB if importing else 0)
    cap = _address_space() + extra * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    used = resource.getrusage(resource.RUSAGE_SELF)
    seconds = int(used.ru_utime + used.ru_stime + limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))


def _address_space() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _quiet() -> None:
    """A worker's own process settings: nothing on stderr (a Rust allocation failure prints a backtrace there),
    and Arrow's system allocator (its default one reserves a gigabyte of address space up front)."""
    os.environ["RUST_BACKTRACE"] = "0"
    os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"  # read when pyarrow is first imported
    if "pyarrow" in sys.modules:  # imported already (a forkserver's preload, a forked parent): set its pool itself
        import pyarrow

        pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    faulthandler.disable()  # it would dump the worker's stack to a copy of stderr when it crashes
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
