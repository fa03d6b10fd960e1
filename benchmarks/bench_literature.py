"""Literature benchmarks from a source checkout: the same harness as `routing bench`.

Usage: python benchmarks/bench_literature.py [--data DIR] [--sets x,solomon,dethloff]
       [--instances 'C101,X-n1*'] [--engines ours,ortools,pyvrp] [--time-limit-s 10]
       [--seed 1] [--out out/bench_literature]
"""

from __future__ import annotations

from routing.bench import main

if __name__ == "__main__":
    raise SystemExit(main())
