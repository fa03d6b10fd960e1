"""The dispatcher's day on the page, in real headless Chromium (Debian's /usr/bin/chromium)
against a real ``routing serve`` (uvicorn on a free port, a temporary SQLite store, the tiny
county as the only scenario, a dispatcher added with ``routing user add``).

Through the whole day: log in; upload a manifest with a bad row (its error shown row by row),
then a good one; plan it with the live progress bar; the map and one list per vehicle; drag a
stop onto the van so that it is overloaded and see the van and the stop flagged with the cost
change; undo; lock the van and re-optimise the rest; add a late parcel and re-plan (the changes
listed per driver); print the route sheets (the PDF answers) and download routes.xlsx; two
plans side by side. Any page script error or unexpected console error fails the test, and
every request must stay on the server (no CDN, no tiles: the page's default base map is none).

Without /usr/bin/chromium the test skips, except when the environment variable CI is set
(.ci/run sets it and installs Chromium): then it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from ..conftest import ROOT, TINY
from ..helpers import serving

pytestmark = pytest.mark.browser

PASSWORD = "dispatcher's long password"
#: Waits for what the server computes (a solve starts the Dask LocalCluster first).
SOLVE_MS = 120_000
STEP_MS = 20_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``routing serve`` on a free port, with a dispatcher account; its base URL."""
    tmp = tmp_path_factory.mktemp("serve")
    scenarios = tmp / "scenarios"
    shutil.copytree(TINY, scenarios / "tiny")
    url = f"sqlite:///{tmp / 'plans.sqlite'}"
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    add = subprocess.run([sys.executable, "-m", "routing", "user", "add", "ana", "--role",
                          "dispatcher", "--store", url], input=PASSWORD + "\n", text=True,
                         env=env, capture_output=True, timeout=60)
    assert add.returncode == 0, add.stderr
    with serving(url, scenarios, tmp / "serve.log", ROOT) as base:
        yield base


class Watched:
    """A page of the workspace with what went wrong on it: script errors, console errors but
    the answers the test expects to be refused (``expect``), and requests off the server."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.errors: list[str] = []
        self.elsewhere: list[str] = []
        # GET /api/me before logging in is 401: the login form shows
        self.expected: list[tuple[str, str]] = [("401", "/api/me")]
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.set_default_timeout(STEP_MS)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("console", self._console)
        self.page.route("**/*", self._route)

    def expect(self, status: str, path: str) -> None:
        """The next answer of ``path`` will be refused with ``status``: not an error."""
        self.expected.append((status, path))

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.base + "/"):
            route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            route.abort()

    def _console(self, msg: Any) -> None:
        if msg.type != "error":
            return
        url = msg.location.get("url", "")
        for status, path in self.expected:
            if f"status of {status}" in msg.text and url.startswith(self.base + path):
                self.expected.remove((status, path))
                return
        self.errors.append(f"console error: {msg.text} ({url})")

    def testid(self, name: str) -> Any:
        return self.page.get_by_test_id(name)

    def vehicle(self, vid: str) -> Any:
        return self.page.locator(f'[data-testid=vehicle][data-vehicle="{vid}"]')

    def stations(self, vid: str) -> list[str]:
        return self.vehicle(vid).locator("li.stop").evaluate_all(
            "els => els.map(e => e.dataset.station)")

    def title(self) -> str:
        return str(self.testid("plan-title").inner_text())

    def wait_title(self, before: str) -> str:
        """Waits until another plan (or version) is on screen; its title."""
        self.page.wait_for_function(
            "t => document.querySelector('[data-testid=plan-title]').textContent !== t",
            arg=before, timeout=SOLVE_MS)
        return self.title()

    def outcome(self, testid: str) -> str:
        """Waits until the status ``testid`` says ✓ or ✗ (a job or a re-plan); its text."""
        self.page.wait_for_function(
            "id => /^[✓✗]/.test(document.querySelector(`[data-testid=${id}]`).textContent)",
            arg=testid, timeout=SOLVE_MS)
        return str(self.testid(testid).inner_text())


BAD_MANIFEST = ("id,station,carrier,direction,parcels,kg,m3,fresh,ready\n"
                "D01,T1,post,down,40,50,0.3,false,06:30\n"
                "D02,NOWHERE,zto,down,30,35,0.2,false,06:30\n")


def test_the_dispatchers_day_on_one_page(browser, server, tmp_path):
    w = Watched(browser, server)
    page = w.page
    page.goto(server + "/", wait_until="load")
    assert "调度工作台" in page.title()

    # log in
    w.testid("login-user").fill("ana")
    w.testid("login-password").fill(PASSWORD)
    w.testid("login-submit").click()
    w.testid("who").filter(has_text="ana").wait_for()
    assert w.testid("login-form").is_hidden()

    # today's manifest: a bad row is named row by row, then a good file becomes a scenario
    bad = tmp_path / "manifest-bad.csv"
    bad.write_text(BAD_MANIFEST, encoding="utf-8")
    w.testid("manifest-file").set_input_files(str(bad))
    w.expect("422", "/api/scenarios/tiny/manifest")
    w.testid("manifest-upload").click()
    w.testid("manifest-error").first.wait_for()
    errors = w.testid("manifest-errors").inner_text()
    assert "NOWHERE" in errors and "3" in errors, errors
    good = tmp_path / "manifest.csv"
    shutil.copy(TINY / "demand.csv", good)
    w.testid("manifest-file").set_input_files(str(good))
    w.testid("manifest-upload").click()
    w.testid("manifest-status").filter(has_text="已导入").wait_for()
    assert w.testid("manifest-errors").is_hidden()
    scenario = w.testid("scenario").input_value()
    assert scenario != "tiny" and "tiny" in scenario

    # plan it with the live progress bar
    w.testid("time-limit").fill("5")
    w.testid("plan-button").click()
    w.testid("progress").wait_for()
    assert w.outcome("job-state").startswith("✓"), w.testid("job-state").inner_text()
    assert w.testid("progress").evaluate("e => e.value") == 1
    w.testid("stop").first.wait_for()
    first = w.title()
    assert scenario in first and "版本 1" in first
    page.locator("#map path.route-line").first.wait_for()
    n_routes = w.testid("vehicle").count()
    assert page.locator("#map path.route-line").count() == n_routes >= 2
    van = w.stations("van-1")
    reefer = w.stations("reefer-1")
    cost = float(w.testid("plan-cost").inner_text())
    page.screenshot(path=str(tmp_path / "1-planned.png"), full_page=True)

    # drag the township T2 (35 parcels) from the reefer onto the van: over its 120 parcels
    with page.expect_response("**/retime") as answer:
        w.vehicle("reefer-1").locator('li.stop[data-station="T2"] .handle').drag_to(
            w.vehicle("van-1").locator("li.stop").nth(1))
    assert answer.value.status == 200
    w.wait_title(first)
    assert "版本 2" in w.title()
    assert "T2" in w.stations("van-1") and "T2" not in w.stations("reefer-1")
    assert "violated" in (w.vehicle("van-1").get_attribute("class") or "")
    assert "超载" in w.vehicle("van-1").get_by_test_id("vehicle-flag").inner_text()
    assert w.vehicle("van-1").locator("li.stop.violated").count() >= 1
    assert "violated" not in (w.vehicle("reefer-1").get_attribute("class") or "")
    kinds = w.testid("violation").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds and kinds[0] == "over_capacity"
    edited_cost = float(w.testid("plan-cost").inner_text())
    change = w.testid("cost-change").inner_text()
    assert f"{edited_cost - cost:+.2f}" in change, change
    page.screenshot(path=str(tmp_path / "2-overloaded.png"), full_page=True)

    # undo: the routes before the drag, re-timed as version 3, nothing flagged
    before = w.title()
    w.testid("undo").click()
    w.wait_title(before)
    assert "版本 3" in w.title()
    assert w.stations("van-1") == van and w.stations("reefer-1") == reefer
    assert w.testid("violation-count").inner_text() == "无违规"
    assert page.locator(".vehicle.violated, li.stop.violated").count() == 0
    assert float(w.testid("plan-cost").inner_text()) == pytest.approx(cost, abs=0.01)
    assert w.testid("undo").is_disabled()

    # lock the van and re-optimise the rest: a solve around the lock keeps the van's stops
    w.vehicle("van-1").get_by_test_id("lock-vehicle").check()
    before = w.title()
    with page.expect_request("**/api/plans") as sent:
        w.testid("reoptimise").click()
    body = sent.value.post_data_json
    assert body["lock_vehicles"] == ["van-1"] and body["reference_plan"] > 0
    assert w.outcome("job-state").startswith("✓"), w.testid("job-state").inner_text()
    w.wait_title(before)
    assert "版本 4" in w.title()  # stored as the next version of the plan's line
    assert w.stations("van-1") == van
    assert w.vehicle("van-1").get_by_test_id("lock-vehicle").is_checked()

    # a late parcel for V2 and the re-plan at 07:00: it is served, the changes per driver
    w.testid("late-station").select_option("V2")
    w.testid("late-carrier").select_option("post")
    w.testid("late-parcels").fill("3")
    w.testid("late-kg").fill("4")
    w.testid("late-add").click()
    assert w.testid("pending-event").count() == 1
    w.testid("replan-at").fill("07:00")
    before = w.title()
    w.testid("replan").click()
    assert w.outcome("replan-state").startswith("✓"), w.testid("replan-state").inner_text()
    w.wait_title(before)
    lines = page.locator("li.stop").evaluate_all("els => els.map(e => e.dataset.lines)")
    assert any("LATE" in x for x in lines), lines
    assert w.testid("driver-changes").count() >= 1
    assert w.testid("pending-event").count() == 0
    page.screenshot(path=str(tmp_path / "3-replanned.png"), full_page=True)

    # the vehicles the plan leaves idle are listed too: a stop dragged onto one re-times
    # the plan with that vehicle driving it
    idle = w.testid("idle-vehicle")
    idle.first.wait_for()
    spare = str(idle.first.get_attribute("data-vehicle"))
    moved = w.stations("reefer-1")[0]
    before = w.title()
    with page.expect_response("**/retime") as answer:
        w.vehicle("reefer-1").locator("li.stop .handle").first.drag_to(
            idle.first.locator("ol.stops"))
    assert answer.value.status == 200
    w.wait_title(before)
    assert moved in w.stations(spare)
    page.screenshot(path=str(tmp_path / "4-idle-vehicle.png"), full_page=True)

    # print the route sheets (the link answers a PDF) and download routes.xlsx
    pdf = page.request.get(server + w.testid("print-sheets").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    xlsx = page.request.get(server + w.testid("download-xlsx").get_attribute("href"))
    assert xlsx.status == 200 and "spreadsheetml" in xlsx.headers["content-type"]

    # the history, and two plans side by side (their figures and maps)
    rows = w.testid("history-row")
    assert rows.count() >= 5
    rows.nth(0).get_by_test_id("compare-pick").check()
    rows.nth(1).get_by_test_id("compare-pick").check()
    w.testid("compare").click()
    w.testid("compare-panel").wait_for()
    page.locator("#compare-right path.route-line").first.wait_for()
    assert page.locator("#compare-left path.route-line").count() >= 2
    assert w.testid("compare-table").locator("tr").count() == 6

    assert w.errors == [], "\n".join(w.errors)
    assert w.elsewhere == []
