"""Shared fixtures: small, fast, deterministic networks."""

import os

# scikit-learn's array-API estimator check runs only when SciPy was imported
# with this set; without it the check is skipped. Set it before SciPy loads.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import pytest
import torch
from skorch import NeuralNetClassifier, NeuralNetRegressor

from skactive.nets import MLP
from skactive.strategies import (
    ALBL,
    ALEX,
    BADGE,
    BALD,
    DAL,
    DAMI,
    DEIMOS,
    EGL,
    LCMD,
    BatchBALD,
    CoreSet,
    DensityWeighted,
    Entropy,
    LeastConfidence,
    Margin,
    MaxVariance,
    PowerSampling,
    ProbCover,
    Random,
    SoftmaxSampling,
    SoftRankSampling,
    TypiClust,
)

#: Aliases of the strategies that also work with regressors.
REGRESSION_ALIASES = (
    "random",
    "coreset",
    "dami",
    "max_variance",
    "deimos",
    "dal",
    "typiclust",
    "lcmd",
)


def small_strategies(*, fast=False):
    """Every strategy, by alias, in settings small enough for tests.

    ``fast=True`` gives cheaper settings still (a query in a fraction of a
    second), for tables that run every strategy many times.
    """
    mc = 4 if fast else 10
    return {
        "random": Random(),
        "least_confidence": LeastConfidence(),
        "margin": Margin(),
        "entropy": Entropy(),
        "bald": BALD(n_mc_samples=mc),
        "batchbald": BatchBALD(n_mc_samples=mc, n_configurations=20 if fast else 50),
        "max_variance": MaxVariance(n_mc_samples=mc),
        "deimos": DEIMOS(n_mc_samples=mc, n_candidates=20) if fast else DEIMOS(n_mc_samples=mc),
        "badge": BADGE(),
        "coreset": CoreSet(),
        "dami": DAMI(),
        "egl": EGL(),
        "dal": (
            DAL(n_mini_queries=2, hidden_layer_sizes=(8,), max_epochs=3)
            if fast
            else DAL(hidden_layer_sizes=(32, 32, 32), max_epochs=20)
        ),
        "alex": ALEX(n_background=5 if fast else 20),
        "density_weighted": DensityWeighted(),
        "albl": ALBL(),
        "typiclust": TypiClust(),
        "probcover": ProbCover(),
        "softmax_bald": SoftmaxSampling(BALD(n_mc_samples=mc)),
        "power_bald": PowerSampling(BALD(n_mc_samples=mc)),
        "softrank_bald": SoftRankSampling(BALD(n_mc_samples=mc)),
        "lcmd": LCMD(),
    }


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
