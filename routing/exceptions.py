"""Error and warning hierarchy.

Every error a user can provoke with a bad file or option is a :class:`RoutingError`; the CLI
turns it into a one-screen message and exit code 1. Messages follow one shape:
``<entity> '<id>': <field> must <constraint>; got <value>.``
"""

from __future__ import annotations


class RoutingError(Exception):
    """Base class of every error this package raises on purpose."""


class DataError(RoutingError, ValueError):
    """Input data is invalid (a field, a row, a file)."""


class ScenarioError(DataError):
    """A scenario folder is invalid; the message lists every problem found, not just the first."""

    def __init__(self, problems: list[str], *, source: str = "scenario") -> None:
        self.problems = list(problems)
        self.source = source
        head = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} in {source}:"
        shown = self.problems[:30]
        more = len(self.problems) - len(shown)
        lines = [head, *(f"  - {p}" for p in shown)]
        if more:
            lines.append(f"  ... and {more} more")
        super().__init__("\n".join(lines))


class FetchError(DataError):
    """A scenario URL cannot be fetched, or what it names is not a scenario folder."""


class RoadNetworkError(DataError):
    """A road network file cannot be read or used."""


class ModelError(RoutingError, ValueError):
    """The problem cannot be modelled (e.g. no vehicle could carry some goods at all)."""


class SolverError(RoutingError, RuntimeError):
    """The solver failed or is misconfigured."""


class PlanError(DataError):
    """A plan file is unreadable or does not follow the plan schema."""


class FallbackDistanceWarning(UserWarning):
    """Great-circle distances were used where road distances were asked for."""


class FieldError(DataError):
    """One field of one object is invalid; carries the parts a loader needs to name the row."""

    def __init__(self, entity: str, ident: str, field: str, expected: str, value: object) -> None:
        self.entity, self.ident, self.field = entity, ident, field
        self.expected, self.value = expected, value
        super().__init__(f"{entity} '{ident}': {field} {expected}; got {value!r}.")


class UnsupportedConstraintError(ModelError):
    """The chosen engine cannot express a constraint of this problem (it refuses, never drops).

    ``constraints`` lists each one in words, so ``--engine auto`` can say why it used OR-Tools.
    """

    def __init__(self, engine: str, constraints: list[str]) -> None:
        self.engine = engine
        self.constraints = list(constraints)
        super().__init__(f"engine '{engine}' cannot express: " + "; ".join(self.constraints)
                         + " — use --engine ortools (or auto)")


class StoreError(RoutingError):
    """The plan store cannot be opened or does not hold what was asked (URL, server, plan id)."""


class NoPlanError(SolverError):
    """No plan within the time limit: no engine run found a plan that serves any visit,
    although the fleet can serve some (the repair step could place at least one visit on its
    own). Comparisons, sweeps and cost splits refuse what insertion alone builds (plans of
    one quality); ``routing plan`` keeps it with a note. More time is the remedy.

    The CLI exits with :data:`EXIT_NO_PLAN` (4). ``part`` names what was being planned (a
    scenario, a variant, a coalition) when known; ``time_limit_s`` is the budget it had.
    """

    def __init__(self, part: str, time_limit_s: float, visits: int, servable: int) -> None:
        self.part, self.time_limit_s = part, time_limit_s
        self.visits, self.servable = visits, servable
        super().__init__(
            f"no plan within the time limit for {part}: in {time_limit_s:g} s no engine found "
            f"a plan that serves any of its {visits} visits, though the fleet can serve at "
            f"least {servable} of them. Give it more time (--time-limit-s, or [solve] "
            "time_limit_s in scenario.toml).")


#: Exit code of every command when a plan could not be found within the time limit.
EXIT_NO_PLAN = 4
