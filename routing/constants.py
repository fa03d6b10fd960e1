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

#: Longest solver time limit, seconds: a run longer than the plan day itself is a typo (1e308,
#: or minutes typed as seconds twice over), and OR-Tools/PyVRP overflow on absurd values.
MAX_TIME_LIMIT_S = DAY_S
#: Largest seed: PyVRP's random number generator takes an unsigned 32-bit seed and the
#: portfolio also runs ``seed + 1``, so 2**31 - 1 keeps both in range (2**63 - 1 raises).
MAX_SEED = 2**31 - 1
#: Largest solution limit: OR-Tools and PyVRP count solutions in C integers.
MAX_SOLUTION_LIMIT = 2**31 - 1
#: Largest change penalty, CNY per moved stop (CLI and scenario.toml): far above any day's
#: cost, and far below what overflows OR-Tools' int64 arc costs at 10^4 units per CNY.
MAX_CHANGE_PENALTY = 1_000_000

#: The day's hub arrivals fall into waves: the down lines' ready times sorted, a gap of more
#: than this begins a new wave. A station's lines of one wave
#: are one visit, as a dispatcher loads a morning's trucks together; lines of different waves
#: are different visits, so a village's 06:30 parcels are not held back for one that reaches
#: the hub at 14:00 (the two may still ride together, at the later time). The bundled
#: counties' ready times, 06:00 to 10:00, are never more than an hour apart: one wave.
WAVE_GAP_S = 3600
