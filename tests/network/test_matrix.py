"""Great-circle matrices: invariants, the detour factor, per-vehicle speeds, the disk cache."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.network import roads
from routing.network.matrix import (
    great_circle_matrices,
    haversine_m,
    leg_coordinates,
    travel_matrices,
    vehicle_duration_s,
)

from ..conftest import HERE


def test_known_distance():
    """Hub of Xia to the 祁家河 township point is about 45 km as the crow flies."""
    d = haversine_m(np.array([111.214437, 111.583904]), np.array([35.141968, 34.969819]))
    assert 38_000 < d[0, 1] < 40_000  # 38.9 km great circle


coords = st.lists(st.tuples(st.floats(110.0, 112.0), st.floats(34.0, 36.0)), min_size=2,
                  max_size=12)


@settings(max_examples=60, deadline=None)
@given(coords)
def test_matrix_invariants(pts):
    """Zero diagonal, no negatives, read-only int64, symmetric, triangle inequality."""
    lon, lat = np.array(pts).T
    dist, dur = great_circle_matrices(lon, lat, detour_factor=1.3, speed_kph=40)
    for m in (dist, dur):
        assert m.dtype == np.int64 and not m.flags.writeable
        assert (np.diag(m) == 0).all() and (m >= 0).all()
        np.testing.assert_array_equal(m, m.T)
        lhs = m[:, None, :]  # i -> k
        rhs = m[:, :, None] + m[None, :, :]  # i -> j -> k
        assert (lhs <= rhs).all()


def test_detour_and_speed(tiny):
    """Distance = great circle × detour; time = distance / speed, both rounded up."""
    m = travel_matrices(tiny, use_cache=False)
    lon = np.array([s.lon for s in tiny.stations])
    lat = np.array([s.lat for s in tiny.stations])
    gc = haversine_m(lon, lat)
    np.testing.assert_allclose(m.distance_m, np.ceil(gc * 1.3 - 1e-9), atol=1)
    np.testing.assert_allclose(m.duration_s, np.ceil(gc * 1.3 / (40 / 3.6) - 1e-9), atol=1)


def test_slow_vehicle_is_capped_by_its_speed(tiny):
    """An e-tricycle at 15 km/h takes longer than the 40 km/h network time, never less."""
    m = travel_matrices(tiny, use_cache=False)
    slow = vehicle_duration_s(m, 15)
    fast = vehicle_duration_s(m, 90)
    assert (slow >= m.duration_s).all() and (slow > m.duration_s).any()
    np.testing.assert_array_equal(fast, m.duration_s)


def test_cache_round_trip(tiny):
    """A second build of the same matrices comes from disk and is identical."""
    from routing.network.cache import cache_dir

    a = travel_matrices(tiny)
    assert any(cache_dir().glob("matrix-*.npz"))
    b = travel_matrices(tiny)
    np.testing.assert_array_equal(a.distance_m, b.distance_m)
    np.testing.assert_array_equal(a.duration_s, b.duration_s)
    assert not b.distance_m.flags.writeable


def test_road_cache_holds_the_paths(monkeypatch):
    """Road matrices come back from disk with their fastest paths, without reading the road file
    or searching paths again; the legs drawn from either copy are identical."""
    from routing.io import read_scenario

    sc = read_scenario(HERE / "data" / "tiny_roads")
    built = travel_matrices(sc, use_cache=False)
    travel_matrices(sc)  # makes sure the cache file exists

    def searched(*args: object, **kwargs: object) -> None:
        raise AssertionError("road file read or paths searched again")

    monkeypatch.setattr(roads, "read_road_network", searched)
    monkeypatch.setattr(roads, "dijkstra", searched)
    cached = travel_matrices(sc)
    np.testing.assert_array_equal(cached.distance_m, built.distance_m)
    np.testing.assert_array_equal(cached.duration_s, built.duration_s)
    assert cached.paths is not None and cached.unreachable == built.unreachable == ()
    pairs = [(a.id, b.id) for a in sc.stations for b in sc.stations]
    legs = leg_coordinates(cached, pairs)
    assert legs == leg_coordinates(built, pairs)
    assert len(legs) == len(pairs) - len(sc.stations)  # every pair but a -> a on the roads
