"""The ``auto`` engine: several searches on the machine's two cores, the cheapest plan kept.

Where PyVRP can express the problem (:func:`pyvrp_portfolio`): PyVRP on each core, one with
PyVRP's own parameters and one with the "wide" search (a wider neighbourhood, a shorter
acceptance history, fresh restarts when stuck; see pyvrp_backend.SEARCHES) and another seed —
the better of two different searches. OR-Tools' plans cost 14–28 % more than
PyVRP's on the four bundled counties at equal time, and more on the benchmark sets (README
"Engines", benchmarks/README.md), so a second PyVRP search is worth more than an OR-Tools one.
Each search gives up after GIVE_UP of its time without a feasible plan (a fleet too small
for every required visit) and goes on prize-collecting, every visit optional, on the time left
(:func:`required_then_prizes`).

Large problems (:data:`DECOMPOSE_MIN` visits or more, time limit of at least
:data:`DECOMPOSE_MIN_S`) are solved in three phases on both cores (:func:`_decomposed`):
both seeds on the whole problem; then the best plan's routes cut in two halves around the
hub, each half re-solved on its own core from its routes (a half converges much faster than
the whole); then the two halves joined and both cores on the whole again from there.

Where PyVRP cannot express the problem (:func:`warm_portfolio`): OR-Tools on one core, and on
the other PyVRP without the missing constraints followed by OR-Tools started from its routes.

Every run carries a label that starts with its engine's name and says which search it was
("pyvrp", "pyvrp wide", "ortools from pyvrp routes", …; :data:`LABELS`), so no two runs of
one portfolio read the same in ``meta.portfolio`` and the summary; :func:`engine_of` gives
the engine back. A vehicle with several trips is one unit throughout: its trips stay in one
half of the decomposition, under one id, on one reference vehicle.

Each search in another process is a forked child (:func:`_fork`), so wall time stays the time
limit. Inside a daemonic process (a Dask worker, a process pool), which may not start
children, the searches run one after the other on a share of the time each.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ..exceptions import SolverError
from ..model import Scenario
from ..network.matrix import Matrices
from . import ortools_backend, pyvrp_backend
from .options import SolveOptions
from .raw import Progress, RawSolution
from .visits import Visit

#: Share of its budget after which the portfolio's second PyVRP search, still without a
#: feasible plan, hands the rest of its core to OR-Tools.
GIVE_UP = 0.25
#: Decompose problems with at least this many visits … (measured at 60 s on generated
#: counties, benchmarks/bench_county_scale.py: 5,000 villages 1.4 % cheaper decomposed,
#: 600 villages no better — the whole problem converges fast enough there)
DECOMPOSE_MIN = 1000
#: … and a time limit of at least this many seconds (below, the phases are too short).
DECOMPOSE_MIN_S = 20.0
#: Shares of the time limit for the three phases: whole, halves, whole again.
PHASES = (0.3, 0.45, 0.25)

#: What a run's label says beyond its engine's name (the label is "engine" or "engine what").
LABELS = {
    "pyvrp": "PyVRP's own search parameters",
    "pyvrp wide": 'the "wide" search (pyvrp_backend.SEARCHES) on the second core',
    "pyvrp from halves": "the decomposition's last phase, from the two halves' routes joined",
    "pyvrp prize-collecting": "PyVRP with every visit optional, after the search with the "
                              "dominant visits required found no feasible plan (GIVE_UP)",
    "pyvrp wide prize-collecting": "the same on the second core, with the wide search",
    "ortools": "OR-Tools from its own first solution",
    "ortools on the time left": "OR-Tools on the decomposition's time left (no PyVRP plan)",
    "ortools from pyvrp routes": "OR-Tools started from PyVRP's routes (solved without the "
                                 "constraints PyVRP lacks)",
    "ortools after pyvrp": "OR-Tools after PyVRP without those constraints, whose routes "
                           "could not start it (none found, or infeasible with them)",
}
#: One run of the portfolio: its label (a key of LABELS), seed, and its solution (or why it
#: has none).
Run = tuple[str, int, "RawSolution | str"]
Sequences = dict[tuple[str, int], list[int]]


def engine_of(label: str) -> str:
    """The engine of a run label: its first word ("ortools from pyvrp routes" → "ortools")."""
    return label.split(maxsplit=1)[0]


def own_peak_mb() -> float | None:
    """This process's peak resident memory (VmHWM; pages shared with the parent count too)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for ln in f:
                if ln.startswith("VmHWM:"):
                    return round(int(ln.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _fork(fn: Callable[[], RawSolution], timeout_s: float) -> Callable[[], RawSolution | str]:
    """Run ``fn`` in a forked child; returns the function that waits for its result (a
    child that fails, or hangs past ``timeout_s``, gives a message instead)."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def run() -> None:
        try:
            child.send(replace(fn(), peak_rss_mb=own_peak_mb()))
        except Exception as exc:  # any failure is reported to the parent, which goes on
            child.send(f"{type(exc).__name__}: {exc}")
        finally:
            child.close()

    proc = ctx.Process(target=run, daemon=True)
    proc.start()
    child.close()

    def collect() -> RawSolution | str:
        out: RawSolution | str
        if parent.poll(max(5.0, timeout_s)):
            try:
                out = parent.recv()
            except EOFError:
                out = "the child process ended without a result"
        else:
            out = "the child process did not finish in time"
        proc.join(timeout=1)
        if proc.is_alive():
            proc.terminate()
            proc.join()
        parent.close()
        return out

    return collect


def _pyvrp(scenario: Scenario, matrices: Matrices, visits: list[Visit], options: SolveOptions,
           *, progress: Progress | None = None, give_up: float | None = None,
           search: str = "default", initial: Sequences | None = None,
           optional: bool = False) -> RawSolution | str:
    """PyVRP with ``options``; an exception becomes its message."""
    try:
        return pyvrp_backend.solve_visits(scenario, matrices, visits, options,
                                          progress=progress, give_up=give_up, search=search,
                                          initial=initial, optional=optional)
    except Exception as exc:  # reported in the portfolio, the other searches stand
        return f"{type(exc).__name__}: {exc}"


def required_then_prizes(scenario: Scenario, matrices: Matrices, visits: list[Visit],
                          options: SolveOptions, progress: Progress | None, *,
                          budget_s: float, seed: int, search: str) -> list[Run]:
    """PyVRP with the dominant visits required, giving up after GIVE_UP of ``budget_s``
    without a feasible plan (a day the fleet cannot serve whole: a harvest beyond the
    reefers); then PyVRP prize-collecting, every visit optional, on the time left. On such a
    day (400 villages, 7.5 s) it left 25 visits unserved at 6,715 CNY, OR-Tools in its place
    327 (29 and 12,485 after the repair)."""
    label = "pyvrp" if search == "default" else f"pyvrp {search}"
    t0 = time.perf_counter()
    raw = _pyvrp(scenario, matrices, visits, replace(options, time_limit_s=budget_s, seed=seed),
                 progress=progress, give_up=GIVE_UP, search=search)
    if not isinstance(raw, str) and raw.found:
        return [(label, seed, raw)]
    why = raw if isinstance(raw, str) else (f"no feasible plan after {raw.runtime_s:.1f} s; "
                                           "prize-collecting took over")
    left = max(1.0, budget_s - (time.perf_counter() - t0))
    return [(label, seed, why),
            (f"{label} prize-collecting", seed,
             _pyvrp(scenario, matrices, visits, replace(options, time_limit_s=left, seed=seed),
                    progress=progress, search=search, optional=True))]


def _second_core(scenario: Scenario, matrices: Matrices, visits: list[Visit],
                 options: SolveOptions, progress: Progress | None, *, budget_s: float,
                 seed: int) -> list[Run]:
    """PyVRP with another seed and the "wide" search (pyvrp_backend.SEARCHES: the two
    cores sample different neighbourhoods, not only different seeds), prize-collecting when
    it finds no feasible plan early (:func:`required_then_prizes`)."""
    return required_then_prizes(scenario, matrices, visits, options, progress,
                                 budget_s=budget_s, seed=seed, search="wide")


def _first_core(scenario: Scenario, matrices: Matrices, visits: list[Visit],
                options: SolveOptions, budget_s: float,
                progress: Progress | None = None) -> RawSolution:
    """The first core's search, in a forked child: its plan, prize-collecting or not
    (``RawSolution.prize_collecting`` says which; the label follows it)."""
    runs = required_then_prizes(scenario, matrices, visits, options, progress,
                                 budget_s=budget_s, seed=options.seed, search="default")
    raw = runs[-1][2]
    if isinstance(raw, str):
        raise SolverError(raw)
    return raw


def _label(raw: RawSolution | str, label: str) -> str:
    return f"{label} prize-collecting" if not isinstance(raw, str) and raw.prize_collecting \
        else label


def pyvrp_portfolio(scenario: Scenario, matrices: Matrices, visits: list[Visit],
                    options: SolveOptions, progress: Progress | None) -> list[Run]:
    """PyVRP with two seeds at once, or the decomposition for large problems (module doc)."""
    tl, seed = options.time_limit_s, options.seed
    daemon = multiprocessing.current_process().daemon
    # Stable routes keep one PyVRP vehicle type per reference vehicle, which the halves'
    # renumbered fleets would lose: no decomposition then.
    if (not daemon and len(visits) >= DECOMPOSE_MIN and tl >= DECOMPOSE_MIN_S
            and not options.reference):
        return _decomposed(scenario, matrices, visits, options, progress)
    if daemon:
        runs = _second_core(scenario, matrices, visits, options, progress, budget_s=tl / 2,
                            seed=seed + 1)
        if runs[-1][0] == "pyvrp wide":
            runs.insert(0, ("pyvrp", seed, _pyvrp(scenario, matrices, visits,
                                                  replace(options, time_limit_s=tl / 2))))
        return runs
    # The child's best cost so far, in memory shared with it: the progress shown here is the
    # best of both cores, not only of this process's search.
    child_best = multiprocessing.get_context("fork").Value("d", math.inf, lock=False)

    def child_progress(_elapsed: float, best: float, _count: int) -> None:
        child_best.value = min(child_best.value, best)

    def both(elapsed: float, best: float, count: int) -> None:
        assert progress is not None
        progress(elapsed, min(best, child_best.value), count)

    collect = _fork(lambda: _first_core(scenario, matrices, visits, options, tl,
                                        None if progress is None else child_progress), 2 * tl)
    here = _second_core(scenario, matrices, visits, options, None if progress is None else both,
                        budget_s=tl, seed=seed + 1)
    first = collect()
    return [(_label(first, "pyvrp"), seed, first), *here]


def _best(raws: list[RawSolution | str]) -> RawSolution | None:
    found = [r for r in raws if not isinstance(r, str) and r.found]
    return min(found, key=lambda r: r.objective) if found else None


def split_routes(scenario: Scenario, visits: list[Visit], sequences: Sequences
                 ) -> list[list[int]]:
    """Two groups of visit indices: the plan's routes cut in two arcs around the hub with
    about as many visits each (routes stay whole, and so do the trips of one vehicle); visits
    on no route go with the arc nearest their station."""
    types = {vt.id: vt for vt in scenario.vehicle_types}
    hub = scenario.station(next(iter(types.values())).depot_id)

    def angle(ks: list[int]) -> float:
        xs = [scenario.station(visits[k].station_id) for k in ks]
        dx = np.mean([math.cos(math.atan2(s.lat - hub.lat, s.lon - hub.lon)) for s in xs])
        dy = np.mean([math.sin(math.atan2(s.lat - hub.lat, s.lon - hub.lon)) for s in xs])
        return math.atan2(dy, dx) % (2 * math.pi)

    days: dict[str, list[int]] = {}  # vehicle → its visits, every trip
    for (vid, _), seq in sorted(sequences.items()):
        days.setdefault(vid, []).extend(seq)
    routes = sorted((angle(seq), seq) for seq in days.values() if seq)
    if len(routes) < 2:
        return [sorted(k for _, seq in routes for k in seq)]
    # Start the sweep after the widest empty arc, so each half is one contiguous sector.
    gaps = [(routes[(i + 1) % len(routes)][0] - a) % (2 * math.pi)
            for i, (a, _) in enumerate(routes)]
    first = (int(np.argmax(gaps)) + 1) % len(routes)
    ordered = routes[first:] + routes[:first]
    total = sum(len(seq) for _, seq in ordered)
    groups: list[list[int]] = [[], []]
    arcs: list[list[float]] = [[], []]
    for a, seq in ordered:
        g = 0 if len(groups[0]) + len(seq) / 2 <= total / 2 and not groups[1] else 1
        groups[g] += seq
        arcs[g].append(a)
    if not groups[1]:  # one huge route: nothing to split
        return [sorted(groups[0])]
    means = [math.atan2(np.mean(np.sin(x)), np.mean(np.cos(x))) for x in arcs]
    routed = {k for g in groups for k in g}
    for k in range(len(visits)):
        if k not in routed:
            a = angle([k])
            d = [abs((a - m + math.pi) % (2 * math.pi) - math.pi) for m in means]
            groups[int(np.argmin(d))].append(k)
    return [sorted(g) for g in groups]


def _sub_problem(scenario: Scenario, visits: list[Visit], group: list[int],
                 sequences: Sequences, spare: dict[str, int]
                 ) -> tuple[Scenario, list[Visit], Sequences]:
    """The scenario with the fleet of one group (its routes' vehicles + ``spare`` unused
    ones), the group's visits, and its routes renumbered into them (a vehicle's trips keep
    one new id; split_routes keeps them in one group)."""
    pos = {k: i for i, k in enumerate(group)}
    initial: Sequences = {}
    count: dict[str, int] = dict(spare)
    renamed: dict[str, str] = {}
    for (vid, trip), seq in sorted(sequences.items()):
        if seq and seq[0] in pos:
            initial[_renamed(vid, renamed, count), trip] = [pos[k] for k in seq]
    fleet = tuple(replace(vt, count=count.get(vt.id, 0)) for vt in scenario.vehicle_types)
    return replace(scenario, vehicle_types=fleet), [visits[k] for k in group], initial


def _spares(scenario: Scenario, sequences: Sequences) -> list[dict[str, int]]:
    """Unused vehicles of each type, split between the two groups (the first gets the odd one)."""
    used: dict[str, int] = {}
    for vid in {vid for vid, _ in sequences}:  # a vehicle once, however many trips
        tid = vid.rsplit("-", 1)[0]
        used[tid] = used.get(tid, 0) + 1
    free = {vt.id: vt.count - used.get(vt.id, 0) for vt in scenario.vehicle_types}
    return [{t: (n + 1) // 2 for t, n in free.items()}, {t: n // 2 for t, n in free.items()}]


def _joined(parts: list[tuple[list[int], RawSolution | str, Sequences]]) -> Sequences:
    """The halves' routes back in the whole problem's visit numbering (a half whose search
    failed keeps its routes from before)."""
    out: Sequences = {}
    count: dict[str, int] = {}
    for group, raw, before in parts:
        seqs = raw.sequences if not isinstance(raw, str) and raw.found else before
        renamed: dict[str, str] = {}
        for (vid, trip), seq in sorted(seqs.items()):
            out[_renamed(vid, renamed, count), trip] = [group[i] for i in seq]
    return out


def _renamed(vid: str, renamed: dict[str, str], count: dict[str, int]) -> str:
    """The next free id of ``vid``'s type (``count`` ids of each type are taken), once per
    vehicle: its later trips get the id its first one got (kept in ``renamed``)."""
    if vid not in renamed:
        tid = vid.rsplit("-", 1)[0]
        count[tid] = count.get(tid, 0) + 1
        renamed[vid] = f"{tid}-{count[tid]}"
    return renamed[vid]


def _decomposed(scenario: Scenario, matrices: Matrices, visits: list[Visit],
                options: SolveOptions, progress: Progress | None) -> list[Run]:
    """Whole problem on both cores, then the two halves of its best plan, one per core,
    then the joined plan improved on both cores; every phase's plans are candidates."""
    tl, seed, sl = options.time_limit_s, options.seed, options.solution_limit

    def budget(share: float, seconds: float | None = None) -> SolveOptions:
        return replace(options, time_limit_s=share * tl if seconds is None else seconds,
                       solution_limit=None if sl is None else max(1, int(share * sl)))

    t0 = time.perf_counter()
    a = budget(PHASES[0])
    collect = _fork(lambda: pyvrp_backend.solve_visits(scenario, matrices, visits, a), 2 * tl)
    here = _second_core(scenario, matrices, visits, options, progress, budget_s=a.time_limit_s,
                        seed=seed + 1)
    runs: list[Run] = [("pyvrp", seed, collect()), *here]
    best = _best([r for name, _, r in runs if engine_of(name) == "pyvrp"])
    if best is None:  # no feasible PyVRP plan: OR-Tools on the time left
        left = max(1.0, tl - (time.perf_counter() - t0))
        runs.append(("ortools on the time left", seed, ortools_backend.solve_visits(
            scenario, matrices, visits, replace(options, time_limit_s=left),
            progress=progress)))
        return runs
    groups = split_routes(scenario, visits, best.sequences)
    if len(groups) < 2:
        return runs
    spares = _spares(scenario, best.sequences)
    subs = [_sub_problem(scenario, visits, g, best.sequences, sp)
            for g, sp in zip(groups, spares, strict=True)]
    b = budget(PHASES[1])
    (sc0, v0, i0), (sc1, v1, i1) = subs
    collect = _fork(lambda: pyvrp_backend.solve_visits(sc0, matrices, v0,
                                                       replace(b, seed=seed + 2), initial=i0),
                    2 * tl)
    half1 = _pyvrp(sc1, matrices, v1, replace(b, seed=seed + 3), initial=i1)
    half0 = collect()
    joined = _joined([(groups[0], half0, i0), (groups[1], half1, i1)])
    c = budget(PHASES[2], seconds=max(1.0, tl - (time.perf_counter() - t0)))
    collect = _fork(lambda: pyvrp_backend.solve_visits(scenario, matrices, visits,
                                                       replace(c, seed=seed + 4),
                                                       initial=joined),
                    2 * tl)
    last = _pyvrp(scenario, matrices, visits, replace(c, seed=seed + 5), progress=progress,
                  initial=joined)
    return [*runs, ("pyvrp from halves", seed + 4, collect()),
            ("pyvrp from halves", seed + 5, last)]


def match_reference(sequences: Sequences, visits: list[Visit],
                    reference: dict[str, str] | None) -> Sequences:
    """Renumber vehicles within each vehicle type so each sits on the vehicle that served
    most of its stations in the reference plan (greedy, largest overlap first); a vehicle's
    trips move together and keep their numbers.

    PyVRP numbers its routes arbitrarily; a stable-routes search started from them would
    otherwise begin with nearly every stop "moved"."""
    if not reference:
        return sequences
    days: dict[str, list[int]] = {}  # vehicle → its visits, every trip
    for (vid, _), seq in sorted(sequences.items()):
        days.setdefault(vid, []).extend(seq)
    type_of = {vid: vid.rsplit("-", 1)[0] for vid in days}
    pairs = []
    for vid, ks in days.items():
        votes: dict[str, int] = {}
        for k in ks:
            ref = reference.get(visits[k].station_id)
            if ref is not None and ref.rsplit("-", 1)[0] == type_of[vid]:
                votes[ref] = votes.get(ref, 0) + 1
        pairs += [(n, vid, ref) for ref, n in votes.items()]
    taken: dict[str, str] = {}  # our vehicle → its reference vehicle
    claimed: set[str] = set()
    for _, vid, ref in sorted(pairs, key=lambda x: (-x[0], x[1], x[2])):
        if vid not in taken and ref not in claimed:
            taken[vid] = ref
            claimed.add(ref)
    # Vehicles without a match take the ids no match claimed (there are always enough: each
    # unmatched vehicle's own id, unless a match took it, which frees that match's own id).
    spare = {t: sorted((vid for vid in days if type_of[vid] == t and vid not in claimed),
                       key=lambda v: int(v.rsplit("-", 1)[1]), reverse=True)
             for t in set(type_of.values())}
    new = {vid: taken.get(vid) or spare[type_of[vid]].pop() for vid in sorted(days)}
    return {(new[vid], trip): seq for (vid, trip), seq in sorted(sequences.items())}


def _relaxed_then_ortools(scenario: Scenario, matrices: Matrices, visits: list[Visit],
                          options: SolveOptions) -> RawSolution:
    """PyVRP without the constraints it lacks for half the time, then OR-Tools with all of
    them from PyVRP's routes (renumbered onto the reference vehicles) for the rest."""
    t0 = time.perf_counter()
    half = replace(options, time_limit_s=options.time_limit_s / 2)
    relaxed = pyvrp_backend.solve_visits(scenario, matrices, visits, half, relax=True)
    fleet = {vid for vid, _ in scenario.vehicles()}
    reference = {st: vid for st, vid in (options.reference or {}).items() if vid in fleet}
    initial = match_reference(relaxed.sequences, visits, reference) if relaxed.found else None
    left = max(1.0, options.time_limit_s - (time.perf_counter() - t0))
    return ortools_backend.solve_visits(scenario, matrices, visits,
                                        replace(options, time_limit_s=left), initial=initial)


def warm_portfolio(scenario: Scenario, matrices: Matrices, visits: list[Visit],
                   options: SolveOptions, progress: Progress | None) -> list[Run]:
    """For a problem PyVRP cannot express: OR-Tools here, and in a child PyVRP without the
    missing constraints followed by OR-Tools from its routes. Inside a daemonic process,
    OR-Tools alone."""
    if multiprocessing.current_process().daemon:
        return [("ortools", options.seed, ortools_backend.solve_visits(
            scenario, matrices, visits, options, progress=progress))]
    collect = _fork(lambda: _relaxed_then_ortools(scenario, matrices, visits, options),
                    2 * options.time_limit_s)
    here = ortools_backend.solve_visits(scenario, matrices, visits, options, progress=progress)
    warm = collect()
    label = ("ortools after pyvrp" if not isinstance(warm, str) and not warm.warm_start
             else "ortools from pyvrp routes")
    return [("ortools", options.seed, here), (label, options.seed, warm)]
