"""SolveOptions: every option of one solve, resolved once and passed down typed.

A scenario's ``[solve]`` section (:class:`routing.model.scenario.SolveSpec`) holds the county's
defaults; a caller (the CLI, a comparison, a sweep, the web workspace) overrides some of them.
:meth:`SolveOptions.of` joins the two once, at the top; below it nothing falls back to the
scenario again. Engine runs inside a portfolio get a copy with their own time budget or seed
(:func:`dataclasses.replace`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..exceptions import ModelError
from ..model.scenario import SolveSpec

#: Engines a caller may ask for ("auto": a portfolio of both, see routing.solve.solve).
ENGINES = ("ortools", "pyvrp", "auto")
#: Plan structures ("both" plans each, for a comparison).
STRUCTURES = ("direct", "two_echelon", "both")


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """The options of one solve.

    Parameters
    ----------
    time_limit_s
        Wall-clock budget of the whole solve, seconds (an engine run gets its share).
    seed
        Random seed; equal seeds and solution limits give equal plans.
    solution_limit
        Stop after this many solutions (OR-Tools) or iterations (PyVRP); None: time only.
    engine
        One of :data:`ENGINES`.
    structure
        One of :data:`STRUCTURES`.
    reference
        Station id (and ``line:<id>``) → vehicle id of a plan to stay close to, or None.
    change_penalty
        CNY per stop served by another vehicle than in ``reference``.
    unserved_penalty
        CNY per visit left out, in the engines' objective.
    first_solution, metaheuristic
        OR-Tools' first-solution strategy and local-search metaheuristic.
    strict
        No engine plan in time is an error (comparisons, sweeps), not the insertion plan.
    pinned
        Locked stops: station id → the vehicle that must serve it.
    """

    time_limit_s: float
    seed: int
    solution_limit: int | None = None
    engine: str = "auto"
    structure: str = "direct"
    reference: Mapping[str, str] | None = None
    change_penalty: float = 50.0
    unserved_penalty: float = 100_000.0
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    strict: bool = False
    pinned: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ModelError(f"`engine` must be one of {{{', '.join(ENGINES)}}}; "
                             f"got {self.engine!r}")
        if self.structure not in STRUCTURES:
            raise ModelError(f"`structure` must be one of {{{', '.join(STRUCTURES)}}}; "
                             f"got {self.structure!r}")

    @classmethod
    def of(cls, spec: SolveSpec, *, time_limit_s: float | None = None, seed: int | None = None,
           solution_limit: int | None = None, engine: str = "auto",
           structure: str | None = None, reference: Mapping[str, str] | None = None,
           change_penalty: float | None = None, strict: bool = False,
           pinned: Mapping[str, str] | None = None) -> SolveOptions:
        """The scenario's ``[solve]`` defaults with the caller's overrides (None: the
        scenario's). ``reference`` is the station → vehicle map itself: reading the
        scenario's reference plan file is the pipeline's job (see
        :func:`routing.pipeline.plan.options_for`)."""
        return cls(
            time_limit_s=spec.time_limit_s if time_limit_s is None else time_limit_s,
            seed=spec.seed if seed is None else seed,
            solution_limit=spec.solution_limit if solution_limit is None else solution_limit,
            engine=engine,
            structure=spec.structure if structure is None else structure,
            reference=reference,
            change_penalty=spec.change_penalty if change_penalty is None else change_penalty,
            unserved_penalty=spec.unserved_penalty,
            first_solution=spec.first_solution,
            metaheuristic=spec.metaheuristic,
            strict=strict,
            pinned=pinned)
