"""The ``routing`` command line: thin wrappers over library functions.

Exit codes: 0 success; 1 bad input (a clear message, no traceback); 2 usage error; 3 the plan
leaves stations unserved or breaks a rule the checker finds; 4 no plan within the time limit
(no engine found a plan serving any visit the fleet could serve: give it more time).
"""

from __future__ import annotations

import math
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .constants import MAX_CHANGE_PENALTY, MAX_SEED, MAX_SOLUTION_LIMIT, MAX_TIME_LIMIT_S
from .exceptions import EXIT_NO_PLAN, NoPlanError, RoutingError

if TYPE_CHECKING:
    from .evaluate.check import Violation
    from .model import Scenario
    from .model.plan import Plan
    from .network.matrix import Matrices
    from .pipeline import Locks
    from .store import PlanStore

EXIT_NOT_ALL_MET = 3
DEFAULT_STORE = "default"  # what `--store` alone means: the default store URL
STORE_ENV = "ROUTING_STORE_URL"  # routing.store.STORE_ENV, not imported to keep startup fast


def _num(x: float) -> str:
    """A bound in a message: 1000000, not 1e+06."""
    return f"{x:.0f}" if float(x).is_integer() else f"{x:g}"


def _no_plan(exc: NoPlanError) -> None:
    """No plan within the time limit: the message on stderr, exit code 4."""
    click.echo(f"Error: {exc}", err=True)
    sys.exit(EXIT_NO_PLAN)


class _FiniteFloat(click.ParamType):
    """A finite number in a range; click.FloatRange lets ``nan`` through (every comparison with
    nan is false), and ``inf`` or ``1e308`` would reach the engines, which overflow on them."""

    name = "number"

    def __init__(self, *, low: float, high: float | None = None, low_open: bool = False,
                 unit: str = "", note: str = "") -> None:
        self.low, self.high, self.low_open = low, high, low_open
        self.rule = (f"{'>' if low_open else '>='} {low:g}{f' {unit}' if unit else ''}"
                     + (f" and <= {_num(high)}" if high is not None else "")
                     + (f" ({note})" if note else ""))

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        try:
            x = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.fail(f"must be a number {self.rule}; got {value!r}.", param, ctx)
        low_ok = x > self.low if self.low_open else x >= self.low
        if not (math.isfinite(x) and low_ok and (self.high is None or x <= self.high)):
            self.fail(f"must be a finite number {self.rule}; got {value!r}.", param, ctx)
        return x


class _OutDir(click.Path):
    """A folder to write into: a writable one, or one that can be created. click.Path refuses
    an existing file; a folder that does not exist yet is created and removed again, because
    only trying tells (permissions as root, read-only or special file systems like /proc)."""

    def __init__(self) -> None:
        super().__init__(file_okay=False, writable=True, path_type=Path)

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> object:
        path = super().convert(value, param, ctx)
        here = Path(os.fspath(path)).absolute()  # type: ignore[arg-type]
        missing = [p for p in (here, *here.parents) if not p.exists()]  # deepest first
        if not missing:
            return path
        try:
            here.mkdir(parents=True)
        except OSError as exc:
            self.fail(f"cannot create folder '{path}': {exc.strerror or exc}.", param, ctx)
        finally:
            for p in missing:
                try:
                    p.rmdir()
                except FileNotFoundError:  # not created: mkdir failed below an ancestor
                    continue
                except OSError:  # something was put there meanwhile: leave it
                    break
        return path


# Option types shared by every command that solves: usage errors (exit 2) before any solve.
TIME_LIMIT_S = _FiniteFloat(low=0, low_open=True, high=MAX_TIME_LIMIT_S, unit="seconds",
                            note="24 h")
CHANGE_PENALTY = _FiniteFloat(low=0, high=MAX_CHANGE_PENALTY, unit="CNY")
SEED = click.IntRange(0, MAX_SEED)
SOLUTION_LIMIT = click.IntRange(1, MAX_SOLUTION_LIMIT)
OUT_DIR = _OutDir()


class _Progress:
    """Prints elapsed time and best cost at most once a second, on stderr."""

    def __init__(self) -> None:
        self.last = -1.0

    def __call__(self, elapsed: float, best: float, count: int) -> None:
        if elapsed - self.last >= 1.0:
            self.last = elapsed
            click.echo(f"\r  {elapsed:6.1f} s  best {best:,.2f} CNY  ({count} solutions)",
                       err=True, nl=False)


@click.group()
@click.version_option(package_name="routing")
def main() -> None:
    """Plan shared delivery routes for a county's hub, township stations and village points."""


@main.command()
@click.argument("scenario_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=OUT_DIR,
              help="Folder for plan.json, routes.csv, routes.xlsx, routes.geojson.")
@click.option("--time-limit-s", type=TIME_LIMIT_S, default=None,
              help="Solver time limit, seconds.")
@click.option("--seed", type=SEED, default=None, help="Seed (default: the scenario's).")
@click.option("--solution-limit", type=SOLUTION_LIMIT, default=None,
              help="Stop after this many solutions (deterministic runs).")
@click.option("--reference", "reference", default=None, metavar="PLAN_JSON|ID|latest",
              callback=lambda _ctx, _param, value: _check_reference(value),
              help="Keep routes stable against this plan.json (yesterday's, or fixed routes), "
                   "a stored plan id, or the latest stored plan of the scenario.")
@click.option("--change-penalty", type=CHANGE_PENALTY, default=None,
              help="CNY per stop moved to another vehicle than in the reference "
                   "(default: the scenario's, 50).")
@click.option("--lock", "lock", default=None, metavar="VEHICLE[,…]",
              help="With --reference: these vehicles keep their reference routes exactly "
                   "(every trip, stops in order; only today's lines).")
@click.option("--lock-stops", "lock_stops", default=None, metavar="STATION[,…]",
              help="With --reference: these stations stay on their reference vehicle.")
@click.option("--structure", type=click.Choice(["direct", "two_echelon", "both"]), default=None,
              help="Direct from the hub, trunks + feeders, or both for comparison "
                   "(default: the scenario's).")
@click.option("--engine", type=click.Choice(["ortools", "pyvrp", "auto"]), default="auto",
              show_default=True,
              help="Solver engine; auto runs OR-Tools and PyVRP side by side when PyVRP can "
                   "express the problem and keeps the cheaper checked plan.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of map.html, report.html and the route sheets.")
@click.option("--tiles", type=click.Choice(["osm", "amap", "none"]), default="osm",
              show_default=True,
              help="Map tiles: OpenStreetMap, Amap/高德 (points shifted to GCJ-02), or none.")
@click.option("--store", "store_url", is_flag=False, flag_value=DEFAULT_STORE, default=None,
              metavar="[URL]",
              help="Save the checked plan in the plan store and print its id: SQLite "
                   "(sqlite:///plans.sqlite) or PostgreSQL (postgresql+psycopg://user:pw@host/db); "
                   f"alone: ${STORE_ENV} or ~/.local/share/routing/plans.sqlite.")
def plan(scenario_dir: Path, out_dir: Path, time_limit_s: float | None, seed: int | None,
         solution_limit: int | None, reference: str | None, change_penalty: float | None,
         lock: str | None, lock_stops: str | None,
         structure: str | None, engine: str, quiet: bool, lang: str, tiles: str,
         store_url: str | None) -> None:
    """Plan today's routes for SCENARIO_DIR and write the plan files to OUT.

    With two structures (``both``), each goes to its own subfolder of OUT and a comparison
    follows the summaries.
    """
    from .evaluate.targets import plan_verdicts
    from .io import read_scenario
    from .network.matrix import travel_matrices
    from .pipeline import plan_scenario, reference_from_plan, structures_of
    from .report.plan_json import read_plan_json
    from .report.summary import comparison_text, summary_text

    results = []
    stored: list[int] = []
    store = None
    try:
        t0 = time.perf_counter()
        if store_url is not None:  # opened first: a bad URL should not wait for a solve
            store = _open_store(store_url)
        scenario = read_scenario(scenario_dir)
        matrices = travel_matrices(scenario)
        if not quiet:
            _network_note(scenario, matrices, time.perf_counter() - t0)
        ref_doc = None
        if reference is not None and Path(reference).is_file():
            ref_doc = read_plan_json(Path(reference))
        elif reference is not None:
            with _open_store(store_url) as ref_store:
                ref_id, ref_doc = ref_store.find(reference, scenario=scenario.name)
            if not quiet:
                click.echo(f"reference: stored plan {ref_id} ({ref_doc['scenario'].get('date')})",
                           err=True)
        ref_map = reference_from_plan(ref_doc) if ref_doc is not None else None
        locks = _locks(ref_doc, ref_map, lock, lock_stops, scenario)
        kinds = structures_of(scenario, structure)
        for kind in kinds:
            out = out_dir if len(kinds) == 1 else out_dir / kind
            result, _ = plan_scenario(scenario, matrices, time_limit_s=time_limit_s, seed=seed,
                                      solution_limit=solution_limit,
                                      progress=None if quiet else _Progress(),
                                      reference=ref_map, change_penalty=change_penalty,
                                      structure=kind, engine=engine, locks=locks)
            if not quiet:
                click.echo("", err=True)
            doc, violations = _write_plan_files(result, scenario, matrices, out, lang=lang,
                                                tiles=tiles)
            if store is not None:
                stored.append(store.save(doc, violations=len(violations)))
            results.append((kind, out, doc, violations))
    except NoPlanError as exc:
        _no_plan(exc)
    except RoutingError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if store is not None:
            store.close()
    for kind, out, doc, violations in results:
        if len(results) > 1:
            click.echo(f"\n=== {kind} ===")
        click.echo(summary_text(doc, scenario, violations=len(violations),
                                verdicts=plan_verdicts(doc, scenario)))
        for v in violations[:20]:
            click.echo(f"  {v}")
        click.echo(f"\nwrote {out}/plan.json, routes.csv, routes.xlsx, route_sheets.pdf, "
                   "routes.geojson, map.html, report.html")
    if store is not None:
        click.echo(f"stored as plan {', '.join(map(str, stored))} in {store.where}")
    if len(results) > 1:
        click.echo("\n" + comparison_text([(k, d, len(v)) for k, _, d, v in results]))
    if any(v or d["unserved"] for _, _, d, v in results):
        sys.exit(EXIT_NOT_ALL_MET)


def _ids(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _locks(ref_doc: dict[str, Any] | None, ref_map: dict[str, str] | None, lock: str | None,
           lock_stops: str | None, scenario: Scenario) -> Locks | None:
    """--lock and --lock-stops against the reference plan (a usage error without one)."""
    from .io.edited import locked_routes
    from .pipeline import Locks

    if not lock and not lock_stops:
        return None
    if ref_doc is None or ref_map is None:
        raise click.UsageError("--lock and --lock-stops need --reference (the plan whose "
                               "routes and stops to keep)")
    routes = locked_routes(ref_doc, _ids(lock), scenario) if lock else []
    stops = {}
    for station in _ids(lock_stops):
        if station not in ref_map:
            raise click.UsageError(f"--lock-stops: station '{station}' is on no route of the "
                                   "reference plan")
        stops[station] = ref_map[station]
    return Locks(routes=tuple(routes), stops=stops)


def _write_plan_files(plan: Plan, scenario: Scenario, matrices: Matrices, out: Path, *,
                      lang: str, tiles: str, violations: list[Violation] | None = None
                      ) -> tuple[dict[str, Any], list[Violation]]:
    """Every file of a plan in OUT (plan.json, routes.csv/.xlsx/.geojson, route_sheets.pdf,
    map.html, report.html); the plan document and the checker's violations (checked here
    unless given)."""
    from .evaluate.check import check_plan
    from .report.dispatch import write_report
    from .report.maps import map_data, write_map
    from .report.plan_json import write_plan_json
    from .report.route_pdf import route_sheets_pdf
    from .report.tables import write_routes_csv, write_routes_geojson, write_routes_xlsx

    out.mkdir(parents=True, exist_ok=True)
    doc = write_plan_json(plan, scenario, out / "plan.json")
    write_routes_csv(doc, scenario, out / "routes.csv", lang=lang)
    write_routes_xlsx(doc, scenario, out / "routes.xlsx", lang=lang)
    route_sheets_pdf(doc, scenario, out / "route_sheets.pdf", lang=lang)
    write_routes_geojson(doc, scenario, out / "routes.geojson")
    if violations is None:
        violations = check_plan(doc, scenario, matrices)
    data = map_data(doc, scenario, lang=lang, matrices=matrices)
    write_map(data, out / "map.html", tiles=tiles)
    write_report(doc, scenario, out / "report.html", data, tiles=tiles,
                 violations=len(violations))
    return doc, violations


def _check_reference(value: str | None) -> str | None:
    """``--reference`` is an existing file, a plan id or ``latest``; anything else is a typo."""
    if value is None or value == "latest" or value.isdigit() or Path(value).is_file():
        return value
    raise click.BadParameter(f"'{value}' is neither a plan.json file, a stored plan id nor "
                             "'latest'.")


def _open_store(url: str | None) -> PlanStore:
    """The plan store at ``url`` (``DEFAULT_STORE`` or None: the default one)."""
    from .store import open_store

    return open_store(None if url in (None, DEFAULT_STORE) else url)


def _network_note(scenario: Scenario, matrices: Matrices, seconds: float) -> None:
    """What was read and how the network was built, on stderr."""
    click.echo(f"{scenario.name}: {len(scenario.stations)} stations, "
               f"{len(scenario.demand)} demand lines, "
               f"{sum(v.count for v in scenario.vehicle_types)} vehicles; "
               f"matrices ({matrices.source}) in {seconds:.1f} s", err=True)
    if matrices.snap_m:
        snaps = sorted(zip(matrices.snap_m, matrices.station_ids, strict=True))
        mid = snaps[len(snaps) // 2][0]
        click.echo(f"  snapped to roads: median {mid:,.0f} m, max {snaps[-1][0]:,.0f} m "
                   f"({snaps[-1][1]})", err=True)
    if matrices.unreachable:
        click.echo(f"  unreachable on the road network: {', '.join(matrices.unreachable)}",
                   err=True)


@main.command()
@click.argument("scenario_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=OUT_DIR,
              help="Folder for comparison.json/.csv/.xlsx and the plans behind them.")
@click.option("--time-limit-s", type=TIME_LIMIT_S, default=None,
              help="Seconds per plan (default: the scenario's [compare] time_limit_s).")
@click.option("--coalition-time-limit-s", type=TIME_LIMIT_S, default=None,
              help="Seconds per Shapley coalition plan.")
@click.option("--no-shapley", is_flag=True, help="Skip the coalition plans (2^n - 1 of them).")
@click.option("--seed", type=SEED, default=None)
@click.option("--solution-limit", type=SOLUTION_LIMIT, default=None)
@click.option("--engine", type=click.Choice(["ortools", "pyvrp", "auto"]), default="auto",
              show_default=True, help="Solver engine of every plan (see routing plan).")
@click.option("--quiet", is_flag=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of map.html and report.html.")
@click.option("--tiles", type=click.Choice(["osm", "amap", "none"]), default="osm",
              show_default=True,
              help="Map tiles: OpenStreetMap, Amap/高德 (points shifted to GCJ-02), or none.")
def compare(scenario_dir: Path, out_dir: Path, time_limit_s: float | None,
            coalition_time_limit_s: float | None, no_shapley: bool, seed: int | None,
            solution_limit: int | None, engine: str, quiet: bool, lang: str,
            tiles: str) -> None:
    """Compare each carrier alone with the alliance variants of SCENARIO_DIR.

    Prints the table, writes comparison.json/.csv/.xlsx to OUT, and exits 0 when the
    scenario's main alliance variant meets every target (hours, fresh hours, cost reduction),
    3 when it does not, 4 when an option (a carrier alone, a variant, a coalition) had no
    plan within the time limit: it is reported as failed, with no cost, and left out of
    every reduction and cost split.
    """
    from .io import read_scenario
    from .pipeline import compare_scenario
    from .report.comparison import comparison_table, write_comparison
    from .report.dispatch import write_comparison_report
    from .report.maps import comparison_map_data, write_comparison_map

    def say(msg: str) -> None:
        if not quiet:
            click.echo(msg, err=True)

    try:
        scenario = read_scenario(scenario_dir)
        result = compare_scenario(scenario, time_limit_s=time_limit_s,
                                  coalition_time_limit_s=coalition_time_limit_s,
                                  shapley=False if no_shapley else None, seed=seed,
                                  solution_limit=solution_limit, note=say, engine=engine)
        doc = write_comparison(result, out_dir)
        sides = comparison_map_data(result, scenario, lang=lang)
        write_comparison_map(result, scenario, out_dir / "map.html", lang=lang, tiles=tiles,
                             data=sides)
        write_comparison_report(doc, result, scenario, out_dir, lang=lang, tiles=tiles,
                                maps=sides)
    except RoutingError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(comparison_table(result))
    click.echo(f"\nwrote {out_dir}/comparison.json, comparison.csv, comparison.xlsx, cost.png, "
               "on_time.png, cost_shares.png, map.html, report.html, plans/")
    if result["failed"]:
        click.echo("Error: no plan within the time limit for " + ", ".join(
            f"{f['kind']} {f['option']}" for f in result["failed"]) + ". Give them more time "
            "(--time-limit-s, --coalition-time-limit-s).", err=True)
        sys.exit(EXIT_NO_PLAN)
    if not doc["targets_met"]:
        sys.exit(EXIT_NOT_ALL_MET)


@main.command()
@click.argument("plan_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--scenario", "scenario_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The scenario folder the plan was made for.")
def check(plan_json: Path, scenario_dir: Path) -> None:
    """Re-check PLAN_JSON against the scenario; list every violation, exit 3 if any."""
    from .evaluate.check import check_plan
    from .io import read_scenario
    from .network.matrix import travel_matrices
    from .report.plan_json import read_plan_json

    try:
        doc = read_plan_json(plan_json)
        scenario = read_scenario(scenario_dir)
        violations = check_plan(doc, scenario, travel_matrices(scenario))
    except RoutingError as exc:
        raise click.ClickException(str(exc)) from None
    routes, stops = len(doc["routes"]), sum(len(r["stops"]) for r in doc["routes"])
    if not violations:
        click.echo(f"OK: {routes} routes, {stops} stops, {len(doc['unserved'])} unserved "
                   f"(each with a reason); distances, times, loads and costs recomputed.")
        return
    click.echo(f"{len(violations)} violation(s) in {plan_json}:")
    for v in violations:
        click.echo(f"  {v}")
    sys.exit(EXIT_NOT_ALL_MET)


@main.command()
@click.argument("edited", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--scenario", "scenario_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The scenario folder the plan was made for.")
@click.option("-o", "--out", "out_dir", required=True, type=OUT_DIR,
              help="Folder for the re-timed plan's files (created).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the map and report.")
@click.option("--tiles", type=click.Choice(["osm", "amap", "none"]), default="osm",
              show_default=True, help="Background map tiles.")
def retime(edited: Path, scenario_dir: Path, out_dir: Path, lang: str, tiles: str) -> None:
    """Re-time EDITED (plan.json, routes.csv or routes.xlsx with stops reordered or moved
    between vehicles): keep its order and vehicles, recompute every time, load and cost,
    write the complete plan to OUT and list what breaks the rules, hard ones first; exit 3
    if anything does."""
    from .evaluate.targets import plan_verdicts
    from .io import read_scenario
    from .io.edited import read_edited
    from .network.matrix import travel_matrices
    from .pipeline import retime_plan
    from .report.summary import summary_text

    try:
        scenario = read_scenario(scenario_dir)
        matrices = travel_matrices(scenario)
        result = retime_plan(scenario, matrices, read_edited(edited, scenario),
                             source=str(edited))
        doc, violations = _write_plan_files(result.plan, scenario, matrices, out_dir,
                                            lang=lang, tiles=tiles,
                                            violations=result.violations)
    except RoutingError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summary_text(doc, scenario, violations=len(violations),
                            verdicts=plan_verdicts(doc, scenario)))
    if violations:
        click.echo(f"\n{len(violations)} violation(s), hard ones first:")
        for v in violations:
            click.echo(f"  {v}")
    click.echo(f"\nwrote {out_dir}/plan.json, routes.csv, routes.xlsx, routes.geojson, "
               "map.html, report.html")
    if violations:
        sys.exit(EXIT_NOT_ALL_MET)


class _ClockTime(click.ParamType):
    """A time of day HH:MM (00:00–24:00) as seconds after 00:00."""

    name = "HH:MM"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        from .io.tables import parse_time_s

        if isinstance(value, int):
            return value
        try:
            return parse_time_s(str(value))
        except ValueError:
            self.fail(f"must be a time of day HH:MM between 00:00 and 24:00; got {value!r}",
                      param, ctx)


@main.command()
@click.argument("plan_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--scenario", "scenario_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The scenario folder the plan was made for.")
@click.option("--at", "at_s", required=True, type=_ClockTime(),
              help="Re-plan from this time of day: what the plan had done by then is history.")
@click.option("--late", "late_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Late lines: a demand table in the scenario's format.")
@click.option("--events", "events_path",
              type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Events table (CSV/xlsx): event, time, vehicle, station, line, minutes.")
@click.option("-o", "--out", "out_dir", required=True, type=OUT_DIR,
              help="Folder for the re-planned day (and the day's scenario in OUT/scenario).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the map and report.")
@click.option("--tiles", type=click.Choice(["osm", "amap", "none"]), default="osm",
              show_default=True, help="Background map tiles.")
def replan(plan_json: Path, scenario_dir: Path, at_s: int, late_path: Path | None,
           events_path: Path | None, out_dir: Path, lang: str, tiles: str) -> None:
    """Re-plan the rest of the day from PLAN_JSON at --at: history stays, late lines and
    events are taken in, the day as it now stands goes to OUT/scenario, the whole day's plan
    to OUT (checked), and what each driver must be told to OUT/changes.csv; exit 3 if a line
    stays unserved or a rule breaks."""
    from .evaluate.targets import plan_verdicts
    from .io import read_scenario
    from .io.events import read_events
    from .io.scenario import read_demand, write_day_scenario
    from .network.matrix import travel_matrices
    from .pipeline import replan_day
    from .report.plan_json import read_plan_json
    from .report.summary import summary_text
    from .units import hhmm

    try:
        doc = read_plan_json(plan_json)
        scenario = read_scenario(scenario_dir)
        late = read_demand(late_path, scenario) if late_path else []
        events = read_events(events_path, scenario, extra_lines={ln.id for ln in late}) \
            if events_path else []
        matrices = travel_matrices(scenario)
        res = replan_day(scenario, matrices, doc, at_s=at_s, late=late, events=events)
        write_day_scenario(scenario_dir, res.scenario, out_dir / "scenario")
        day_doc, violations = _write_plan_files(res.plan, res.scenario, matrices, out_dir,
                                                lang=lang, tiles=tiles,
                                                violations=res.violations)
    except RoutingError as exc:
        raise click.ClickException(str(exc)) from None
    import csv

    names = {s.id: s.name for s in res.scenario.stations}
    with (out_dir / "changes.csv").open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["vehicle_id", "change", "station_id", "station_name", "detail"])
        for c in res.changes:
            w.writerow([c.vehicle_id, c.kind, c.station_id, names.get(c.station_id, ""),
                        c.detail])
    click.echo(summary_text(day_doc, res.scenario, violations=len(violations),
                            verdicts=plan_verdicts(day_doc, res.scenario)))
    click.echo(f"\nre-planned at {hhmm(at_s)}: {len(late)} late line(s), {len(events)} "
               f"event(s), {len(res.changes)} change(s) for the drivers")
    for note in res.notes:
        click.echo(f"  {note}")
    by_vehicle: dict[str, list[str]] = {}
    for c in res.changes:
        by_vehicle.setdefault(c.vehicle_id, []).append(f"{c.kind} {c.station_id} "
                                                       f"({c.detail})")
    for vid, items in by_vehicle.items():
        click.echo(f"  {vid}: " + "; ".join(items[:8])
                   + (f"; … {len(items) - 8} more" if len(items) > 8 else ""))
    for v in violations[:20]:
        click.echo(f"  {v}")
    click.echo(f"\nwrote {out_dir}/plan.json, changes.csv, routes.csv, routes.xlsx, "
               "routes.geojson, map.html, report.html and the day's scenario in "
               f"{out_dir}/scenario (routing check {out_dir}/plan.json --scenario "
               f"{out_dir}/scenario)")
    if violations or day_doc["unserved"]:
        sys.exit(EXIT_NOT_ALL_MET)


@main.command("map")
@click.argument("plan_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--scenario", "scenario_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The scenario folder the plan was made for.")
@click.option("-o", "--out", "out_html", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (e.g. map.html).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of labels, popups and legend.")
@click.option("--tiles", type=click.Choice(["osm", "amap", "none"]), default="osm",
              show_default=True,
              help="Map tiles: OpenStreetMap, Amap/高德 (points shifted to GCJ-02), or none.")
def map_command(plan_json: Path, scenario_dir: Path, out_html: Path, lang: str,
                tiles: str) -> None:
    """Draw PLAN_JSON on a map: one self-contained HTML page, a layer per vehicle and carrier."""
    from .io import read_scenario
    from .report.maps import map_data, write_map
    from .report.plan_json import read_plan_json

    try:
        doc = read_plan_json(plan_json)
        scenario = read_scenario(scenario_dir)
        data = map_data(doc, scenario, lang=lang)
        out_html.parent.mkdir(parents=True, exist_ok=True)
        write_map(data, out_html, tiles=tiles)
    except RoutingError as exc:
        raise click.ClickException(str(exc)) from None
    routes = len(doc["routes"])
    click.echo(f"wrote {out_html}: {routes} route(s), {len(doc['unserved'])} unserved, legs "
               f"{'along the roads' if data.along_roads else 'straight'}")


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Benchmark folder with bks.csv (default: $ROUTING_BENCH_DATA, else "
                   "../shared/benchmarks).")
@click.option("--sets", default="x,solomon", show_default=True,
              help="Comma list: x, a, b, e, p (CVRP), solomon, dethloff, salhi_nagy, "
                   "montane_galvao.")
@click.option("--instances", default="", help="Comma list of name globs, e.g. 'X-n1*,C101'.")
@click.option("--engines", default="ours,ortools,pyvrp", show_default=True,
              help="ours (--engine auto), ortools (PATH_CHEAPEST_ARC + GLS), pyvrp (default).")
@click.option("--time-limit-s", type=TIME_LIMIT_S, default=10.0, show_default=True,
              help="Seconds per instance and engine.")
@click.option("--seed", type=SEED, default=1, show_default=True)
@click.option("-o", "--out", "out_dir", type=OUT_DIR,
              default=Path("out/bench"), show_default=True,
              help="Folder for results.csv, results.md and <engine>/<set>/*.sol.")
@click.option("--peers-one-by-one", is_flag=True,
              help="Run the peer engines one after the other (default: side by side, one "
                   "per core, after ours has had both cores).")
def bench(data_dir: Path | None, sets: str, instances: str, engines: str, time_limit_s: float,
          seed: int, out_dir: Path, peers_one_by_one: bool) -> None:
    """Benchmark the engines side by side on literature instances: gap to best-known."""
    import shlex

    from .bench import _split, default_data, run_suite

    command = "routing bench " + " ".join(shlex.quote(a) for a in sys.argv[2:])
    try:
        rows = run_suite(data_dir or default_data(), _split(sets), _split(instances),
                         _split(engines), time_limit_s=time_limit_s, seed=seed, out=out_dir,
                         command=command, echo=click.echo,
                         peers_at_once=not peers_one_by_one)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if not rows:
        sys.exit(1)


@main.command()
@click.argument("spec_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=OUT_DIR,
              help="Folder for results.parquet/.csv/.xlsx, shares.csv and jobs/ (one file per "
                   "finished job; a rerun skips them).")
@click.option("--scheduler", default=None,
              help="Address of a running Dask scheduler (tcp://host:8786); default: a "
                   "LocalCluster on this machine.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="LocalCluster worker processes (default: one per core).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--store", "store_url", is_flag=False, flag_value=DEFAULT_STORE, default=None,
              metavar="[URL]",
              help="Every job saves its checked plans in the plan store, from its worker "
                   "(overrides the SPEC's [sweep] store); alone: "
                   f"${STORE_ENV} or ~/.local/share/routing/plans.sqlite. Workers on other "
                   "machines need PostgreSQL or a shared file.")
@click.option("--fetch-limit", "fetch_limits", multiple=True, metavar="KEY=VALUE",
              help="Change a limit on scenarios fetched by URL, over the SPEC's [fetch] "
                   "(repeatable): max_download_mb (100), max_unpacked_mb (200), max_members "
                   "(10000), max_ratio (100), max_fetch_s (120, the whole fetch), "
                   "max_table_mb (200, any scenario's tables).")
def sweep(spec_file: Path, out_dir: Path, scheduler: str | None, workers: int | None,
          quiet: bool, store_url: str | None, fetch_limits: tuple[str, ...]) -> None:
    """Plan many scenarios × variants × seeds (and Shapley coalitions) on Dask."""
    from .io.limits import Limits, parse_pairs
    from .store import parse_store_url
    from .sweep import read_spec, run_sweep
    from .sweep.tables import failed_games

    overrides: dict[str, float] = {}
    try:
        for pair in fetch_limits:
            overrides |= parse_pairs(pair, "--fetch-limit")
        Limits().replace(overrides)
    except ValueError as exc:
        raise click.BadParameter(str(exc).removeprefix("--fetch-limit: "),
                                 param_hint="--fetch-limit") from None
    try:
        spec = read_spec(spec_file, limits=overrides)
        if store_url == DEFAULT_STORE:  # opened here: creates the default store's folder
            with _open_store(store_url) as default:
                store_url = default.url.render_as_string(hide_password=False)
        result = run_sweep(spec, out_dir, scheduler=scheduler, workers=workers,
                           progress=not quiet, store=store_url)
    except (RoutingError, ValueError, ConnectionError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{len(result.rows)} jobs: {result.ran} run now, {result.skipped} done before, "
               f"{result.failed} failed; wrote {out_dir / 'results.parquet'}, results.csv, "
               "results.xlsx, shares.csv")
    if (store_url or spec.store) and result.ran:
        where = parse_store_url(store_url or spec.store or "").render_as_string(
            hide_password=True)
        click.echo(f"plans of the jobs run now stored in {where} (plan_ids column; "
                   "`routing history` lists them)")
    for line in failed_games(result.rows):
        click.echo(f"Shapley split not computed for {line} failed (see results.csv, error)")
    if result.failed:
        sys.exit(EXIT_NOT_ALL_MET)


@main.command()
@click.option("--store", "store_url", default=None, metavar="URL",
              help=f"The plan store (default: ${STORE_ENV} or "
                   "~/.local/share/routing/plans.sqlite).")
@click.option("--scenario", default=None, help="Only plans of this scenario (its name).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only plans for this day (YYYY-MM-DD) or later.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only plans for this day (YYYY-MM-DD) or earlier.")
@click.option("--job", "sweep_job", default=None, metavar="JOB_KEY",
              help="Only the plans of this sweep job (job_key of the sweep's results).")
def history(store_url: str | None, scenario: str | None, since: datetime | None,
            until: datetime | None, sweep_job: str | None) -> None:
    """List the stored plans with their totals, oldest first; a sweep's plans name their job."""
    from .store import history_table

    try:
        with _open_store(store_url) as store:
            plans = store.history(scenario=scenario, since=since.date() if since else None,
                                  until=until.date() if until else None, sweep_job=sweep_job)
            where = store.where
    except RoutingError as exc:
        raise click.ClickException(str(exc)) from None
    if not plans:
        click.echo(f"no stored plans match in {where}")
        return
    click.echo(history_table(plans))
    click.echo(f"\n{len(plans)} plan(s) in {where}")


if __name__ == "__main__":
    main()
