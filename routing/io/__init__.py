"""Reading and writing real files: scenario folders (TOML + CSV/Excel/GeoJSON/GeoPackage)."""

from .scenario import read_scenario

__all__ = ["read_scenario"]
