"""Small pools and learners for the labelling tests."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from skactive import ActiveLearner

from ..conftest import make_classifier_net


def two_blobs(n=40, seed=0):
    """(n, 2) float32 rows in two separated blobs and their labels 'a' / 'b'."""
    rng = np.random.RandomState(seed)
    y = np.where(np.arange(n) % 2 == 0, "a", "b")
    X = rng.normal(scale=0.5, size=(n, 2)) + np.where(y == "a", -2.0, 2.0)[:, None]
    return X.astype(np.float32), y


def small_learner(strategy="margin", **kwargs):
    return ActiveLearner(
        make_classifier_net(max_epochs=5), query_strategy=strategy, random_state=0, **kwargs
    )


@pytest.fixture
def blobs():
    return two_blobs()


@pytest.fixture
def digits():
    """120 digit images (120, 8, 8) scaled to [0, 1] and their labels."""
    data = load_digits()
    return (data.images[:120] / 16).astype(np.float32), data.target[:120]
