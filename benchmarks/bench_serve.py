"""A bounded load test of ``routing serve`` on localhost: users reading plans and re-timing edits
of one county while a solve runs.

    python benchmarks/bench_serve.py --users 50 --editors 10 --duration-s 60
    python benchmarks/bench_serve.py --quick          # 2 users, 3 s: the test's smoke run

Protocol: ``routing serve`` starts in a subprocess on a free port with a temporary SQLite store
and its own Dask LocalCluster (one worker process, started at the first solve), exactly as a
dispatcher would run it; ``routing user add`` creates the dispatcher accounts (password on
standard input). The county is planned once through the API (``POST /api/plans``, polling
``GET /api/jobs/{id}``); that plan is version 1 of the line of edits everyone works on. Then,
for ``--duration-s`` seconds, ``--users`` simulated users (asyncio + httpx, one session each,
logged in before the clock starts) act in a closed loop with a think time between actions
(uniform 0.5..1.5 × ``--think-s``):

- readers: ``GET /api/plans/{line}/version`` (where the line stands), then
  ``GET /api/plans/{current}`` (the plan document);
- editors (``--editors`` of the users, dispatchers): read the same way, then move one stop to
  another vehicle or swap two stops of a route and ``POST /api/plans/{current}/retime`` with
  the version they read. A 409 is the server refusing a stale edit — correct, not an error:
  the editor re-reads and tries again (at most ``--retries`` times).

Before the clock, one edit (the plan's routes sent back unchanged) lets the server read the
scenario and its matrices, which it does once per county and process; that edit is version 2.
One solve of the same county (``--solve-time-limit-s``) is started as the clock starts and runs
alongside on the cluster, writing its progress to the store every 0.5 s.

Errors: any 5xx, timeout (``--timeout-s``) or connection error, and any answer the protocol
does not expect (4xx other than a stale edit's 409). Lost edits, checked at the end by reading
every acknowledged version back and the store's history: an edit answered 200 whose plan id is
not at the acknowledged version of the line, whose stored routes are not the ones sent, or two
acknowledged edits on the same base version.

Budgets (issue 20): p95 ≤ 200 ms reading a plan (GET plan and GET version), ≤ 500 ms re-timing
an edit (200 and 409 alike), 0 errors, 0 lost edits. Exits 1 if one is missed, unless
``--report-only``. Latencies are measured by the client, in the same machine: its own CPU use
(JSON of every plan it edits) shares the cores with the server and the solve.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: p95 budgets in ms per request kind (issue 20, "Must show").
BUDGETS_MS = {"GET plan": 200.0, "GET version": 200.0, "retime 200": 500.0,
              "retime 409": 500.0}
KINDS = ("login", "GET version", "GET plan", "retime 200", "retime 409", "job state")


@dataclass
class Tally:
    """What the simulated users saw: latencies per kind, errors, acknowledged edits."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)
    gave_up: int = 0
    refused_422: int = 0

    def error(self, what: str) -> None:
        self.errors.append(what)


def cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used so far, from /proc (None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def routing_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "routing", *args]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def add_accounts(store_url: str, names: list[str], password: str) -> None:
    """``routing user add NAME --role dispatcher`` for each, the password on stdin."""
    for name in names:
        subprocess.run(routing_cmd("user", "add", name, "--role", "dispatcher", "--store",
                                   store_url),
                       input=password + "\n", text=True, check=True, env=environment(),
                       capture_output=True)


def start_server(store_url: str, port: int, scenarios: Path, log: Path) -> subprocess.Popen[Any]:
    out = log.open("wb")
    return subprocess.Popen(routing_cmd("serve", "--port", str(port), "--store", store_url,
                                        "--scenarios", str(scenarios)),
                            stdout=out, stderr=subprocess.STDOUT, env=environment())


async def wait_ready(base: str, proc: subprocess.Popen[Any], timeout_s: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(base_url=base, timeout=2) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"routing serve exited with {proc.returncode}")
            try:
                await client.get("/api/me")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.2)
    raise SystemExit("routing serve did not answer within 60 s")


class User:
    """One simulated user: an httpx client with its session cookie and CSRF token."""

    def __init__(self, base: str, name: str, timeout_s: float, tally: Tally) -> None:
        import httpx

        self.client = httpx.AsyncClient(base_url=base, timeout=timeout_s)
        self.name, self.tally, self.csrf = name, tally, ""

    async def request(self, kind: str, method: str, path: str, *, ok: tuple[int, ...] = (200,),
                      **kw: Any) -> Any:
        """The response, its latency recorded under ``kind`` (``retime`` by status); None on
        an error (counted)."""
        import httpx

        headers = {"X-CSRF-Token": self.csrf} if method != "GET" and self.csrf else {}
        t0 = time.perf_counter()
        try:
            r = await self.client.request(method, path, headers=headers, **kw)
        except httpx.TimeoutException:
            self.tally.error(f"{kind}: timeout")
            return None
        except httpx.TransportError as exc:
            self.tally.error(f"{kind}: {type(exc).__name__}")
            return None
        ms = (time.perf_counter() - t0) * 1000
        if kind == "retime":
            kind = f"retime {r.status_code}" if r.status_code in (200, 409) else "retime other"
        self.tally.latencies[kind].append(ms)
        if r.status_code == 422 and kind == "retime other":
            self.tally.refused_422 += 1
        if r.status_code not in ok:
            self.tally.error(f"{kind}: HTTP {r.status_code} {r.text[:120]}")
            return None
        return r

    async def login(self, password: str) -> None:
        r = await self.request("login", "POST", "/api/login",
                               json={"username": self.name, "password": password})
        if r is None:
            raise SystemExit(f"login of {self.name} failed: {self.tally.errors[-1]}")
        self.csrf = r.json()["csrf_token"]

    async def close(self) -> None:
        await self.client.aclose()


def _routes(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """A plan document's routes as the retime request takes them."""
    return [{"vehicle_id": r["vehicle_id"], "trip": r.get("trip"),
             "stops": [{"station_id": s["station_id"], "lines": s["lines"]}
                       for s in r["stops"]]} for r in doc["routes"]]


def edit(doc: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """One dispatcher's edit of the plan: move one stop to another vehicle's route, or swap
    two stops of one route (routes left empty are dropped)."""
    routes = _routes(doc)
    movable = [r for r in routes if len(r["stops"]) >= 2]
    if not movable:
        return routes
    a = rng.choice(movable)
    others = [r for r in routes if r is not a]
    if others and rng.random() < 0.5:
        b = rng.choice(others)
        stop = a["stops"].pop(rng.randrange(len(a["stops"])))
        b["stops"].insert(rng.randrange(len(b["stops"]) + 1), stop)
    else:
        i, j = rng.sample(range(len(a["stops"])), 2)
        a["stops"][i], a["stops"][j] = a["stops"][j], a["stops"][i]
    return [r for r in routes if r["stops"]]


def shape(routes: list[dict[str, Any]]) -> list[tuple[str, tuple[str, ...]]]:
    """What an edit decides, comparable with what the store kept: vehicle → stations."""
    return sorted((r["vehicle_id"], tuple(s["station_id"] for s in r["stops"]))
                  for r in routes if r["stops"])


async def read_head(user: User, line: int) -> tuple[int, int, Any] | None:
    """(current plan id, current version, response of the plan) of the line, or None."""
    r = await user.request("GET version", "GET", f"/api/plans/{line}/version")
    if r is None:
        return None
    v = r.json()
    p = await user.request("GET plan", "GET", f"/api/plans/{v['current_plan_id']}")
    return None if p is None else (v["current_plan_id"], v["current_version"], p)


async def reader(user: User, line: int, until: float, think_s: float,
                 rng: random.Random) -> None:
    while time.monotonic() < until:
        await read_head(user, line)
        await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))


async def editor(user: User, line: int, until: float, think_s: float, rng: random.Random,
                 retries: int) -> None:
    while time.monotonic() < until:
        for _attempt in range(retries + 1):
            head = await read_head(user, line)
            if head is None:
                break
            plan_id, version, p = head
            routes = edit(p.json(), rng)
            r = await user.request("retime", "POST", f"/api/plans/{plan_id}/retime",
                                   ok=(200, 409), json={"version": version, "routes": routes})
            if r is None:
                break
            if r.status_code == 200:
                out = r.json()
                user.tally.acks.append({"plan_id": out["plan_id"], "version": out["version"],
                                        "lineage_id": out["lineage_id"], "base": version,
                                        "shape": shape(routes), "user": user.name})
                break
        else:
            user.tally.gave_up += 1
        await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))


async def job_done(user: User, job: str, timeout_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        r = await user.request("job state", "GET", f"/api/jobs/{job}")
        if r is not None and r.json()["state"] in ("done", "failed"):
            out: dict[str, Any] = r.json()
            return out
        await asyncio.sleep(0.5)
    raise SystemExit(f"job {job} not done within {timeout_s:.0f} s")


async def lost_edits(user: User, line: int, acks: list[dict[str, Any]]) -> list[str]:
    """Every acknowledged edit read back: at its version of the line, with the routes sent;
    no two on the same base version; the history holds them all."""
    lost = []
    by_base: dict[int, list[int]] = defaultdict(list)
    for a in acks:
        by_base[a["base"]].append(a["plan_id"])
    lost += [f"two edits acknowledged on version {b}: plans {ids}"
             for b, ids in by_base.items() if len(ids) > 1]
    for a in acks:
        r = await user.request("GET version", "GET", f"/api/plans/{a['plan_id']}/version")
        v = None if r is None else r.json()
        if v is None or (v["lineage_id"], v["version"]) != (line, a["version"]):
            lost.append(f"plan {a['plan_id']} acknowledged as version {a['version']} of "
                        f"{line}, stored as {v and (v['lineage_id'], v['version'])}")
            continue
        p = await user.request("GET plan", "GET", f"/api/plans/{a['plan_id']}")
        if p is None or shape(p.json()["routes"]) != a["shape"]:
            lost.append(f"plan {a['plan_id']}: the stored routes are not the edit sent")
    r = await user.request("history", "GET", "/api/plans", params={"limit": 1000})
    if r is not None:
        versions = sorted(h["version"] for h in r.json() if h["lineage_id"] == line)
        if versions != list(range(1, len(versions) + 1)):
            lost.append(f"the line's versions are not 1..n: {versions[:20]}…")
        if len(versions) < len(acks) + 1 and len(r.json()) < 1000:
            lost.append(f"history holds {len(versions)} versions, {len(acks)} edits acked")
    return lost


def pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if q < 100 \
        else max(values)


async def run(args: argparse.Namespace) -> int:
    import httpx

    rng = random.Random(args.seed)
    password = secrets.token_urlsafe(12)
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        store_url = f"sqlite:///{Path(tmp) / 'plans.sqlite'}"
        names = [f"disp{k}" for k in range(1, args.dispatchers + 1)]
        t0 = time.perf_counter()
        add_accounts(store_url, names, password)
        accounts_s = time.perf_counter() - t0
        port = args.port or free_port()
        base = f"http://127.0.0.1:{port}"
        log = Path(args.server_log) if args.server_log else Path(tmp) / "serve.log"
        proc = start_server(store_url, port, Path(args.scenarios), log)
        users: list[User] = []
        try:
            await wait_ready(base, proc)
            admin = User(base, names[0], 30, tally)
            await admin.login(password)
            t0 = time.perf_counter()
            r = await admin.request("solve start", "POST", "/api/plans", ok=(202,), json={
                "scenario": args.scenario, "time_limit_s": args.plan_time_limit_s})
            if r is None:
                raise SystemExit(f"cannot start the first solve: {tally.errors}")
            job = await job_done(admin, r.json()["job"], args.plan_time_limit_s + 300)
            if job["state"] != "done":
                raise SystemExit(f"the first solve failed: {job['message']}")
            line = int(job["plan_id"])
            plan_s = time.perf_counter() - t0
            first = await admin.client.get(f"/api/plans/{line}")
            size = len(first.content)
            # One edit before the clock (the routes as planned, sent back): the server reads
            # the scenario and its matrices at its first re-time of a county, once.
            warm = _routes(first.json())
            r = await admin.request("warm-up", "POST", f"/api/plans/{line}/retime",
                                    json={"version": 1, "routes": warm})
            if r is None:
                raise SystemExit(f"the warm-up edit failed: {tally.errors}")
            tally.acks.append({"plan_id": r.json()["plan_id"], "version": r.json()["version"],
                               "lineage_id": line, "base": 1, "shape": shape(warm),
                               "user": admin.name})
            # Sessions first (Argon2 costs ~0.1 s of CPU each): not part of the window.
            users = [User(base, names[k % len(names)], args.timeout_s, tally)
                     for k in range(args.users)]
            gate = asyncio.Semaphore(4)

            async def login(u: User) -> None:
                async with gate:
                    await u.login(password)

            await asyncio.gather(*(login(u) for u in users))
            for kind in ("job state", "solve start", "warm-up"):
                tally.latencies.pop(kind, None)
            r = await admin.request("solve start", "POST", "/api/plans", ok=(202,), json={
                "scenario": args.scenario, "time_limit_s": args.solve_time_limit_s})
            solve = None if r is None else r.json()["job"]
            load0 = os.getloadavg()
            cpu0, server0 = time.process_time(), cpu_s(proc.pid)
            until = time.monotonic() + args.duration_s
            editors = min(args.editors, args.users)
            await asyncio.gather(*(
                editor(u, line, until, args.think_s, random.Random(rng.random()), args.retries)
                if k < editors else
                reader(u, line, until, args.think_s, random.Random(rng.random()))
                for k, u in enumerate(users)))
            client_cpu = time.process_time() - cpu0
            server1 = cpu_s(proc.pid)
            server_cpu = None if server0 is None or server1 is None else server1 - server0
            load1 = os.getloadavg()
            solve_job = None if solve is None else (
                await admin.request("job state", "GET", f"/api/jobs/{solve}"))
            window = {k: list(v) for k, v in tally.latencies.items()}
            errors = list(tally.errors)
            lost = await lost_edits(admin, line, tally.acks)
            await admin.close()
        finally:
            for u in users:
                await u.close()
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
    del httpx
    print(f"routing serve on {base}: {args.users} users ({editors} editing) for "
          f"{args.duration_s:g} s, think {args.think_s:g} s, scenario {args.scenario}; "
          f"plan {line} ({size / 1024:,.0f} KiB of JSON) planned in {plan_s:.1f} s; "
          f"{len(names)} accounts added in {accounts_s:.1f} s")
    print(f"load average before/after the window: {load0[0]:.2f} / {load1[0]:.2f} "
          f"({os.cpu_count()} cores); CPU in the window: server "
          f"{'?' if server_cpu is None else f'{server_cpu:.1f}'} s, load-test client "
          f"{client_cpu:.1f} s")
    served = sum(len(v) for k, v in window.items() if k != "login")
    if server_cpu is not None and served:
        print(f"server CPU per request in the window: {server_cpu / served * 1000:.1f} ms "
              f"({served} requests; the figure least moved by the machine's load)")
    if solve_job is not None:
        s = solve_job.json()
        print(f"solve alongside: {s['state']} ({s['stage']}, progress {s['progress']:.2f})")
    print()
    print("| request | n | p50 ms | p95 ms | max ms | budget p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    missed = []
    for kind in (*KINDS, *sorted(set(window) - set(KINDS))):
        values = window.get(kind, [])
        if not values:
            continue
        p50, p95 = statistics.median(values), pct(values, 95)
        budget = BUDGETS_MS.get(kind)
        if budget is not None and p95 > budget:
            missed.append(f"{kind} p95 {p95:.0f} ms > {budget:.0f} ms")
        print(f"| {kind} | {len(values)} | {p50:.0f} | {p95:.0f} | {max(values):.0f} | "
              f"{'' if budget is None else f'{budget:.0f}'} |")
    acked = len(tally.acks)
    stale = len(window.get("retime 409", []))
    print(f"\nedits acknowledged {acked}, refused as stale (409) {stale}, given up after "
          f"{args.retries} retries {tally.gave_up}; errors {len(errors)}; lost edits "
          f"{len(lost)}")
    for what in sorted(set(errors))[:10]:
        print(f"  error ×{errors.count(what)}: {what}")
    for what in lost[:10]:
        print(f"  lost: {what}")
    if errors:
        missed.append(f"{len(errors)} error(s)")
    if lost:
        missed.append(f"{len(lost)} lost edit(s)")
    if args.users and not window.get("GET plan"):
        missed.append("no plan was read")
    print("budgets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return 1 if missed and not args.report_only else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--editors", type=int, default=10, help="how many of the users edit")
    ap.add_argument("--duration-s", type=float, default=60.0)
    ap.add_argument("--think-s", type=float, default=1.0,
                    help="mean pause between a user's actions (uniform 0.5..1.5 ×)")
    ap.add_argument("--dispatchers", type=int, default=5, help="accounts the users share")
    ap.add_argument("--scenario", default="xia")
    ap.add_argument("--scenarios", default=str(ROOT / "scenarios"))
    ap.add_argument("--plan-time-limit-s", type=float, default=10.0,
                    help="the first plan, which everyone edits")
    ap.add_argument("--solve-time-limit-s", type=float, default=None,
                    help="the solve running alongside (default: the duration)")
    ap.add_argument("--retries", type=int, default=5, help="re-reads after a 409")
    ap.add_argument("--timeout-s", type=float, default=10.0)
    ap.add_argument("--port", type=int, default=0, help="default: a free one")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--server-log", default=None, help="keep routing serve's output here")
    ap.add_argument("--report-only", action="store_true",
                    help="exit 0 even when a budget is missed")
    ap.add_argument("--quick", action="store_true",
                    help="2 users (1 editing), 3 s, 2 accounts, first plan 2 s")
    args = ap.parse_args()
    if args.quick:
        args.users, args.editors, args.duration_s, args.dispatchers = 2, 1, 3.0, 2
        args.plan_time_limit_s, args.think_s = 2.0, 0.3
    if args.solve_time_limit_s is None:
        args.solve_time_limit_s = args.duration_s
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
