"""Project-wide constants, each with the reason it has its value."""

from __future__ import annotations

#: Delivery-time tiers of the national program (快递进村 24/48/72 小时送达), hours.
SLA_TIERS_H: tuple[int, ...] = (24, 48, 72)

#: Mainland China in WGS84 lon/lat, generous box; coordinates outside are almost always swapped
#: lon/lat, a projected CRS, or a typo.
CHINA_LON_RANGE: tuple[float, float] = (73.0, 135.5)
CHINA_LAT_RANGE: tuple[float, float] = (17.5, 54.0)

#: Seconds in a day: times of day are seconds after 00:00 of the plan day.
DAY_S = 24 * 3600

#: The owner value meaning "the shared alliance fleet" (共同配送联盟).
ALLIANCE = "alliance"
#: The value of a variant's visit_every_days that lets the planner choose per station.
AUTO = "auto"
