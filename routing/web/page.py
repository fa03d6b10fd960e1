"""The page at ``/`` (Chinese by default, ``?lang=en`` for English): the dispatcher's day on one
page — log in, pick a scenario or upload today's manifest, plan with a live progress bar, the
map and one list per vehicle, drag stops (re-timed and checked at once), undo, locks and
re-optimising, the day's events and re-planning, route sheets, routes.xlsx, the plan history
and two plans side by side.

A Jinja2 template and static files only (no CDN, no build step, no inline script: the page's
Content-Security-Policy allows scripts from this server alone); the page talks to /api like
any script. The map is the reports' own: Leaflet, Leaflet.Sync and ``routing_map.js`` are
served from ``routing/report/assets`` under ``/static/map/`` (not copied); SortableJS (MIT) is
vendored beside the page's files (``static/README.md``).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

from ..pipeline.day import CHANGE_KINDS

#: Words of the page: key -> (Chinese, English). The template uses them all; the scripts get
#: them as JSON (``#words``) and use those they need.
WORDS: dict[str, tuple[str, str]] = {
    "title": ("县乡村共同配送 · 调度工作台", "Shared delivery · dispatcher's workspace"),
    "switch": ("English", "中文"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "username": ("账号", "Account"),
    "password": ("密码", "Password"),
    "login_failed": ("登录失败", "Login failed"),
    "today": ("今日计划", "Today's plan"),
    "scenario": ("场景", "Scenario"),
    "time_limit": ("限时（秒）", "Time limit (s)"),
    "plan": ("规划", "Plan"),
    "manifest": ("上传今日运单（xlsx 或 csv）", "Upload today's manifest (xlsx or csv)"),
    "upload": ("上传", "Upload"),
    "uploaded": ("已导入为场景", "Imported as scenario"),
    "upload_failed": ("导入失败，逐行错误如下", "Import failed; the errors row by row"),
    "file": ("文件", "File"),
    "row": ("行", "Row"),
    "field": ("字段", "Field"),
    "value": ("值", "Value"),
    "message": ("说明", "Message"),
    "queued": ("排队中", "queued"),
    "plan_no": ("方案", "Plan"),
    "version": ("版本", "Version"),
    "cost": ("车辆费用（元）", "Vehicle cost (CNY)"),
    "cost_change": ("费用变化", "Cost change"),
    "distance": ("里程（公里）", "Distance (km)"),
    "vehicles": ("车辆", "Vehicles"),
    "stops": ("停靠点", "Stops"),
    "unserved": ("未服务", "Unserved"),
    "violations": ("违规", "Violations"),
    "no_violations": ("无违规", "No violations"),
    "undo": ("撤销", "Undo"),
    "reoptimise": ("锁定之外重新优化", "Re-optimise the unlocked rest"),
    "lock": ("锁定", "Lock"),
    "print": ("打印派车单（PDF）", "Print route sheets (PDF)"),
    "download": ("下载 routes.xlsx", "Download routes.xlsx"),
    "tiles": ("底图", "Base map"),
    "tiles_none": ("无", "none"),
    "map": ("地图", "Map"),
    "arrival": ("到达", "Arrival"),
    "load": ("车上", "On board"),
    "parcels": ("件", "parcels"),
    "idle": ("空闲", "idle"),
    "start": ("出发", "Start"),
    "end": ("返回", "Back"),
    "saving": ("正在重新计时…", "Re-timing…"),
    "stale": ("方案已被他人修改", "The plan was changed by someone else"),
    "events": ("当日事件与重新规划", "The day's events and re-planning"),
    "at": ("当前时刻", "Now (HH:MM)"),
    "event": ("事件", "Event"),
    "ev_done": ("已完成", "done"),
    "ev_late": ("晚到包裹", "Late parcels"),
    "ev_vehicle_out": ("车辆停驶", "vehicle out"),
    "ev_station_closed": ("站点关闭", "station closed"),
    "ev_delay": ("延误", "delay"),
    "ev_cancel": ("取消运单", "cancel a line"),
    "vehicle": ("车辆", "Vehicle"),
    "station": ("站点", "Station"),
    "line": ("运单行", "Line"),
    "minutes": ("分钟", "Minutes"),
    "time": ("时间", "Time"),
    "carrier": ("快递公司", "Carrier"),
    "direction": ("方向", "Direction"),
    "down": ("下行", "down"),
    "up": ("上行", "up"),
    "kg": ("重量（千克）", "Weight (kg)"),
    "add_event": ("添加事件", "Add event"),
    "add_late": ("添加晚到包裹", "Add late parcels"),
    "remove": ("删除", "Remove"),
    "replan": ("重新规划", "Re-plan"),
    "hold": ("压后发车", "hold back"),
    "hold_tip": ("当天只跑一趟且尚未出发的车辆尽量晚出发（不误各站时间与时限），后到的包裹还能搭上",
                 "a vehicle whose day is one trip not yet begun leaves as late as its windows "
                 "allow, so parcels arriving later can still join it"),
    "changes": ("各司机的变化", "Changes per driver"),
    "no_changes": ("无变化", "No change"),
    **{f"ch_{kind}": words for kind, words in CHANGE_KINDS.items()},
    "notes": ("备注", "Notes"),
    "history": ("方案记录", "Plan history"),
    "id": ("编号", "ID"),
    "day": ("日期", "Day"),
    "author": ("修改人", "By"),
    "open": ("打开", "Open"),
    "compare": ("并排比较所选两个方案", "Compare the two chosen plans side by side"),
    "choose_two": ("请勾选两个方案", "Choose two plans"),
    "difference": ("差值", "Difference"),
}

#: What each kind of violation the checker finds is called on the page (the checker's own
#: message follows it, in English); the kinds a dispatcher's edit can break first.
KINDS: dict[str, tuple[str, str]] = {
    "over_capacity": ("超载", "over capacity"),
    "cold_capacity": ("冷链箱超载", "cold box over capacity"),
    "cold_chain": ("生鲜未走冷链", "fresh goods off the cold chain"),
    "time_window": ("不在营业时间", "outside opening hours"),
    "delivery_target": ("超出送达时限", "past the delivery target"),
    "fresh_target": ("生鲜超出时限", "fresh goods past their target"),
    "pickup_before_ready": ("揽件早于备货", "pickup before the produce is ready"),
    "departs_before_ready": ("包裹未分拣即发车", "leaves before its parcels are sorted"),
    "depot_hours": ("超出中心营业时间", "outside the depot's hours"),
    "shift_overrun": ("超出班次时长", "shift too long"),
    "trip_overlap": ("趟次时间重叠", "trips overlap"),
    "vehicle_reused": ("车辆重复使用", "vehicle used twice"),
    "handover_not_there": ("交接时对方车辆不在", "hand-over partner not there"),
    "handover_not_aboard": ("交接的包裹不在车上", "handed line not aboard"),
    "handover_unmatched": ("交接未对应", "hand-over without its match"),
    "handover_not_delivered": ("接手的包裹未送达", "taken line not delivered"),
    "served_twice": ("重复服务", "served twice"),
    "served_and_unserved": ("既服务又列为未服务", "served and listed unserved"),
    "unserved": ("未服务", "unserved"),
    "servable_unserved": ("可服务却未服务", "servable but unserved"),
    "missing": ("运单缺失", "line missing"),
}
#: The page's own static files and their media types.
STATIC = {"app.js": "text/javascript; charset=utf-8", "plan.js": "text/javascript; charset=utf-8",
          "day.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
          "Sortable.min.js": "text/javascript; charset=utf-8",
          "LICENSE.sortablejs.txt": "text/plain; charset=utf-8"}
#: The report's vendored map assets the page loads from ``/static/map/`` (not copied).
MAP_ASSETS = {"leaflet.js": "text/javascript; charset=utf-8",
              "leaflet.css": "text/css; charset=utf-8",
              "L.Map.Sync.js": "text/javascript; charset=utf-8",
              "routing_map.js": "text/javascript; charset=utf-8",
              "LICENSE.leaflet.txt": "text/plain; charset=utf-8",
              "LICENSE.leaflet-sync.txt": "text/plain; charset=utf-8"}
MAP_IMAGES = ("layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png",
              "marker-shadow.png")
#: Browsers may keep the vendored files a day; the page's own files are checked each time.
_CACHE_VENDORED = {"Cache-Control": "public, max-age=86400"}
_CACHE_OWN = {"Cache-Control": "no-cache"}


def _words(lang: str) -> dict[str, str]:
    k = 0 if lang == "zh" else 1
    return {key: pair[k] for key, pair in WORDS.items()} | {
        f"kind_{kind}": pair[k] for kind, pair in KINDS.items()}


def _render(lang: str) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("routing.web", "templates"),
                      autoescape=select_autoescape(["html"]))
    words = _words(lang)
    # Data for the scripts, in a JSON block (not executed, so the CSP allows it): the words.
    # The tile sources routingMap may draw under the map come from /static/tiles.json, so the
    # page itself names nothing off the server.
    data = {"lang": lang, "words": words}
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return env.get_template("index.html").render(lang=lang, w=words, data=text,
                                                  other="en" if lang == "zh" else "zh")


def _file(package: str, *parts: str) -> bytes:
    return resources.files(package).joinpath(*parts).read_bytes()


def page_router() -> APIRouter:
    """``/`` and its assets under ``/static/`` (the map's under ``/static/map/``)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def index(lang: str = "zh") -> HTMLResponse:
        return HTMLResponse(_render("en" if lang == "en" else "zh"),
                            headers={"Cache-Control": "no-cache"})

    @router.get("/static/tiles.json")
    def tiles(lang: str = "zh") -> dict[str, Any]:
        """The base maps the page offers under its map (routingMap's tile sources)."""
        from ..report.map_html import tile_source

        return {"osm": tile_source("osm", "en" if lang == "en" else "zh")}

    @router.get("/static/{name}")
    def static(name: str) -> Any:
        if name not in STATIC:
            raise HTTPException(404, "no such file")
        own = name not in ("Sortable.min.js", "LICENSE.sortablejs.txt")
        return Response(_file("routing.web", "static", name), media_type=STATIC[name],
                        headers=_CACHE_OWN if own else _CACHE_VENDORED)

    @router.get("/static/map/{name}")
    def map_asset(name: str) -> Any:
        if name not in MAP_ASSETS:
            raise HTTPException(404, "no such file")
        return Response(_file("routing.report", "assets", name), media_type=MAP_ASSETS[name],
                        headers=_CACHE_VENDORED)

    @router.get("/static/map/images/{name}")
    def map_image(name: str) -> Any:
        if name not in MAP_IMAGES:
            raise HTTPException(404, "no such file")
        return Response(_file("routing.report", "assets", "images", name),
                        media_type="image/png", headers=_CACHE_VENDORED)

    return router
