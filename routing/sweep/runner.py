"""Run a sweep's jobs on Dask distributed and gather one results table.

By default a LocalCluster with one single-threaded worker process per core; with a scheduler
address, an existing cluster (``dask scheduler`` / ``dask worker``). Each scenario's travel
matrices are one task on the cluster, computed once and passed to every job of that scenario
by Dask: a task rather than scattered data, so that the scheduler can compute them again when
the workers holding them are restarted (see below).

Nothing is lost: each finished job is written at once to ``OUT_DIR/jobs/<key>.json`` (via a
temporary file and a rename, so a killed sweep leaves no half-written row); a rerun with the
same SPEC and OUT_DIR skips every job with a successful row and runs the rest, failed ones
included. A job that raises, whose worker dies, or that runs past ``job_timeout_s`` becomes a
row with its error; the sweep goes on. The timeout counts from when a worker starts executing
the job (Dask may queue a second job on a busy worker; its wait does not count), and a job past
it is cancelled and its worker restarted in the background, since a running Python task cannot
be stopped otherwise; the loop meanwhile keeps collecting the other jobs.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .jobs import Job, jobs_of, matrices_of, run_job
from .spec import SweepSpec
from .tables import results_table, shares_table


@dataclass(frozen=True, slots=True)
class SweepResult:
    """What a sweep did: its rows (one per job), and how many ran, were skipped, failed."""

    rows: list[dict[str, Any]]
    ran: int
    skipped: int
    failed: int
    out_dir: Path


def _done_rows(folder: Path) -> dict[str, dict[str, Any]]:
    rows = {}
    for f in folder.glob("*.json"):
        try:
            row = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue  # unreadable: the job runs again
        rows[row["job_key"]] = row
    return rows


def _write_row(folder: Path, row: dict[str, Any]) -> None:
    tmp = folder / f".{row['job_key']}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(row, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(folder / f"{row['job_key']}.json")


def _error_row(job: Job, message: str, worker: str = "") -> dict[str, Any]:
    return job.as_row() | {"error": message, "solve_time_s": None, "worker": worker}


def make_client(scheduler: str | None = None, workers: int | None = None) -> Any:
    """A Dask client: on ``scheduler`` when given, else on a new LocalCluster with
    ``workers`` single-threaded processes (default: one per core)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="5s")
        except OSError as exc:
            raise ConnectionError(f"cannot reach the Dask scheduler at {scheduler}: {exc}. "
                                  "Start one with `dask scheduler` and workers with "
                                  f"`dask worker {scheduler}`") from None
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                           dashboard_address=":0")
    return Client(cluster)


def store_for_workers(url: str) -> str:
    """The plan store URL as workers get it: a SQLite path made absolute, the store created or
    migrated here, once, and a store that cannot be opened refused before any job runs.

    Raises
    ------
    StoreError
        Bad URL, server unreachable, or an in-memory SQLite database (one per process).
    """
    from ..exceptions import StoreError
    from ..store import absolute_url, open_store

    url = absolute_url(url)
    with open_store(url) as store:
        if store.url.get_backend_name() == "sqlite" and store.url.database in (None, "",
                                                                                ":memory:"):
            raise StoreError(f"store {store.where}: an in-memory SQLite store lives in one "
                             "process; give a file (sqlite:///plans.sqlite) or PostgreSQL")
    return url


def run_sweep(spec: SweepSpec, out_dir: Path, *, client: Any = None,
              scheduler: str | None = None, workers: int | None = None,
              progress: bool = True, on_row: Callable[[dict[str, Any]], None] | None = None,
              store: str | None = None) -> SweepResult:
    """Run every job of ``spec`` not yet done in ``out_dir``; write the tables.

    ``store`` (a plan store URL, else the SPEC's ``store``): every job saves its plans there,
    from the worker, and its row lists their ids. Jobs done before are not run again, so
    their plans are not stored now.
    """
    out_dir = Path(out_dir)
    folder = out_dir / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    jobs = jobs_of(spec)
    done = {k: r for k, r in _done_rows(folder).items() if not r.get("error")}
    todo = [j for j in jobs if j.key not in done]
    ran = failed = 0
    if todo:
        url = store if store is not None else spec.store
        url = None if url is None else store_for_workers(url)
        own = client is None
        client = client or make_client(scheduler, workers)
        bar = _bar(len(todo), progress)
        clock = _Clock(spec.job_timeout_s)
        futures: dict[Any, Job] = {}
        try:
            shared = {src: client.submit(matrices_of, *src, spec.limits, pure=False)
                      for src in sorted({(j.scenario, j.scenario_digest) for j in todo})}
            futures = {client.submit(run_job, j, shared[j.scenario, j.scenario_digest], url,
                                     key=f"job-{j.key}", pure=False): j for j in todo}
            pending = set(futures)
            while pending:
                finished = {f for f in pending if f.status != "pending"}
                if not finished:
                    time.sleep(0.2)
                pending -= finished
                for fut in finished:
                    job = futures[fut]
                    try:
                        row = fut.result()
                    except BaseException as exc:  # the worker died, the task was lost
                        if isinstance(exc, KeyboardInterrupt):
                            raise
                        row = _error_row(job, f"{type(exc).__name__}: {exc}")
                    _write_row(folder, row)
                    ran += 1
                    failed += bool(row.get("error"))
                    if on_row:
                        on_row(row)
                    bar.update(1)
                expired = clock.expire(client, pending, futures, folder)
                pending -= expired
                ran += len(expired)
                failed += len(expired)
                bar.update(len(expired))
                bar.set_postfix(done=ran, failed=failed, running=clock.running)
        finally:
            bar.close()
            client.cancel([f for f in futures if f.status == "pending"])
            clock.join()  # restarts under way: leave the cluster whole for the caller
            if own:
                cluster = getattr(client, "cluster", None)
                client.close()
                if cluster is not None:
                    cluster.close()
    rows_by_key = _done_rows(folder)
    rows = [rows_by_key[j.key] for j in jobs if j.key in rows_by_key]
    write_tables(rows, out_dir)
    return SweepResult(rows=rows, ran=ran, skipped=len(jobs) - len(todo),
                       failed=sum(1 for r in rows if r.get("error")), out_dir=out_dir)


@dataclass(slots=True)
class _Clock:
    """Times the jobs the workers are executing and expires those past ``timeout_s``.

    Which jobs execute is asked of the workers (``Client.call_stack``), not taken from the
    scheduler's ``processing``: that also lists jobs queued behind a running one on the same
    worker, whose time spent waiting is not theirs.
    """

    timeout_s: float
    every_s: float = 0.5  # how often the workers are asked
    since: dict[Any, tuple[str, float]] = field(default_factory=dict)  # key: (worker, start)
    next_check: float = 0.0
    restarts: list[threading.Thread] = field(default_factory=list)

    @property
    def running(self) -> int:
        """Jobs executing at the last look."""
        return len(self.since)

    def expire(self, client: Any, pending: set[Any], futures: dict[Any, Job],
               folder: Path) -> set[Any]:
        """Write an error row for each job executing longer than ``timeout_s``, cancel it and
        restart its worker; return the expired futures."""
        now = time.monotonic()
        if now < self.next_check:
            return set()
        self.next_check = now + self.every_s
        by_key = {f.key: f for f in pending}
        assigned = [k for keys in client.processing().values() for k in keys if k in by_key]
        try:
            stacks = client.call_stack(keys=assigned) if assigned else {}
        except (KeyError, OSError):  # a job just finished or a worker just left: next look
            return set()
        executing = {k: w for w, keys in stacks.items() for k in keys if k in by_key}
        self.since = {k: self.since[k] if self.since.get(k, ("",))[0] == w else (w, now)
                      for k, w in executing.items()}  # a job moved to another worker restarts
        expired = {k for k, (_, start) in self.since.items() if now - start > self.timeout_s}
        for k in expired:
            worker = self.since.pop(k)[0]
            _write_row(folder, _error_row(futures[by_key[k]],
                                          f"timed out after {self.timeout_s:g} s", worker))
        if expired:
            client.cancel([by_key[k] for k in expired], force=True)
            workers = sorted({executing[k] for k in expired})
            thread = threading.Thread(target=_restart, args=(client, workers), daemon=True,
                                      name="sweep-restart")
            thread.start()
            self.restarts.append(thread)
        return {by_key[k] for k in expired}

    def join(self, timeout_s: float = 60.0) -> None:
        """Wait for the worker restarts under way."""
        for thread in self.restarts:
            thread.join(timeout_s)


def _restart(client: Any, workers: list[str]) -> None:
    # A worker that will not restart (no nanny, or gone) is left to the scheduler; the
    # restart takes seconds (the nanny waits for the busy worker before killing it), so it
    # runs in its own thread while the sweep goes on.
    with contextlib.suppress(Exception):
        client.restart_workers(workers)


def _bar(total: int, show: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="job", disable=not show, desc="sweep")


def write_tables(rows: list[dict[str, Any]], out_dir: Path) -> dict[str, Path]:
    """results.parquet/.csv/.xlsx (one row per job, reductions and targets filled in) and
    shares.csv (each member's Shapley share per scenario and seed)."""
    table = results_table(rows)
    shares = shares_table(rows)
    paths = {"parquet": out_dir / "results.parquet", "csv": out_dir / "results.csv",
             "xlsx": out_dir / "results.xlsx", "shares": out_dir / "shares.csv"}
    table.to_parquet(paths["parquet"], index=False)
    table.to_csv(paths["csv"], index=False, encoding="utf-8-sig")
    with pd.ExcelWriter(paths["xlsx"], engine="openpyxl") as xl:
        table.to_excel(xl, sheet_name="结果 results", index=False)
        shares.to_excel(xl, sheet_name="分摊 shares", index=False)
    shares.to_csv(paths["shares"], index=False, encoding="utf-8-sig")
    return paths
