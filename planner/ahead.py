"""Work done ahead, in a second process, while this one builds the rest of the problem.

Building a busy week's problem is pure Python, one core's work, and the second core idles
until the search starts.  The escorts' ways between their bases and the places parties start
and end (``EscortTrips.between``) depend on nothing but the scenario, so a second process
searches them while this one runs the baseline and drafts the cases' journeys; the problem
then finds them ready.  The ways are the ones this process would have found, so the plan is
the same: only the time to the first search changes.

The second process is started with the interpreter, not forked or spawned by
``multiprocessing``: the API's worker processes are daemons, which may have no
``multiprocessing`` children, and a fork would copy their threads and database connections.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from planner.journeys import EscortTrips, Ways, escort_places
from planner.network import TransportNetwork
from planner.scenario import Scenario

# How often a wait for the second process looks whether the search was stopped.
_POLL_SECONDS = 0.05


class EscortWaysAhead:
    """The escort ways of ``scenario``, searched in a second process from the moment this
    is made.  ``close`` ends the process whatever it is doing."""

    def __init__(self, scenario: Scenario) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="repat-ahead-")
        folder = Path(self._folder.name)
        self._asked = folder / "scenario.pickle"
        self._found = folder / "ways.pickle"
        with self._asked.open("wb") as file:
            pickle.dump((scenario, escort_places(scenario)), file, protocol=pickle.HIGHEST_PROTOCOL)
        self._errors = (folder / "errors.txt").open("wb")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "planner.ahead", str(self._asked), str(self._found), str(os.getpid())],
            # ``-m`` looks in the working folder first: the one holding this very package.
            cwd=Path(__file__).resolve().parents[1],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._errors,
        )

    def ways(self, deadline: float | None = None, stop: threading.Event | None = None) -> Ways:
        """The ways found, once the second process has found them all; none (the problem then
        searches them itself) if it failed, or if ``deadline`` (``time.perf_counter()``) passes
        or ``stop`` is set first."""
        try:
            while self._process.poll() is None:
                if stop is not None and stop.is_set():
                    return {}
                if deadline is not None and time.perf_counter() >= deadline:
                    return {}
                try:
                    self._process.wait(_POLL_SECONDS)
                except subprocess.TimeoutExpired:
                    continue
            if self._process.returncode != 0:
                return {}
            try:
                with self._found.open("rb") as file:
                    found: Ways = pickle.load(file)
            except (OSError, EOFError, pickle.UnpicklingError):
                return {}
            return found
        finally:
            self.close()

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._errors.close()
        self._folder.cleanup()

    def __enter__(self) -> EscortWaysAhead:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def search(scenario: Scenario, places: list[tuple[str, str]]) -> Ways:
    """What ``EscortTrips.between`` gives for each pair of ``places``."""
    trips = EscortTrips(scenario, TransportNetwork(scenario))
    return {pair: trips.between(*pair) for pair in places}


def _orphaned(parent: int, folder: Path) -> None:
    """End this process, and remove what it was given, once the process that started it
    (``parent``) is gone (a solve worker killed, say): nobody is left to read what it finds."""
    while os.getppid() == parent:
        time.sleep(_POLL_SECONDS)
    shutil.rmtree(folder, ignore_errors=True)
    os._exit(1)


def main(asked: str, found: str, parent: str) -> None:
    # The parent is named, not read here: it may be gone before this process has started.
    threading.Thread(target=_orphaned, args=(int(parent), Path(asked).parent), daemon=True).start()
    with open(asked, "rb") as file:
        scenario, places = pickle.load(file)
    ways = search(scenario, places)
    # Written whole under another name first: the reader never sees half a file.
    partial = Path(found).with_suffix(".partial")
    with partial.open("wb") as file:
        pickle.dump(ways, file, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(found)


if __name__ == "__main__":
    main(*sys.argv[1:4])
