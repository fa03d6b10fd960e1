"""The sweep's results table and Shapley shares, from the job rows alone.

A variant's reduction is against the sum of its members' stand-alone costs planned with the
same seed; its target is met when its plans keep the delivery targets, pass the checker and
reach the scenario's cost reduction (its ``cost_target`` column).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd

from ..evaluate.consolidation import shapley

#: Columns first in the table, in this order; the rest follow as the rows carry them.
FIRST = ("scenario", "kind", "option", "seed", "carriers", "structure", "visit_every_days",
         "visits", "vehicles", "km_day", "cost_day", "cost_per_parcel", "reduction",
         "within_24h", "within_48h", "within_72h", "fresh_within", "unserved_lines",
         "violations", "plans", "check_passed", "target_met", "engine", "solve_time_s",
         "worker", "job_key", "plan_ids", "error")


def _alone(rows: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, float]]:
    out: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    for r in rows:
        if r["kind"] == "baseline" and not r.get("error"):
            out[(r["scenario"], r["seed"])][r["option"]] = r["cost_day"]
    return out


def results_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per job; variants and coalitions get their reduction and target verdict."""
    alone = _alone(rows)
    out = []
    for r in rows:
        r = dict(r)
        if r["kind"] != "baseline" and not r.get("error"):
            base = alone[(r["scenario"], r["seed"])]
            members = str(r.get("carriers", "")).split()
            if members and all(c in base for c in members):
                total = sum(base[c] for c in members)
                r["reduction"] = round(1 - r["cost_day"] / total, 4) if total else None
            target = r.get("cost_target")
            r["target_met"] = bool(r.get("sla_met")) and r.get("reduction") is not None and (
                target is None or r["reduction"] >= target - 1e-9)
        out.append(r)
    frame = pd.DataFrame(out)
    if frame.empty:
        return pd.DataFrame(columns=list(FIRST))
    if "visit_every_days" in frame:  # days or "auto": one text column for Parquet
        frame["visit_every_days"] = [None if v is None or v != v else str(v)
                                     for v in frame["visit_every_days"]]
    cols = [c for c in FIRST if c in frame.columns]
    return frame[cols + [c for c in frame.columns if c not in cols]]


SHARES_COLUMNS = ["scenario", "seed", "carrier", "alone_cost_day", "shapley_share", "saving",
                  "better_off_alone", "failed_coalitions"]


def shares_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Each member's Shapley share of the grand coalition's cost, per scenario and seed,
    where every coalition was planned without error. Where a coalition failed (an error
    row: no plan within the time limit, a timeout, …) no split is computed from the others:
    one row per scenario and seed names the failed coalitions instead (``carrier`` and the
    figures empty)."""
    games: dict[tuple[str, int], dict[frozenset[str], float]] = defaultdict(dict)
    failed: dict[tuple[str, int], list[str]] = defaultdict(list)
    for r in rows:
        if r["kind"] == "coalition":
            key = (r["scenario"], r["seed"])
            if r.get("error"):
                failed[key].append(r["option"])
            else:
                games[key][frozenset(r["option"].split("+"))] = r["cost_day"]
    alone = _alone(rows)
    out = []
    for scenario, seed in sorted(set(games) | set(failed)):
        costs: dict[frozenset[str], float] = games.get((scenario, seed), {})
        if failed.get((scenario, seed)):
            out.append({"scenario": scenario, "seed": seed, "carrier": None,
                        "alone_cost_day": None, "shapley_share": None, "saving": None,
                        "better_off_alone": None,
                        "failed_coalitions": " ".join(sorted(failed[scenario, seed]))})
            continue
        grand: frozenset[str] = max(costs, key=len)
        players = tuple(sorted(grand))
        if len(costs) != 2 ** len(players) - 1:
            continue
        for c, share in shapley(costs, players).items():
            stand = alone[(scenario, seed)].get(c)
            out.append({"scenario": scenario, "seed": seed, "carrier": c,
                        "alone_cost_day": stand, "shapley_share": round(share, 2),
                        "saving": None if stand is None else round(stand - share, 2),
                        "better_off_alone": None if stand is None else share > stand + 1e-6,
                        "failed_coalitions": ""})
    return pd.DataFrame(out, columns=SHARES_COLUMNS)


def failed_games(rows: list[dict[str, Any]]) -> list[str]:
    """Per scenario and seed whose Shapley split was not computed: which coalitions failed,
    in words (for the command line)."""
    table = shares_table(rows)
    return [f"{r.scenario} seed {r.seed}: coalition(s) {r.failed_coalitions}"
            for r in table.itertuples() if r.failed_coalitions]
