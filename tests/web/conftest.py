"""The web workspace under FastAPI's TestClient: a temporary SQLite store, the tiny county as
the only scenario, one account per role, and (for the solve jobs) one real Dask LocalCluster
with a single worker process, which the application reaches as its --scheduler."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..conftest import TINY

PASSWORD = "correct horse battery"
ACCOUNTS = {"root": "admin", "disp": "dispatcher", "plan": "planner", "post": "carrier:post",
            "zto": "carrier:zto"}


@dataclass
class Session:
    """A logged-in TestClient and its CSRF token; ``send`` adds the token unless told not."""

    client: Any
    csrf: str

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, **kw)

    def send(self, method: str, path: str, *, csrf: str | None = "", **kw: Any) -> Any:
        token = self.csrf if csrf == "" else csrf
        headers = {} if token is None else {"X-CSRF-Token": token}
        return self.client.request(method, path, headers=headers, **kw)


@pytest.fixture(scope="session")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scenarios")
    shutil.copytree(TINY, root / "tiny")
    return root


@pytest.fixture(scope="package")
def dask_scheduler() -> Iterator[str]:
    """A LocalCluster of one single-threaded worker process, as `routing serve` starts."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")
    yield cluster.scheduler_address
    cluster.close()


def make_app(tmp_path: Path, scenarios: Path, scheduler: str | None = None,
             **options: Any) -> Any:
    """An application on a new store in ``tmp_path`` (``options``: more of WebConfig)."""
    from routing.store.accounts import add_user
    from routing.web import WebConfig
    from routing.web.app import create_app

    config = WebConfig(store_url=f"sqlite:///{tmp_path / 'plans.sqlite'}", scenarios=scenarios,
                       scheduler=scheduler, solution_limit=50, seed=1, **options)
    app = create_app(config)
    for name, role in ACCOUNTS.items():
        add_user(app.state.web.store, name, role, PASSWORD)
    return app


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, scenarios: Path) -> Iterator[Any]:
    """An application on a fresh store with the five accounts (no Dask needed)."""
    from fastapi.testclient import TestClient

    made = make_app(tmp_path_factory.mktemp("web"), scenarios)
    with TestClient(made):  # runs the lifespan: the store is closed at the end
        yield made


def login(app: Any, name: str, password: str = PASSWORD) -> Session:
    from fastapi.testclient import TestClient

    client = TestClient(app)
    r = client.post("/api/login", json={"username": name, "password": password})
    assert r.status_code == 200, r.text
    return Session(client, r.json()["csrf_token"])


@pytest.fixture(scope="module")
def stored(app: Any) -> int:
    """The tiny county's plan, stored as the web workspace stores a solve (version 1)."""
    from routing.io import read_scenario
    from routing.io.plan_json import plan_to_dict
    from routing.pipeline import plan_scenario

    scenario = read_scenario(TINY)
    plan, _ = plan_scenario(scenario, solution_limit=50, time_limit_s=10, seed=1)
    doc = plan_to_dict(plan, scenario)
    return int(app.state.web.store.save_version(doc, violations=0, lineage_id=None, version=1,
                                                parent_id=None, author="disp"))
