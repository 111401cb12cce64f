"""DensityWeighted: the DW baseline of ALEX."""

import numpy as np
import pytest

from skactive import ActiveLearner
from skactive.strategies import DensityWeighted

from ..conftest import make_classifier_net, make_regressor_net


@pytest.fixture(scope="module")
def learner():
    # Two classes, both labelled rows left of the pool.
    X = np.array([[-1.0, 0.0], [-2.0, 0.0]], dtype=np.float32)
    return ActiveLearner(make_classifier_net(max_epochs=2), random_state=0).fit(X, [0, 1])


# Two clusters on a line: centroids (1, 0) and (11, 0).
POOL = np.array([[0, 0], [1, 0], [2, 0], [10, 0], [11, 0], [12, 0]], dtype=np.float32)


def test_matches_the_documented_rule_by_hand(learner):
    # d_L: distance to the nearest labelled row, (-1, 0).
    d_labelled = np.array([1, 2, 3, 11, 12, 13], dtype=float)
    # d_C: distance to the own cluster's centroid; its mean is 4/6.
    d_centre = np.array([1, 0, 1, 1, 0, 1], dtype=float)
    expected = d_labelled / (1 + d_centre / (4 / 6))
    utility = DensityWeighted().utility(learner, POOL, random_state=0)
    np.testing.assert_allclose(utility, expected, rtol=1e-6)
    # i.e. [0.4, 2, 1.2, 4.4, 12, 5.2]: the centre of the far cluster first.
    idx = DensityWeighted().query(learner, POOL, 6, random_state=0)
    np.testing.assert_array_equal(idx, [4, 5, 3, 1, 2, 0])


def test_without_density_it_is_farthest_from_the_labelled_set(learner):
    idx = DensityWeighted(density_exponent=0.0).query(learner, POOL, 3, random_state=0)
    np.testing.assert_array_equal(idx, [5, 4, 3])


def test_one_cluster_per_class_by_default(learner):
    # With a single cluster the centroid is (6, 0) and the weights change.
    d_labelled = np.array([1, 2, 3, 11, 12, 13], dtype=float)
    d_centre = np.abs(POOL[:, 0] - 6.0)
    expected = d_labelled / (1 + d_centre / d_centre.mean())
    utility = DensityWeighted(n_clusters=1).utility(learner, POOL, random_state=0)
    np.testing.assert_allclose(utility, expected, rtol=1e-6)


def test_regressor_needs_n_clusters():
    X = POOL[:4]
    learner = ActiveLearner(make_regressor_net(max_epochs=2), "random").fit(X, X[:, 0])
    with pytest.raises(ValueError, match="n_clusters"):
        DensityWeighted().query(learner, POOL, 2)
    idx = DensityWeighted(n_clusters=2, representation="embedding").query(learner, POOL, 2)
    assert np.unique(idx).shape == (2,)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"representation": "raw"}, "representation"),
        ({"density_exponent": -1.0}, "density_exponent"),
        ({"n_clusters": 0}, "n_clusters"),
    ],
)
def test_bad_parameters_are_refused(learner, params, match):
    with pytest.raises(ValueError, match=match):
        DensityWeighted(**params).query(learner, POOL, 2)
