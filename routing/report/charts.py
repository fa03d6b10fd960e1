"""PNG charts of a comparison: cost per option, on-time shares against the target, cost split.

Matplotlib with the Agg backend (no screen needed). Labels are English: Chinese fonts are not
guaranteed on a server, and a chart with missing glyphs is worse than an English one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def cost_chart(rows: list[dict[str, Any]], target: float, path: Path) -> Path:
    """Cost per day of carriers alone (sum) and each variant, with the target line."""
    shown = [r for r in rows if (r["kind"] != "baseline" or r["variant"].endswith("(sum)"))
             and r["cost_day"] is not None]  # an option without a plan has no cost
    base = next((r["cost_day"] for r in shown if r["kind"] == "baseline"), None)
    fig, ax = plt.subplots(figsize=(8, 4))
    colors = ["#888888" if r["kind"] == "baseline" else
              ("#2a9d8f" if r["target_met"] else "#e76f51") for r in shown]
    ax.bar([r["variant"] for r in shown], [r["cost_day"] for r in shown], color=colors)
    if base:
        ax.axhline(base * (1 - target), color="black", linestyle="--", linewidth=1,
                   label=f"target: {100 * target:.0f}% below carriers alone")
        ax.legend(loc="upper right")
    ax.set_ylabel("CNY per day")
    ax.set_title("Daily cost (green: all targets met, red: not met)")
    ax.tick_params(axis="x", rotation=20)
    return _save(fig, path)


def on_time_chart(rows: list[dict[str, Any]], on_time_h: float, path: Path) -> Path:
    """Share of parcels within 24/48/72 h and fresh within its limit, per option."""
    shown = [r for r in rows if (r["kind"] != "baseline" or r["variant"].endswith("(sum)"))
             and not r.get("failed")]
    keys = [("within_24h", "24 h"), ("within_48h", "48 h"), ("within_72h", "72 h"),
            ("fresh_within", "fresh")]
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / len(keys)
    for k, (key, label) in enumerate(keys):
        ax.bar([i + k * width for i in range(len(shown))],
               [100 * (r[key] or 0) for r in shown], width=width, label=label)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(shown))],
                  [r["variant"] for r in shown], rotation=20)
    ax.axhline(100, color="black", linewidth=0.8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("% of parcels")
    ax.set_title(f"Parcels on time (target: all within {on_time_h:g} h)")
    ax.legend(loc="lower right", ncols=4)
    return _save(fig, path)


def shares_chart(shares: dict[str, Any], path: Path) -> Path:
    """Each member's share of the alliance's cost by every method, next to going alone."""
    members = [c for c in shares["members"] if c in shares["per_member"]]
    methods = ["alone", *shares["methods"]]
    fig, ax = plt.subplots(figsize=(8, 4))
    if not members:  # the alliance or a member alone had no plan: no split
        ax.text(0.5, 0.5, "no cost split: no plan within the time limit for "
                + "; ".join(f.split(":")[0] for f in shares.get("failed", [])),
                ha="center", va="center", wrap=True)
        ax.set_axis_off()
        return _save(fig, path)
    width = 0.8 / len(methods)
    for k, m in enumerate(methods):
        vals = [shares["per_member"][c]["alone"] if m == "alone"
                else shares["per_member"][c][m]["share"] for c in members]
        ax.bar([i + k * width for i in range(len(members))], vals, width=width, label=m)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(members))], members)
    ax.set_ylabel("CNY per day")
    ax.set_title("Cost per member: alone vs its share of the alliance")
    ax.legend(fontsize=8)
    return _save(fig, path)


def write_charts(doc: dict[str, Any], out_dir: Path) -> list[Path]:
    """cost.png, on_time.png and cost_shares.png from a comparison.json document."""
    return [cost_chart(doc["rows"], doc["targets"]["cost_reduction"], out_dir / "cost.png"),
            on_time_chart(doc["rows"], doc["targets"]["on_time_h"], out_dir / "on_time.png"),
            shares_chart(doc["cost_shares"], out_dir / "cost_shares.png")]
