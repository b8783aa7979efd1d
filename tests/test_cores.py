"""Pool sizing never exceeds the work or the cores (issue 18)."""

from __future__ import annotations

import os

import pytest

from esi_docs import batch, cores


@pytest.mark.parametrize(
    ("requested", "work", "available", "expected"),
    [(8, 300, 2, 2), (2, 1, 4, 1), (4, 3, 8, 3), (1, 300, 8, 1), (0, 10, 2, 1), (3, 0, 2, 1)],
)
def test_pool_size_is_bounded_by_request_work_and_cores(requested, work, available, expected):
    assert cores.pool_size(requested, work, available) == expected


def test_usable_cores_follows_the_affinity_mask():
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no CPU affinity on this platform")
    assert cores.usable_cores() == len(os.sched_getaffinity(0))


def test_batch_with_more_jobs_than_cores_starts_no_pool_on_one_core(monkeypatch):
    """With one usable core the batch renders in-process: the pool is never started."""
    monkeypatch.setattr(cores, "usable_cores", lambda: 1)
    started = []
    monkeypatch.setattr(batch, "_render_pooled", lambda *args: started.append(args))
    rendered = []
    monkeypatch.setattr(batch, "_render_task", lambda settings, task: task)
    batch._render_all(_Jobs(8), ["a", "b", "c"], rendered.extend, lambda: False)
    assert started == []
    assert rendered == ["a", "b", "c"]


class _Jobs:
    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
