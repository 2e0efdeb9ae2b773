"""Run a sweep's variants as tasks on a Dask cluster.

By default an embedded local cluster (``LocalCluster``: a scheduler in this process and two
worker processes of one thread each, one per core) that :class:`Cluster` starts and stops;
with an address, an existing cluster's scheduler (``tcp://host:8786``), so that an office
can run hundreds of variants on its own servers.  Dask was chosen over Ray by measurement on
the 2-core machine (``benchmarks/README.md``, "The engine of sweeps").

Each variant is one task: plan, check, return a small :class:`planner.sweep.VariantResult`.
The embedded scheduler gives up on a task at the first death of its worker
(``allowed-failures`` 0), so that this module alone decides: a task that failed or whose
worker was killed is submitted once more, and if it fails again its variant is reported
failed.  The others' results are never lost; each is handed to ``on_result`` as it arrives.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import replace
from types import TracebackType
from typing import Any, cast

import dask
import distributed
from distributed import Client, LocalCluster

from planner.optimizer import Options
from planner.scenario import Scenario
from planner.sweep import Variant, VariantResult, failed_result, solve_variant

ATTEMPTS = 2  # a variant is tried once more after a failure or a killed worker
DEFAULT_WORKERS = 2

OnResult = Callable[[VariantResult], None]


def solve_task(scenario: Scenario, variant: Variant, options: Options, attempt: int) -> VariantResult:
    """What a worker runs: the variant planned and checked, with where and on which attempt."""
    result, _ = solve_variant(scenario, variant, options)
    return replace(result, attempts=attempt, worker=f"{socket.gethostname()}:{os.getpid()}")


class Cluster:
    """A Dask client on an embedded local cluster (``address`` None) or an existing one."""

    def __init__(self, address: str | None = None, workers: int = DEFAULT_WORKERS) -> None:
        self.address = address
        self.workers = workers
        self._local: LocalCluster | None = None
        self._client: Client | None = None

    @property
    def client(self) -> Client:
        assert self._client is not None, "the cluster is not started"
        return self._client

    def __enter__(self) -> Cluster:
        if self.address is not None:
            self._client = cast(Any, distributed).Client(self.address, timeout="20s")
            return self
        settings = {
            "distributed.scheduler.allowed-failures": 0,
            # Workers plan with OR-Tools and HiGHS; a worker may take a core's worth of memory.
            "distributed.worker.memory.terminate": False,
        }
        with dask.config.set(settings):
            self._local = cast(Any, distributed).LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
            self._client = cast(Any, distributed).Client(self._local)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._client is not None:
            client: Any = self._client
            client.close()
        if self._local is not None:
            local: Any = self._local
            local.close()
        self._client = self._local = None

    def worker_pids(self) -> dict[str, int]:
        """The process id of each worker, by its address."""
        found: dict[str, int] = self.client.run(os.getpid)
        return found


def run_variants(
    cluster: Cluster,
    scenario: Scenario,
    variants: Sequence[Variant],
    options: Options,
    on_result: OnResult | None = None,
) -> list[VariantResult]:
    """Solve every variant as a task; return their results in the variants' order.  Each is
    handed to ``on_result`` as it arrives, failed ones too."""
    client = cluster.client
    engine: Any = client  # distributed is not typed throughout
    week = engine.scatter(scenario, broadcast=True)
    attempts: dict[str, int] = {}
    by_future: dict[Any, Variant] = {}

    def submit(variant: Variant) -> Any:
        attempts[variant.name] = attempts.get(variant.name, 0) + 1
        attempt = attempts[variant.name]
        future = engine.submit(
            solve_task, week, variant, options, attempt, key=f"variant-{variant.name}-{attempt}", pure=False
        )
        by_future[future] = variant
        return future

    results: dict[str, VariantResult] = {}
    running: Any = cast(Any, distributed).as_completed([submit(v) for v in variants])
    for future in running:
        variant = by_future.pop(future)
        result: VariantResult | None = None
        error: Any = None
        try:
            result = future.result()
        except Exception as failure:  # a raised error, or KilledWorker when its worker died
            error = failure
        finally:
            future.release()
        if result is None:
            if attempts[variant.name] < ATTEMPTS:
                running.add(submit(variant))
                continue
            said = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            result = failed_result(variant, said, attempts[variant.name])
        results[variant.name] = result
        if on_result is not None:
            on_result(result)
    return [results[v.name] for v in variants]


def sweep(
    scenario: Scenario,
    variants: Sequence[Variant],
    options: Options,
    address: str | None = None,
    workers: int = DEFAULT_WORKERS,
    on_result: OnResult | None = None,
) -> list[VariantResult]:
    """Start (or join) a cluster, run the variants on it, and stop it."""
    with Cluster(address, workers) as cluster:
        return run_variants(cluster, scenario, variants, options, on_result)
