"""The column-generation solver: every itinerary and escort duty of the week, a bound of the
whole week, and integer plans over the columns that matter.

* ``network``: the week's time-expanded network as arrays, and the rules that say exactly
  which itineraries and escort ways it holds;
* ``master``: the restricted master LP in HiGHS, its rows by the contract's rule families;
* ``pricing`` and ``floor``: exact pricing of units and escort duties by shortest paths;
* ``bound``: the Lagrangian bound of the whole week at every round;
* ``generation``: the rounds;
* ``search``: integer plans by price-and-branch through the exact model.

How it works and what was measured: docs/solver.md.
"""

from planner.solver.search import ColumnOptimizer, solve

__all__ = ["ColumnOptimizer", "solve"]
