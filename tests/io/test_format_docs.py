"""scenarios/README.md documents every scenario.toml key and every table column."""

from __future__ import annotations

from routing.io.scenario import (
    CARRIER_COLUMNS,
    DEMAND_COLUMNS,
    STATION_COLUMNS,
    TOML_KEYS,
    VEHICLE_COLUMNS,
)

from ..conftest import ROOT


def test_every_key_and_column_is_documented():
    """A key or column the loader accepts but the README does not mention is a doc bug."""
    doc = (ROOT / "scenarios" / "README.md").read_text(encoding="utf-8")
    for section, keys in TOML_KEYS.items():
        assert f"`[{section}]`" in doc, section
        for key in keys:
            assert f"| `{key}` |" in doc, f"[{section}] {key}"
    for cols in (STATION_COLUMNS, CARRIER_COLUMNS, VEHICLE_COLUMNS, DEMAND_COLUMNS):
        for c in cols:
            assert f"| `{c.name}` |" in doc, c.name


def test_every_range_is_documented():
    """Each range of routing.model.ranges is a row of scenarios/README.md's "Valid ranges"."""
    from routing.model import ranges

    doc = (ROOT / "scenarios" / "README.md").read_text(encoding="utf-8")
    for where, rng in {**ranges.COORDINATES, **ranges.COLUMNS, **ranges.TOML}.items():
        assert f"| `{where}` | {rng.span} | {rng.unit} |" in doc, where
