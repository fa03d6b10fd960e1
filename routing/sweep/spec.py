"""The sweep SPEC: which scenarios, variants and seeds to plan, and on what budget.

```toml
[sweep]
time_limit_s = 10        # per plan
seeds = [1, 2]           # default seeds of every scenario
shapley = true           # plan every coalition of each scenario's carriers
engine = "auto"          # ortools | pyvrp | auto
job_timeout_s = 600      # a job still running after this becomes an error row
store = "sqlite:///plans.sqlite"   # keep every plan in the plan store (path relative to here)

[[scenarios]]
path = "../scenarios/xia"           # relative to this file, or a URL (see .fetch)
variants = ["alliance", "alliance_periodic"]   # default: all the scenario declares
seeds = [1]                         # default: [sweep] seeds

[fetch]                  # limits on scenarios fetched by URL (see routing.io.limits)
max_download_mb = 100
max_unpacked_mb = 200
max_members = 10000
max_ratio = 100
max_fetch_s = 120
max_table_mb = 200       # any scenario's tables
```

A scenario given by URL is fetched when the SPEC is read, so an unreachable URL or a bad
archive stops the sweep before it starts, with every such problem listed at once. The limits
are ``$ROUTING_FETCH_LIMITS`` (or the defaults) with ``[fetch]`` and then the caller's (``routing
sweep --fetch-limit``) applied; they travel with the jobs, so workers fetch and read under the
same limits.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..constants import MAX_SEED
from ..exceptions import DataError, FetchError, ScenarioError, StoreError
from ..io.limits import Limits, default_limits, limit_keys
from ..model.entities import is_number
from ..model.scenario import (
    SOLUTION_LIMIT_RULE,
    TIME_LIMIT_RULE,
    is_seed,
    is_solution_limit,
    is_time_limit,
)
from ..solve import ENGINES
from .fetch import archive_suffix, fetch, in_place, is_url

SWEEP_KEYS = ("time_limit_s", "coalition_time_limit_s", "solution_limit", "seeds", "shapley",
              "engine", "job_timeout_s", "store")
SCENARIO_KEYS = ("path", "variants", "seeds")


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepScenario:
    """One scenario of the sweep, with the variants and seeds to plan.

    ``source`` is what the workers read (an absolute folder path, or a URL) and ``digest`` the
    hash of the content fetched from a URL ("" for a folder read in place), so that workers
    read what the client read; ``path`` is the folder on this machine.
    """

    path: Path
    variants: tuple[str, ...] | None  # None: all the scenario declares
    seeds: tuple[int, ...]
    source: str = ""  # "": str(path)
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.source:
            object.__setattr__(self, "source", str(self.path))


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
    store: str | None = None  # plan store URL (a SQLite path made absolute); None: no store
    limits: Limits | None = None  # on scenarios fetched by URL and tables; None: the defaults


def scenario_source(ref: str, base: Path, limits: Limits | None = None
                    ) -> tuple[str, str, Path]:
    """A SPEC's scenario reference as (source the workers read, content digest, local folder).

    A path is taken relative to the SPEC's folder; a path to an archive is read as its
    ``file://`` URL; a URL other than a ``file://`` folder is fetched now (see :mod:`.fetch`).

    Raises
    ------
    FetchError
        The URL cannot be fetched or holds no scenario.
    """
    if not is_url(ref):
        p = Path(ref)
        p = p if p.is_absolute() else (base / p).resolve()
        if not (p.is_file() and archive_suffix(p.name)):
            return str(p), "", p
        ref = p.as_uri()
    folder = in_place(ref)
    if folder is not None:
        return ref, "", folder
    got = fetch(ref, limits=limits)
    return ref, got.digest, got.folder


def _unknown(where: str, keys: Any, valid: tuple[str, ...], problems: list[str]) -> None:
    for key in keys:
        if key not in valid:
            hint = difflib.get_close_matches(key, valid, n=1)
            did = f"; did you mean '{hint[0]}'?" if hint else ""
            problems.append(f"{where}: unknown key '{key}'{did} Valid keys: {', '.join(valid)}")


def _positive(value: Any) -> bool:
    return is_number(value) and value > 0


def _seeds(value: Any, where: str, problems: list[str]) -> tuple[int, ...]:
    if isinstance(value, list) and value and all(is_seed(x) for x in value):
        return tuple(value)
    problems.append(f"{where} seeds must be a non-empty list of whole numbers in 0..{MAX_SEED}; "
                    f"got {value!r}")
    return (1,)


def _limits(raw: Any, label: str, overrides: dict[str, float] | None,
            problems: list[str]) -> Limits:
    """The defaults (and $ROUTING_FETCH_LIMITS), then [fetch], then ``overrides``; a bad
    [fetch] key is a problem and left out."""
    try:
        limits = default_limits()
    except DataError as exc:
        problems.append(str(exc))
        limits = Limits()
    if not isinstance(raw, dict):
        problems.append(f"{label}: [fetch] must be a table of limits ({', '.join(limit_keys())})")
        raw = {}
    _unknown(f"{label}: [fetch]", raw, limit_keys(), problems)
    for key, value in raw.items():
        if key in limit_keys():
            try:
                limits = limits.replace({key: value})
            except ValueError as exc:
                problems.append(f"{label}: [fetch] {exc}")
    if overrides:
        limits = limits.replace(overrides)
    return limits


def read_spec(path: Path, *, limits: dict[str, float] | None = None) -> SweepSpec:
    """Read and check a SPEC file; every problem is reported at once in a ScenarioError.

    ``limits``: fetch limits that win over the SPEC's ``[fetch]`` (keys of
    :class:`~routing.io.limits.Limits`).

    Raises
    ------
    ScenarioError
        Every problem of the SPEC, and of fetching its scenarios.
    ValueError
        ``limits`` names an unknown limit or a bad value.
    """
    label = str(path)
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError([f"{label}: file not found"], source="sweep spec") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{label}: not valid TOML: {exc}"], source="sweep spec") from None
    problems: list[str] = []
    _unknown(label, [k for k in raw if k not in ("sweep", "scenarios", "fetch")],
             ("sweep", "scenarios", "fetch"), problems)
    kwargs: dict[str, Any] = {"limits": _limits(raw.get("fetch", {}), label, limits, problems)}
    head = raw.get("sweep", {})
    _unknown(f"{label}: [sweep]", head, SWEEP_KEYS, problems)
    # TOML has nan and inf: every budget must be a finite number of seconds.
    for key, ok, rule in (("time_limit_s", is_time_limit, TIME_LIMIT_RULE),
                          ("coalition_time_limit_s", is_time_limit, TIME_LIMIT_RULE),
                          ("job_timeout_s", _positive, "must be a finite number > 0 seconds")):
        if key in head:
            v = head[key]
            if not ok(v):
                problems.append(f"{label}: [sweep] {key} {rule}; got {v!r}")
            else:
                kwargs[key] = float(v)
    if "solution_limit" in head:
        v = head["solution_limit"]
        if not is_solution_limit(v):
            problems.append(f"{label}: [sweep] solution_limit {SOLUTION_LIMIT_RULE}; got {v!r}")
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
    if "store" in head:
        from ..store import absolute_url

        try:
            if not isinstance(head["store"], str):
                raise StoreError(f"must be a database URL in quotes; got {head['store']!r}")
            kwargs["store"] = absolute_url(head["store"], Path(path).resolve().parent)
        except StoreError as exc:
            problems.append(f"{label}: [sweep] store: {exc}")
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
            source, digest, folder = scenario_source(item["path"],
                                                     Path(path).resolve().parent,
                                                     kwargs["limits"])
        except FetchError as exc:
            problems.append(f"{where}: {exc}")
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
        scenarios.append(SweepScenario(path=folder, source=source, digest=digest, seeds=seeds,
                                       variants=None if variants is None else tuple(variants)))
    if problems:
        raise ScenarioError(problems, source="sweep spec")
    return SweepSpec(scenarios=tuple(scenarios), **kwargs)
