"""Words and numbers of the human-facing output (terminal, charts), in Chinese or English.

One catalogue keyed by message and language (:data:`MESSAGES`, :func:`t`), one way to write
each kind of number (:func:`money`, :func:`change_pct`, :func:`share_pct`), and the names a
dispatcher reads instead of identifiers: carriers by their scenario name (中国邮政 rather than
``post``), solver statuses, option (variant) names, cost-split methods, target verdicts.

Chinese (``zh``) is the default of every command; ``--lang en`` switches to English. Errors
raised deep in the readers keep their English detail (file, row, field, value); the framing
around them is in the chosen language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .units import change_pct as change_pct

if TYPE_CHECKING:
    from .evaluate.targets import Verdict
    from .model import Scenario

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

#: message key -> (Chinese, English); ``{name}`` fields are filled by :func:`t`.
MESSAGES: dict[str, tuple[str, str]] = {
    # framing of errors and notes
    "error": ("错误", "Error"),
    "scenario_error": ("场景数据有误（{source}）", "problems in the scenario ({source})"),
    "usage_hint": ("用 `routing --help` 查看用法", "see `routing --help`"),
    # network note
    "network": ("{name}：{stations} 个站点，{lines} 条需求，{vehicles} 辆车；距离矩阵（{source}）"
                "用时 {s:.1f} 秒",
                "{name}: {stations} stations, {lines} demand lines, {vehicles} vehicles; "
                "matrices ({source}) in {s:.1f} s"),
    "snapped": ("  吸附到道路：中位 {mid:,.0f} 米，最远 {far:,.0f} 米（{sid}）",
                "  snapped to roads: median {mid:,.0f} m, max {far:,.0f} m ({sid})"),
    "unreachable": ("  路网上不可达：{ids}", "  unreachable on the road network: {ids}"),
    "reference": ("参照方案：已存方案 {id}（{date}）", "reference: stored plan {id} ({date})"),
    # progress of one plan
    "progress": ("\r  {elapsed:6.1f} 秒  搜索中最优 {best} 元（各核搜索目标值；本核 {n}）",
                 "\r  {elapsed:6.1f} s  best so far {best} CNY (search objective, every "
                 "core; {n} here)"),
    "progress_done": ("\r  完成：保留方案 车辆费用 {best} 元（{label}）",
                      "\r  done: kept plan, vehicle cost {best} CNY ({label})"),
    # progress of compare
    "stage_baseline": ("基线", "baseline"),
    "stage_variant": ("方案", "variants"),
    "stage_shapley": ("联盟子集", "coalitions"),
    "compare_step": ("{stage} {done}/{total}{name} · 已用 {used} · 剩余约 {left}",
                     "{stage} {done}/{total}{name} · {used} elapsed · about {left} left"),
    "compare_start": ("对比：基线 {n} 家快递各自单独配送（每个 {tl:g} 秒），{k} 个联盟方案，"
                      "{c} 个联盟子集（Shapley，每个 {ctl:g} 秒）",
                      "compare: {n} carriers alone ({tl:g} s each), {k} alliance options, "
                      "{c} coalitions (Shapley, {ctl:g} s each)"),
    "minutes": ("{n} 分钟", "{n} min"),
    "seconds": ("{n} 秒", "{n} s"),
    # plan summary
    "solver_line": ("求解器 {engine}  状态 {status}  {s:.1f} 秒（限时 {limit:g} 秒，种子 {seed}）",
                    "solver {engine} status {status}  {s:.1f} s (limit {limit:g} s, seed {seed})"),
    "fleet_line": ("车辆 {used}/{fleet}  趟次 {routes}  停靠 {stops}  里程 {km} 公里  "
                   "行驶+服务 {h:,.1f} 小时",
                   "vehicles {used}/{fleet}  routes {routes}  stops {stops}  distance {km} km  "
                   "driving+service {h:,.1f} h"),
    "parcels_line": ("送件（下行）{down}（{kg_down:,.0f} kg）  揽件（上行）{up}（{kg_up:,.0f} kg）",
                     "down {down} ({kg_down:,.0f} kg)  up {up} ({kg_up:,.0f} kg)"),
    "cost_line": ("车辆费用 {cost} 元/天{per}  〔仅车辆：固定费+里程+司机工时〕",
                  "vehicle cost {cost} CNY/day{per}  [vehicles only: fixed + km + driver hours]"),
    "cost_per": ("  = {x} 元/件", "  = {x} CNY/parcel"),
    "handling_line": ("含分拣交接 {total} 元/天 = {per} 元/件  〔+ 分拣交接 {h} = {n} 件 × "
                      "(县级分拣 {hub:g} + 站点交接 {st:g}) 元；routing compare 同口径〕",
                      "with handling {total} CNY/day = {per} CNY/parcel  [+ handling {h} = "
                      "{n} × ({hub:g} hub sorting + {st:g} hand-over) CNY; as routing compare "
                      "counts]"),
    "engines": ("各搜索：{parts}；保留通过核查的最低费用方案",
                "engines: {parts}; the cheapest checked plan is kept"),
    "engine_note": ("引擎说明：{note}", "engine: {note}"),
    "no_engine_plan_note": ("限时 {limit} 秒内没有引擎找到方案；这是插入法方案（每个停靠放在"
                            "允许的最便宜位置，由远及近），已同样核查——给更多时间"
                            "（--time-limit-s）可得到更省的方案",
                            "no engine found a plan within {limit} s; this is the insertion plan "
                            "(each visit at its cheapest allowed place, farthest first), checked "
                            "like any plan — give more time (--time-limit-s) for a cheaper one"),
    "dropped": ("（{n} 个站点未排入）", " ({n} dropped)"),
    "failed_check": ("（未通过核查）", " (failed the check)"),
    "seed": ("种子", "seed"),
    "stable": ("稳定线路：{kept} 个站点仍由参照车辆服务，{moved} 个换车，{new} 个新增"
               "（每次换车罚 {pen:g} 元）",
               "stable routes: {kept} stops on the reference vehicle, {moved} moved, {new} new "
               "(penalty {pen:g} CNY per move)"),
    "col_vehicle": ("车辆", "vehicle"), "col_trip": ("趟次", "trip"), "col_type": ("车型", "type"),
    "col_leg": ("层级", "leg"), "col_stops": ("停靠", "stops"), "col_km": ("公里", "km"),
    "col_out": ("出发", "out"), "col_back": ("返回", "back"), "col_peak": ("最高载重", "max kg%"),
    "col_cost": ("车辆费用", "cost"),
    "leg_direct": ("直送", "direct"), "leg_trunk": ("干线", "trunk"),
    "leg_feeder": ("支线", "feeder"),
    "more_routes": ("…… 另有 {n} 趟，见 routes.csv", "... {n} more routes in routes.csv"),
    "unserved": ("未服务：{n} 个站点", "UNSERVED: {n} visit(s)"),
    "more_unserved": ("  …… 另有 {n} 个，见 plan.json", "  ... {n} more in plan.json"),
    "check_ok": ("独立核查：通过，无违规", "independent check: OK, no violation"),
    "check_bad": ("独立核查：{n} 项违规", "independent check: {n} VIOLATION(S)"),
    "targets_line": ("目标：{v}", "targets: {v}"),
    "wrote": ("已写出 {files}", "wrote {files}"),
    "stored": ("已存入方案库 {where}，编号 {ids}", "stored as plan {ids} in {where}"),
    "structure_head": ("=== {name} ===", "=== {name} ==="),
    # plan comparison (--structure both)
    "cmp_structure": ("配送结构", "structure"), "cmp_vehicles": ("车辆", "vehicles"),
    "cmp_km": ("公里", "km"), "cmp_cost": ("车辆费用 元", "vehicle CNY"),
    "cmp_per": ("元/件", "CNY/parcel"), "cmp_unserved": ("未服务", "unserved"),
    "cmp_check": ("核查", "check"), "ok": ("通过", "ok"),
    "structure_direct": ("直送", "direct"), "structure_two_echelon": ("两级配送", "two echelons"),
    # check command
    "check_all_ok": ("通过：{routes} 趟，{stops} 个停靠，{unserved} 个未服务（均有原因）；"
                     "距离、时间、载重和费用已重新计算。",
                     "OK: {routes} routes, {stops} stops, {unserved} unserved (each with a "
                     "reason); distances, times, loads and costs recomputed."),
    "check_violations": ("{path} 有 {n} 项违规：", "{n} violation(s) in {path}:"),
    "map_wrote": ("已写出 {path}：{routes} 趟，{unserved} 个未服务，路线{legs}",
                  "wrote {path}: {routes} route(s), {unserved} unserved, legs {legs}"),
    "legs_roads": ("沿道路", "along the roads"), "legs_straight": ("为直线", "straight"),
    # compare table
    "t_variant": ("方案", "option"), "t_visits": ("频次", "visits"), "t_veh": ("车辆", "veh"),
    "t_km": ("公里/天", "km/day"), "t_cost": ("总费用 元/天", "total CNY/day"),
    "t_per": ("元/件", "CNY/parcel"), "t_vs": ("较单独", "vs alone"),
    "t_fresh": ("生鲜", "fresh"), "t_unsrv": ("未服务", "unsrv"), "t_check": ("核查", "check"),
    "t_target": ("目标", "target"), "t_met": ("达标", "MET"), "t_no": ("未达标", "no"),
    "cost_scope_compare": ("总费用 = 车辆费用 + 分拣交接费（件数 × [costs] 单价）；"
                           "公里与车辆为每天平均（隔天配送按周期平均，车辆取周期内最多的一天）",
                           "total cost = vehicles + handling (parcels × [costs] rates); km and "
                           "vehicles per day (averaged over a visit cycle, vehicles on its "
                           "busiest day)"),
    "targets_text": ("目标：{text}", "targets: {text}"),
    "verdicts_head": ("各方案目标判定（按各自目标）：", "verdicts (each variant against its own "
                      "targets):"),
    "own_targets": ("  {name}：本方案目标：{text}", "  {name}: own targets: {text}"),
    "shares_head": ("“{name}” 的费用分摊（总费用 {cost} 元/天，含分拣交接）：",
                    "cost split of '{name}' ({cost} CNY/day, handling included):"),
    "shares_carrier": ("快递公司", "carrier"), "shares_alone": ("单独", "alone"),
    "shares_note": ("（分摊额，括号内为较单独配送的节省，元/天；单独更优！= 单独配送更便宜）",
                    "(share, and saving vs going alone, CNY/day; ALONE! = better off alone)"),
    "better_alone": ("单独更优！", "ALONE!"),
    "compare_wrote": ("已写出 {dir}/comparison.json、comparison.csv、comparison.xlsx、cost.png、"
                      "on_time.png、cost_shares.png、map.html、report.html、plans/",
                      "wrote {dir}/comparison.json, comparison.csv, comparison.xlsx, cost.png, "
                      "on_time.png, cost_shares.png, map.html, report.html, plans/"),
    # charts
    "chart_cost_title": ("每日总费用（车辆+分拣交接；绿：全部目标达标，红：未达标）",
                         "Daily cost, vehicles + handling (green: all targets met, red: not)"),
    "chart_cost_target": ("目标：比各家单独配送低 {p:.0f}%",
                          "target: {p:.0f}% below carriers alone"),
    "chart_cny_day": ("元/天", "CNY per day"),
    "chart_on_time_title": ("按时送达的包裹（目标：全部 {h:g} 小时内）",
                            "Parcels on time (target: all within {h:g} h)"),
    "chart_pct_parcels": ("包裹占比 %", "% of parcels"),
    "chart_h": ("{h} 小时内", "{h} h"),
    "chart_fresh": ("生鲜按时", "fresh"),
    "chart_shares_title": ("各快递公司：单独配送费用与联盟分摊额（元/天）",
                           "Cost per member: alone vs its share of the alliance"),
    # template
    # no plan within the time limit (NoPlanError, exit 4)
    "no_plan_error": ("限时内未找到方案（{part}）：{limit} 秒内没有引擎找到能服务其 {visits} 个"
                      "停靠中任何一个的方案，而车队至少能服务其中 {servable} 个。请给更多求解时间"
                      "（--time-limit-s，或 scenario.toml 中 [solve] time_limit_s）。",
                      "no plan within the time limit for {part}: in {limit} s no engine found "
                      "a plan that serves any of its {visits} visits, though the fleet can serve "
                      "at least {servable} of them. Give it more time (--time-limit-s, or "
                      "[solve] time_limit_s in scenario.toml)."),
    "retime_violations": ("{n} 项违规，严重的在前：", "{n} violation(s), hard ones first:"),
    "no_plan_options": ("限时内未找到方案：{options}。请给更多求解时间（--time-limit-s、"
                        "--coalition-time-limit-s）。",
                        "no plan within the time limit for {options}. Give them more time "
                        "(--time-limit-s, --coalition-time-limit-s)."),
    "t_failed": ("失败：限时内未找到方案（请给更多求解时间）",
                 "FAILED: no plan within the time limit (give it more time)"),
    "failed_options": ("限时内未找到方案的选项 {n} 个，不计入任何费用与分摊：{options}",
                       "no plan within the time limit for {n} option(s), left out of every "
                       "cost and split: {options}"),
    "shapley_failed": ("未计算 Shapley 值分摊：联盟子集 {coalitions} 限时内未找到方案",
                       "Shapley split not computed: no plan within the time limit for "
                       "coalition(s) {coalitions}"),
    "shares_failed": ("“{name}” 的费用分摊未计算：{options} 限时内未找到方案",
                      "cost split of '{name}' not computed: {options} without a plan"),
    "report_no_split": ("{name}：未计算费用分摊——限时内未找到方案（{options}）",
                        "{name}: no cost split — no plan within the time limit for {options}"),
    "chart_no_split": ("未计算费用分摊：限时内未找到方案（{options}）",
                       "no cost split: no plan within the time limit for {options}"),
    "kind_baseline": ("基线", "baseline"), "kind_variant": ("方案", "variant"),
    "kind_coalition": ("联盟子集", "coalition"),
    "template_wrote": ("已写出导入模板：{files}", "wrote import templates: {files}"),
    # words
    "parcel_n": ("{n} 件", "{n} parcel"), "parcels_n": ("{n} 件", "{n} parcels"),
    "solution_n": ("{n} 个解", "{n} solution"), "solutions_n": ("{n} 个解", "{n} solutions"),
    "carriers_alone": ("各家单独配送（合计）", "carriers alone (sum)"),
    "alone_suffix": ("{name} 单独配送", "{name} alone"),
}

#: Solver statuses (OR-Tools' names without ROUTING_, PyVRP's SUCCESS/FAIL).
STATUS_ZH = {"SUCCESS": "成功", "OPTIMAL": "最优", "FAIL": "失败", "FAILED": "失败",
             "NOT_SOLVED": "未求解", "FAIL_TIMEOUT": "超时未找到", "INVALID": "模型无效",
             "INFEASIBLE": "无可行解", "PARTIAL_SUCCESS_LOCAL_OPTIMUM_NOT_REACHED": "成功"}

#: Cost-split methods of ``cost_shares`` (and "alone", going alone).
METHODS: dict[str, tuple[str, str]] = {
    "alone": ("单独配送", "alone"),
    "by_parcels": ("按件数分摊", "by parcels"),
    "by_kg": ("按重量分摊", "by kg"),
    "by_standalone_cost": ("按单独成本分摊", "by stand-alone cost"),
    "shapley": ("Shapley值分摊", "Shapley value"),
}

#: Words of variant names as the bundled scenarios write them (``alliance_two_echelon``).
_VARIANT_WORDS: dict[str, tuple[str, str]] = {
    "alliance": ("共同配送", "alliance"),
    "two_echelon": ("两级", "two echelons"),
    "every_other_day": ("隔天", "every other day"),
    "periodic": ("按村定频", "periodic"),
    "daily": ("每天", "daily"),
    "weekly": ("每周", "weekly"),
    "four_carriers": ("四家快递", "four carriers"),
    "three_carriers": ("三家快递", "three carriers"),
    "five_carriers": ("五家快递", "five carriers"),
    "merged": ("合并站点", "merged"),
    "merge": ("合并站点", "merged"),
    "ev": ("电动车", "EV"),
    "reefer": ("冷藏车", "reefer"),
    "no": ("不含", "without"),
}

_VERDICT_LABELS = {
    "on_time": ("≤ {a} 小时", None), "fresh": ("生鲜 ≤ {a} 小时", None),
    "cost_reduction": ("费用 ≤ {a}", None), "trunk_routes": ("干线 ≤ {a} 条", None),
    "village_coverage": ("行政村覆盖 ≥ {a}", None), "alliance_carriers": ("快递 ≥ {a} 家", None),
}
#: Labels of verdicts that carry no amount (an option without a plan: "plan").
_FIXED_LABELS_ZH = {"plan": "方案"}
_WORDS_ZH = {"MET": "达标", "NOT MET": "未达标", "n/a": "不适用"}
#: English phrases of verdict values and reasons, in Chinese (longest first when applied).
_PHRASES_ZH = (
    (r"(\d+) routes, (\d+)/(\d+) townships", r"\1 条，覆盖 \2/\3 个乡镇"),
    (r"\((\d+) of (\d+)\)", r"（\1/\2）"),
    (r"(\d+) points, (\d+) needed", r"\1 个服务点，需要 \2 个"),
    (r"(\d+) points", r"\1 个服务点"),
    (r"(\d+) carriers", r"\1 家"),
    (r"only ", "仅 "),
    (r"(\d+) line\(s\) unserved", r"\1 条需求未服务"),
    (r"(\d+) station\(s\) late, worst ([\d.]+) h", r"\1 个站点超时，最长 \2 小时"),
    (r"(\d+) station\(s\) late", r"\1 个站点超时"),
    (r"(\d+) trunk routes, (\d+) over the limit", r"\1 条干线，超出 \2 条"),
    (r"no trunk route calls at ", "无干线经过 "),
    (r"direct plan: no trunk echelon", "直送方案：无干线"),
    (r"needs the carriers alone: routing compare", "需与各家单独配送对比：routing compare"),
    (r"a carrier alone", "单家快递"),
    (r" and (\d+) more", r" 等另 \1 个"),
    (r"no plan within the time limit: give it more time", "限时内未找到方案，请给更多求解时间"),
    (r"^none$", "无"),
)


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")
    return lang


def t(key: str, lang: str, **kw: Any) -> str:
    """The message ``key`` in ``lang``, its fields filled from ``kw``."""
    zh, en = MESSAGES[key]
    text = zh if check_lang(lang) == "zh" else en
    return text.format(**kw) if kw else text


def money(x: float) -> str:
    """CNY with two decimals and thousands separators: every cost in every output."""
    return f"{x:,.2f}"


def per_parcel(x: float) -> str:
    """CNY per parcel, three decimals (comparison.json keeps three)."""
    return f"{x:,.3f}"


def share_pct(x: float | None) -> str:
    """A share 0..1 as ``97.5%``."""
    return "-" if x is None else f"{100 * x:.1f}%"


def count(n: int, lang: str, one: str = "parcel_n", many: str = "parcels_n") -> str:
    """``n`` with its noun: 1 parcel, 2 parcels, 1 件."""
    return t(one if n == 1 else many, lang, n=f"{n:,}")


def duration(seconds: float, lang: str) -> str:
    """A rough duration: seconds under two minutes, else minutes."""
    if seconds < 120:
        return t("seconds", lang, n=f"{max(0, round(seconds))}")
    return t("minutes", lang, n=f"{round(seconds / 60)}")


def status_name(status: str, lang: str) -> str:
    """The solver's status word; 成功 for SUCCESS in Chinese."""
    return STATUS_ZH.get(status, status) if lang == "zh" else status


def method_name(method: str, lang: str) -> str:
    """A cost-split method's header: 按件数分摊, by parcels, …"""
    pair = METHODS.get(method)
    if pair is None:
        return method
    return pair[0] if lang == "zh" else pair[1]


def carrier_names(scenario: Scenario | None, lang: str) -> dict[str, str]:
    """Carrier id -> the name a dispatcher reads: the Chinese name in Chinese (its English
    name, or the id, when it has none), the name in English."""
    if scenario is None:
        return {}
    out = {}
    for c in scenario.carriers:
        out[c.id] = (c.name_zh or c.name or c.id) if lang == "zh" else (c.name or c.id)
    return out


def carrier_name(cid: str, scenario: Scenario | None, lang: str) -> str:
    return carrier_names(scenario, lang).get(cid, cid)


def variant_name(name: str, lang: str, carriers: Mapping[str, str] | None = None) -> str:
    """An option's name for people: ``post alone`` → 中国邮政（含EMS） 单独配送,
    ``alliance_two_echelon`` → 共同配送 两级, ``carriers alone (sum)`` → 各家单独配送（合计）.
    A name of other words stays as the scenario wrote it."""
    names = dict(carriers or {})
    if name == "carriers alone (sum)":
        return t("carriers_alone", lang)
    if name.endswith(" alone"):
        cid = name[: -len(" alone")]
        return t("alone_suffix", lang, name=names.get(cid, cid))
    if "+" in name and all(p in names for p in name.split("+")):  # a Shapley coalition
        return "+".join(names[p] for p in name.split("+"))
    tokens = [w for w in re.split(r"[_\s]+", name) if w]
    k = 0 if lang == "zh" else 1
    parts: list[str] = []
    i = 0
    while i < len(tokens):  # the longest known phrase at each place (every_other_day)
        for n in range(len(tokens) - i, 0, -1):
            phrase = "_".join(tokens[i:i + n]).lower()
            if phrase in _VARIANT_WORDS:
                parts.append(_VARIANT_WORDS[phrase][k])
                break
            if n == 1 and tokens[i] in names:
                parts.append(names[tokens[i]])
                break
        else:
            return name  # a word of its own: the name as the scenario wrote it
        i += n
    if not parts:
        return name
    return "·".join(parts) if lang == "zh" else " ".join(parts)


def failed_options_text(failed: list[Mapping[str, str]], lang: str,
                        carriers: Mapping[str, str] | None = None) -> str:
    """The options without a plan (``result["failed"]``: kind, option) in words: ``baseline
    a alone, variant alliance`` (identifiers, as comparison.json has them) or, in Chinese,
    by the names a dispatcher reads: 基线 中国邮政 单独配送、方案 共同配送."""
    if lang == "en":
        return ", ".join(f"{f['kind']} {f['option']}" for f in failed)
    def kind(k: str) -> str:
        return t(f"kind_{k}", lang) if f"kind_{k}" in MESSAGES else k

    return "、".join(f"{kind(f['kind'])} {variant_name(f['option'], lang, carriers)}"
                    for f in failed)


def failed_split_text(failed: list[str], lang: str,
                      carriers: Mapping[str, str] | None = None) -> str:
    """The options a cost split lacks (``cost_shares["failed"]``, "option: reason" each) by
    name: ``alliance; a alone`` or 共同配送、中国邮政 单独配送."""
    options = [f.split(":")[0] for f in failed]
    if lang == "en":
        return "; ".join(options)
    return "、".join(variant_name(o, lang, carriers) for o in options)


def verdict_short(v: Verdict, lang: str) -> str:
    """``label value WORD`` of a target verdict (see ``Verdict.short``) in ``lang``."""
    if lang == "en":
        return v.short()
    label, value, reason = verdict_words(v.as_dict(), lang)
    word = _WORDS_ZH.get(v.word, v.word)
    value = "" if v.met is None else f" {value}"
    why = f"（{reason}）" if v.met is False and reason else ""
    return f"{label}：{value.strip()} {word}{why}".replace("： ", "：").replace(" （", "（")


def verdict_words(v: Mapping[str, Any], lang: str) -> tuple[str, str, str]:
    """(label, value, reason) of a verdict as comparison.json stores it, in ``lang``."""
    if lang == "en":
        return v["label"], v["value"], v["reason"]
    return (_verdict_label_zh(v["key"], v["label"]), _zh_phrases(v["value"]),
            _zh_phrases(v["reason"]))


def _verdict_label_zh(key: str, label: str) -> str:
    if key in _FIXED_LABELS_ZH:
        return _FIXED_LABELS_ZH[key]
    m = re.search(r"([≤≥])\s*(−?[\d.]+\s*%?)", label)
    amount = m.group(2).replace(" ", "") if m else ""
    template = _VERDICT_LABELS.get(key, (None,))[0]
    return template.format(a=amount) if template and m else label


def _zh_phrases(text: str) -> str:
    for pattern, repl in _PHRASES_ZH:
        text = re.sub(pattern, repl, text)
    return text


def yes_no(value: bool, lang: str) -> str:
    return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` padded to ``width`` terminal columns (a CJK character takes two), cut with
    "…" when longer: fixed-width tables with Chinese names or long ids stay aligned."""
    shown = text
    if display_width(shown) > width:
        while shown and display_width(shown) > width - 1:
            shown = shown[:-1]
        shown += "…"
    gap = " " * max(0, width - display_width(shown))
    return shown + gap if align == "<" else gap + shown


def display_width(text: str) -> int:
    """Terminal columns of ``text``: East Asian wide and full-width characters count two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)
