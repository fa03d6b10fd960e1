"""Scenario sweeps on Dask distributed: many scenarios × variants × seeds, Shapley coalitions.

``spec`` reads the SPEC file, ``jobs`` turns it into plain jobs and plans one, ``runner`` runs
them on a cluster and keeps every finished row on disk, ``tables`` gathers the results table.
"""

from .jobs import Job, jobs_of, run_job
from .runner import SweepResult, make_client, run_sweep
from .spec import SweepScenario, SweepSpec, read_spec

__all__ = ["Job", "SweepResult", "SweepScenario", "SweepSpec", "jobs_of", "make_client",
           "read_spec", "run_job", "run_sweep"]
