"""The ``routing`` command line: thin wrappers over library functions.

Exit codes: 0 success; 1 bad input (a clear message, no traceback); 2 usage error; 3 the plan
leaves stations unserved or breaks a rule the checker finds; 4 no plan within the time limit
(no engine found a plan serving any visit the fleet could serve: give it more time).
"""

from __future__ import annotations

import math
import os
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .constants import MAX_CHANGE_PENALTY, MAX_SEED, MAX_SOLUTION_LIMIT, MAX_TIME_LIMIT_S
from .exceptions import EXIT_NO_PLAN, NoPlanError, RoutingError, ScenarioError
from .i18n import DEFAULT_LANG, LANGS, display_width, money, t
from .i18n import count as count_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .evaluate.check import Violation
    from .model import Scenario
    from .model.plan import Plan
    from .network.matrix import Matrices
    from .pipeline import Locks
    from .pipeline.day import Change
    from .store import PlanStore

EXIT_NOT_ALL_MET = 3
DEFAULT_STORE = "default"  # what `--store` alone means: the default store URL
STORE_ENV = "ROUTING_STORE_URL"  # routing.store.STORE_ENV, not imported to keep startup fast


def _num(x: float) -> str:
    """A bound in a message: 1000000, not 1e+06."""
    return f"{x:.0f}" if float(x).is_integer() else f"{x:g}"


def _no_plan(exc: NoPlanError, lang: str = DEFAULT_LANG) -> None:
    """No plan within the time limit: the message on stderr (in ``lang``), exit code 4."""
    if lang == "zh":
        part = re.sub(r"^scenario '(.*)'$", r"场景 '\1'", exc.part)
        text = t("no_plan_error", lang, part=part, limit=f"{exc.time_limit_s:g}",
                 visits=exc.visits, servable=exc.servable)
    else:
        text = str(exc)
    _say_error(text, lang)
    sys.exit(EXIT_NO_PLAN)


def _say_error(text: str, lang: str) -> None:
    """``错误：text`` (``Error: text``) on stderr."""
    sep = "：" if lang == "zh" else ": "
    click.echo(f"{t('error', lang)}{sep}{text}", err=True)


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
                ctx: click.Context | None) -> str | bytes | os.PathLike[str]:
        path = super().convert(value, param, ctx)  # type: ignore[arg-type]
        here = Path(os.fsdecode(path)).absolute()
        missing = [p for p in (here, *here.parents) if not p.exists()]  # deepest first
        if not missing:
            return path
        try:
            here.mkdir(parents=True)
        except OSError as exc:
            self.fail(f"cannot create folder '{os.fsdecode(path)}': {exc.strerror or exc}.",
                      param, ctx)
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
ENGINE_S = _FiniteFloat(low=0, high=MAX_TIME_LIMIT_S, unit="seconds", note="24 h")
CHANGE_PENALTY = _FiniteFloat(low=0, high=MAX_CHANGE_PENALTY, unit="CNY")
SEED = click.IntRange(0, MAX_SEED)
SOLUTION_LIMIT = click.IntRange(1, MAX_SOLUTION_LIMIT)
OUT_DIR = _OutDir()


class _Progress:
    """Prints elapsed time and the best cost found so far at most once a second, on stderr
    (the best of every core's search: the portfolio shares the forked search's best), and
    ends with the kept plan's cost, the figure the summary shows."""

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        self.last = -1.0
        self.lang = lang
        self.width = 0

    def _show(self, text: str) -> None:
        body = text.lstrip("\r")
        wide = display_width(body)  # terminal columns: a Chinese character takes two
        click.echo("\r" + body + " " * max(0, self.width - wide), err=True, nl=False)
        self.width = wide

    def __call__(self, elapsed: float, best: float, count: int) -> None:
        if elapsed - self.last >= 1.0:
            self.last = elapsed
            n = count_of(count, self.lang, "solution_n", "solutions_n")
            self._show(t("progress", self.lang, elapsed=elapsed, best=money(best), n=n))

    def done(self, doc: dict[str, Any]) -> None:
        """The kept plan: its vehicle cost and which search found it."""
        cost = doc["totals"]["cost"]
        runs = [r for r in doc.get("meta", {}).get("portfolio") or []
                if "cost" in r and r.get("accepted") is not False]
        kept = min(runs, key=lambda r: abs(r["cost"] - cost), default=None)
        seed = t("seed", self.lang)
        label = (f"{kept['engine']} {seed} {kept['seed']}" if kept and "seed" in kept
                 else str(doc.get("engine")))
        self._show(t("progress_done", self.lang, best=money(cost), label=label))
        click.echo("", err=True)


def _lang_option(what: tuple[str, str]) -> Any:
    """``--lang``: Chinese by default."""
    return click.option("--lang", type=click.Choice(list(LANGS)), default=DEFAULT_LANG,
                        show_default=True, help=f"{what[0]}的语言。Language of {what[1]}.")


class _Failure(click.ClickException):
    """A RoutingError for the user: 错误： and the message in Chinese framing (the detail of
    a scenario's problems — file, row, field, value — stays as the reader wrote it)."""

    def __init__(self, exc: Exception, lang: str) -> None:
        super().__init__(_error_text(exc, lang))
        self.lang = lang

    def show(self, file: Any = None) -> None:
        sep = "：" if self.lang == "zh" else ": "
        click.echo(f"{t('error', self.lang)}{sep}{self.format_message()}", err=True)


_ROW_FIELD = re.compile(r"(\S+) row (\d+), field '([^']*)':? ?")
_ROW = re.compile(r"(\S+) row (\d+)(: )?")


def _error_text(exc: Exception, lang: str) -> str:
    """The message of ``exc`` in ``lang``: a scenario's problems under a Chinese head line,
    each located as 文件 第 N 行 字段 'x'."""
    if lang != "zh" or not isinstance(exc, ScenarioError):
        return str(exc)
    shown = exc.problems[:30]
    lines = [f"场景数据有 {len(exc.problems)} 处问题（{exc.source}）："]
    for p in shown:
        p = _ROW_FIELD.sub(r"\1 第 \2 行 字段 '\3'：", p)
        lines.append("  - " + _ROW.sub(lambda m: f"{m[1]} 第 {m[2]} 行{'：' if m[3] else ''}",
                                       p))
    if len(exc.problems) > len(shown):
        lines.append(f"  …… 另有 {len(exc.problems) - len(shown)} 处")
    lines.append("（每处：文件、行、字段、问题与合法取值；改好后重新运行）")
    return "\n".join(lines)


@click.group()
@click.version_option(package_name="routing")
def main() -> None:
    """县乡村共同配送线路规划：县级物流中心、乡镇站点、村级服务点。

    Plan shared delivery routes for a county's hub, township stations and village points.
    Output is in Chinese by default; --lang en for English.
    """


@main.command()
@click.argument("scenario_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=OUT_DIR,
              help="输出文件夹。Folder for plan.json, routes.csv, routes.xlsx, routes.geojson.")
@click.option("--time-limit-s", type=TIME_LIMIT_S, default=None,
              help="求解限时（秒）。Solver time limit, seconds.")
@click.option("--seed", type=SEED, default=None,
              help="随机种子（默认取场景设置）。Seed (default: the scenario's).")
@click.option("--solution-limit", type=SOLUTION_LIMIT, default=None,
              help="找到这么多个解后停止（可复现）。Stop after this many solutions "
                   "(deterministic runs).")
@click.option("--reference", "reference", default=None, metavar="PLAN_JSON|ID|latest",
              callback=lambda _ctx, _param, value: _check_reference(value),
              help="参照方案，保持线路稳定：昨天的 plan.json、固定线路、已存方案编号或 latest。"
                   "Keep routes stable against this plan.json (yesterday's, or fixed routes), "
                   "a stored plan id, or the latest stored plan of the scenario.")
@click.option("--change-penalty", type=CHANGE_PENALTY, default=None,
              help="站点换车的罚金（元/站，默认 50）。CNY per stop moved to another vehicle "
                   "than in the reference (default: the scenario's, 50).")
@click.option("--lock", "lock", default=None, metavar="VEHICLE[,…]",
              help="与 --reference 同用：这些车辆完全沿用参照方案的线路（每一趟、停靠顺序不变；"
                   "只含今天的需求）。With --reference: these vehicles keep their reference "
                   "routes exactly (every trip, stops in order; only today's lines).")
@click.option("--lock-stops", "lock_stops", default=None, metavar="STATION[,…]",
              help="与 --reference 同用：这些站点仍由参照方案中的车辆服务。With --reference: "
                   "these stations stay on their reference vehicle.")
@click.option("--structure", type=click.Choice(["direct", "two_echelon", "both"]), default=None,
              help="直送、两级配送（干线+支线）或两者对比（默认取场景设置）。Direct from the hub, "
                   "trunks + feeders, or both for comparison (default: the scenario's).")
@click.option("--engine", type=click.Choice(["ortools", "pyvrp", "auto"]), default="auto",
              show_default=True,
              help="求解引擎；auto 同时运行 OR-Tools 与 PyVRP，保留通过核查的最低费用方案。"
                   "Solver engine; auto runs OR-Tools and PyVRP side by side when PyVRP can "
                   "express the problem and keeps the cheaper checked plan.")
@click.option("--quiet", is_flag=True, help="不显示进度。No progress output.")
@_lang_option(("终端输出、map.html、report.html 与路单",
               "the terminal output, map.html, report.html and the route sheets"))
@click.option("--tiles", type=click.Choice(["osm", "amap", "none"]), default="osm",
              show_default=True,
              help="地图底图：OpenStreetMap、高德（坐标转为 GCJ-02）或无。Map tiles: "
                   "OpenStreetMap, Amap/高德 (points shifted to GCJ-02), or none.")
@click.option("--store", "store_url", is_flag=False, flag_value=DEFAULT_STORE, default=None,
              metavar="[URL]",
              help="把核查后的方案存入方案库并显示编号。Save the checked plan in the plan store "
                   "and print its id: SQLite "
                   "(sqlite:///plans.sqlite) or PostgreSQL (postgresql+psycopg://user:pw@host/db); "
                   f"alone: ${STORE_ENV} or ~/.local/share/routing/plans.sqlite.")
def plan(scenario_dir: Path, out_dir: Path, time_limit_s: float | None, seed: int | None,
         solution_limit: int | None, reference: str | None, change_penalty: float | None,
         lock: str | None, lock_stops: str | None,
         structure: str | None, engine: str, quiet: bool, lang: str, tiles: str,
         store_url: str | None) -> None:
    """为 SCENARIO_DIR 规划今天的线路，文件写入 OUT。

    Plan today's routes for SCENARIO_DIR and write the plan files to OUT.
    With two structures (``both``), each goes to its own subfolder of OUT and a comparison
    follows the summaries.
    """
    from .evaluate.targets import plan_verdicts
    from .io import read_scenario
    from .io.plan_json import read_plan_json
    from .network.matrix import travel_matrices
    from .pipeline import plan_scenario, reference_from_plan, structures_of
    from .report.summary import comparison_text, summary_text

    results = []
    stored: list[int] = []
    store = None
    progress: _Progress | None = None
    try:
        t0 = time.perf_counter()
        if store_url is not None:  # opened first: a bad URL should not wait for a solve
            store = _open_store(store_url)
        scenario = read_scenario(scenario_dir)
        matrices = travel_matrices(scenario)
        if not quiet:
            _network_note(scenario, matrices, time.perf_counter() - t0, lang)
        ref_doc = None
        if reference is not None and Path(reference).is_file():
            ref_doc = read_plan_json(Path(reference))
        elif reference is not None:
            with _open_store(store_url) as ref_store:
                ref_id, ref_doc = ref_store.find(reference, scenario=scenario.name)
            if not quiet:
                click.echo(t("reference", lang, id=ref_id, date=ref_doc["scenario"].get("date")),
                           err=True)
        ref_map = reference_from_plan(ref_doc) if ref_doc is not None else None
        locks = _locks(ref_doc, ref_map, lock, lock_stops, scenario)
        kinds = structures_of(scenario, structure)
        for kind in kinds:
            out = out_dir if len(kinds) == 1 else out_dir / kind
            progress = None if quiet else _Progress(lang)
            result, _ = plan_scenario(scenario, matrices, time_limit_s=time_limit_s, seed=seed,
                                      solution_limit=solution_limit, progress=progress,
                                      reference=ref_map, change_penalty=change_penalty,
                                      structure=kind, engine=engine, locks=locks)
            doc, violations = _write_plan_files(result, scenario, matrices, out, lang=lang,
                                                tiles=tiles, progress=progress)
            if store is not None:
                stored.append(store.save(doc, violations=len(violations)))
            results.append((kind, out, doc, violations))
    except NoPlanError as exc:
        if progress is not None and progress.width:
            click.echo("", err=True)  # end the progress line
        _no_plan(exc, lang)
    except RoutingError as exc:
        raise _Failure(exc, lang) from None
    finally:
        if store is not None:
            store.close()
    for kind, out, doc, violations in results:
        if len(results) > 1:
            name = t(f"structure_{kind}", lang) if kind in ("direct", "two_echelon") else kind
            click.echo("\n" + t("structure_head", lang, name=name))
        click.echo(summary_text(doc, scenario, violations=len(violations),
                                verdicts=plan_verdicts(doc, scenario), lang=lang))
        for v in violations[:20]:
            click.echo(f"  {v}")
        click.echo("\n" + t("wrote", lang, files=f"{out}/{_plan_files(lang)}"))
    if store is not None:
        click.echo(t("stored", lang, ids=", ".join(map(str, stored)), where=store.where))
    if len(results) > 1:
        click.echo("\n" + comparison_text([(k, d, len(v)) for k, _, d, v in results],
                                          lang=lang))
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


def _plan_files(lang: str) -> str:
    """The files :func:`_write_plan_files` writes, as the "wrote" line lists them."""
    return ("、" if lang == "zh" else ", ").join(["plan.json", "routes.csv", "routes.xlsx",
                                                 "route_sheets.pdf", "routes.geojson",
                                                 "map.html", "report.html"])


def _write_plan_files(plan: Plan, scenario: Scenario, matrices: Matrices, out: Path, *,
                      lang: str, tiles: str, violations: list[Violation] | None = None,
                      progress: _Progress | None = None
                      ) -> tuple[dict[str, Any], list[Violation]]:
    """Every file of a plan in OUT (plan.json, routes.csv/.xlsx/.geojson, route_sheets.pdf,
    map.html, report.html); the plan document and the checker's violations (checked here
    unless given). ``progress`` ends its line with the kept plan's cost once plan.json is
    written."""
    from .evaluate.check import check_plan
    from .io.plan_json import write_plan_json
    from .report.dispatch import write_report
    from .report.maps import map_data, write_map
    from .report.route_pdf import route_sheets_pdf
    from .report.tables import write_routes_csv, write_routes_geojson, write_routes_xlsx

    out.mkdir(parents=True, exist_ok=True)
    doc = write_plan_json(plan, scenario, out / "plan.json")
    if progress is not None:
        progress.done(doc)
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


def _network_note(scenario: Scenario, matrices: Matrices, seconds: float,
                  lang: str = DEFAULT_LANG) -> None:
    """What was read and how the network was built, on stderr."""
    click.echo(t("network", lang, name=scenario.name, stations=len(scenario.stations),
                 lines=len(scenario.demand),
                 vehicles=sum(v.count for v in scenario.vehicle_types), source=matrices.source,
                 s=seconds), err=True)
    if matrices.snap_m:
        snaps = sorted(zip(matrices.snap_m, matrices.station_ids, strict=True))
        mid = snaps[len(snaps) // 2][0]
        click.echo(t("snapped", lang, mid=mid, far=snaps[-1][0], sid=snaps[-1][1]), err=True)
    if matrices.unreachable:
        click.echo(t("unreachable", lang, ids=", ".join(matrices.unreachable)), err=True)

@main.command()
@click.argument("scenario_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=OUT_DIR,
              help="输出文件夹。Folder for comparison.json/.csv/.xlsx and the plans behind them.")
@click.option("--time-limit-s", type=TIME_LIMIT_S, default=None,
              help="每个方案的求解秒数（默认取场景 [compare] time_limit_s）。Seconds per plan "
                   "(default: the scenario's [compare] time_limit_s).")
@click.option("--coalition-time-limit-s", type=TIME_LIMIT_S, default=None,
              help="每个联盟子集（Shapley）的求解秒数。Seconds per Shapley coalition plan.")
@click.option("--no-shapley", is_flag=True,
              help="不计算联盟子集（2^n - 1 个方案）。Skip the coalition plans (2^n - 1 of them).")
@click.option("--seed", type=SEED, default=None, help="随机种子。Seed.")
@click.option("--solution-limit", type=SOLUTION_LIMIT, default=None,
              help="每个方案找到这么多个解后停止。Stop each plan after this many solutions.")
@click.option("--engine", type=click.Choice(["ortools", "pyvrp", "auto"]), default="auto",
              show_default=True, help="每个方案的求解引擎（见 routing plan）。Solver engine of "
                                      "every plan (see routing plan).")
@click.option("--quiet", is_flag=True, help="不显示进度。No progress output.")
@_lang_option(("终端输出、图表、map.html 与 report.html",
               "the terminal output, charts, map.html and report.html"))
@click.option("--tiles", type=click.Choice(["osm", "amap", "none"]), default="osm",
              show_default=True,
              help="地图底图：OpenStreetMap、高德（坐标转为 GCJ-02）或无。Map tiles: "
                   "OpenStreetMap, Amap/高德 (points shifted to GCJ-02), or none.")
def compare(scenario_dir: Path, out_dir: Path, time_limit_s: float | None,
            coalition_time_limit_s: float | None, no_shapley: bool, seed: int | None,
            solution_limit: int | None, engine: str, quiet: bool, lang: str,
            tiles: str) -> None:
    """对比各家快递单独配送与 SCENARIO_DIR 的各共同配送方案。

    Compare each carrier alone with the alliance variants of SCENARIO_DIR.
    Prints the table, writes comparison.json/.csv/.xlsx to OUT, and exits 0 when the
    scenario's main alliance variant meets every target (hours, fresh hours, cost reduction),
    3 when it does not, 4 when an option (a carrier alone, a variant, a coalition) had no
    plan within the time limit: it is reported as failed, with no cost, and left out of
    every reduction and cost split.
    """
    from .i18n import carrier_names, failed_options_text, variant_name
    from .io import read_scenario
    from .pipeline import compare_scenario
    from .report.comparison import comparison_table, write_comparison
    from .report.dispatch import write_comparison_report
    from .report.maps import comparison_map_data, write_comparison_map

    def step(where: Any) -> None:
        if quiet:
            return
        shown = variant_name(where.name, lang, carrier_names(scenario, lang))
        if where.stage == "baseline":
            shown = carrier_names(scenario, lang).get(where.name, where.name)
        name = f"：{shown}" if lang == "zh" else f": {shown}"
        click.echo(t("compare_step", lang, stage=t(f"stage_{where.stage}", lang),
                     done=where.done, total=where.total, name=name if where.name else "",
                     used=_duration(where.elapsed_s, lang), left=_duration(where.left_s, lang)),
                   err=True)

    try:
        scenario = read_scenario(scenario_dir)
        result = compare_scenario(scenario, time_limit_s=time_limit_s,
                                  coalition_time_limit_s=coalition_time_limit_s,
                                  shapley=False if no_shapley else None, seed=seed,
                                  solution_limit=solution_limit, step=step, engine=engine)
        doc = write_comparison(result, out_dir, lang=lang, scenario=scenario)
        sides = comparison_map_data(result, scenario, lang=lang)
        write_comparison_map(result, scenario, out_dir / "map.html", lang=lang, tiles=tiles,
                             data=sides)
        write_comparison_report(doc, result, scenario, out_dir, lang=lang, tiles=tiles,
                                maps=sides)
    except RoutingError as exc:
        raise _Failure(exc, lang) from None
    click.echo(comparison_table(result, lang=lang, scenario=scenario))
    click.echo("\n" + t("compare_wrote", lang, dir=out_dir))
    if result["failed"]:
        options = failed_options_text(result["failed"], lang, carrier_names(scenario, lang))
        _say_error(t("no_plan_options", lang, options=options), lang)
        sys.exit(EXIT_NO_PLAN)
    if not doc["targets_met"]:
        sys.exit(EXIT_NOT_ALL_MET)


def _duration(seconds: float, lang: str) -> str:
    from .i18n import duration

    return duration(seconds, lang)


@main.command()
@click.argument("plan_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--scenario", "scenario_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="方案对应的场景文件夹。The scenario folder the plan was made for.")
@_lang_option(("终端输出", "the terminal output"))
def check(plan_json: Path, scenario_dir: Path, lang: str) -> None:
    """按场景重新核查 PLAN_JSON，列出全部违规，有违规时退出码为 3。

    Re-check PLAN_JSON against the scenario; list every violation, exit 3 if any.
    """
    from .evaluate.check import check_plan
    from .io import read_scenario
    from .io.plan_json import read_plan_json
    from .network.matrix import travel_matrices

    try:
        doc = read_plan_json(plan_json)
        scenario = read_scenario(scenario_dir)
        violations = check_plan(doc, scenario, travel_matrices(scenario))
    except RoutingError as exc:
        raise _Failure(exc, lang) from None
    routes, stops = len(doc["routes"]), sum(len(r["stops"]) for r in doc["routes"])
    if not violations:
        click.echo(t("check_all_ok", lang, routes=routes, stops=stops,
                     unserved=len(doc["unserved"])))
        return
    click.echo(t("check_violations", lang, n=len(violations), path=plan_json))
    for v in violations:
        click.echo(f"  {v}")
    sys.exit(EXIT_NOT_ALL_MET)


@main.command()
@click.argument("out_dir", type=OUT_DIR)
@_lang_option(("表头、示例与下拉列表", "the headers, example rows and drop-down lists"))
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx",
              show_default=True,
              help="xlsx（带下拉列表和说明页）或 csv（UTF-8）。xlsx (with drop-down lists and a "
                   "notes sheet) or csv (UTF-8).")
@click.option("--scenario", "scenario_dir", default=None,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="取该场景的快递公司作下拉列表和示例。Take the carriers for the lists and "
                   "examples from this scenario.")
def template(out_dir: Path, lang: str, fmt: str, scenario_dir: Path | None) -> None:
    """写出空白导入模板：站点、快递公司、车辆、今日运单四张表和 scenario.toml。

    Write blank import templates to OUT_DIR: stations, carriers, vehicles and demand tables
    (headers, an example row, drop-down lists) and a scenario.toml naming them. Filled in,
    the folder is a scenario for `routing plan`.
    """
    from .io import read_scenario
    from .io.template import write_templates

    try:
        scenario = read_scenario(scenario_dir) if scenario_dir is not None else None
        files = write_templates(out_dir, lang=lang, fmt=fmt, scenario=scenario)
    except RoutingError as exc:
        raise _Failure(exc, lang) from None
    sep = "、" if lang == "zh" else ", "
    click.echo(t("template_wrote", lang, files=f"{out_dir}/" + sep.join(f.name for f in files)))


@main.command()
@click.argument("edited", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--scenario", "scenario_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="方案对应的场景文件夹。The scenario folder the plan was made for.")
@click.option("-o", "--out", "out_dir", required=True, type=OUT_DIR,
              help="重新排时后方案的输出文件夹（自动创建）。Folder for the re-timed plan's files "
                   "(created).")
@_lang_option(("终端输出、地图与报告", "the terminal output, the map and the report"))
@click.option("--tiles", type=click.Choice(["osm", "amap", "none"]), default="osm",
              show_default=True,
              help="地图底图：OpenStreetMap、高德（坐标转为 GCJ-02）或无。Map tiles: "
                   "OpenStreetMap, Amap/高德 (points shifted to GCJ-02), or none.")
def retime(edited: Path, scenario_dir: Path, out_dir: Path, lang: str, tiles: str) -> None:
    """按调度员改过的方案重新排时：EDITED 为调整了停靠顺序或换车的 plan.json、routes.csv 或
    routes.xlsx；保留顺序和车辆，重算时间、载重和费用，写出完整方案，列出违规（严重的在前），
    有违规时退出码为 3。

    Re-time EDITED (plan.json, routes.csv or routes.xlsx with stops reordered or moved
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
        raise _Failure(exc, lang) from None
    click.echo(summary_text(doc, scenario, violations=len(violations),
                            verdicts=plan_verdicts(doc, scenario), lang=lang))
    if violations:
        click.echo("\n" + t("retime_violations", lang, n=len(violations)))
        for v in violations:
            click.echo(f"  {v}")
    click.echo("\n" + t("wrote", lang, files=f"{out_dir}/{_plan_files(lang)}"))
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
@click.option("--time-limit-s", type=ENGINE_S, default=None,
              help="插入重排后 PyVRP 再优化剩余行程的秒数（默认 3；0 只用插入）。Seconds PyVRP "
                   "re-optimises the rest of the day after the insertion re-plan (default 3; "
                   "0: the insertion re-plan only).")
@click.option("--solution-limit", type=SOLUTION_LIMIT, default=None,
              help="PyVRP 迭代上限（结果可复现；默认取场景设置）。PyVRP iterations at most "
                   "(deterministic; default: the scenario's).")
@click.option("--hold", is_flag=True,
              help="压后发车：当天只跑一趟且尚未出发的车辆，在各站营业时间、时限和场站时间允许的"
                   "前提下尽量晚出发，以便后到的包裹还能搭上。Hold back: a vehicle whose day is "
                   "one trip not yet begun leaves as late as every window, target and the "
                   "depot's hours allow, so parcels arriving later can still join it.")
def replan(plan_json: Path, scenario_dir: Path, at_s: int, late_path: Path | None,
           events_path: Path | None, out_dir: Path, lang: str, tiles: str,
           time_limit_s: float | None, solution_limit: int | None, hold: bool) -> None:
    """Re-plan the rest of the day from PLAN_JSON at --at: history stays, late lines and
    events are taken in, the day as it now stands goes to OUT/scenario, the whole day's plan
    to OUT (checked), and what each driver must be told to OUT/changes.csv; exit 3 if a line
    stays unserved or a rule breaks."""

    from .evaluate.targets import plan_verdicts
    from .io import read_scenario
    from .io.events import read_events
    from .io.plan_json import read_plan_json
    from .io.scenario import read_demand, write_day_scenario
    from .network.matrix import travel_matrices
    from .pipeline import replan_day
    from .pipeline.day import CHANGE_KINDS, REPLAN_ENGINE_S
    from .report.summary import summary_text
    from .units import hhmm

    try:
        doc = read_plan_json(plan_json)
        scenario = read_scenario(scenario_dir)
        late = read_demand(late_path, scenario) if late_path else []
        events = read_events(events_path, scenario, extra_lines={ln.id for ln in late}) \
            if events_path else []
        matrices = travel_matrices(scenario)
        res = replan_day(scenario, matrices, doc, at_s=at_s, late=late, events=events,
                         time_limit_s=REPLAN_ENGINE_S if time_limit_s is None
                         else time_limit_s, solution_limit=solution_limit, hold=hold)
        write_day_scenario(scenario_dir, scenario, res.scenario, out_dir / "scenario")
        day_doc, violations = _write_plan_files(res.plan, res.scenario, matrices, out_dir,
                                                lang=lang, tiles=tiles,
                                                violations=res.violations)
    except RoutingError as exc:
        raise click.ClickException(str(exc)) from None
    _write_changes(out_dir / "changes.csv", res.changes, res.scenario, lang)
    zh = lang == "zh"
    click.echo(summary_text(day_doc, res.scenario, violations=len(violations),
                            verdicts=plan_verdicts(day_doc, res.scenario), lang=lang))
    click.echo(f"\n{hhmm(at_s)} 重新规划：迟到 {len(late)} 单，事件 {len(events)} 个，司机变动 "
               f"{len(res.changes)} 条" if zh else
               f"\nre-planned at {hhmm(at_s)}: {len(late)} late line(s), {len(events)} "
               f"event(s), {len(res.changes)} change(s) for the drivers")
    for note in res.said(lang):
        click.echo(f"  {note}")
    by_vehicle: dict[str, list[str]] = {}
    for c in res.changes:
        kind = CHANGE_KINDS[c.kind][0] if zh else c.kind
        by_vehicle.setdefault(c.vehicle_id, []).append(f"{kind} {c.station_id} "
                                                       f"({c.said(lang)})")
    for vid, items in by_vehicle.items():
        more = len(items) - 8
        click.echo(f"  {vid}: " + "; ".join(items[:8])
                   + ((f"；另有 {more} 条" if zh else f"; … {more} more") if more > 0 else ""))
    for v in violations[:20]:
        click.echo(f"  {v}")
    files = ("plan.json, changes.csv, routes.csv, routes.xlsx, route_sheets.pdf, "
             "routes.geojson, map.html, report.html")
    check = f"routing check {out_dir}/plan.json --scenario {out_dir}/scenario"
    click.echo(f"\n已写出 {out_dir} 中的 {files}，当天场景写入 {out_dir}/scenario（复核：{check}）"
               if zh else f"\nwrote {files} to {out_dir} and the day's scenario to "
               f"{out_dir}/scenario ({check})")
    if violations or day_doc["unserved"]:
        sys.exit(EXIT_NOT_ALL_MET)


def _write_changes(path: Path, changes: Sequence[Change], scenario: Scenario,
                   lang: str) -> None:
    """What each driver must be told, one row per change, headers and words in ``lang``."""
    import csv

    from .pipeline.day import CHANGE_KINDS

    names = {s.id: s.name for s in scenario.stations}
    zh = lang == "zh"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["车辆", "变动", "站点编号", "站点名称", "说明"] if zh else
                   ["vehicle_id", "change", "station_id", "station_name", "detail"])
        for c in changes:
            w.writerow([c.vehicle_id, CHANGE_KINDS[c.kind][0] if zh else c.kind, c.station_id,
                        names.get(c.station_id, ""), c.said(lang)])


@main.command("map")
@click.argument("plan_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--scenario", "scenario_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="方案对应的场景文件夹。The scenario folder the plan was made for.")
@click.option("-o", "--out", "out_html", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="要写出的 HTML 文件（如 map.html）。The HTML file to write (e.g. map.html).")
@_lang_option(("地图标注、弹窗、图例与终端输出", "labels, popups, legend and the terminal output"))
@click.option("--tiles", type=click.Choice(["osm", "amap", "none"]), default="osm",
              show_default=True,
              help="地图底图：OpenStreetMap、高德（坐标转为 GCJ-02）或无。Map tiles: "
                   "OpenStreetMap, Amap/高德 (points shifted to GCJ-02), or none.")
def map_command(plan_json: Path, scenario_dir: Path, out_html: Path, lang: str,
                tiles: str) -> None:
    """把 PLAN_JSON 画在地图上：单个 HTML 文件，每辆车、每家快递一个图层。

    Draw PLAN_JSON on a map: one self-contained HTML page, a layer per vehicle and carrier.
    """
    from .io import read_scenario
    from .io.plan_json import read_plan_json
    from .report.maps import map_data, write_map

    try:
        doc = read_plan_json(plan_json)
        scenario = read_scenario(scenario_dir)
        data = map_data(doc, scenario, lang=lang)
        out_html.parent.mkdir(parents=True, exist_ok=True)
        write_map(data, out_html, tiles=tiles)
    except RoutingError as exc:
        raise _Failure(exc, lang) from None
    click.echo(t("map_wrote", lang, path=out_html, routes=len(doc["routes"]),
                 unserved=len(doc["unserved"]),
                 legs=t("legs_roads" if data.along_roads else "legs_straight", lang)))

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
    """在文献算例上对比各求解引擎（与已知最优解的差距）。

    Benchmark the engines side by side on literature instances: gap to best-known.
    """
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
    """用 Dask 批量规划多个场景 × 方案 × 随机种子（及 Shapley 联盟子集）。

    Plan many scenarios × variants × seeds (and Shapley coalitions) on Dask.
    """
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
    """列出方案库中已存的方案及其合计（按时间先后）。

    List the stored plans with their totals, oldest first; a sweep's plans name their job.
    """
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址。Address to listen on (0.0.0.0: every interface; put HTTPS in "
                   "front then).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="端口。Port.")
@click.option("--store", "store_url", default=None, metavar="URL",
              help=f"方案库（账号也存于此）。The plan store, which keeps the accounts too "
                   f"(default: ${STORE_ENV} or ~/.local/share/routing/plans.sqlite).")
@click.option("--scenarios", "scenarios_dir", default=None,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="场景文件夹（每个子文件夹一个场景）。Folder of scenario folders (default: the "
                   "bundled scenarios/).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask 调度器地址。A Dask scheduler (tcp://host:8786) to run the solves on; "
                   "default: a LocalCluster of one worker process, started at the first solve.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="本地集群的工作进程数。LocalCluster worker processes (without --scheduler).")
@click.option("--workspace", "workspace_dir", default=None,
              type=click.Path(file_okay=False, path_type=Path),
              help="上传的运单与重新规划的当日场景存放处。Folder for uploaded manifests and "
                   "scenarios and re-planned days (default: next to a SQLite store, "
                   "plans-scenarios/ beside plans.sqlite).")
def serve(host: str, port: int, store_url: str | None, scenarios_dir: Path | None,
          scheduler: str | None, workers: int, workspace_dir: Path | None) -> None:
    """启动调度工作台（网页与 API）。

    Serve the dispatcher's workspace: the page at / and the API at /api (docs at /api/docs).
    Add the first account with `routing user add NAME --role admin`.
    """
    import uvicorn

    from .web import WebConfig
    from .web.app import create_app
    from .web.config import BUNDLED_SCENARIOS

    config = WebConfig(store_url=store_url, scenarios=scenarios_dir or BUNDLED_SCENARIOS,
                       scheduler=scheduler, workers=workers, workspace=workspace_dir)
    try:
        app = create_app(config)
    except RoutingError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"routing serve: http://{host}:{port}/ (API docs /api/docs), store "
               f"{app.state.web.store.where}, scenarios {config.scenarios} and "
               f"{app.state.web.workspace.root}", err=True)
    # Keep idle connections 75 s (uvicorn's default is 5 s): a page or a script reusing a
    # connection the server is closing at that moment gets no answer (bench_serve.py saw one
    # such error in 6,800 requests with the default).
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False,
                timeout_keep_alive=75)


@main.group()
def user() -> None:
    """工作台账号。Accounts of the web workspace (kept in the plan store)."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, metavar="admin|dispatcher|planner|carrier:ID",
              help="角色。admin: everything; dispatcher: plan, edit, re-plan; planner: read and "
                   "run; carrier:ID: only that carrier's own lines.")
@click.option("--store", "store_url", default=None, metavar="URL",
              help=f"The plan store (default: ${STORE_ENV} or "
                   "~/.local/share/routing/plans.sqlite).")
def user_add(name: str, role: str, store_url: str | None) -> None:
    """添加账号，密码从标准输入读取。Add an account; its password is read from standard
    input (the first line), e.g. `printf '%s\\n' "$PW" | routing user add ana --role admin`."""
    from .store.accounts import add_user, parse_role

    try:
        parse_role(role)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--role") from None
    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        raise click.ClickException("the password must have at least 8 characters")
    try:
        with _open_store(store_url) as store:
            made = add_user(store, name, role, password)
            where = store.where
    except (RoutingError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"account '{made.name}' ({made.label}) added to {where}")


if __name__ == "__main__":
    main()
