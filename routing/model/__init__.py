"""Pure domain model: immutable, self-validating dataclasses. Imports neither ortools nor folium."""

from .entities import Carrier, DemandLine, Direction, Station, Targets, Tier, VehicleType
from .scenario import CompareSpec, CostSpec, NetworkSpec, Scenario, ServiceSpec, SolveSpec, Variant

__all__ = [
    "Carrier",
    "CompareSpec",
    "CostSpec",
    "DemandLine",
    "Direction",
    "NetworkSpec",
    "Scenario",
    "ServiceSpec",
    "SolveSpec",
    "Station",
    "Targets",
    "Tier",
    "Variant",
    "VehicleType",
]
