"""The bound over the party rows at the empty master, made and solved in a second process
(with the Lagrangian bound there, which it writes first).

Making that program (Python) and solving it (HiGHS) take longer than a round on the larger
weeks, and the making held the interpreter the rounds need.  So a second process makes it from
the scenario, as this one would, and solves it on the second core in slices
(``Program.rising``), writing the bound each slice's duals prove to a file.  When the plan is
done this process reads the last one and ends the other.  It runs at the lowest priority: the
integer search needs both cores more than the bound does (measured in docs/solver.md).

Started with the interpreter (as ``planner.ahead``), since the service's workers are daemons;
here, beside ``planner.ahead``, and not in the solver package, since it is process and file
plumbing around the solver: the integer search (``planner.solver.search``) starts it and hands
it to the column generation, which only asks whether it is done and what it proves.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from planner.ahead import write_whole
from planner.network import TransportNetwork
from planner.scenario import Scenario

SCENARIO = "scenario.pickle"
BOUND = "bound.pickle"


class Aside:
    """The bound over the party rows of ``scenario`` at the empty master, in a second process
    that solves it until ``until`` (``time.perf_counter()``) or ``finish``."""

    def __init__(self, scenario: Scenario, until: float) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="repat-aside-")
        folder = Path(self._folder.name)
        with (folder / SCENARIO).open("wb") as file:
            pickle.dump(scenario, file, protocol=pickle.HIGHEST_PROTOCOL)
        self._errors = (folder / "errors.txt").open("wb")
        seconds = max(until - time.perf_counter(), 0.1)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "planner.aside", str(folder), f"{seconds:.3f}"],
            # ``-m`` looks in the working folder first: the one holding this very package.
            cwd=Path(__file__).resolve().parents[1],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=self._errors,
        )
        self.failure: str | None = None  # what the process wrote when it failed

    @property
    def done(self) -> bool:
        return self._process.poll() is not None

    def finish(self, wait: bool = False) -> float | None:
        """The week's bound proved so far, in rupiah, the process ended (``wait``: once it ends
        by itself); None if it proved none: ended before its program was made, or failed
        (``failure`` then says how).  The plan does not depend on it, only its bound."""
        try:
            if wait:
                self._process.wait()
            if self._process.poll() not in (None, 0):
                self._errors.flush()
                text = (Path(self._folder.name) / "errors.txt").read_text(encoding="utf-8", errors="replace")
                self.failure = text.strip() or f"ended with code {self._process.returncode}"
            try:
                with (Path(self._folder.name) / BOUND).open("rb") as file:
                    found = pickle.load(file)
            except (OSError, EOFError, pickle.UnpicklingError):
                return None
            return float(found) if isinstance(found, float) else None
        finally:
            self._close()

    def _close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        self._errors.close()
        self._folder.cleanup()

    def __del__(self) -> None:
        # A solve that never finished (an error in this process) leaves no process behind.
        with contextlib.suppress(Exception):
            if self._process.poll() is None:
                self._process.kill()


def main(folder: str, seconds: str) -> None:
    """Make the program and solve it until ``seconds`` have passed, writing each better bound
    it proves as it goes.  The end of standard input (this process's parent gone, or done with
    it) ends the process at once: what was written is what the parent reads."""
    until = time.perf_counter() + float(seconds)
    os.nice(19)

    def listen() -> None:
        sys.stdin.buffer.readline()
        os._exit(0)

    threading.Thread(target=listen, name="listen", daemon=True).start()
    # Ended by ``os._exit``, not by the interpreter: its shutdown aborts while ``listen`` reads
    # stdin.  A failure is written where the parent reads it (``Aside.failure``).
    try:
        _solve(Path(folder), until)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    os._exit(0)


def _solve(folder: Path, until: float) -> None:
    with (folder / SCENARIO).open("rb") as file:
        scenario = pickle.load(file)
    # Imported here: the parent imports this module for ``Aside`` only.
    from planner.solver.generation import ColumnGeneration

    generation = ColumnGeneration(scenario, TransportNetwork(scenario))
    # The Lagrangian bound at the empty master first (the parent leaves it to this process),
    # kept wherever the program proves less or is not solved in time.
    generation.empty_bound()
    lagrangian = generation.bound
    write_whole(lagrangian, folder / BOUND)
    found = generation.empty_party_program()
    for value in found.program.rising(until):
        write_whole(max(lagrangian, found.bound(value)), folder / BOUND)


if __name__ == "__main__":
    main(*sys.argv[1:3])
