"""Fleet fields for multi-trip and cold boxes, and the reload time, reject bad values clearly."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from routing.exceptions import FieldError, ScenarioError
from routing.io import read_scenario

from ..conftest import TINY


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("max_trips", 0, "max_trips must be a whole number in 1..6"),  # no trip at all
    ("max_trips", 7, "max_trips must be a whole number in 1..6"),  # not a county day
    ("max_trips", 1.5, "max_trips must be a whole number in 1..6"),  # half a loop
    ("cold_capacity_kg", -1.0, "cold_capacity_kg must be a finite number >= 0"),
    ("cold_capacity_kg", 301.0, "cold_capacity_kg must be <= capacity_kg (300)"),  # > payload
])
def test_fleet_field_rejects(tiny, field, value, expected):
    """Each new vehicle field names the vehicle type, the field, the rule and the value."""
    van = tiny.vehicle_type("van")
    with pytest.raises(FieldError, match=r"VehicleType 'van': " + expected.replace("(", r"\(")
                       .replace(")", r"\)")):
        dataclasses.replace(van, **{field: value})


def test_loader_reads_new_columns_and_reload(tmp_path):
    """max_trips, cold_capacity_kg and [service] reload_min load; a bad reload is reported."""
    sc = tmp_path / "sc"
    shutil.copytree(TINY, sc)
    v = (sc / "vehicles.csv").read_text(encoding="utf-8").splitlines()
    v[0] += ",max_trips,cold_capacity_kg"
    v[1] += ",2,40"
    v[2] += ",,"
    (sc / "vehicles.csv").write_text("\n".join(v) + "\n", encoding="utf-8")
    toml = (sc / "scenario.toml").read_text(encoding="utf-8")
    (sc / "scenario.toml").write_text(toml.replace("per_parcel_s = 6",
                                                   "per_parcel_s = 6\nreload_min = 15"))
    loaded = read_scenario(sc)
    assert loaded.vehicle_type("van").max_trips == 2
    assert loaded.vehicle_type("van").cold_capacity_kg == 40.0
    assert loaded.vehicle_type("reefer").max_trips == 1
    assert loaded.service.reload_s == 900
    (sc / "scenario.toml").write_text(toml.replace("per_parcel_s = 6",
                                                   "per_parcel_s = 6\nreload_min = -5"))
    with pytest.raises(ScenarioError, match=r"reload_min must be in 0..240 minutes; got -5"):
        read_scenario(sc)
