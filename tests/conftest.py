"""Shared pytest setup: BLAS on one thread, a deterministic Hypothesis profile for CI."""

import os

from hypothesis import HealthCheck, settings
from threadpoolctl import threadpool_limits

# One BLAS thread for the whole run (fit already trains on one): the suite's arrays are
# small, and a second thread only spin-waits. Subprocesses inherit the variable.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
_BLAS_LIMIT = threadpool_limits(limits=1, user_api="blas")

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=40)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
