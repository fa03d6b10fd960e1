"""The main jobs end to end: plan a scenario, compare options, re-time and re-plan a day.

Every engine plan goes through :mod:`routing.pipeline.checked` (solve, check, explain): a
candidate is kept only if the independent checker passes it. Re-timed and re-planned days
return the checker's violations with the plan; a plan around locks keeps the locked routes as
the dispatcher had them, so its callers check the joined plan (``routing plan`` and the web
job do, and tests/pipeline/test_locks.py).

- :mod:`~routing.pipeline.plan` — options resolved once, a scenario's day planned
- :mod:`~routing.pipeline.checked` — solve, check, explain (written once)
- :mod:`~routing.pipeline.echelons` — two echelons: trunks, then each township's feeders
- :mod:`~routing.pipeline.locks` — locked routes and stops, the rest re-planned around them
- :mod:`~routing.pipeline.day` — an edited plan re-timed, the rest of the day re-planned
- :mod:`~routing.pipeline.compare` — carriers alone vs the variants, Shapley coalitions
"""

from .checked import check_scenario_plan as check_scenario_plan
from .checked import explained as explained
from .checked import no_plan as no_plan
from .checked import route_views as route_views
from .checked import solve_checked as solve_checked
from .compare import CompareStep as CompareStep
from .compare import co_cycle as co_cycle
from .compare import compare_scenario as compare_scenario
from .compare import planner as planner
from .day import Change as Change
from .day import Replanned as Replanned
from .day import Retimed as Retimed
from .day import replan_day as replan_day
from .day import retime_plan as retime_plan
from .echelons import MIN_FEEDER_S as MIN_FEEDER_S
from .echelons import feeder_deadlines as feeder_deadlines
from .echelons import plan_two_echelon as plan_two_echelon
from .echelons import trunk_fleet as trunk_fleet
from .locks import Locks as Locks
from .plan import STRUCTURES as STRUCTURES
from .plan import options_for as options_for
from .plan import plan_scenario as plan_scenario
from .plan import plan_with as plan_with
from .plan import reference_from_plan as reference_from_plan
from .plan import structures_of as structures_of
