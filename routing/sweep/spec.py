"""The sweep SPEC: which scenarios, variants and seeds to plan, and on what budget.

```toml
[sweep]
time_limit_s = 10        # per plan
seeds = [1, 2]           # default seeds of every scenario
shapley = true           # plan every coalition of each scenario's carriers
engine = "auto"          # ortools | pyvrp | auto
job_timeout_s = 600      # a job still running after this becomes an error row

[[scenarios]]
path = "../scenarios/xia"           # relative to this file; or file:// URL
variants = ["alliance", "alliance_periodic"]   # default: all the scenario declares
seeds = [1]                         # default: [sweep] seeds
```
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..exceptions import ScenarioError
from ..solve import ENGINES

SWEEP_KEYS = ("time_limit_s", "coalition_time_limit_s", "solution_limit", "seeds", "shapley",
              "engine", "job_timeout_s")
SCENARIO_KEYS = ("path", "variants", "seeds")


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepScenario:
    """One scenario folder of the sweep, with the variants and seeds to plan."""

    path: Path
    variants: tuple[str, ...] | None  # None: all the scenario declares
    seeds: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepSpec:
    """A whole sweep: its scenarios and the budget of each plan."""

    scenarios: tuple[SweepScenario, ...]
    time_limit_s: float = 10.0
    coalition_time_limit_s: float | None = None  # None: time_limit_s
    solution_limit: int | None = None
    shapley: bool = True
    engine: str = "auto"
    job_timeout_s: float = 1800.0


def scenario_path(ref: str, base: Path) -> Path:
    """A scenario reference as a folder: a path (relative to the SPEC's folder) or a
    ``file://`` URL, which workers on other machines reach through a shared file system."""
    url = urlparse(ref)
    if url.scheme == "file":
        return Path(unquote(url.path))
    if url.scheme and len(url.scheme) > 1:
        raise ValueError(f"unsupported scheme '{url.scheme}://' (use a path or file:// URL "
                         "on a file system every worker can reach)")
    p = Path(ref)
    return p if p.is_absolute() else (base / p).resolve()


def _unknown(where: str, keys: Any, valid: tuple[str, ...], problems: list[str]) -> None:
    for key in keys:
        if key not in valid:
            hint = difflib.get_close_matches(key, valid, n=1)
            did = f"; did you mean '{hint[0]}'?" if hint else ""
            problems.append(f"{where}: unknown key '{key}'{did} Valid keys: {', '.join(valid)}")


def _seeds(value: Any, where: str, problems: list[str]) -> tuple[int, ...]:
    if (isinstance(value, list) and value
            and all(isinstance(x, int) and not isinstance(x, bool) for x in value)):
        return tuple(value)
    problems.append(f"{where} seeds must be a non-empty list of whole numbers; got {value!r}")
    return (1,)


def read_spec(path: Path) -> SweepSpec:
    """Read and check a SPEC file; every problem is reported at once in a ScenarioError."""
    label = str(path)
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError([f"{label}: file not found"], source="sweep spec") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{label}: not valid TOML: {exc}"], source="sweep spec") from None
    problems: list[str] = []
    _unknown(label, [k for k in raw if k not in ("sweep", "scenarios")], ("sweep", "scenarios"),
             problems)
    head = raw.get("sweep", {})
    _unknown(f"{label}: [sweep]", head, SWEEP_KEYS, problems)
    kwargs: dict[str, Any] = {}
    for key in ("time_limit_s", "coalition_time_limit_s", "job_timeout_s"):
        if key in head:
            v = head[key]
            if isinstance(v, bool) or not isinstance(v, int | float) or v <= 0:
                problems.append(f"{label}: [sweep] {key} must be > 0 seconds; got {v!r}")
            else:
                kwargs[key] = float(v)
    if "solution_limit" in head:
        v = head["solution_limit"]
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            problems.append(f"{label}: [sweep] solution_limit must be a whole number >= 1; "
                            f"got {v!r}")
        else:
            kwargs["solution_limit"] = v
    if "shapley" in head:
        if not isinstance(head["shapley"], bool):
            problems.append(f"{label}: [sweep] shapley must be true or false; "
                            f"got {head['shapley']!r}")
        else:
            kwargs["shapley"] = head["shapley"]
    if "engine" in head:
        if head["engine"] not in ENGINES:
            problems.append(f"{label}: [sweep] engine must be one of {{{', '.join(ENGINES)}}}; "
                            f"got {head['engine']!r}")
        else:
            kwargs["engine"] = head["engine"]
    default_seeds = _seeds(head["seeds"], f"{label}: [sweep]", problems) \
        if "seeds" in head else (1,)
    items = raw.get("scenarios", [])
    if not isinstance(items, list) or not items:
        problems.append(f"{label}: needs at least one [[scenarios]] table with a path")
        items = []
    scenarios = []
    for k, item in enumerate(items, start=1):
        where = f"{label}: [[scenarios]] #{k}"
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            problems.append(f"{where} needs path = \"scenario folder\"")
            continue
        _unknown(where, item, SCENARIO_KEYS, problems)
        try:
            folder = scenario_path(item["path"], Path(path).resolve().parent)
        except ValueError as exc:
            problems.append(f"{where}: path {exc}")
            continue
        if not (folder / "scenario.toml").is_file():
            problems.append(f"{where}: path '{item['path']}' is not a scenario folder "
                            f"(no scenario.toml in {folder})")
        variants = item.get("variants")
        if variants is not None and not (isinstance(variants, list)
                                         and all(isinstance(v, str) for v in variants)):
            problems.append(f"{where}: variants must be a list of variant names; "
                            f"got {variants!r}")
            variants = None
        seeds = _seeds(item["seeds"], where, problems) if "seeds" in item else default_seeds
        scenarios.append(SweepScenario(path=folder, seeds=seeds,
                                       variants=None if variants is None else tuple(variants)))
    if problems:
        raise ScenarioError(problems, source="sweep spec")
    return SweepSpec(scenarios=tuple(scenarios), **kwargs)
