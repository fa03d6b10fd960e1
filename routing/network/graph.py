"""The station network as a networkx graph: the county–township–village tree with travel data.

Nodes are station ids with their tier, name and WGS84 lon/lat; edges run hub → township station
→ village point (the administrative tiers a two-echelon plan follows), each with distance and
travel time from the matrices. Reports and later the two-echelon planner walk this graph.
"""

from __future__ import annotations

import networkx as nx

from ..model import Scenario, Tier
from .matrix import Matrices


def graph_from_stations(scenario: Scenario, matrices: Matrices) -> nx.DiGraph:
    """Build the tier graph; both directions of every tier link, weighted by ``distance_m``.

    Each hub links to every township station; each village point links to its township station.
    Edge attributes: ``distance_m`` (int, m), ``duration_s`` (int, s), ``kind`` {"trunk",
    "feeder"}. Node attributes: ``tier``, ``name``, ``lon``, ``lat`` (WGS84), ``generated``.
    """
    g = nx.DiGraph(name=scenario.name, crs="EPSG:4326")
    idx = matrices.index()
    for s in scenario.stations:
        g.add_node(s.id, tier=s.tier.value, name=s.name, lon=s.lon, lat=s.lat,
                   generated=s.generated, cold_storage=s.cold_storage)
    hubs = [s for s in scenario.stations if s.tier is Tier.HUB]
    links: list[tuple[str, str, str]] = []
    for s in scenario.stations:
        if s.tier is Tier.TOWNSHIP:
            links += [(h.id, s.id, "trunk") for h in hubs]
        elif s.tier is Tier.VILLAGE and s.township_id is not None:
            links.append((s.township_id, s.id, "feeder"))
    for a, b, kind in links:
        for u, v in ((a, b), (b, a)):
            g.add_edge(u, v, kind=kind, distance_m=int(matrices.distance_m[idx[u], idx[v]]),
                       duration_s=int(matrices.duration_s[idx[u], idx[v]]))
    return g
