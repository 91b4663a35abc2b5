"""Run untrusted parsing (an uploaded spreadsheet) under a memory limit.

Why a forked child with RLIMIT_AS rather than Celery's --max-memory-per-child: that option only
replaces a pool process *after* a task has finished, so it cannot stop a file that expands to
gigabytes while it is being read. setrlimit in the worker process itself would stop it, but a
C library that aborts on a failed allocation would then take the worker down, and the limit
would have to be undone afterwards. A forked child inherits the loaded code (no start-up
cost), gets the limit on its own address space, and whatever happens to it (MemoryError, a
crash, the kernel's OOM killer, running past the time limit) the caller gets MemoryLimitExceeded
or the function's own exception, and the worker stays as it was.

POSIX only (fork); elsewhere the function runs in-process without the limit.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class MemoryLimitExceeded(Exception):
    """The function needed more memory (or time) than it was given."""


def _address_space_in_use() -> int:
    """This process's virtual memory size, which the limit must leave room for."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _out_of_memory(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, MemoryError):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _read_all(fd: int, deadline: float) -> bytes | None:
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def run_with_memory_limit(
    function: Callable[..., T], *args: Any, memory_bytes: int, timeout: float = 300
) -> T:
    """`function(*args)` in a forked child allowed `memory_bytes` more address space than the
    parent uses now. Returns its result (pickled back) or raises its exception;
    MemoryLimitExceeded when it ran out of memory, crashed or ran past `timeout` seconds.
    The function must not use the parent's database connection."""
    if not hasattr(os, "fork"):  # pragma: no cover – Windows
        return function(*args)
    limit = _address_space_in_use() + memory_bytes
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 0
        try:
            os.close(read_end)
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
            try:
                outcome: tuple[str, Any] = ("ok", function(*args))
            except MemoryError:
                outcome = ("memory", None)
            except Exception as exc:
                # A reader that wraps every error in its own ("the file is damaged") still
                # ran out of memory: the chain says so.
                outcome = ("memory", None) if _out_of_memory(exc) else ("error", exc)
            try:
                payload = pickle.dumps(outcome)
            except MemoryError:
                payload = pickle.dumps(("memory", None))
            except Exception as exc:  # an exception that cannot be pickled
                payload = pickle.dumps(("error", RuntimeError(repr(exc))))
            view = memoryview(payload)
            while view:
                view = view[os.write(write_end, view) :]
        except BaseException:
            status = 1
        finally:
            # _exit: no atexit handlers, no flushing of the parent's buffers, no closing of
            # its database connection from here.
            os._exit(status)
    os.close(write_end)
    try:
        received = _read_all(read_end, time.monotonic() + timeout)
    finally:
        os.close(read_end)
    if received is None:  # past the time limit
        os.kill(pid, signal.SIGKILL)
    _pid, status = os.waitpid(pid, 0)
    if not received or status != 0:  # killed (OOM, a crash) or cut off
        raise MemoryLimitExceeded
    kind, value = pickle.loads(received)  # noqa: S301 – our own child's bytes
    if kind == "ok":
        return value
    if kind == "memory":
        raise MemoryLimitExceeded
    raise value
