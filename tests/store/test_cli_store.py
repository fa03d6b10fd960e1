"""`routing plan --store`, `routing history` and `--reference latest` through the CLI."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from routing.cli import main

from ..conftest import TINY

FAST = ["--solution-limit", "30", "--quiet", "--tiles", "none", "--lang", "en"]


def _plan(tmp_path, name: str, *args: str):
    return CliRunner().invoke(main, ["plan", str(TINY), "-o", str(tmp_path / name), *FAST,
                                     *args])


def test_reference_latest_end_to_end(store_url, tmp_path):
    """Day 1 is stored; day 2 takes it as reference with `latest`, moves nothing, is stored."""
    r1 = _plan(tmp_path, "d1", "--store", store_url)
    assert r1.exit_code == 0, r1.output
    first = re.search(r"stored as plan (\d+) in", r1.output)
    assert first, r1.output
    r2 = _plan(tmp_path, "d2", "--reference", "latest", "--change-penalty", "500",
               "--store", store_url)
    assert r2.exit_code == 0, r2.output
    assert "stable routes:" in r2.output and " 0 moved" in r2.output
    r3 = _plan(tmp_path, "d3", "--reference", first.group(1), "--store", store_url)
    assert r3.exit_code == 0, r3.output
    h = CliRunner().invoke(main, ["history", "--store", store_url, "--scenario", "tiny",
                                  "--since", "2026-11-24", "--until", "2026-11-24"])
    assert h.exit_code == 0, h.output
    lines = h.output.splitlines()
    assert lines[0].split()[:4] == ["id", "saved", "scenario", "day"]
    assert sum(" tiny " in ln for ln in lines) == 3
    assert "3 plan(s) in" in h.output
    empty = CliRunner().invoke(main, ["history", "--store", store_url, "--since", "2027-01-01"])
    assert empty.exit_code == 0 and "no stored plans match" in empty.output


def test_store_alone_uses_the_default_store(tmp_path):
    """`--store` without a URL saves into $ROUTING_STORE_URL (here a file in tmp_path)."""
    r = CliRunner().invoke(main, ["plan", str(TINY), "--store", "-o", str(tmp_path / "o"),
                                  *FAST])
    assert r.exit_code == 0, r.output
    assert f"in sqlite:///{tmp_path / 'default.sqlite'}" in r.output
    h = CliRunner().invoke(main, ["history"])
    assert h.exit_code == 0 and "1 plan(s)" in h.output


@pytest.mark.parametrize(("args", "message"), [
    # `latest` with nothing stored for the scenario
    (["--reference", "latest"], "scenario 'tiny': no stored plan"),
    # an id that is not in the store
    (["--reference", "42"], "plan 42: not in the store"),
])
def test_missing_reference_is_a_clear_error(store_url, tmp_path, args, message):
    """A reference the store cannot supply exits 1 with one line, no traceback."""
    r = _plan(tmp_path, "o", *args, "--store", store_url)
    assert r.exit_code == 1, r.output
    assert message in r.output and "Traceback" not in r.output


def test_reference_that_is_no_file_id_or_latest_is_a_usage_error(tmp_path):
    """A typo in --reference exits 2 before anything is planned."""
    r = _plan(tmp_path, "o", "--reference", "yesterday.json")
    assert r.exit_code == 2
    assert "neither a plan.json file, a stored plan id nor 'latest'" in r.output


@pytest.mark.parametrize(("url", "message"), [
    # a database we do not support
    ("mysql://u@localhost/plans", "database must be one of {sqlite, postgresql}; got 'mysql'"),
    # not a URL at all
    ("plans at the office", "not a database URL"),
    # nothing listens on port 1; the password is not echoed
    ("postgresql+psycopg://u:secret@127.0.0.1:1/plans", "u:***@127.0.0.1:1/plans: cannot open"),
    # a SQLite file in a folder that does not exist
    ("sqlite:////no/such/folder/plans.sqlite", "cannot open (unable to open database file)"),
])
@pytest.mark.parametrize("command", ["plan", "history"])
def test_bad_store_url_is_a_clear_error(tmp_path, url, message, command):
    """Bad URLs and unreachable servers exit 1 with a one-line message, before any solve."""
    args = (["plan", str(TINY), "-o", str(tmp_path / "o"), *FAST, "--store", url]
            if command == "plan" else ["history", "--store", url])
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1, r.output
    assert message in r.output
    assert "Traceback" not in r.output and "secret" not in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_cli_names_the_same_store_variable():
    """cli.py repeats the variable's name (to start fast); it must match the store's."""
    from routing import cli, store

    assert cli.STORE_ENV == store.STORE_ENV
