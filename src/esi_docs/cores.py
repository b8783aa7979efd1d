"""How many worker processes are worth starting: never more than the work, nor the cores.

A pool larger than the CPUs this process may run on only adds start-up cost and context
switches (on a busy 2-core machine `--jobs 8` was slower than `--jobs 1`), and a pool larger
than the work starts processes that never render anything. Used by the batch pool and the
server's render pool.
"""

from __future__ import annotations

import os


def usable_cores() -> int:
    """CPUs this process may run on (the affinity mask, which containers and taskset narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def pool_size(requested: int, work: int, cores: int | None = None) -> int:
    """Workers to start: at least 1, at most the requested number, the work and the cores."""
    available = usable_cores() if cores is None else cores
    return max(1, min(requested, work, available))
