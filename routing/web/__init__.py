"""The dispatcher's workspace: ``routing serve``, a FastAPI application on the planner, the
checker and the plan store.

:func:`routing.web.app.create_app` builds the application from a :class:`WebConfig`; the solves
run on a Dask cluster (:mod:`routing.web.jobs`), never in a request; accounts, sessions, the
login limit, jobs and plan versions live in the plan store's database
(:mod:`routing.store.accounts`), so several server processes can share one store.
"""

from .config import WebConfig as WebConfig
