"""How long a busy week takes to prepare (network, baseline, journeys, escort options) before
its model is built: with the baseline's plan and the escorts' ways made in a second process
(``planner.ahead``), and alone, the baseline, in the same run.

Each preparation runs in a fresh process, so that no cache of an earlier one helps it, and
the two ways alternate, so that whatever else the machine does falls on both alike.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import statistics
import time
from dataclasses import dataclass

from benchmarks.generator import generate
from planner.ahead import Ahead
from planner.model import Problem
from planner.optimizer import Optimizer

# Busy weeks (cases, generator seed) whose preparation the second process takes part in.
PREP_WEEKS: tuple[tuple[int, int], ...] = ((80, 1), (80, 4), (120, 4), (150, 1), (150, 4), (150, 5))


@dataclass(frozen=True, slots=True)
class Preparation:
    week: str
    ahead: bool
    seconds: float
    problem: str  # a digest of the journeys and escort options: the same either way


def prepare(cases: int, seed: int, ahead: bool) -> Preparation:
    """Prepare the week as ``Optimizer.plan`` does, in this process, and time it."""
    scenario = generate(cases, seed, escort_ratio=0.5, budget_ratio=0.6)
    started = time.perf_counter()
    helper = Ahead(scenario) if ahead else None
    optimizer = Optimizer(scenario)
    try:
        problem = optimizer.problem(lambda: optimizer.baseline_plan(helper), ahead=helper)
    finally:
        if helper is not None:
            helper.close()
    seconds = time.perf_counter() - started
    return Preparation(f"{cases}-tight-{seed}", ahead, seconds, digest(problem))


def digest(problem: Problem) -> str:
    text = repr(
        (
            [j.itinerary for j in problem.journeys],
            sorted(problem.usable.items()),
            sorted(problem.options.items()),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _child(cases: int, seed: int, ahead: bool, out: multiprocessing.Queue[Preparation]) -> None:
    out.put(prepare(cases, seed, ahead))


def in_fresh_process(cases: int, seed: int, ahead: bool) -> Preparation:
    context = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue[Preparation] = context.Queue()
    process = context.Process(target=_child, args=(cases, seed, ahead, out))
    process.start()
    found = out.get()
    process.join()
    return found


def measure(weeks: tuple[tuple[int, int], ...], runs: int) -> list[Preparation]:
    found: list[Preparation] = []
    for cases, seed in weeks:
        for run in range(runs):
            # Alone first on even runs, ahead first on odd ones.
            for ahead in (False, True) if run % 2 == 0 else (True, False):
                found.append(in_fresh_process(cases, seed, ahead))
    return found


def markdown(found: list[Preparation], command: str, machine: str) -> str:
    lines = [
        f"Command: `{command}`  ",
        f"Machine: {machine}",
        "",
        "| week | alone s (median, runs) | with the second process s (median, runs) | saved | same problem |",
        "|---|--:|--:|--:|---|",
    ]
    for week in dict.fromkeys(p.week for p in found):
        alone = [p for p in found if p.week == week and not p.ahead]
        ahead = [p for p in found if p.week == week and p.ahead]
        a = statistics.median(p.seconds for p in alone)
        b = statistics.median(p.seconds for p in ahead)
        runs_a = ", ".join(f"{p.seconds:.1f}" for p in alone)
        runs_b = ", ".join(f"{p.seconds:.1f}" for p in ahead)
        same = len({p.problem for p in alone + ahead}) == 1
        lines.append(
            f"| {week} | {a:.1f} ({runs_a}) | {b:.1f} ({runs_b}) | {a - b:.1f} s | {'yes' if same else '**no**'} |"
        )
    return "\n".join(lines) + "\n"
