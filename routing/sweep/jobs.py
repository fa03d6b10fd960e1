"""Sweep jobs: one plan option each (a carrier alone, a variant, a Shapley coalition).

A job is small and plain (strings and numbers) so it travels to any worker; the worker reads the
scenario from its path or URL (fetching it once per machine, see :mod:`.fetch`) and takes the
travel matrices from the cluster's memory, computed once per scenario. Its key hashes
everything the result depends on — the scenario's full content as read (for a URL, from a
cache folder named after the content's hash), what is planned, the seed and budget, the
routing version — so a rerun skips what is already done and a changed scenario runs again.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import time
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from ..evaluate import consolidation as co
from ..exceptions import ScenarioError
from ..io import read_scenario
from ..io.limits import Limits
from ..model import Scenario, Variant
from ..network.matrix import Matrices, travel_matrices
from ..report.comparison import outcome_row
from .fetch import fetch, in_place
from .spec import SweepSpec

KINDS = ("baseline", "variant", "coalition")


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """One option of one scenario, with one seed."""

    key: str
    scenario: str  # folder path or URL
    scenario_digest: str  # hash of the content fetched from a URL; "" for a folder
    scenario_name: str
    kind: str  # baseline | variant | coalition
    name: str  # carrier id, variant name, or members joined by "+"
    seed: int
    time_limit_s: float
    solution_limit: int | None
    engine: str
    limits: Limits | None = None  # on fetching and reading the scenario; None: the defaults

    def as_row(self) -> dict[str, Any]:
        """The job's own columns in the results table."""
        return {"job_key": self.key, "scenario": self.scenario_name, "scenario_path":
                self.scenario, "kind": self.kind, "option": self.name, "seed": self.seed,
                "time_limit_s": self.time_limit_s}


@functools.lru_cache(maxsize=16)
def load_scenario(source: str, digest: str = "", limits: Limits | None = None) -> Scenario:
    """A scenario folder or URL (with the content hash the client saw), read once per
    process. One fetched by URL is read confined to its own folder (see
    :mod:`routing.io.limits`); ``limits`` cap fetching it and its tables."""
    folder = in_place(source)
    if folder is not None:
        return read_scenario(folder, limits=limits)
    folder = fetch(source, digest, limits).folder
    try:
        return read_scenario(folder, confined=True, limits=limits)
    except ScenarioError as exc:  # named by its URL, not the cache folder
        raise ScenarioError(exc.problems, source=f"scenario URL '{source}' (fetched to "
                            f"{folder})") from None


def _key(scenario: Scenario, *parts: Any) -> str:
    text = repr((version("routing"), scenario, parts))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def jobs_of(spec: SweepSpec) -> list[Job]:
    """Every job of the sweep, in a stable order: per scenario and seed, carriers alone,
    variants, coalitions."""
    out = []
    for item in spec.scenarios:
        sc = load_scenario(item.source, item.digest, spec.limits)
        declared = {v.name: v for v in sc.compare.variants}
        names = item.variants if item.variants is not None else tuple(declared)
        unknown = [n for n in names if n not in declared]
        if unknown:
            raise ValueError(f"{item.path}: no variant {unknown} in its [compare] "
                             f"(declared: {', '.join(declared)})")
        carriers = co.carriers_with_parcels(sc)
        coalitions = ([members for size in range(1, len(carriers) + 1)
                       for members in itertools.combinations(carriers, size)]
                      if spec.shapley and len(carriers) > 1 else [])
        ctl = spec.coalition_time_limit_s or spec.time_limit_s
        for seed in item.seeds:
            todo = ([("baseline", c, spec.time_limit_s, c) for c in carriers]
                    + [("variant", n, spec.time_limit_s, declared[n]) for n in names]
                    + [("coalition", "+".join(m), ctl, m) for m in coalitions])
            for kind, name, tl, what in todo:
                out.append(Job(key=_key(sc, kind, what, seed, tl, spec.solution_limit,
                                        spec.engine),
                               scenario=item.source, scenario_digest=item.digest,
                               scenario_name=sc.name, kind=kind,
                               name=name, seed=seed, time_limit_s=tl,
                               solution_limit=spec.solution_limit, engine=spec.engine,
                               limits=spec.limits))
    return out


def matrices_of(source: str, digest: str = "", limits: Limits | None = None) -> Matrices:
    """The scenario's travel matrices (from the on-disk cache when computed before)."""
    return travel_matrices(load_scenario(source, digest, limits))


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return "local"


def save_plans(store_url: str, job: Job, outcome: co.Outcome) -> list[int]:
    """Keep a job's plans in the plan store, tagged with the job and each with the violations
    the checker found in it, in one transaction (all or none); return their ids.

    Once per job key: when the store already holds the job's plans (a sweep was stopped after
    the job stored them but before its row was written, and the rerun ran it again), those are
    kept and their ids returned, and these plans are not stored.
    """
    from ..store import SweepTag, open_store

    with open_store(store_url) as store:
        ids, _ = store.save_job(job.key, [
            (doc, found, SweepTag(job=job.key, kind=job.kind, option=job.name, part=k))
            for k, (doc, found) in enumerate(zip(outcome.docs, outcome.checked, strict=True),
                                             start=1)])
        return ids


def run_job(job: Job, matrices: Matrices | None = None,
            store_url: str | None = None) -> dict[str, Any]:
    """Plan one job and return its results row; any failure becomes the row's ``error``.

    The row says how many plans are behind it and whether the independent checker passed every
    one (``plans``, ``check_passed``); with ``store_url`` they are saved in the plan store and
    the row lists their ids (``plan_ids``).
    """
    from ..pipeline import alliance as al
    from ..pipeline import planner

    started = time.perf_counter()
    row: dict[str, Any] = job.as_row()
    try:
        sc = load_scenario(job.scenario, job.scenario_digest, job.limits)
        m = matrices if matrices is not None else matrices_of(job.scenario, job.scenario_digest,
                                                              job.limits)
        plan = planner(job.seed, job.solution_limit, job.engine)
        if job.kind == "baseline":
            o = al.plan_alone(sc, m, job.name, plan, job.time_limit_s)
        elif job.kind == "variant":
            v = next(x for x in sc.compare.variants if x.name == job.name)
            o = al.plan_variant(sc, m, v, plan, job.time_limit_s)
        else:
            o = al.plan_variant(sc, m, Variant(name=job.name, carriers=tuple(
                job.name.split("+"))), plan, job.time_limit_s, kind="coalition")
        figures = outcome_row(o, None)
        figures.pop("variant")
        figures["sla_met"] = figures.pop("target_met")
        row |= figures
        row["cost_target"] = o.targets.cost_reduction  # a variant's own, if it has one
        row["engine"] = ",".join(sorted({str(d.get("engine", "ortools")) for d in o.docs}))
        row["plans"] = len(o.docs)
        row["check_passed"] = len(o.checked) == len(o.docs) and not o.violations
        if store_url is not None:
            row["plan_ids"] = " ".join(map(str, save_plans(store_url, job, o)))
        row["error"] = ""
    except Exception as exc:  # a failed job is a row, the sweep goes on
        row["error"] = f"{type(exc).__name__}: {exc}"
    row["solve_time_s"] = round(time.perf_counter() - started, 3)
    row["worker"] = _worker_name()
    return row
