"""One real LocalCluster for the sweep tests: two single-threaded worker processes."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="package")
def client():
    """A client of a 2-worker LocalCluster, shared by every sweep test (starting one takes
    seconds); tests that restart workers leave both running again."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()
