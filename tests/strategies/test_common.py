"""The contract every strategy honours, run on each of them.

Add a new strategy to ``CLASSIFICATION`` (and ``REGRESSION`` if it supports
regressors); every test here then runs on it.
"""

import numpy as np
import pytest
import torch
from sklearn.base import clone

from skactive import ActiveLearner
from skactive.strategies import (
    ALBL,
    ALEX,
    BADGE,
    BALD,
    DAL,
    DAMI,
    DEIMOS,
    EGL,
    STRATEGY_ALIASES,
    BatchBALD,
    CoreSet,
    DensityWeighted,
    Entropy,
    LeastConfidence,
    Margin,
    MaxVariance,
    Random,
)

from ..conftest import make_classifier_net, make_regressor_net, make_three_classes

CLASSIFICATION = [
    Random(),
    LeastConfidence(),
    Margin(),
    Entropy(),
    BADGE(),
    CoreSet(),
    DAMI(),
    EGL(),
    BALD(n_mc_samples=10),
    BatchBALD(n_mc_samples=10, n_configurations=50),
    MaxVariance(n_mc_samples=10),
    DEIMOS(n_mc_samples=10),
    DAL(hidden_layer_sizes=(32, 32, 32), max_epochs=20),
    ALEX(n_background=20),
    DensityWeighted(),
    ALBL(),
]
REGRESSION = [
    Random(),
    CoreSet(),
    DAMI(),
    MaxVariance(n_mc_samples=10),
    DEIMOS(n_mc_samples=10),
    DAL(hidden_layer_sizes=(32, 32, 32), max_epochs=20),
]


def _ids(strategies):
    return [type(s).__name__ for s in strategies]


@pytest.fixture(scope="module")
def data():
    return make_three_classes(40, 300)


def _learner(strategy, data, task="classifier", **kwargs):
    X, y, _ = data
    if task == "classifier":
        net = make_classifier_net(module__batch_norm=True, max_epochs=20)
        return ActiveLearner(net, query_strategy=strategy, random_state=0, **kwargs).fit(X, y)
    net = make_regressor_net(module__batch_norm=True, max_epochs=20)
    return ActiveLearner(net, query_strategy=strategy, random_state=0, **kwargs).fit(X, X[:, 0] * y)


def _params(strategies, task):
    return [pytest.param(s, task, id=f"{task}-{type(s).__name__}") for s in strategies]


ALL = _params(CLASSIFICATION, "classifier") + _params(REGRESSION, "regressor")


@pytest.mark.parametrize("strategy, task", ALL)
@pytest.mark.parametrize("n", [1, 17, 300])
def test_returns_n_distinct_indices_inside_the_pool(strategy, task, data, n):
    learner = _learner(strategy, data, task)
    idx = learner.query(data[2], n)
    assert idx.shape == (n,) and idx.dtype == np.int64
    assert np.unique(idx).shape == (n,)
    assert 0 <= idx.min() and idx.max() < 300


@pytest.mark.parametrize("strategy, task", ALL)
def test_reproducible_for_a_seed_and_varies_with_it(strategy, task, data):
    pool = data[2]
    learner = _learner(strategy, data, task)
    X_net = learner.network_input(pool)
    a = clone(strategy).query(learner, X_net, 10, random_state=1)
    b = clone(strategy).query(learner, X_net, 10, random_state=1)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(learner.query(pool, 10), learner.query(pool, 10))


@pytest.mark.parametrize("strategy, task", ALL)
def test_pool_chunk_size_does_not_change_the_answer(strategy, task, data):
    small = _learner(strategy, data, task, pool_batch_size=7)
    large = _learner(strategy, data, task, pool_batch_size=4096)
    np.testing.assert_array_equal(small.query(data[2], 25), large.query(data[2], 25))


@pytest.mark.parametrize("strategy, task", ALL)
def test_query_leaves_the_network_bit_identical(strategy, task, data):
    learner = _learner(strategy, data, task)
    module = learner.network_.module_
    before = {k: v.clone() for k, v in module.state_dict().items()}
    module.train()
    learner.query(data[2], 5)
    assert all(m.training for m in module.modules())
    for key, value in module.state_dict().items():
        assert torch.equal(value, before[key]), key


@pytest.mark.parametrize("strategy", CLASSIFICATION, ids=_ids(CLASSIFICATION))
def test_is_a_clonable_estimator(strategy):
    twin = clone(strategy)
    assert type(twin) is type(strategy) and twin.get_params() == strategy.get_params()


def test_aliases_name_the_strategies():
    expected = {
        "random": Random,
        "least_confidence": LeastConfidence,
        "margin": Margin,
        "entropy": Entropy,
        "badge": BADGE,
        "coreset": CoreSet,
        "dami": DAMI,
        "egl": EGL,
        "bald": BALD,
        "batchbald": BatchBALD,
        "max_variance": MaxVariance,
        "deimos": DEIMOS,
        "dal": DAL,
        "alex": ALEX,
        "density_weighted": DensityWeighted,
        "albl": ALBL,
    }
    assert STRATEGY_ALIASES == expected


@pytest.mark.parametrize("alias", sorted(STRATEGY_ALIASES))
def test_alias_resolves_to_its_class(alias, data):
    learner = _learner(alias, data)
    assert type(learner.query_strategy_) is STRATEGY_ALIASES[alias]
