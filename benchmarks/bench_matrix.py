"""Time road-network matrices: read a generated grid road layer, snap n stations, all-pairs paths.

Usage: python benchmarks/bench_matrix.py [--grid 100] [--stations 50,200,500]

A square grid of `grid` × `grid` road vertices about 150 m apart (a county-sized tile of
15 km for grid=100) is written as GeoJSON, read with routing.network.roads.read_road_network, and
matrices are built for n random stations (fixed seed). Prints read time, matrix time (wall and
CPU seconds: the CPU figure holds up better on a shared machine), peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from routing.network.roads import read_road_network, road_matrices


def grid_layer(path: Path, n: int, step_deg: float = 0.0015) -> None:
    """Write an n × n grid of two-way residential/tertiary streets near Xia County."""
    x0, y0 = 111.0, 35.0
    feats = []
    for i in range(n):
        row = [[round(x0 + j * step_deg, 7), round(y0 + i * step_deg, 7)] for j in range(n)]
        col = [[round(x0 + i * step_deg, 7), round(y0 + j * step_deg, 7)] for j in range(n)]
        kind = "tertiary" if i % 10 == 0 else "residential"
        for coords in (row, col):
            feats.append({"type": "Feature", "properties": {"highway": kind},
                          "geometry": {"type": "LineString", "coordinates": coords}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=int, default=100)
    ap.add_argument("--stations", default="50,200,500")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "grid.geojson"
        grid_layer(path, args.grid)
        t0 = time.perf_counter()
        graph = read_road_network(path)
        t_read = time.perf_counter() - t0
        print(f"grid {args.grid}x{args.grid}: {graph.num_vertices:,} nodes, "
              f"{len(graph.u):,} edges, read in {t_read:.2f} s")
        print(f"{'stations':>9}{'matrix s':>10}{'cpu s':>8}{'RSS MB':>9}")
        rng = np.random.default_rng(1)
        span = (args.grid - 1) * 0.0015
        for n in (int(x) for x in args.stations.split(",")):
            pts = np.column_stack([111.0 + rng.uniform(0, span, n), 35.0 + rng.uniform(0, span, n)])
            t0, c0 = time.perf_counter(), time.process_time()
            road_matrices([f"S{i}" for i in range(n)], pts, graph)
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{n:>9}{dt:>10.2f}{cpu:>8.2f}{rss:>9.0f}")


if __name__ == "__main__":
    main()
