"""What every engine backend returns: plain sequences, no solver objects (shared by backends)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Statuses of a search that returned a plan (OPTIMAL: it also proved optimality).
FOUND = ("SUCCESS", "OPTIMAL")

#: Progress callback: (elapsed seconds, best objective in CNY, solutions found).
Progress = Callable[[float, float, int], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class RawSolution:
    """What the engine found: per vehicle the visit sequence and the depot departure (s).

    ``first_s`` is the time to the first feasible solution (None if none was found), so
    benchmarks can report it for every engine the same way; ``peak_rss_mb`` is the peak
    memory of the process that solved it, when that was a separate process (the portfolio's
    child), so a benchmark can add it to its own.
    """

    status: str
    objective: float
    runtime_s: float
    sequences: dict[tuple[str, int], list[int]]  # (vehicle id, trip) -> visits in order
    starts: dict[tuple[str, int], int]
    solutions: int
    first_s: float | None = None
    peak_rss_mb: float | None = None
    warm_start: bool = False  #: the search started from another engine's routes
    restarts: int = 0  #: fresh starts of a search that stagnated (PyVRP's "wide" search)
    prize_collecting: bool = False  #: every visit was optional (PyVRP after required failed)

    @property
    def found(self) -> bool:
        """Did the engine return a plan (SUCCESS, or OPTIMAL when it proved optimality)?"""
        return self.status in FOUND
