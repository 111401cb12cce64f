"""BALD, BatchBALD and MaxVariance on real networks."""

import numpy as np
import pytest

from skactive import ActiveLearner, probes
from skactive.kernels import bald, batchbald_greedy, mc_variance
from skactive.strategies import BALD, DEIMOS, BatchBALD, MaxVariance

from ..conftest import make_classifier_net, make_regressor_net, make_three_classes


@pytest.fixture(scope="module")
def data():
    return make_three_classes(10, 200)


@pytest.fixture(scope="module")
def learner(data):
    X, y, _ = data
    net = make_classifier_net(module__dropout=0.4, max_epochs=15)
    return ActiveLearner(net, random_state=0).fit(X, y)


def test_bald_utility_is_the_mutual_information_of_the_probe_samples(learner, data):
    pool = data[2]
    utility = BALD(n_mc_samples=20).utility(learner, pool, random_state=5)
    probs = probes.mc_dropout_output(
        learner.network_, pool, n_mc_samples=20, batch_size=1024, random_state=5
    )
    np.testing.assert_allclose(utility, bald(probs))
    assert utility.min() >= 0 and utility.max() <= np.log(3)
    assert utility.max() > 1e-3  # the network does disagree with itself somewhere


def test_bald_query_takes_the_top_utilities(learner, data):
    pool = data[2]
    idx = BALD(n_mc_samples=20).query(learner, pool, 10, random_state=1)
    # The query draws the mask seed first from its random_state.
    seed = int(np.random.RandomState(1).randint(np.iinfo(np.int32).max))
    utility = BALD(n_mc_samples=20).utility(learner, pool, random_state=seed)
    assert np.all(np.diff(utility[idx]) <= 0)
    assert utility[idx].min() >= np.sort(utility)[-10]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batchbald_of_one_is_bald(learner, data, seed):
    pool = data[2]
    a = BatchBALD(n_mc_samples=20).query(learner, pool, 1, random_state=seed)
    b = BALD(n_mc_samples=20).query(learner, pool, 1, random_state=seed)
    np.testing.assert_array_equal(a, b)


def test_batchbald_batch_informs_less_than_the_sum_of_its_bald_scores(learner, data):
    probs = probes.mc_dropout_output(
        learner.network_, data[2], n_mc_samples=20, batch_size=64, random_state=0
    )
    idx, joint_mi = batchbald_greedy(
        probs, 4, n_configurations=3**4, random_state=np.random.RandomState(0)
    )
    assert joint_mi[-1] <= bald(probs)[idx].sum() + 1e-9
    assert joint_mi[-1] > bald(probs)[idx[0]] - 1e-9


def test_batchbald_avoids_duplicates_that_bald_takes(learner, data):
    # Three copies of BALD's favourite row: BALD takes all of them, BatchBALD
    # learns nothing new from a copy and takes only one.
    pool = data[2]
    favourite = BALD(n_mc_samples=20).query(learner, pool, 1, random_state=0)[0]
    dup = np.concatenate([pool, pool[[favourite] * 3]])
    copies = {favourite, 200, 201, 202}
    bald_idx = BALD(n_mc_samples=20).query(learner, dup, 4, random_state=0)
    batch_idx = BatchBALD(n_mc_samples=20).query(learner, dup, 4, random_state=0)
    assert set(bald_idx) == copies
    assert len(copies & set(batch_idx)) == 1


def test_max_variance_utility_is_the_summed_mc_variance(learner, data):
    pool = data[2]
    utility = MaxVariance(n_mc_samples=15).utility(learner, pool, random_state=2)
    samples = probes.mc_dropout_output(
        learner.network_, pool, n_mc_samples=15, batch_size=7, random_state=2
    )
    np.testing.assert_allclose(utility, mc_variance(samples), rtol=1e-6)


def test_max_variance_works_for_regression(data):
    X, y, pool = data
    net = make_regressor_net(max_epochs=10)
    reg = ActiveLearner(net, query_strategy=MaxVariance(n_mc_samples=10), random_state=0)
    reg.fit(X, X[:, 0] + y)
    X_net = reg.network_input(pool)
    idx = reg.query_strategy_.query(reg, X_net, 5, random_state=3)
    seed = int(np.random.RandomState(3).randint(np.iinfo(np.int32).max))
    utility = reg.query_strategy_.utility(reg, X_net, random_state=seed)
    assert utility.shape == (200,) and np.all(utility >= 0)
    np.testing.assert_array_equal(idx, np.argsort(-utility)[:5])


@pytest.mark.parametrize(
    "strategy", [BALD(), BatchBALD(), MaxVariance(), DEIMOS()], ids=lambda s: type(s).__name__
)
@pytest.mark.parametrize("task", ["classifier", "regressor"])
def test_networks_without_dropout_are_refused(strategy, task, data):
    X, y, pool = data
    make_net = make_classifier_net if task == "classifier" else make_regressor_net
    net = make_net(module__dropout=0.0, max_epochs=2)
    learner = ActiveLearner(net, query_strategy=strategy, random_state=0)
    if task == "regressor" and isinstance(strategy, (BALD, BatchBALD)):
        match = "needs class probabilities"
    else:
        match = "dropout layer"
    with pytest.raises(ValueError, match=match):  # at fit, before any training
        learner.fit(X, 1.0 * y)


@pytest.mark.parametrize(
    "strategy, match",
    [
        (BALD(n_mc_samples=1), "n_mc_samples >= 2"),
        (MaxVariance(n_mc_samples=2.5), "n_mc_samples >= 2"),
        (BatchBALD(n_configurations=0), "n_configurations >= 1"),
    ],
)
def test_bad_parameters_are_named(strategy, match, learner, data):
    with pytest.raises(ValueError, match=match):
        strategy.query(learner, data[2], 3, random_state=0)
