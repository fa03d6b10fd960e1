"""`routing user add` and `routing serve` from the command line."""

from __future__ import annotations

from click.testing import CliRunner

from routing.cli import main

from ..conftest import ROOT
from ..helpers import serving


def test_user_add_reads_the_password_from_stdin(tmp_path):
    from routing.store import open_store
    from routing.store.accounts import authenticate, users

    url = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    r = CliRunner().invoke(main, ["user", "add", "ana", "--role", "carrier:post", "--store",
                                  url], input="s3cret-enough\n")
    assert r.exit_code == 0, r.output
    assert "account 'ana' (carrier:post) added" in r.output and "s3cret" not in r.output
    with open_store(url) as store:
        assert [(u.name, u.label) for u in users(store)] == [("ana", "carrier:post")]
        assert authenticate(store, "ana", "s3cret-enough") is not None
        assert authenticate(store, "ana", "s3cret-enoug") is None
        with store.engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT password_hash FROM users").scalar()
    assert stored.startswith("$argon2id$") and "s3cret" not in stored


def test_user_add_refuses_bad_roles_short_passwords_and_twins(tmp_path):
    url = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    run = CliRunner().invoke
    r = run(main, ["user", "add", "ana", "--role", "boss", "--store", url], input="long-enough\n")
    assert r.exit_code == 2 and "admin, dispatcher, planner or carrier:ID" in r.output
    r = run(main, ["user", "add", "ana", "--role", "admin", "--store", url], input="short\n")
    assert r.exit_code == 1 and "at least 8 characters" in r.output
    assert run(main, ["user", "add", "ana", "--role", "admin", "--store", url],
               input="long-enough\n").exit_code == 0
    r = run(main, ["user", "add", "ana", "--role", "planner", "--store", url],
            input="long-enough\n")
    assert r.exit_code == 1 and "account 'ana' exists already" in r.output
    assert "Traceback" not in r.output


def test_routing_serve_answers_on_its_port(tmp_path, scenarios):
    import httpx2 as httpx

    url = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    CliRunner().invoke(main, ["user", "add", "root", "--role", "admin", "--store", url],
                       input="long-enough\n")
    log = tmp_path / "serve.log"
    with serving(url, scenarios, log, ROOT) as base, httpx.Client(base_url=base) as client:
        assert client.get("/api/scenarios").status_code == 401
        r = client.post("/api/login", json={"username": "root", "password": "long-enough"})
        assert r.status_code == 200
        assert client.get("/api/scenarios").json()[0]["name"] == "tiny"
    assert f"{base}/" in log.read_text()
