"""Every error repat raises for bad input roots in ``RepatError``."""

from __future__ import annotations

from dataclasses import dataclass


class RepatError(Exception):
    """Base of every error caused by input rather than by a bug."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in an input file, where it is, and what to do about it.

    ``row`` counts lines as a spreadsheet shows them: the header is row 1, the first data
    row is row 2.  ``row`` 0 means the whole file, an empty ``column`` the whole row.
    """

    file: str
    row: int
    column: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = self.file
        if self.row:
            where += f":{self.row}"
        if self.column:
            where += f":{self.column}"
        return f"{where}: {self.message} ({self.fix})"


class ScenarioError(RepatError):
    """A scenario that cannot be read; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        first = str(problems[0]) if problems else "invalid scenario"
        more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
        super().__init__(first + more)


class PlanFormatError(RepatError):
    """A plan.json that does not follow the contract's shape."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in problems[:3]))
