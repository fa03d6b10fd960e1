"""What a duration cost does to PyVRP's speed: iterations a second and moves an iteration.

    python benchmarks/bench_pyvrp_moves.py --villages 600 --seconds 15

PyVRP's delta evaluation stops early once the partial delta (fixed, distance and load costs)
is not negative; with a duration cost the route's whole old duration cost is subtracted first,
so no move is cut short and each one computes the time-window segments. This script runs
PyVRP's own search (its default parameters, our penalty bound) on the generated county's
direct fleet for ``--seconds``, once as built (``pyvrp_backend.build_data``) and once with
every vehicle type's duration cost set to 0 (a different objective: only the speed compares),
one after the other in this process, and prints iterations per second and the local search's
moves, improving moves and route updates per iteration.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path


def measure(data: object, seconds: float, seed: int) -> dict[str, float]:
    """PyVRP's iterated local search on ``data`` for ``seconds``; per-iteration statistics."""
    import pyvrp
    import pyvrp.search as search
    from pyvrp.IteratedLocalSearch import (
        IteratedLocalSearch,
        IteratedLocalSearchCallbacks,
        IteratedLocalSearchParams,
    )
    from pyvrp.PenaltyManager import PenaltyManager, PenaltyParams

    from routing.solve import pyvrp_backend as pb

    top = max(max(vt.unit_distance_cost, vt.unit_duration_cost) for vt in data.vehicle_types())
    params = PenaltyParams(max_penalty=pb.BASE_MAX_PENALTY * max(1, top))
    rng = pyvrp.RandomNumberGenerator(seed=seed)
    ls = search.LocalSearch(data, rng, search.compute_neighbours(data),
                            search.PerturbationManager(search.PerturbationParams()))
    for op in search.OPERATORS:
        if op.supports(data):
            ls.add_operator(op(data))
    pm = PenaltyManager(params.midpoint_penalties(data), params)
    init = ls(pyvrp.Solution.make_random(data, rng), pm.max_cost_evaluator(), exhaustive=True)
    tot = {"iterations": 0, "moves": 0, "improving": 0, "updates": 0}

    class Count(IteratedLocalSearchCallbacks):
        def on_iteration(self, *_args: object) -> None:
            st = ls.statistics
            tot["iterations"] += 1
            tot["moves"] += st.num_moves
            tot["improving"] += st.num_improving
            tot["updates"] += st.num_updates

    algo = IteratedLocalSearch(data, pm, ls, init, IteratedLocalSearchParams(callbacks=Count()))
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        algo.run(lambda _cost: time.perf_counter() - t0 > seconds, collect_stats=False)
    n = max(1, tot["iterations"])
    return {"it_per_s": tot["iterations"] / seconds, "moves": tot["moves"] / n,
            "improving": tot["improving"] / n, "updates": tot["updates"] / n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--villages", type=int, default=600)
    ap.add_argument("--county-seed", type=int, default=1, help="seed of the generated county")
    ap.add_argument("--seconds", type=float, default=15.0, help="search time per variant")
    ap.add_argument("--seed", type=int, default=1, help="PyVRP's seed")
    ap.add_argument("--out", type=Path, default=Path("out/pyvrp_moves"))
    args = ap.parse_args()
    from routing.io import read_scenario
    from routing.io.synthetic import write_county
    from routing.network.matrix import travel_matrices
    from routing.pipeline.echelons import direct_types
    from routing.solve import pyvrp_backend as pb
    from routing.solve.visits import presolve

    os.environ.setdefault("ROUTING_CACHE_DIR", tempfile.mkdtemp(prefix="pyvrp-moves-cache-"))
    folder = args.out / f"county{args.villages}"
    write_county(folder, args.villages, seed=args.county_seed)
    sc = read_scenario(folder)
    sc = replace(sc, vehicle_types=direct_types(sc))
    m = travel_matrices(sc)
    visits, _ = presolve(sc, set(m.unreachable))
    data, _, _ = pb.build_data(sc, m, visits)
    no_duration = data.replace(vehicle_types=[vt.replace(unit_duration_cost=0)
                                              for vt in data.vehicle_types()])
    print(f"{args.villages} villages, {len(visits)} visits, {args.seconds:g} s each")
    print("| variant | iterations/s | moves/iteration | improving/iteration | updates/iteration |")
    print("|---|---:|---:|---:|---:|")
    for name, d in (("as built (duration cost)", data), ("no duration cost", no_duration)):
        r = measure(d, args.seconds, args.seed)
        print(f"| {name} | {r['it_per_s']:.0f} | {r['moves']:,.0f} | {r['improving']:.1f} | "
              f"{r['updates']:.1f} |")


if __name__ == "__main__":
    main()
