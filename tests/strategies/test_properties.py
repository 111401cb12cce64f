"""Property test: on any small pool, every strategy returns ``n`` distinct rows of it.

Hypothesis draws pools of 1 to 60 rows of two ``float32`` features in a
bounded range, duplicated rows and constant pools included (its array
strategy repeats a fill value), and ``n`` anywhere in ``[1, len(pool)]``.
One fitted learner per strategy is shared by all the examples.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ..conftest import make_three_classes
from .test_common import CLASSIFICATION, _ids, _learner

#: Examples per strategy; the file runs in well under a minute on one core.
MAX_EXAMPLES = 100
#: Fewer for the strategies that train or explain something per query.
SLOW = {"DAL": 25, "ALEX": 25}

pools = arrays(
    np.float32,
    st.tuples(st.integers(1, 60), st.just(2)),
    elements=st.floats(-4.0, 7.0, width=32),
)


@pytest.fixture(scope="module")
def fitted():
    data = make_three_classes(40, 1)
    cache = {}

    def get(strategy):
        name = type(strategy).__name__
        if name not in cache:
            cache[name] = _learner(strategy, data)
        return cache[name]

    return get


# KMeans (DensityWeighted) warns when a pool has fewer distinct rows than
# clusters; its answer is still n distinct rows, which is what is checked.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
# ALEX, DAL and TypiClust take over 8 s for their examples: marked slow.
@pytest.mark.parametrize(
    "strategy",
    [
        pytest.param(s, marks=pytest.mark.slow)
        if type(s).__name__ in {"ALEX", "DAL", "TypiClust"}
        else s
        for s in CLASSIFICATION
    ],
    ids=_ids(CLASSIFICATION),
)
def test_any_pool_gives_n_distinct_indices_inside_it(strategy, fitted):
    learner = fitted(strategy)
    name = type(strategy).__name__

    @settings(
        max_examples=SLOW.get(name, MAX_EXAMPLES),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(pool=pools, data=st.data())
    def check(pool, data):
        n = data.draw(st.integers(1, pool.shape[0]), label="n")
        # The strategy itself, before the learner's own check of its answer.
        raw = np.asarray(
            learner.query_strategy_.query(learner, learner.network_input(pool), n, random_state=0)
        )
        assert raw.shape == (n,) and raw.dtype == np.int64
        assert np.unique(raw).shape == (n,)
        assert 0 <= raw.min() and raw.max() < pool.shape[0]
        idx = learner.query(pool, n)
        assert idx.shape == (n,) and idx.dtype == np.int64
        assert np.unique(idx).shape == (n,)
        assert 0 <= idx.min() and idx.max() < pool.shape[0]

    check()
