"""The plan store: every plan kept in SQLite or PostgreSQL, for history and stable routes.

``open_store(url)`` opens (and creates or migrates) a store; :class:`PlanStore` saves plan
documents, reads them back exactly, finds the latest of a scenario and lists the history.
"""

from .store import DIALECTS as DIALECTS
from .store import STORE_ENV as STORE_ENV
from .store import PlanStore as PlanStore
from .store import PlanVersion as PlanVersion
from .store import StaleVersionError as StaleVersionError
from .store import StoredPlan as StoredPlan
from .store import SweepTag as SweepTag
from .store import absolute_url as absolute_url
from .store import default_store_url as default_store_url
from .store import history_table as history_table
from .store import open_store as open_store
from .store import parse_store_url as parse_store_url
