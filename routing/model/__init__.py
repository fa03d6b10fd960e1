"""Pure domain model: immutable, self-validating dataclasses. Imports neither ortools nor folium."""

from .entities import Carrier, DemandLine, Direction, Station, Targets, Tier, VehicleType
from .scenario import NetworkSpec, Scenario, ServiceSpec, SolveSpec

__all__ = [
    "Carrier",
    "DemandLine",
    "Direction",
    "NetworkSpec",
    "Scenario",
    "ServiceSpec",
    "SolveSpec",
    "Station",
    "Targets",
    "Tier",
    "VehicleType",
]
