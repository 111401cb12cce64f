"""Least confidence, margin and entropy: the formulas, and top-k by utility."""

import numpy as np
import pytest

from skactive import ActiveLearner
from skactive.strategies import Entropy, LeastConfidence, Margin

from ..conftest import make_classifier_net

PROBA = np.array(
    [
        [1.0, 0.0, 0.0],  # certain
        [1 / 3, 1 / 3, 1 / 3],  # uniform
        [0.5, 0.5, 0.0],  # a two-way tie
        [0.7, 0.2, 0.1],
    ]
)


@pytest.mark.parametrize(
    "strategy, expected",
    [
        (LeastConfidence, [0.0, 2 / 3, 0.5, 0.3]),
        (Margin, [-1.0, 0.0, 0.0, -0.5]),
        (
            Entropy,
            [
                0.0,
                np.log(3),
                np.log(2),
                -(0.7 * np.log(0.7) + 0.2 * np.log(0.2) + 0.1 * np.log(0.1)),
            ],
        ),
    ],
)
def test_utility_formulas_on_hand_made_probabilities(strategy, expected):
    utility = strategy._from_proba(PROBA)
    np.testing.assert_allclose(utility, expected, atol=1e-12)
    assert np.all(np.isfinite(utility))


@pytest.mark.parametrize(
    "strategy", [LeastConfidence(), Margin(), Entropy()], ids=lambda s: type(s).__name__
)
def test_query_takes_the_highest_utilities(strategy, blobs):
    X, y = blobs
    learner = ActiveLearner(
        make_classifier_net(max_epochs=5), query_strategy=strategy, random_state=0
    )
    learner.fit(X[::3], y[::3])
    X_net = learner.network_input(X)
    utility = strategy.utility(learner, X_net)
    proba = learner.predict_proba(X)
    np.testing.assert_allclose(utility, strategy._from_proba(proba), rtol=1e-6, atol=1e-7)
    idx = learner.query(X, 10)
    assert np.all(np.diff(utility[idx]) <= 0)  # selection order = decreasing utility
    assert utility[idx].min() >= np.sort(utility)[-10]
