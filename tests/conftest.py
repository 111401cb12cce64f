"""Shared fixtures: small, fast, deterministic networks."""

import os

# scikit-learn's array-API estimator check runs only when SciPy was imported
# with this set; without it the check is skipped. Set it before SciPy loads.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import pytest
import torch
from sklearn.base import clone
from skorch import NeuralNetClassifier, NeuralNetRegressor

from skactive.nets import MLP
from skactive.strategies import BALD, STRATEGY_ALIASES
from skactive.strategies._base import strategy_tags

#: Settings that make the strategies cheap enough for tests, by parameter
#: name: each applies to every strategy that has the parameter. A strategy
#: class as a setting (a sampler's base) is built and made cheap in turn.
CHEAP_PARAMS = {
    "n_mc_samples": 10,
    "n_configurations": 50,
    "hidden_layer_sizes": (32, 32, 32),
    "max_epochs": 20,
    "n_background": 20,
    "base_strategy": BALD,
}
#: Cheaper still (a query in a fraction of a second), over ``CHEAP_PARAMS``.
FAST_PARAMS = {
    **CHEAP_PARAMS,
    "n_mc_samples": 4,
    "n_configurations": 20,
    "n_candidates": 20,
    "n_mini_queries": 2,
    "hidden_layer_sizes": (8,),
    "max_epochs": 3,
    "n_background": 5,
}


def cheap(strategy, settings=CHEAP_PARAMS):
    """``strategy`` with the ``settings`` of the parameters it has.

    A parameter whose default is None (a size taken from the data, such as
    ALEX's ``n_candidates``) keeps it, unless the setting is a strategy class;
    a strategy already set (a sampler's base) is made cheap in turn.
    """
    params = strategy.get_params(deep=False)
    changes = {}
    for name, value in settings.items():
        if name not in params:
            continue
        current = params[name]
        if hasattr(current, "get_params"):  # a strategy set already: made cheap in turn
            changes[name] = cheap(clone(current), settings)
        elif isinstance(value, type):
            if current is None:
                changes[name] = cheap(value(), settings)
        elif current is not None:
            changes[name] = value
    return strategy.set_params(**changes)


def small_strategies(*, fast=False):
    """Every registered strategy, by alias, in settings small enough for tests.

    ``fast=True`` gives cheaper settings still (a query in a fraction of a
    second), for tables that run every strategy many times.
    """
    settings = FAST_PARAMS if fast else CHEAP_PARAMS
    return {alias: cheap(kind(), settings) for alias, kind in STRATEGY_ALIASES.items()}


#: Aliases of the strategies that also work with regressors (their tags say so).
REGRESSION_ALIASES = tuple(
    alias for alias, s in small_strategies().items() if strategy_tags(s).supports_regressor
)


# Shared by both kinds of test net: small, quick to train, shuffled batches,
# no validation split (every label trains), silent.
_SMALL_NET = dict(
    module=MLP,
    module__hidden_layer_sizes=(32,),
    optimizer=torch.optim.Adam,
    lr=0.02,
    batch_size=64,
    train_split=None,
    iterator_train__shuffle=True,
    verbose=0,
)


def make_classifier_net(**kwargs):
    """A small classifier net that trains in well under a second."""
    return NeuralNetClassifier(
        **{**_SMALL_NET, "criterion": torch.nn.CrossEntropyLoss, "max_epochs": 40, **kwargs}
    )


def make_regressor_net(**kwargs):
    """A small regressor net that trains in well under a second."""
    return NeuralNetRegressor(**{**_SMALL_NET, "max_epochs": 60, **kwargs})


def make_three_classes(n_per_class, n_pool, seed=0):
    """Labelled rows of three overlapping 2-D classes and a uniform pool.

    Returns ``X`` (3·n_per_class, 2) float32, ``y`` (3·n_per_class,) and
    ``pool`` (n_pool, 2) float32 covering the classes and the space around them.
    """
    rng = np.random.RandomState(seed)
    centres = np.array([[0.0, 0.0], [3.0, 3.0], [0.0, 3.0]])
    y = np.repeat(np.arange(3), n_per_class)
    X = (centres[y] + rng.normal(scale=1.0, size=(len(y), 2))).astype(np.float32)
    pool = rng.uniform(-2, 5, size=(n_pool, 2)).astype(np.float32)
    return X, y, pool


@pytest.fixture
def classifier_net():
    return make_classifier_net()


@pytest.fixture
def regressor_net():
    return make_regressor_net()


@pytest.fixture
def blobs():
    """Three well-separated 2-D classes, 150 rows."""
    rng = np.random.RandomState(0)
    centres = np.array([[0.0, 0.0], [4.0, 4.0], [0.0, 4.0]])
    y = np.repeat(np.arange(3), 50)
    X = centres[y] + rng.normal(scale=0.6, size=(150, 2))
    return X.astype(np.float32), y
