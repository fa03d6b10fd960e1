"""Solve jobs on Dask: the server records a job, submits :func:`run_plan_job` to the cluster
and returns at once; the worker reads the scenario, solves, checks the plan with the
independent checker, stores it, and writes its stage and progress into the job's row as it
goes, where every server process (``GET /api/jobs/{id}`` and its events) reads them.

The cluster is a Dask scheduler at ``--scheduler`` or, by default, a LocalCluster of one
single-threaded worker process, started at the first solve (a server that only serves plans
never starts one).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..store import open_store
from ..store.accounts import create_job, update_job
from .config import WebConfig

if TYPE_CHECKING:
    from ..pipeline import Locks

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Around:
    """A re-optimisation around a stored plan: its station → vehicle map (``reference``), the
    locks built from it, and where the result goes in its line of edits (``version`` of
    ``lineage_id``, after ``parent_id``)."""

    reference: dict[str, str]
    locks: Locks | None
    lineage_id: int
    version: int
    parent_id: int

#: Seconds between two progress writes of a running solve.
PROGRESS_EVERY_S = 0.5


class _Progress:
    """The solver's progress callback, written into the job's row at most every
    PROGRESS_EVERY_S: elapsed share of the time limit and the best search cost so far."""

    def __init__(self, store: Any, job_id: str, limit_s: float) -> None:
        self.store, self.job_id, self.limit_s = store, job_id, max(limit_s, 1e-3)
        self.last = -PROGRESS_EVERY_S

    def __call__(self, elapsed: float, best: float, _count: int) -> None:
        if elapsed - self.last < PROGRESS_EVERY_S:
            return
        self.last = elapsed
        cost = best if best == best and best < float("inf") else None
        update_job(self.store, self.job_id, progress=round(min(0.95, elapsed / self.limit_s), 3),
                   best_cost=None if cost is None else round(cost, 2))


def run_plan_job(store_url: str, job_id: str, folder: str, author: str,
                 time_limit_s: float | None, seed: int | None,
                 solution_limit: int | None, around: Around | None = None) -> int | None:
    """Plan the scenario in ``folder`` for job ``job_id`` (on a Dask worker): store the plan
    checked by the independent checker as version 1 of a new line of edits — or, ``around``
    a stored plan, planned close to it with its locks, as that plan's next version — and the
    job done with its plan id; any failure leaves the job failed with a message, never a
    traceback."""
    from ..exceptions import NoPlanError, RoutingError
    from ..store import StaleVersionError

    with open_store(store_url) as store:
        try:
            return _plan(store, job_id, Path(folder), author, time_limit_s, seed,
                         solution_limit, around)
        except StaleVersionError:
            assert around is not None
            head = store.head(around.lineage_id)
            who = f" by {head.author}" if head.author else ""
            update_job(store, job_id, state="failed", stage="failed",
                       message=f"plan {around.lineage_id} moved on to version {head.version}"
                               f"{who} while this re-optimisation of version "
                               f"{around.version - 1} ran; its plan was not stored (run it "
                               "again on the current version)")
        except NoPlanError as exc:
            update_job(store, job_id, state="failed", stage="failed", message=str(exc))
        except RoutingError as exc:
            update_job(store, job_id, state="failed", stage="failed", message=str(exc))
        except Exception as exc:  # the job must end failed, whatever broke
            log.exception("job %s failed", job_id)
            update_job(store, job_id, state="failed", stage="failed",
                       message=f"internal error: {type(exc).__name__}: {exc}")
        return None


def _plan(store: Any, job_id: str, folder: Path, author: str, time_limit_s: float | None,
          seed: int | None, solution_limit: int | None, around: Around | None) -> int:
    from ..evaluate.check import check_plan
    from ..io import read_scenario
    from ..io.plan_json import plan_to_dict
    from ..network.matrix import travel_matrices
    from ..pipeline import plan_scenario

    update_job(store, job_id, state="running", stage="reading", progress=0.0)
    scenario = read_scenario(folder)
    update_job(store, job_id, stage="matrices")
    matrices = travel_matrices(scenario)
    limit = scenario.solve.time_limit_s if time_limit_s is None else time_limit_s
    update_job(store, job_id, stage="solving")
    plan, _ = plan_scenario(scenario, matrices, time_limit_s=time_limit_s, seed=seed,
                            solution_limit=solution_limit,
                            progress=_Progress(store, job_id, limit),
                            reference=around.reference if around else None,
                            locks=around.locks if around else None)
    update_job(store, job_id, stage="checking", progress=0.97)
    doc = plan_to_dict(plan, scenario)
    violations = check_plan(doc, scenario, matrices)
    update_job(store, job_id, stage="storing", progress=0.99)
    plan_id = store.save_version(doc, violations=len(violations),
                                 lineage_id=around.lineage_id if around else None,
                                 version=around.version if around else 1,
                                 parent_id=around.parent_id if around else None,
                                 author=author)
    update_job(store, job_id, state="done", stage="done", progress=1.0, plan_id=plan_id,
               violations=len(violations), best_cost=doc["totals"]["cost"],
               message=f"{len(violations)} violation(s) found by the checker")
    return plan_id


class JobRunner:
    """Submits solve jobs to Dask and keeps their futures until they end (a released future
    would cancel its task); a task that dies with its worker marks its job failed."""

    def __init__(self, config: WebConfig, store_url: str) -> None:
        self.config = config
        self.store_url = store_url
        self._client: Any = None
        self._cluster: Any = None
        self._futures: dict[str, Any] = {}
        self._lock = threading.Lock()

    def client(self) -> Any:
        """The Dask client, connected (or its LocalCluster started) on first use."""
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            return self._client

    def _connect(self) -> Any:
        from distributed import Client, LocalCluster

        if self.config.scheduler:
            try:
                return Client(self.config.scheduler, timeout="10s")
            except OSError as exc:
                raise ConnectionError(f"cannot reach the Dask scheduler at "
                                      f"{self.config.scheduler}: {exc}") from None
        self._cluster = LocalCluster(n_workers=self.config.workers, threads_per_worker=1,
                                     processes=True, dashboard_address=":0")
        return Client(self._cluster)

    def submit(self, store: Any, *, scenario: str, folder: Path, time_limit_s: float | None,
               user_id: int, author: str, around: Around | None = None) -> str:
        """Record a queued job and hand it to the cluster; its id."""
        job = create_job(store, scenario=scenario, time_limit_s=time_limit_s, user_id=user_id)
        try:
            client = self.client()
            future = client.submit(run_plan_job, self.store_url, job.id, str(folder), author,
                                   time_limit_s, self.config.seed, self.config.solution_limit,
                                   around, key=f"plan-{job.id}", pure=False)
        except Exception as exc:
            update_job(store, job.id, state="failed", stage="failed",
                       message=f"the Dask cluster refused the job: {exc}")
            return job.id
        with self._lock:
            self._futures[job.id] = future
        future.add_done_callback(lambda f, jid=job.id: self._ended(jid, f))
        return job.id

    def _ended(self, job_id: str, future: Any) -> None:
        with self._lock:
            self._futures.pop(job_id, None)
        if future.status == "finished":
            return
        try:
            why = repr(future.exception(timeout=1)) if future.status == "error" else \
                future.status
        except Exception as exc:  # the exception itself may not be fetchable
            why = type(exc).__name__
        with open_store(self.store_url) as store:
            update_job(store, job_id, state="failed", stage="failed",
                       message=f"the solve did not finish on the cluster ({why})")

    def close(self) -> None:
        """Let go of the futures, the client and the LocalCluster this runner started."""
        with self._lock:
            self._futures.clear()
            client, cluster = self._client, self._cluster
            self._client = self._cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
