"""The station graph follows the tiers and carries matrix distances."""

from __future__ import annotations

import networkx as nx

from routing.network.graph import graph_from_stations
from routing.network.matrix import travel_matrices


def test_tier_graph(tiny):
    """Hub–township trunks and township–village feeders, both ways, weighted from the matrix."""
    m = travel_matrices(tiny)
    g = graph_from_stations(tiny, m)
    assert set(g.nodes) == {s.id for s in tiny.stations}
    assert g.edges["HUB", "T1"]["kind"] == "trunk"
    assert g.edges["T2", "V5"]["kind"] == "feeder" and g.has_edge("V5", "T2")
    assert not g.has_edge("HUB", "V1")  # villages hang off their township
    idx = m.index()
    assert g.edges["HUB", "T2"]["distance_m"] == m.distance_m[idx["HUB"], idx["T2"]]
    # Every village reaches the hub through its township.
    path = nx.shortest_path(g, "V4", "HUB", weight="distance_m")
    assert path == ["V4", "T2", "HUB"]
