"""GCJ-02 and BD-09 to WGS84.

Amap (高德), Tencent and most Chinese web maps publish GCJ-02; Baidu publishes BD-09. No
library on PyPI that is well kept does this conversion (pyproj has no GCJ-02 CRS, since the
datum is an obfuscation, not a geodetic definition), so the published forward formulas
(WGS84 → GCJ-02 → BD-09) are written here and each inverted by fixed-point iteration (round
trip error < 1e-9 degrees). Baidu's own closed-form BD-09 inverse is not used: it is off by up
to ~2e-6 degrees.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

_A = 6378245.0  # Krasovsky 1940 semi-major axis, metres
_EE = 0.00669342162296594323  # Krasovsky eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0

CRS_CHOICES = ("wgs84", "gcj02", "bd09")

_Forward = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _transform_lat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward GCJ-02 obfuscation of WGS84 lon/lat degrees (valid inside China)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return lon + dlon, lat + dlat


def _invert(forward: _Forward, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve forward(x, y) = (lon, lat) by fixed-point iteration.

    Both shifts are small and smooth (Jacobian close to the identity), so subtracting the
    residual converges fast: to 1e-10 degrees within a few steps.
    """
    tlon = np.asarray(lon, dtype=float)
    tlat = np.asarray(lat, dtype=float)
    x, y = tlon.copy(), tlat.copy()
    for _ in range(30):
        flon, flat = forward(x, y)
        dlon, dlat = flon - tlon, flat - tlat
        x, y = x - dlon, y - dlat
        if np.all(np.abs(dlon) < 1e-10) and np.all(np.abs(dlat) < 1e-10):
            break
    return x, y


def gcj02_to_wgs84(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Invert :func:`wgs84_to_gcj02` by fixed-point iteration; degrees in, degrees out."""
    return _invert(wgs84_to_gcj02, lon, lat)


def bd09_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Invert :func:`gcj02_to_bd09` by fixed-point iteration; degrees in, degrees out."""
    return _invert(gcj02_to_bd09, lon, lat)


def gcj02_to_bd09(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 to Baidu BD-09, degrees."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def to_wgs84(lon: np.ndarray, lat: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert lon/lat degrees given in ``crs`` {"wgs84", "gcj02", "bd09"} to WGS84."""
    if crs == "wgs84":
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if crs == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if crs == "bd09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    raise ValueError(f"`crs` must be one of {{{', '.join(CRS_CHOICES)}}}; got {crs!r}")
