"""The page at ``/`` (Chinese by default, ``?lang=en`` for English): log in, the scenarios,
start a solve with its progress, and the plan history. Jinja2 template and vendored assets
only (no CDN, no build step); the page talks to /api like any script."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

#: Words of the page: key -> (Chinese, English).
WORDS: dict[str, tuple[str, str]] = {
    "title": ("县乡村共同配送 · 调度工作台", "Shared delivery · dispatcher's workspace"),
    "switch": ("English", "中文"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "username": ("账号", "Account"),
    "password": ("密码", "Password"),
    "scenarios": ("场景", "Scenarios"),
    "time_limit": ("限时（秒）", "Time limit (s)"),
    "plan": ("规划", "Plan"),
    "history": ("方案记录", "Plan history"),
    "id": ("编号", "ID"),
    "scenario": ("场景", "Scenario"),
    "day": ("日期", "Day"),
    "version": ("版本", "Version"),
    "cost": ("车辆费用（元）", "Vehicle cost (CNY)"),
    "violations": ("违规", "Violations"),
    "download": ("下载", "Download"),
    "login_failed": ("登录失败", "Login failed"),
}
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}


def _words(lang: str) -> dict[str, str]:
    k = 0 if lang == "zh" else 1
    return {key: pair[k] for key, pair in WORDS.items()}


def _render(lang: str) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("routing.web", "templates"),
                      autoescape=select_autoescape(["html"]))
    return env.get_template("index.html").render(lang=lang, w=_words(lang),
                                                  other="en" if lang == "zh" else "zh")


def page_router() -> APIRouter:
    """``/`` and its assets under ``/static/``."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def index(lang: str = "zh") -> HTMLResponse:
        return HTMLResponse(_render("en" if lang == "en" else "zh"))

    @router.get("/static/{name}")
    def static(name: str, _request: Request) -> Any:
        if name not in STATIC:
            raise HTTPException(404, "no such file")
        text = resources.files("routing.web").joinpath("static", name).read_text("utf-8")
        return Response(text, media_type=STATIC[name],
                        headers={"Cache-Control": "no-cache"})

    return router
