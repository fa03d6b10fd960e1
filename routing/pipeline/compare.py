"""Comparisons: carriers alone against the alliance's variants, and the Shapley coalitions.

This module plans (it drives :func:`routing.pipeline.plan.plan_scenario` for every option);
:mod:`routing.evaluate.consolidation` judges the outcomes (targets, the cost split).
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from ..constants import AUTO
from ..evaluate import consolidation as co
from ..exceptions import NoPlanError
from ..io.plan_json import plan_to_dict
from ..model import Scenario, Variant
from ..model.plan import Plan
from ..network.matrix import Matrices, travel_matrices
from . import alliance as al
from .plan import plan_scenario

Planner = al.Planner


def planner(seed: int | None, solution_limit: int | None, engine: str = "auto") -> Planner:
    """The compare engine's planner: our solver, no reference plan, one structure."""
    def plan(sub: Scenario, m: Matrices, structure: str, time_limit_s: float
             ) -> tuple[Plan, dict[str, Any]]:
        sub = replace(sub, solve=replace(sub.solve, reference=None))
        result, _ = plan_scenario(sub, m, time_limit_s=time_limit_s, seed=seed,
                                  solution_limit=solution_limit, structure=structure,
                                  engine=engine, strict=True)
        return result, plan_to_dict(result, sub)
    return plan


@dataclasses.dataclass(frozen=True, slots=True)
class CompareStep:
    """Where ``routing compare`` is: ``stage`` (baseline | variant | shapley), ``done`` of
    ``total`` jobs of that stage finished, the job about to start (``name``, "" at the end),
    seconds since the start and an estimate of the seconds left (every job's time limit,
    scaled by how long the finished ones took against theirs)."""

    stage: str
    done: int
    total: int
    name: str
    elapsed_s: float
    left_s: float


class _Clock:
    """Jobs done and time left: each job weighs its time limit."""

    def __init__(self, jobs: list[tuple[str, float]],
                 step: Callable[[CompareStep], None] | None) -> None:
        self.t0 = time.perf_counter()
        self.planned = sum(w for _, w in jobs)
        self.spent = 0.0  # time limits of the jobs done
        self.step = step or (lambda _s: None)
        self.totals: dict[str, int] = {}
        for stage, _ in jobs:
            self.totals[stage] = self.totals.get(stage, 0) + 1
        self.done: dict[str, int] = dict.fromkeys(self.totals, 0)

    def tell(self, stage: str, name: str) -> None:
        elapsed = time.perf_counter() - self.t0
        # Until a job has finished, assume plans take 1.3 × their limit (checks, the week's
        # simulation, a second schedule tried).
        rate = elapsed / self.spent if self.spent > 0 else 1.3
        left = max(0.0, (self.planned - self.spent) * rate)
        self.step(CompareStep(stage=stage, done=self.done[stage], total=self.totals[stage],
                              name=name, elapsed_s=elapsed, left_s=left))

    def finished(self, stage: str, weight: float) -> None:
        self.done[stage] += 1
        self.spent += weight


def co_cycle(scenario: Scenario, carrier: str) -> int:
    """How often a carrier alone visits its stations, days (its plans per cycle)."""
    return next((c.visit_every_days for c in scenario.carriers if c.id == carrier), 1)


def compare_scenario(scenario: Scenario, matrices: Matrices | None = None, *,
                     time_limit_s: float | None = None,
                     coalition_time_limit_s: float | None = None, shapley: bool | None = None,
                     seed: int | None = None, solution_limit: int | None = None,
                     note: Callable[[str], None] | None = None,
                     step: Callable[[CompareStep], None] | None = None,
                     engine: str = "auto") -> dict[str, Any]:
    """Carriers alone vs the scenario's variants, with targets and the cost split.

    Returns a JSON-ready dict (see :mod:`routing.report.comparison`); ``note`` (a callable
    taking a string) hears what is being planned; ``step`` (a callable taking a
    :class:`CompareStep`) hears each job start, with the jobs done and the time left. An
    option with no plan within the time limit (:class:`~routing.exceptions.NoPlanError`) is an
    outcome marked ``failed`` with no figures; ``result["failed"]`` lists each such option,
    coalitions included, and no cost split uses it (a failed coalition leaves the Shapley
    split out, naming the coalition).
    """
    from ..evaluate.sla import sla_report

    spec = scenario.compare
    run = _Comparison(
        scenario, travel_matrices(scenario) if matrices is None else matrices,
        spec.time_limit_s if time_limit_s is None else time_limit_s,
        spec.coalition_time_limit_s if coalition_time_limit_s is None
        else coalition_time_limit_s,
        planner(seed, solution_limit, engine), note or (lambda _msg: None))
    do_shapley = spec.shapley if shapley is None else shapley
    everyone = co.carriers_with_parcels(scenario)
    subsets = [members for size in range(1, len(everyone) + 1)
               for members in itertools.combinations(everyone, size)] \
        if do_shapley and len(everyone) > 1 else []
    # The grand coalition is the first variant's plan when that is the plain daily alliance.
    first = spec.variants[0] if spec.variants else None
    reuse_grand = (first is not None and first.visit_every_days == 1
                   and first.structure == "direct"
                   and tuple(first.carriers or (c.id for c in scenario.carriers)) == everyone)
    fresh = [s for s in subsets if not (reuse_grand and len(s) == len(everyone))]
    run.clock = _Clock([("baseline", run.cycle(co_cycle(scenario, c))) for c in everyone]
                       + [("variant", run.weight(v)) for v in spec.variants]
                       + [("shapley", run.ctl) for _ in fresh], step)
    baseline = run.baseline(everyone)
    variants = run.variants()
    coalitions, failed_coalitions = run.coalitions(subsets, len(everyone), reuse_grand,
                                                   variants)
    last = "shapley" if run.clock.totals.get("shapley") else "variant"
    if last in run.clock.totals:
        run.clock.tell(last, "")
    primary = next((v for v in variants if set(v.carriers) == set(everyone)), variants[0])
    base_timings = [t for o in baseline.values() for t in o.timings]
    return {
        "scenario": scenario.name, "title": scenario.title, "date": scenario.date,
        "targets": dataclasses.asdict(scenario.targets),
        "time_limit_s": run.tl, "coalition_time_limit_s": run.ctl if coalitions else None,
        "baseline": dict(baseline),
        "baseline_sla": sla_report(base_timings, scenario),
        "variants": variants,
        "primary": primary.name,
        "cost_shares": co.cost_shares(scenario, primary, baseline,
                                      coalitions if primary.structure == "direct" else None,
                                      tuple(failed_coalitions)),
        "coalitions": ({"+".join(sorted(k)): v for k, v in coalitions.items()}
                       if coalitions and not failed_coalitions else None),
        "failed": run.failed,
    }


@dataclasses.dataclass(slots=True)
class _Comparison:
    """One comparison's jobs: carriers alone, the variants, the Shapley coalitions; each
    planned with ``plan_with`` and told to the clock, a job without a plan in time a failed
    outcome (listed in ``failed``)."""

    scenario: Scenario
    m: Matrices
    tl: float
    ctl: float
    plan_with: Planner
    say: Callable[[str], None]
    failed: list[dict[str, str]] = dataclasses.field(default_factory=list)
    clock: _Clock = dataclasses.field(default_factory=lambda: _Clock([], None))

    def cycle(self, k: int) -> float:
        """A job's weight: the plans of its visit cycle, each on the time limit (every
        k > 1 days: two schedules of k plans tried)."""
        return self.tl * (2 * k if k > 1 else 1)

    def weight(self, v: Variant) -> float:
        """A variant's weight (auto frequency: about three cycles)."""
        return 6 * self.tl if v.visit_every_days == AUTO else self.cycle(int(v.visit_every_days))

    def attempt(self, kind: str, name: str, carriers: tuple[str, ...], structure: str,
                setting: int | str, targets: Any, job: Callable[[], co.Outcome]
                ) -> co.Outcome:
        try:
            return job()
        except NoPlanError as exc:
            self.say(f"{kind} {name}: no plan within the time limit")
            self.failed.append({"kind": kind, "option": name, "reason": str(exc)})
            return co.failed_outcome(self.scenario, name, kind, carriers, structure, setting,
                                     str(exc), targets)

    def baseline(self, alone: tuple[str, ...]) -> dict[str, co.Outcome]:
        sc, m = self.scenario, self.m
        self.say(f"baseline: {len(sc.carriers)} carriers alone, {self.tl:g} s each")
        out: dict[str, co.Outcome] = {}
        for c in alone:
            self.clock.tell("baseline", c)
            out[c] = self.attempt("baseline", f"{c} alone", (c,), "direct", co_cycle(sc, c),
                                  None, partial(al.plan_alone, sc, m, c, self.plan_with,
                                                self.tl))
            self.clock.finished("baseline", self.cycle(co_cycle(sc, c)))
        return out

    def variants(self) -> list[co.Outcome]:
        sc, m = self.scenario, self.m
        out = []
        for v in sc.compare.variants:
            every = ("each station's frequency chosen" if v.visit_every_days == AUTO
                     else f"every {v.visit_every_days} day(s)")
            self.say(f"variant {v.name}: {v.structure}, {every}")
            members = v.carriers or tuple(c.id for c in sc.carriers)
            self.clock.tell("variant", v.name)
            out.append(self.attempt("variant", v.name, tuple(members), v.structure,
                                    v.visit_every_days, v.targets,
                                    partial(al.plan_variant, sc, m, v, self.plan_with,
                                            self.tl)))
            self.clock.finished("variant", self.weight(v))
        return out

    def coalitions(self, subsets: list[tuple[str, ...]], everyone: int, reuse_grand: bool,
                   variants: list[co.Outcome]
                   ) -> tuple[dict[frozenset[str], float] | None, list[str]]:
        """Every coalition's cost per day (the grand one from the first variant when it is
        the plain daily alliance) and the coalitions that failed."""
        if not subsets:
            return None, []
        self.say(f"Shapley: {2 ** everyone - 1} coalition plans, {self.ctl:g} s each")
        costs: dict[frozenset[str], float] = {}
        failed: list[str] = []
        for members in subsets:
            name = "+".join(members)
            if reuse_grand and len(members) == everyone:
                if variants[0].failed:
                    failed.append(name)
                costs[frozenset(members)] = variants[0].cost_day
                continue
            self.clock.tell("shapley", name)
            o = self.attempt("coalition", name, members, "direct", 1, None,
                             partial(al.plan_variant, self.scenario, self.m,
                                     Variant(name=name, carriers=members), self.plan_with,
                                     self.ctl, kind="coalition"))
            if o.failed:
                failed.append(name)
            costs[frozenset(members)] = o.cost_day
            self.clock.finished("shapley", self.ctl)
        return costs, failed
