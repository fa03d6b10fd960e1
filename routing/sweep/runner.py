"""Run a sweep's jobs on Dask distributed and gather one results table.

By default a LocalCluster with one single-threaded worker process per core; with a scheduler
address, an existing cluster (``dask scheduler`` / ``dask worker``). Each scenario's travel
matrices are scattered to the workers once and every job of that scenario refers to them.

Nothing is lost: each finished job is written at once to ``OUT_DIR/jobs/<key>.json`` (via a
temporary file and a rename, so a killed sweep leaves no half-written row); a rerun with the
same SPEC and OUT_DIR skips every job with a successful row and runs the rest, failed ones
included. A job that raises, whose worker dies, or that runs past ``job_timeout_s`` becomes a
row with its error; the sweep goes on.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
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


def run_sweep(spec: SweepSpec, out_dir: Path, *, client: Any = None,
              scheduler: str | None = None, workers: int | None = None,
              progress: bool = True, on_row: Callable[[dict[str, Any]], None] | None = None,
              ) -> SweepResult:
    """Run every job of ``spec`` not yet done in ``out_dir``; write the tables."""
    out_dir = Path(out_dir)
    folder = out_dir / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    jobs = jobs_of(spec)
    done = {k: r for k, r in _done_rows(folder).items() if not r.get("error")}
    todo = [j for j in jobs if j.key not in done]
    ran = failed = 0
    if todo:
        own = client is None
        client = client or make_client(scheduler, workers)
        bar = _bar(len(todo), progress)
        try:
            shared = {path: client.scatter(matrices_of(path), broadcast=True, hash=False)
                      for path in sorted({j.scenario for j in todo})}
            futures = {client.submit(run_job, j, shared[j.scenario], key=f"job-{j.key}",
                                     pure=False): j for j in todo}
            running_since: dict[str, float] = {}
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
                for fut in finished:
                    running_since.pop(futures[fut].key, None)
                expired = _expire(client, pending, futures, running_since, spec, folder)
                pending -= expired
                ran += len(expired)
                failed += len(expired)
                bar.update(len(expired))
                bar.set_postfix(done=ran, failed=failed, running=len(running_since))
        finally:
            bar.close()
            client.cancel([f for f in futures if f.status == "pending"])
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


def _expire(client: Any, pending: set[Any], futures: dict[Any, Job],
            running_since: dict[str, float], spec: SweepSpec, folder: Path) -> set[Any]:
    """Track when each job started running; one past ``job_timeout_s`` gets an error row,
    is cancelled, and its worker is restarted (a running task cannot be stopped otherwise).
    Returns the expired futures."""
    processing = client.processing()
    now = time.monotonic()
    by_key = {f.key: f for f in pending}
    where: dict[str, str] = {}
    for worker, keys in processing.items():
        for k in keys:
            if k in by_key:
                where[k] = worker
                running_since.setdefault(futures[by_key[k]].key, now)
    expired = set()
    for k, worker in where.items():
        job = futures[by_key[k]]
        if now - running_since[job.key] > spec.job_timeout_s:
            _write_row(folder, _error_row(job, f"timed out after {spec.job_timeout_s:g} s",
                                          worker))
            running_since.pop(job.key, None)
            client.cancel(by_key[k], force=True)
            # a worker that will not restart is left to the scheduler
            with contextlib.suppress(Exception):
                client.restart_workers([worker])
            expired.add(by_key[k])
    return expired


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
