"""What-if sweeps in the service: a request checked as ``repat sweep`` checks it, the job that
plans its variants in a worker, and the table, workbook and picture of what it found.

A request's ``vary`` values are read by ``planner.sweep`` and nothing else, so a bad one is
refused with the very sentence the command line gives.  The job plans the variants one after
another in its worker process (the service's workers are processes already), or, when
``REPAT_SWEEP_ADDRESS`` names a Dask scheduler, as tasks on that cluster (``planner.cluster``).
Between two variants it reports how many are done and looks whether it was cancelled: a
cancelled sweep stops after the variant it is planning and keeps the variants done.  The
results are what ``planner.sweep.VariantResult`` holds, stored as dicts: numbers, ids and the
variants' descriptions, never a person's name.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from planner.optimizer import Options
from planner.reports.sweep import table, write_png, write_xlsx
from planner.scenario import Scenario
from planner.sweep import (
    Axis,
    SweepError,
    Variant,
    VariantResult,
    failed_result,
    parse_axis,
    solve_variant,
    variants,
)

# A Dask scheduler's address (tcp://10.0.0.5:8786): sweeps run there instead of in the worker.
ADDRESS_ENV = "REPAT_SWEEP_ADDRESS"
# One request's variants at most: each is a solve of up to its time limit.
MAX_VARIANTS = 200
ATTEMPTS = 2  # a variant whose solve raised is tried once more, as planner.cluster does

log = logging.getLogger("repat.worker")

# Between two variants: how many are done; answers None to go on, or why to stop
# ("cancel", "shutdown", "lost").
Between = Callable[[int], str | None]


class Problem(SweepError):
    """A request's problem, with where in the request it is (``body.vary.1``)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where


def choose(scenario: Scenario, vary: Sequence[str], line: str | None) -> tuple[Variant, ...]:
    """The variants a request asks for; :class:`Problem` (a :class:`SweepError`, its message
    the command line's) when it cannot be made."""
    axes: list[Axis] = []
    for index, text in enumerate(vary):
        try:
            axes.append(parse_axis(text))
        except SweepError as error:
            raise Problem(f"body.vary.{index}", str(error)) from None
    count = 1
    for axis in axes:
        count *= len(axis.values)
        if count > MAX_VARIANTS:
            raise Problem(
                "body.vary",
                f"the sweep has more than {MAX_VARIANTS} variants: the service plans at most "
                f"{MAX_VARIANTS} in one job (repat sweep --address runs more on a cluster)",
            )
    try:
        return variants(scenario, axes, line)
    except SweepError as error:
        raise Problem(
            "body.line" if line is not None and "--line" in str(error) else "body.vary", str(error)
        ) from None


def options(parameters: dict[str, Any]) -> Options:
    """Each variant's solve, as the job's parameters say (one search thread, as the command's
    tasks have)."""
    return Options(
        time_limit=float(parameters.get("time_limit") or Options().time_limit),
        workers=1,
        seed=int(parameters.get("seed") or 0),
        work_limit=parameters.get("work_limit"),
    )


def run(
    scenario: Scenario, chosen: Sequence[Variant], parameters: dict[str, Any], between: Between
) -> tuple[list[VariantResult], str | None]:
    """Plan the variants, asking ``between`` before each; the results so far and why it
    stopped early (None when every variant was planned)."""
    address = os.environ.get(ADDRESS_ENV, "").strip()
    if address:
        return _on_cluster(address, scenario, chosen, options(parameters), between)
    results: list[VariantResult] = []
    for variant in chosen:
        stop = between(len(results))
        if stop is not None:
            return results, stop
        results.append(_solve(scenario, variant, options(parameters)))
    return results, between(len(results))


def _solve(scenario: Scenario, variant: Variant, chosen: Options) -> VariantResult:
    """One variant planned and checked; a solve that raised is tried once more, then reported
    failed in its row."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result, _ = solve_variant(scenario, variant, chosen)
            return replace(result, attempts=attempt, worker="service")
        except Exception as error:
            log.exception("variant %s failed (attempt %d)", variant.name, attempt)
            said = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    return failed_result(variant, said, ATTEMPTS)


class _Stopped(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _on_cluster(
    address: str, scenario: Scenario, chosen: Sequence[Variant], solve: Options, between: Between
) -> tuple[list[VariantResult], str | None]:
    """The variants as tasks on the Dask cluster at ``address``; results arrive in any order
    and are returned in the variants' order."""
    from planner.cluster import Cluster, run_variants

    arrived: dict[str, VariantResult] = {}

    def landed(result: VariantResult) -> None:
        arrived[result.variant.name] = result
        stop = between(len(arrived))
        if stop is not None and len(arrived) < len(chosen):
            raise _Stopped(stop)

    stop = between(0)
    if stop is not None:
        return [], stop
    try:
        with Cluster(address) as cluster:
            run_variants(cluster, scenario, chosen, solve, landed)
    except _Stopped as stopped:
        return [arrived[v.name] for v in chosen if v.name in arrived], stopped.why
    return [arrived[v.name] for v in chosen], between(len(arrived))


# -- what is stored, and what it gives ---------------------------------------------------------------


def result_to_dict(result: VariantResult) -> dict[str, Any]:
    document = asdict(result)
    document["failed"] = result.failed
    return document


def result_from_dict(document: dict[str, Any]) -> VariantResult:
    fields = {k: v for k, v in document.items() if k != "failed"}
    variant = dict(fields.pop("variant"))
    variant["fares"] = tuple((str(mode), float(factor)) for mode, factor in variant.get("fares", ()))
    return VariantResult(variant=Variant(**variant), **fields)


def rows(results: Sequence[VariantResult]) -> list[dict[str, Any]]:
    """The sweep's table, one dict per variant: the columns of ``sweep.csv``."""
    head, body = table(results)
    return [dict(zip(head, row, strict=True)) for row in body]


def render(results: Sequence[VariantResult], file: str, title: str) -> bytes:
    """``sweep.xlsx`` or ``sweep.png``, as ``repat sweep`` writes them."""
    with tempfile.TemporaryDirectory() as folder:
        if file == "sweep.xlsx":
            path = write_xlsx(results, Path(folder))
        else:
            path = write_png(results, Path(folder), title)
        return path.read_bytes()


def message(results: Sequence[VariantResult], total: int, cancelled: bool) -> str:
    """What the job's end says: how many variants, and which failed or fail their check."""
    said = (
        f"cancelled after {len(results)} of {total} variant(s); the sweep has the {len(results)} planned"
        if cancelled
        else f"{len(results)} variant(s) planned"
    )
    failed = [r.variant.name for r in results if r.failed]
    broken = [r.variant.name for r in results if not r.failed and r.check != "ok"]
    if failed:
        said += f"; {len(failed)} failed after a retry: {', '.join(failed)}"
    if broken:
        said += f"; the plan of {', '.join(broken)} fails its own check (report this as a bug)"
    return said
