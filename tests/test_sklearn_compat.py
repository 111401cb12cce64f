"""scikit-learn's estimator checks, run on the learner with both kinds of net."""

import warnings

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import (
    check_methods_subset_invariance,
    parametrize_with_checks,
)

from skactive import ActiveLearner

from .conftest import make_classifier_net, make_regressor_net

LEARNERS = [
    ActiveLearner(make_classifier_net(), random_state=0),
    ActiveLearner(make_regressor_net(), query_strategy="random", random_state=0),
    # the same, with preprocessing inside the learner
    ActiveLearner(make_pipeline(StandardScaler(), make_classifier_net()), random_state=0),
    ActiveLearner(
        make_pipeline(StandardScaler(), make_regressor_net()),
        query_strategy="random",
        random_state=0,
    ),
]


@parametrize_with_checks(LEARNERS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# Predictions must not depend on which other rows share a forward pass
# (scikit-learn's check_methods_subset_invariance, bit for bit), at network
# settings where an unpadded matrix product differed in the last float32 place.
SUBSET_SETTINGS = [
    dict(max_epochs=20),
    dict(max_epochs=5, module__hidden_layer_sizes=(64, 64), module__batch_norm=True),
    dict(max_epochs=20, module__hidden_layer_sizes=(100,)),
    dict(max_epochs=60, module__hidden_layer_sizes=(100,), module__batch_norm=True),
]


@pytest.mark.parametrize("settings", SUBSET_SETTINGS, ids=lambda s: str(sorted(s.items())))
@pytest.mark.parametrize("task", ["classifier", "regressor"])
def test_predictions_do_not_depend_on_the_other_rows_of_a_batch(task, settings):
    make = make_classifier_net if task == "classifier" else make_regressor_net
    learner = ActiveLearner(make(**settings), query_strategy="random", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_methods_subset_invariance("ActiveLearner", learner)


@pytest.mark.parametrize("pool_batch_size", [1, 7, 16, 1024])
def test_a_row_predicted_alone_equals_the_row_among_others(pool_batch_size):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(53, 5)).astype(np.float32)
    learner = ActiveLearner(make_regressor_net(max_epochs=20), "random", random_state=0)
    learner.set_params(pool_batch_size=pool_batch_size).fit(X, X @ rng.normal(size=5))
    together = learner.predict(X)
    alone = np.concatenate([learner.predict(X[i : i + 1]) for i in range(len(X))])
    np.testing.assert_array_equal(alone, together)
    for size in (2, 3, 5, 17, 31):
        np.testing.assert_array_equal(learner.predict(X[:size]), together[:size])
