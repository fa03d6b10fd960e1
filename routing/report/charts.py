"""PNG charts of a comparison: cost per option, on-time shares against the target, cost split.

Matplotlib with the Agg backend (no screen needed). Labels are Chinese by default (``lang``),
drawn with a Chinese font found on the machine (:mod:`routing.report.fonts`); without one
they fall back to English, since a chart with missing glyphs is worse than an English one.
Options and carriers appear by the names a dispatcher reads (routing.i18n), costs say what
they include (vehicles + handling, as in the comparison table).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from ..i18n import failed_split_text, method_name, t, variant_name
from .fonts import chart_lang, rc_params


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _shown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Carriers alone (their sum) and every variant, leaving out options without a plan
    (``failed``: no figures to draw)."""
    return [r for r in rows if (r["kind"] != "baseline" or r["variant"].endswith("(sum)"))
            and not r.get("failed") and r["cost_day"] is not None]


def cost_chart(rows: list[dict[str, Any]], target: float, path: Path, *, lang: str = "en",
               carriers: Mapping[str, str] | None = None) -> Path:
    """Cost per day (vehicles + handling) of carriers alone (sum) and each variant, with the
    target line."""
    lang = chart_lang(lang)
    shown = _shown(rows)
    base = next((r["cost_day"] for r in shown if r["kind"] == "baseline"), None)
    with plt.rc_context(rc_params(lang)):
        fig, ax = plt.subplots(figsize=(8, 4))
        colors = ["#888888" if r["kind"] == "baseline" else
                  ("#2a9d8f" if r["target_met"] else "#e76f51") for r in shown]
        ax.bar([variant_name(r["variant"], lang, carriers) for r in shown],
               [r["cost_day"] for r in shown], color=colors)
        if base:
            ax.axhline(base * (1 - target), color="black", linestyle="--", linewidth=1,
                       label=t("chart_cost_target", lang, p=100 * target))
            ax.legend(loc="upper right")
        ax.set_ylabel(t("chart_cny_day", lang))
        ax.set_title(t("chart_cost_title", lang))
        ax.tick_params(axis="x", rotation=20)
        return _save(fig, path)


def on_time_chart(rows: list[dict[str, Any]], on_time_h: float, path: Path, *,
                  lang: str = "en", carriers: Mapping[str, str] | None = None) -> Path:
    """Share of parcels within 24/48/72 h and fresh within its limit, per option."""
    lang = chart_lang(lang)
    shown = _shown(rows)
    keys = [("within_24h", t("chart_h", lang, h=24)), ("within_48h", t("chart_h", lang, h=48)),
            ("within_72h", t("chart_h", lang, h=72)), ("fresh_within", t("chart_fresh", lang))]
    with plt.rc_context(rc_params(lang)):
        fig, ax = plt.subplots(figsize=(8, 4))
        width = 0.8 / len(keys)
        for k, (key, label) in enumerate(keys):
            ax.bar([i + k * width for i in range(len(shown))],
                   [100 * (r[key] or 0) for r in shown], width=width, label=label)
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(shown))],
                      [variant_name(r["variant"], lang, carriers) for r in shown], rotation=20)
        ax.axhline(100, color="black", linewidth=0.8)
        ax.set_ylim(0, 105)
        ax.set_ylabel(t("chart_pct_parcels", lang))
        ax.set_title(t("chart_on_time_title", lang, h=on_time_h))
        ax.legend(loc="lower right", ncols=4)
        return _save(fig, path)


def shares_chart(shares: dict[str, Any], path: Path, *, lang: str = "en",
                 carriers: Mapping[str, str] | None = None) -> Path:
    """Each member's share of the alliance's cost by every method, next to going alone."""
    lang = chart_lang(lang)
    names = dict(carriers or {})
    members = [c for c in shares["members"] if c in shares["per_member"]]
    methods = ["alone", *shares["methods"]]
    with plt.rc_context(rc_params(lang)):
        fig, ax = plt.subplots(figsize=(8, 4))
        if not members:  # the alliance or a member alone had no plan: no split
            ax.text(0.5, 0.5, t("chart_no_split", lang, options=failed_split_text(
                shares.get("failed", []), lang, names)), ha="center", va="center", wrap=True)
            ax.set_axis_off()
            return _save(fig, path)
        width = 0.8 / len(methods)
        for k, m in enumerate(methods):
            vals = [shares["per_member"][c]["alone"] if m == "alone"
                    else shares["per_member"][c][m]["share"] for c in members]
            ax.bar([i + k * width for i in range(len(members))], vals, width=width,
                   label=method_name(m, lang))
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(members))],
                      [names.get(c, c) for c in members])
        ax.set_ylabel(t("chart_cny_day", lang))
        ax.set_title(t("chart_shares_title", lang))
        ax.legend(fontsize=8)
        return _save(fig, path)


def write_charts(doc: dict[str, Any], out_dir: Path, *, lang: str = "en",
                 carriers: Mapping[str, str] | None = None) -> list[Path]:
    """cost.png, on_time.png and cost_shares.png from a comparison.json document, in
    ``lang`` with carriers by the names in ``carriers`` (id → name)."""
    return [cost_chart(doc["rows"], doc["targets"]["cost_reduction"], out_dir / "cost.png",
                       lang=lang, carriers=carriers),
            on_time_chart(doc["rows"], doc["targets"]["on_time_h"], out_dir / "on_time.png",
                          lang=lang, carriers=carriers),
            shares_chart(doc["cost_shares"], out_dir / "cost_shares.png", lang=lang,
                         carriers=carriers)]
