"""Simulated active learning on images, Datasets and dicts of arrays."""

import numpy as np
import pytest
import torch
from torch.utils.data import TensorDataset

from skactive import ActiveLearner
from skactive.datasets import load_dataset, load_digits
from skactive.model_selection import (
    ActiveLearningSimulation,
    cross_validate_strategies,
    simulate_active_learning,
)
from skactive.nets import make_cnn_net


@pytest.fixture(scope="module")
def images():
    X, y = load_digits(return_X_y=True, as_images=True)
    return X[:300], y[:300], X[300:500], y[300:500]


def _learner(strategy="margin"):
    net = make_cnn_net(channels=(4,), hidden_size=16, max_epochs=5, lr=0.01)
    return ActiveLearner(net, query_strategy=strategy)


def test_load_images():
    X, y = load_dataset("digits", return_X_y=True, as_images=True)
    assert X.shape == (1797, 1, 8, 8) and X.dtype == np.float32 and 0 <= X.min() <= X.max() <= 1
    flat, _ = load_dataset("digits", return_X_y=True)
    np.testing.assert_allclose(X.reshape(1797, 64), flat / 16, rtol=1e-6)
    with pytest.raises(ValueError, match="'satimage' is a table, not a set of images"):
        load_dataset("satimage", as_images=True)


@pytest.mark.parametrize("strategy", ["random", "margin", "badge", "bald", "coreset"])
def test_simulation_on_images(strategy, images):
    X, y, X_test, y_test = images
    results = simulate_active_learning(
        _learner(strategy),
        X,
        y,
        X_test,
        y_test,
        initial_size=40,
        query_size=20,
        n_rounds=2,
        random_state=0,
    )
    assert results["n_labeled"].tolist() == [40, 60, 80]
    queried = np.concatenate(results["queried"].tolist()[1:])
    assert np.unique(queried).shape == (40,) and queried.max() < 300
    assert results["score"].between(0, 1).all()


def test_a_dataset_and_a_dict_simulate_like_the_array(images):
    X, y, X_test, y_test = images
    kwargs = dict(initial_size=40, query_size=20, n_rounds=2, random_state=0)
    array = simulate_active_learning(_learner("badge"), X, y, X_test, y_test, **kwargs)
    dataset = simulate_active_learning(
        _learner("badge"),
        TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
        y,
        TensorDataset(torch.from_numpy(X_test), torch.from_numpy(y_test)),
        y_test,
        **kwargs,
    )
    # CNN.forward(X): the dict {"X": images} is the same input by keyword.
    net = make_cnn_net(
        channels=(4,), hidden_size=16, max_epochs=5, lr=0.01, module__input_shape=(1, 8, 8)
    )
    as_dict = simulate_active_learning(
        ActiveLearner(net, query_strategy="badge"),
        {"X": X},
        y,
        {"X": X_test},
        y_test,
        **kwargs,
    )
    for other in (dataset, as_dict):
        np.testing.assert_array_equal(other["score"], array["score"])
        for a, b in zip(other["queried"], array["queried"], strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_cross_validation_on_images_is_the_same_for_one_and_two_jobs(images):
    X, y, _, _ = images
    kwargs = dict(cv=2, initial_size=30, query_size=15, n_rounds=1, random_state=0, verbose=False)
    one = cross_validate_strategies(_learner(), ["random", "margin"], X, y, n_jobs=1, **kwargs)
    two = cross_validate_strategies(_learner(), ["random", "margin"], X, y, n_jobs=2, **kwargs)
    assert set(one["strategy"]) == {"random", "margin"} and len(one) == 2 * 2 * 2
    np.testing.assert_array_equal(one["score"], two["score"])


def test_an_interrupted_simulation_on_a_dataset_resumes(images):
    X, y, X_test, y_test = images
    dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    kwargs = dict(initial_size=40, query_size=20, n_rounds=3, random_state=0)
    whole = ActiveLearningSimulation(_learner(), **kwargs).run(dataset, y, X_test, y_test)
    parts = ActiveLearningSimulation(_learner(), **kwargs)
    parts.run(dataset, y, X_test, y_test, max_rounds=1)
    assert not parts.finished_
    parts.run(dataset, y, X_test, y_test)
    np.testing.assert_array_equal(parts.results_["score"], whole.results_["score"])
