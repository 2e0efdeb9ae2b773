"""The flow program (``flows.py``) solved by column generation over its blocks.

The program is too large for HiGHS in one piece, but most of it is flow conservation: each
unit's rows are a network of its own (the itineraries it may take) and so are each escort's
(its week through its moments, out, along parties and back).  A flow of one unit through its
block is a path, so the program is the master over the rows the blocks share (seats,
vehicles, escorts on each ride, money) with a column per path (Dantzig-Wolfe).  Pricing is a
shortest path per block at the master's duals, over a directed acyclic graph (the escorts'
arcs earn the duals of the rides they escort, so arcs may be negative: a pass in topological
order, not Dijkstra).  At any duals of the right sign the Lagrangian bound, the duals times
the shared rows' bounds plus each block's least path, is at most every plan of the week; when
no path prices out it equals the master, the program's value.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
from scipy.sparse import csc_matrix, csr_matrix

from planner.solver.master import RowKey
from planner.solver.program import INF, Program

_UNIT_ROWS = frozenset({"node"})
_ESCORT_ROWS = frozenset({"moment", "layer", "at", "out", "back"})
_PRICE = 1e-6  # thousands of rupiah: a path enters when it saves more than this


@dataclass
class Block:
    """One unit's or one escort's network: its arcs (program columns) in a topological order
    of their tails; node 0 is the source, node ``nodes - 1`` the sink."""

    owner: RowKey  # ("unit", u) or ("escort", escort_id): its row in the master
    cap: float  # how many of it flow: a unit's members, or one escort
    nodes: int
    columns: np.ndarray
    tail: list[int]
    head: list[int]

    def shortest(self, weight: np.ndarray) -> tuple[float, list[int]]:
        """The least path from source to sink at arc ``weight`` (per program column) and its
        program columns."""
        cost = weight[self.columns].tolist()
        tail, head = self.tail, self.head
        dist = [INF] * self.nodes
        via = [-1] * self.nodes
        dist[0] = 0.0
        for a in range(len(cost)):
            d = dist[tail[a]]
            if d == INF:
                continue
            d += cost[a]
            h = head[a]
            if d < dist[h]:
                dist[h] = d
                via[h] = a
        sink = self.nodes - 1
        if dist[sink] == INF:
            return INF, []
        path: list[int] = []
        node = sink
        while node != 0:
            a = via[node]
            path.append(int(self.columns[a]))
            node = tail[a]
        return dist[sink], path[::-1]


def _blocks(lp: Program, keys: list[RowKey]) -> tuple[list[Block], np.ndarray]:
    """The program's blocks, and the columns in none (hired vehicles, money into lines)."""
    rows = np.array(lp.rows, dtype=np.int64)
    cols = np.array(lp.cols, dtype=np.int64)
    values = np.array(lp.values)
    owner_of: list[RowKey | None] = []
    for key in keys:
        if key[0] in _UNIT_ROWS:
            owner_of.append(("unit", key[1]))
        elif key[0] in _ESCORT_ROWS:
            owner_of.append(("escort", key[1]))
        else:
            owner_of.append(None)
    conserving = np.array([o is not None for o in owner_of], dtype=bool)
    n = len(lp.cost)
    tail = np.full(n, -1, dtype=np.int64)
    head = np.full(n, -1, dtype=np.int64)
    own = conserving[rows]
    out_of = own & (values < 0)
    into = own & (values > 0)
    assert len(np.unique(cols[out_of])) == int(out_of.sum()), "a column leaves two nodes"
    assert len(np.unique(cols[into])) == int(into.sum()), "a column enters two nodes"
    tail[cols[out_of]] = rows[out_of]
    head[cols[into]] = rows[into]
    block_of: list[RowKey | None] = [None] * n
    for j in np.nonzero((tail >= 0) | (head >= 0))[0].tolist():
        node = tail[j] if tail[j] >= 0 else head[j]
        block_of[j] = owner_of[node]
    # A unit's way by road alone enters none of its nodes: it runs from source to sink.
    unit_row = {key: i for i, key in enumerate(keys) if key[0] == "unit"}
    for r, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if block_of[j] is None and keys[r][0] == "unit":
            block_of[j] = keys[r]
    members: dict[RowKey, list[int]] = defaultdict(list)
    loose: list[int] = []
    for j, owner in enumerate(block_of):
        if owner is None:
            loose.append(j)
        else:
            members[owner].append(j)
    blocks = []
    for owner, columns in members.items():
        cap = lp.row_upper[unit_row[owner]] if owner[0] == "unit" else 1.0
        blocks.append(_block(owner, cap, np.array(columns, dtype=np.int64), tail, head))
    return blocks, np.array(loose, dtype=np.int64)


def _block(owner: RowKey, cap: float, columns: np.ndarray, tail: np.ndarray, head: np.ndarray) -> Block:
    """A block's arcs sorted by a topological order of its nodes (Kahn's)."""
    t, h = tail[columns], head[columns]
    names = np.unique(np.concatenate([t[t >= 0], h[h >= 0]]))
    index = {int(r): i + 1 for i, r in enumerate(names.tolist())}
    sink = len(names) + 1
    local_t = [index[r] if r >= 0 else 0 for r in t.tolist()]
    local_h = [index[r] if r >= 0 else sink for r in h.tolist()]
    nodes = sink + 1
    outgoing: list[list[int]] = [[] for _ in range(nodes)]
    indegree = [0] * nodes
    for a, (x, y) in enumerate(zip(local_t, local_h, strict=True)):
        outgoing[x].append(a)
        indegree[y] += 1
    ready = deque(v for v in range(nodes) if indegree[v] == 0)
    position = [0] * nodes
    placed = 0
    while ready:
        v = ready.popleft()
        position[v] = placed
        placed += 1
        for a in outgoing[v]:
            y = local_h[a]
            indegree[y] -= 1
            if indegree[y] == 0:
                ready.append(y)
    assert placed == nodes, f"the network of {owner} has a cycle"
    # Arcs in the order of their tails: a node's distance is final before it is left.
    order = sorted(range(len(columns)), key=lambda a: position[local_t[a]])
    return Block(
        owner,
        cap,
        nodes,
        columns[np.array(order, dtype=np.int64)],
        [local_t[a] for a in order],
        [local_h[a] for a in order],
    )


class FlowMaster:
    """The master over the blocks' shared rows, its columns the blocks' paths, in HiGHS."""

    def __init__(self, lp: Program, constant: float) -> None:
        self.lp = lp
        self.constant = constant  # thousands of rupiah: everyone waiting
        keys: list[RowKey] = [()] * len(lp.row_lower)
        for key, i in lp.row_index.items():
            keys[i] = key
        self.keys = keys
        self.blocks, loose = _blocks(lp, keys)
        shape = (len(keys), len(lp.cost))
        matrix = csc_matrix((lp.values, (lp.rows, lp.cols)), shape=shape)
        shared = np.array([k[0] not in _UNIT_ROWS and k[0] not in _ESCORT_ROWS for k in keys], dtype=bool)
        # The rows a path column has in the master: the shared ones and its unit's row.
        self.matrix = csc_matrix(matrix.multiply(shared[:, None]))
        self.matrix.eliminate_zeros()
        priced = shared & np.array([k[0] != "unit" for k in keys], dtype=bool)
        self.priced = priced
        self.transposed = csr_matrix(self.matrix.multiply(priced[:, None]).T)
        self.transposed.eliminate_zeros()
        self.cost = np.array(lp.cost)
        self.row_lower = np.array(lp.row_lower)
        self.row_upper = np.array(lp.row_upper)
        self.h = highspy.Highs()  # type: ignore[no-untyped-call]
        self.h.setOptionValue("output_flag", False)
        self.master_row: dict[int, int] = {}  # program row -> master row
        self.master_keys: list[RowKey] = []
        self.master_lower, self.master_upper = np.zeros(0), np.zeros(0)
        self.owner_row: dict[RowKey, int] = {}
        for block in self.blocks:
            self.owner_row[block.owner] = self._row(block.owner, -INF, block.cap)
            if block.owner in lp.row_index:  # a unit's row: its paths' entries go there
                self.master_row[lp.row_index[block.owner]] = self.owner_row[block.owner]
        self.paths: list[tuple[RowKey, list[int]]] = []
        for j in loose.tolist():
            self._column(float(self.cost[j]), [j], lp.upper[j], None)
        self.loose, self.loose_upper = loose, np.array(lp.upper)[loose]
        self.best = -INF
        self.center: tuple[np.ndarray, np.ndarray] | None = None
        self.smoothing = 0.5
        self.value = constant
        self.rounds = 0

    def _row(self, key: RowKey, lower: float, upper: float) -> int:
        index = len(self.master_keys)
        self.master_keys.append(key)
        self.master_lower = np.append(self.master_lower, lower)
        self.master_upper = np.append(self.master_upper, upper)
        self.h.addRow(lower, upper, 0, np.zeros(0, dtype=np.int32), np.zeros(0))
        return index

    def _column(self, cost: float, columns: list[int], upper: float, owner: RowKey | None) -> None:
        part = self.matrix[:, columns]
        rows, inverse = np.unique(part.indices, return_inverse=True)
        values = np.bincount(inverse, part.data, minlength=len(rows))
        kept = np.abs(values) > 1e-12
        rows, values = rows[kept], values[kept]
        index: list[int] = []
        for r in rows.tolist():
            found = self.master_row.get(r)
            if found is None:
                found = self.master_row[r] = self._row(
                    self.keys[r], float(self.row_lower[r]), float(self.row_upper[r])
                )
            index.append(found)
        index_array = np.array(index, dtype=np.int32)
        if owner is not None and owner[0] == "escort":
            index_array = np.append(index_array, np.int32(self.owner_row[owner]))
            values = np.append(values, 1.0)
        self.h.addCol(cost, 0.0, upper, len(index_array), index_array, values.astype(np.float64))
        if owner is not None:
            self.paths.append((owner, columns))

    def duals(self) -> tuple[np.ndarray, np.ndarray]:
        """The master's row duals of the right sign, on the program's rows (0 where the master
        has none), and on the master's own rows."""
        solution = self.h.getSolution()
        dual = np.array(solution.row_dual)
        lower, upper = np.isfinite(self.master_lower), np.isfinite(self.master_upper)
        dual = np.where(upper & ~lower, np.minimum(dual, 0.0), dual)
        dual = np.where(lower & ~upper, np.maximum(dual, 0.0), dual)
        full = np.zeros(len(self.keys))
        program_rows = np.fromiter(self.master_row.keys(), dtype=np.int64, count=len(self.master_row))
        master_rows = np.fromiter(self.master_row.values(), dtype=np.int64, count=len(self.master_row))
        full[program_rows] = dual[master_rows]
        return full * self.priced, dual

    def round(self) -> int:
        """Solve the master, price every block, add the paths that price out; the number added.

        Prices at a point between the master's duals and those of the best bound so far
        (Wentges smoothing): the master's own duals are degenerate and alone tail off; when
        nothing prices out there, at the master's own duals, and when nothing does there
        either the master is the program's value."""
        self.h.run()
        status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kModelEmpty:
            # No column yet (a week with no hired vehicle or line, before the first paths):
            # the master is worth nothing and every dual is 0.
            self.value = self.constant
            full, dual = np.zeros(len(self.keys)), np.zeros(len(self.master_keys))
        elif status == highspy.HighsModelStatus.kOptimal:
            self.value = self.constant + self.h.getInfo().objective_function_value
            full, dual = self.duals()
        else:
            raise RuntimeError(f"the flow master ended {self.h.modelStatusToString(status)}")
        owners = np.array([dual[self.owner_row[b.owner]] for b in self.blocks])
        points = [(full, owners)]
        if self.center is not None and self.smoothing > 0:
            a = self.smoothing
            points.insert(0, (a * self.center[0] + (1 - a) * full, a * self.center[1] + (1 - a) * owners))
        at_master = self.cost - self.transposed @ full
        for y, owned in points:
            bound, paths = self._price(y, owned)
            if bound > self.best:
                self.best, self.center = bound, (y, owned)
            # A path that prices out only at the smoothed point may be in the master already
            # (a misprice): adding it again would change nothing, round after round.
            paths = [
                (block, path)
                for block, path in paths
                if float(at_master[path].sum()) - float(dual[self.owner_row[block.owner]]) < -_PRICE
            ]
            for block, path in paths:
                self._column(float(self.cost[path].sum()), path, INF, block.owner)
            if paths:
                break
        self.rounds += 1
        return len(paths)

    def _price(self, full: np.ndarray, owners: np.ndarray) -> tuple[float, list[tuple[Block, list[int]]]]:
        """The Lagrangian bound at duals ``full`` (program rows) and the blocks' least paths
        that price out against ``owners`` (their rows' duals)."""
        reduced = self.cost - self.transposed @ full
        low, high = full > 0, full < 0
        bound = self.constant + float(full[low] @ self.row_lower[low] + full[high] @ self.row_upper[high])
        paths = []
        for block, owner in zip(self.blocks, owners.tolist(), strict=True):
            least, path = block.shortest(reduced)
            if not path:
                continue
            bound += block.cap * min(0.0, least)
            if least - owner < -_PRICE:
                paths.append((block, path))
        return bound + self._loose(reduced), paths

    def _loose(self, reduced: np.ndarray) -> float:
        """What the columns in no block add to the Lagrangian bound at their reduced costs."""
        at = reduced[self.loose]
        negative = at < 0  # the others add 0 (and 0 times an infinite box is no number)
        return float(at[negative] @ self.loose_upper[negative])

    def solve(self, seconds: float | None = None, progress: Callable[[int], None] | None = None) -> None:
        """Rounds until nothing prices out or ``seconds`` have passed; ``progress`` is told the
        paths each round added (the caller reads ``value``, ``best`` and ``rounds``)."""
        started = time.perf_counter()
        while True:
            added = self.round()
            if progress is not None:
                progress(added)
            if not added or (seconds is not None and time.perf_counter() - started > seconds):
                return
