"""Work done ahead, in a second process, while this one builds the rest of the problem.

Building a busy week's problem is pure Python, one core's work, and the second core idles
until the search starts.  Two parts of it depend on nothing but the scenario: the first-come
baseline's plan, and the escorts' ways between their bases and the places parties start and
end (``EscortTrips.between``).  A second process makes them, in that order, while this one
drafts the cases' journeys; the problem takes the baseline's plan once its journeys are
drafted, and the ways once it comes to the escorts.  Both are what this process would have
made, so the plan is the same: only the time to the first search changes.

For the column generation on large weeks the second process makes the baseline's plan only,
and then bounds of the week that need nothing from this one: the Lagrangian bound at the
empty master with the escorts' shares counted by departure, which this process leaves out of
its first round there for the time it takes, and then with multipliers on the seats
(``ColumnGeneration.seat_bounds``), writing each better one (docs/solver.md).

The second process is started with the interpreter, not forked or spawned by
``multiprocessing``: the API's worker processes are daemons, which may have no
``multiprocessing`` children, and a fork would copy their threads and database connections.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from planner.baseline import Baseline
from planner.journeys import EscortTrips, Ways, escort_places
from planner.network import TransportNetwork
from planner.plan import Plan
from planner.scenario import Scenario

# How often a wait for the second process looks whether the search was stopped.
_POLL_SECONDS = 0.05
# What the second process writes, in this order, into the folder it is given.
BASELINE = "baseline.pickle"
WAYS = "ways.pickle"
BOUND = "bound.pickle"
SETTLED = "settled"  # written by the parent: the second process begins no more bound steps


class Ahead:
    """The baseline's plan and the escort ways of ``scenario``, made in a second process from
    the moment this is made.  ``close`` ends the process whatever it is doing."""

    def __init__(self, scenario: Scenario, ways: bool = True, bound: bool = False, steps: int = 0) -> None:
        """Without ``ways``, the second process makes the baseline's plan only; with ``bound``,
        it then prices the bound (``bound``), and ``steps`` more with multipliers on the seats."""
        self._folder = tempfile.TemporaryDirectory(prefix="repat-ahead-")
        folder = Path(self._folder.name)
        self._asked = folder / "scenario.pickle"
        with self._asked.open("wb") as file:
            pickle.dump(
                (scenario, escort_places(scenario) if ways else [], bound, steps),
                file,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        self._errors = (folder / "errors.txt").open("wb")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "planner.ahead", str(folder), str(os.getpid())],
            # ``-m`` looks in the working folder first: the one holding this very package.
            cwd=Path(__file__).resolve().parents[1],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._errors,
        )

    def baseline(self, deadline: float | None = None, stop: threading.Event | None = None) -> Plan | None:
        """The first-come baseline's plan, once the second process has made it; None (this
        process then makes it) if it failed, or if ``deadline`` (``time.perf_counter()``)
        passes or ``stop`` is set first."""
        made = self._read(Path(self._folder.name) / BASELINE, deadline, stop)
        return made if isinstance(made, Plan) else None

    def ways(self, deadline: float | None = None, stop: threading.Event | None = None) -> Ways:
        """The ways found, once the second process has found them all; none (the problem then
        searches them itself) if it failed, or if ``deadline`` passes or ``stop`` is set
        first.  The second process has nothing more to do, and is ended."""
        try:
            found = self._read(Path(self._folder.name) / WAYS, deadline, stop)
            return found if isinstance(found, dict) else {}
        finally:
            self.close()

    def bound(self, wait: bool = False, stop: threading.Event | None = None) -> float | None:
        """The best bound of the week the second process has priced so far, in rupiah (``wait``:
        once it has priced one, or ``stop`` is set); None if none yet, it failed, or was not
        asked to."""
        deadline = None if wait else time.perf_counter()
        found = self._read(Path(self._folder.name) / BOUND, deadline, stop)
        return float(found) if isinstance(found, float) else None

    def settle(self) -> None:
        """Ask the second process to begin no more of its bound's steps: the search is about to
        use both cores.  Whatever it has priced can still be read."""
        with contextlib.suppress(OSError):
            (Path(self._folder.name) / SETTLED).touch()

    def _read(self, path: Path, deadline: float | None, stop: threading.Event | None) -> object:
        """What the second process wrote to ``path``, once it has; None if it ended without
        writing it, or on ``deadline`` or ``stop``."""
        while not path.exists():
            if self._process.poll() is not None and not path.exists():
                return None
            if stop is not None and stop.is_set():
                return None
            if deadline is not None and time.perf_counter() >= deadline:
                return None
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(_POLL_SECONDS)
        try:
            with path.open("rb") as file:
                return pickle.load(file)
        except (OSError, EOFError, pickle.UnpicklingError):
            return None

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._errors.close()
        self._folder.cleanup()

    def __enter__(self) -> Ahead:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _orphaned(parent: int, folder: Path) -> None:
    """End this process, and remove what it was given, once the process that started it
    (``parent``) is gone (a solve worker killed, say): nobody is left to read what it finds."""
    while os.getppid() == parent:
        time.sleep(_POLL_SECONDS)
    shutil.rmtree(folder, ignore_errors=True)
    os._exit(1)


def write_whole(value: object, path: Path) -> None:
    # Written whole under another name first: the reader never sees half a file.
    partial = path.with_suffix(".partial")
    with partial.open("wb") as file:
        pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)


def main(folder: str, parent: str) -> None:
    # The parent is named, not read here: it may be gone before this process has started.
    threading.Thread(target=_orphaned, args=(int(parent), Path(folder)), daemon=True).start()
    with (Path(folder) / "scenario.pickle").open("rb") as file:
        scenario, places, bound, steps = pickle.load(file)
    network = TransportNetwork(scenario)
    baseline = Baseline(scenario, network).plan()
    write_whole(baseline, Path(folder) / BASELINE)
    trips = EscortTrips(scenario, network)
    write_whole({pair: trips.between(*pair) for pair in places}, Path(folder) / WAYS)
    if bound:
        _bounds(scenario, network, baseline.objective.total_idr, steps, Path(folder))


def _bounds(scenario: Scenario, network: TransportNetwork, target: float, steps: int, folder: Path) -> None:
    """The empty master's bound with the shares by departure, then up to ``steps`` more with the
    seats' multipliers until this process is settled (``Ahead.settle``), each better one
    written."""
    # Imported here: the solver's search imports this module.
    from planner.solver.generation import ColumnGeneration

    # Only bounds are left to make: the search needs both cores more.
    os.nice(19)
    generation = ColumnGeneration(scenario, network)
    generation.departure_shares = True
    for number, bound in enumerate(generation.seat_bounds(target)):
        if bound >= generation.bound:  # the best so far: ``seat_bounds`` keeps it there
            write_whole(float(bound), folder / BOUND)
        if number >= steps or (folder / SETTLED).exists():
            break


if __name__ == "__main__":
    main(*sys.argv[1:3])
