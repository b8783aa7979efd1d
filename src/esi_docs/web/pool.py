"""The server's render pool: one process per core, each sheet with a hard time limit.

Why not threads: a thread that loops in a clinic template cannot be stopped, and the GIL lets
only one sheet lay out at a time. Why not concurrent.futures.ProcessPoolExecutor: it cannot
kill one worker; a worker that overruns would block its slot for ever. Why not `pebble`: it
would do, but this is ~100 lines over multiprocessing pipes with no new dependency. Each
worker owns one pipe; a request takes an idle worker, sends the arguments and waits at most
`time_limit` seconds; past that the worker is killed and a fresh one takes its place, so the
other workers (and /health, which never touches the pool) keep answering.
"""

from __future__ import annotations

import copyreg
import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from types import MappingProxyType
from typing import Any

from esi_docs.errors import EsiDocsError, RenderError

Target = Callable[..., Any]


def _mapping_proxy(data: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(data)


# The clinic profile keeps read-only mappings; pickle them as the dict they show.
copyreg.pickle(MappingProxyType, lambda proxy: (_mapping_proxy, (dict(proxy),)))


def _default_target(*args: Any, **kwargs: Any) -> Any:
    from esi_docs.api import render

    return render(*args, **kwargs)


def _serve(conn: Connection, target: Target) -> None:
    """Worker loop: one request in, one answer out, until the pipe closes."""
    while True:
        try:
            args, kwargs = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", target(*args, **kwargs)))
        except EsiDocsError as exc:
            conn.send(("problems", exc.problems))
        except Exception as exc:  # reported by type only: its message may quote PHI
            conn.send(("crash", type(exc).__name__))


class _Worker:
    def __init__(self, context: Any, target: Target) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, target), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class RenderPool:
    """`render(*args, **kwargs)` runs `target` in a worker process and returns its result."""

    def __init__(self, workers: int, time_limit: float, target: Target = _default_target) -> None:
        self.time_limit = time_limit
        self._target = target
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["esi_docs.api", "esi_docs.render.pdf"])
        self._idle = [_Worker(self._context, target) for _ in range(max(1, workers))]
        self._ready = threading.Condition()
        self.replaced = 0

    def _take(self) -> _Worker:
        with self._ready:
            self._ready.wait_for(lambda: bool(self._idle))
            return self._idle.pop()

    def _give_back(self, worker: _Worker) -> None:
        with self._ready:
            self._idle.append(worker)
            self._ready.notify()

    def render(self, *args: Any, **kwargs: Any) -> Any:
        worker = self._take()
        try:
            worker.conn.send((args, kwargs))
        except BaseException:  # the arguments did not pickle: the worker is untouched
            self._give_back(worker)
            raise
        try:
            if not worker.conn.poll(self.time_limit):
                raise TimeoutError
            kind, value = worker.conn.recv()
        except (TimeoutError, EOFError, OSError):
            worker.stop()
            self.replaced += 1
            self._give_back(_Worker(self._context, self._target))
            raise RenderError(
                f"the sheet took longer than {self.time_limit:g} s and was stopped"
            ) from None
        self._give_back(worker)
        if kind == "problems":
            raise EsiDocsError(value)
        if kind == "crash":
            raise RenderError(f"rendering failed ({value})")
        return value

    def pids(self) -> list[int]:
        with self._ready:
            return [w.process.pid for w in self._idle if w.process.pid is not None]

    def close(self) -> None:
        with self._ready:
            workers, self._idle = self._idle, []
        for worker in workers:
            worker.stop()
