"""Write TINY8, a made-up 8-customer Solomon-format VRPTW instance, and its proven optimum.

Why: the benchmark notebook must run where the shared benchmark folder is absent (CI). One
vehicle, wide time windows: the optimum is a shortest tour, found here by trying all 8!
orders with the DIMACS convention (each edge truncated to one decimal), as bks.csv expects.
Run from this folder: python make_tiny.py
"""
from __future__ import annotations

import itertools
import math
from pathlib import Path

DEPOT = (40, 50)
CUSTOMERS = [(45, 68, 10), (42, 66, 10), (25, 85, 20), (20, 80, 10),
             (55, 60, 20), (60, 55, 10), (30, 25, 20), (35, 30, 10)]  # x, y, demand
HORIZON = 1000


def dist(a, b) -> float:
    return math.floor(math.hypot(a[0] - b[0], a[1] - b[1]) * 10) / 10


def main() -> None:
    rows = [f"{0:5d}{DEPOT[0]:11d}{DEPOT[1]:11d}{0:11d}{0:11d}{HORIZON:11d}{0:11d}"]
    rows += [f"{i:5d}{x:11d}{y:11d}{d:11d}{0:11d}{HORIZON:11d}{0:11d}"
             for i, (x, y, d) in enumerate(CUSTOMERS, 1)]
    text = ("TINY8\n\nVEHICLE\nNUMBER     CAPACITY\n  1         200\n\nCUSTOMER\n"
            "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n"
            + "\n".join(rows) + "\n")
    Path("vrptw/solomon").mkdir(parents=True, exist_ok=True)
    Path("vrptw/solomon/TINY8.txt").write_text(text, encoding="utf-8")
    pts = [DEPOT] + [(x, y) for x, y, _ in CUSTOMERS]
    best = min(sum(dist(pts[a], pts[b]) for a, b in itertools.pairwise((0, *p, 0)))
               for p in itertools.permutations(range(1, 9)))
    Path("bks.csv").write_text(
        "set,instance,n_customers,bks_cost,bks_vehicles,objective_note,source_repo\n"
        f"vrptw_solomon_distance,TINY8,8,{best:.1f},1,optimum by enumerating all 8! tours "
        "(DIMACS truncation),made up for the notebooks (make_tiny.py)\n", encoding="utf-8")
    print(f"TINY8 optimum {best:.1f}")


if __name__ == "__main__":
    main()
