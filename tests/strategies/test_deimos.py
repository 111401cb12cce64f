"""DEIMOS on real networks, against a dense implementation; regression end to end."""

import numpy as np
import pytest
import torch

from skactive import ActiveLearner, probes
from skactive.strategies import DEIMOS, MaxVariance, Random

from ..conftest import make_classifier_net, make_regressor_net, make_three_classes


@pytest.fixture(scope="module")
def data():
    return make_three_classes(10, 250)


def _learner(task, data, **kwargs):
    X, y, _ = data
    if task == "classifier":
        net = make_classifier_net(module__dropout=0.3, max_epochs=15, **kwargs)
        return ActiveLearner(net, random_state=0).fit(X, y)
    net = make_regressor_net(module__dropout=0.3, max_epochs=30, **kwargs)
    return ActiveLearner(net, query_strategy="random", random_state=0).fit(X, np.sin(X[:, 0]) + y)


def _dense_algorithm_1(samples, candidates, n, noise, smoothing):
    """DEIMOS Algorithm 1 on the full (S C) × (S C) covariance matrix."""
    n_mc, n_rows, n_out = samples.shape
    flat = samples.reshape(n_mc, n_rows * n_out).astype(np.float64)
    centred = flat - flat.mean(axis=0)
    V = centred.T @ centred / (n_mc - 1) + noise * np.eye(n_rows * n_out)
    picks = []
    for _ in range(n):
        best, best_gain = None, -np.inf
        for i in candidates:
            if i in picks:
                continue
            block = slice(i * n_out, (i + 1) * n_out)
            V_i = V[:, block]
            gain = np.trace(
                V_i @ np.linalg.inv(V[block, block] + smoothing * np.eye(n_out)) @ V_i.T
            )
            if gain > best_gain:
                best, best_gain = i, gain
        block = slice(best * n_out, (best + 1) * n_out)
        V_i = V[:, block]
        V = V - V_i @ np.linalg.inv(V[block, block] + smoothing * np.eye(n_out)) @ V_i.T
        picks.append(best)
    return picks


class _Recorder:
    """Wraps the probe's MC-dropout function to keep what DEIMOS asked for."""

    def __init__(self, monkeypatch):
        self.calls = []
        original = probes.mc_dropout_output

        def recording(net, X, **kwargs):
            out = original(net, X, **kwargs)
            self.calls.append((np.array(X), out))
            return out

        monkeypatch.setattr(probes, "mc_dropout_output", recording)


@pytest.mark.parametrize("task", ["regressor", "classifier"])
def test_low_rank_picks_equal_the_dense_schur_complement_picks(task, data, monkeypatch):
    learner = _learner(task, data)
    pool = data[2]
    recorder = _Recorder(monkeypatch)
    picks = DEIMOS(n_mc_samples=20).query(learner, pool, 6, random_state=0)
    ((X_samp, samples),) = recorder.calls
    # The representative sample is the whole pool and every labelled row.
    assert X_samp.shape[0] == 250 + 30
    pool_row = {row.tobytes(): i for i, row in enumerate(pool)}
    position = np.array([pool_row.get(row.tobytes(), -1) for row in X_samp])
    candidates = np.flatnonzero(position >= 0)
    assert candidates.shape == (250,)
    variance = samples.astype(np.float64).var(axis=0, ddof=1).mean()
    if task == "regressor":
        noise, smoothing = 0.1 * variance, 0.0  # appendix E
    else:
        noise, smoothing = 0.0, 0.01 * variance  # §3.4 and appendix E
    dense = _dense_algorithm_1(samples, candidates, 6, noise, smoothing)
    np.testing.assert_array_equal(picks, position[dense])


def test_candidates_come_from_a_representative_sample(data, monkeypatch):
    learner = _learner("classifier", data)
    pool, X_labeled = data[2], data[0]
    recorder = _Recorder(monkeypatch)
    picks = DEIMOS(n_mc_samples=10, n_candidates=40).query(learner, pool, 5, random_state=3)
    ((X_samp, _),) = recorder.calls
    pool_rows = {row.tobytes() for row in pool}
    labeled_rows = {row.tobytes() for row in X_labeled}
    in_pool = np.array([row.tobytes() in pool_rows for row in X_samp])
    assert in_pool.sum() == 40
    assert all(row.tobytes() in labeled_rows for row in X_samp[~in_pool])
    sampled = {row.tobytes() for row in X_samp[in_pool]}
    assert all(pool[i].tobytes() in sampled for i in picks)
    # A batch larger than n_candidates widens the sample rather than failing.
    assert np.unique(DEIMOS(n_mc_samples=10, n_candidates=3).query(learner, pool, 8, 0)).size == 8


def test_batch_is_diverse_where_max_variance_is_not(data):
    # Twenty copies of the row of largest variance: MaxVariance takes the
    # copies; DEIMOS learns everything about them from one and moves on.
    learner = _learner("regressor", data)
    pool = data[2]
    top = MaxVariance(n_mc_samples=20).query(learner, pool, 1, random_state=0)[0]
    dup = np.concatenate([pool, np.repeat(pool[top : top + 1], 20, axis=0)])
    copies = {top, *range(250, 270)}
    max_var = MaxVariance(n_mc_samples=20).query(learner, dup, 5, random_state=0)
    deimos = DEIMOS(n_mc_samples=20).query(learner, dup, 5, random_state=0)
    assert set(max_var) <= copies
    assert len(copies & set(deimos)) <= 1


def test_expected_improvement_is_the_first_greedy_step(data):
    learner = _learner("regressor", data)
    pool = data[2]
    gains = DEIMOS(n_mc_samples=20).expected_improvement(learner, pool, random_state=0)
    assert gains.shape == (250,) and np.all(gains > 0)
    first = DEIMOS(n_mc_samples=20).query(learner, pool, 1, random_state=0)[0]
    assert gains[first] >= np.quantile(gains, 0.9)


def test_precision_formula_of_section_3_2(data):
    learner = _learner("regressor", data, optimizer__weight_decay=1e-3)
    strategy = DEIMOS(noise_variance="precision", length_scale=2.0)
    # tau = (1 - p) l² / (2 N lambda): p = 0.3, l = 2, N = 30, lambda = 1e-3.
    tau = (1 - 0.3) * 2.0**2 / (2 * 30 * 1e-3)
    assert strategy._precision_noise(learner) == pytest.approx(1 / tau)
    assert strategy.query(learner, data[2], 4, random_state=0).shape == (4,)
    no_decay = _learner("regressor", data)
    with pytest.raises(ValueError, match="needs weight decay"):
        strategy.query(no_decay, data[2], 4, random_state=0)


def test_a_given_noise_variance_is_used(data):
    learner = _learner("regressor", data)
    pool = data[2]
    # A tiny noise ranks rows by how much they explain of the others'
    # variance; a huge one ranks them by their own variance (gain -> V_ii).
    small = DEIMOS(n_mc_samples=20, noise_variance=1e-8).query(learner, pool, 3, 0)
    large = DEIMOS(n_mc_samples=20, noise_variance=1e8).query(learner, pool, 3, 0)
    assert small.shape == large.shape == (3,)
    assert not np.array_equal(small, large)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"noise_variance": "gal"}, "noise_variance must be"),
        ({"noise_variance": -1.0}, "positive number noise_variance"),
        ({"smoothing_fraction": 0}, "positive number smoothing_fraction"),
        ({"n_candidates": 0}, "n_candidates >= 1"),
        ({"n_mc_samples": 1}, "n_mc_samples >= 2"),
    ],
)
def test_bad_parameters_are_named(params, match, data):
    learner = _learner("classifier", data)
    with pytest.raises(ValueError, match=match):
        DEIMOS(**params).query(learner, data[2], 2, random_state=0)


def test_query_leaves_batchnorm_buffers_unchanged(data):
    learner = _learner("regressor", data, module__batch_norm=True)
    module = learner.network_.module_
    before = {k: v.clone() for k, v in module.state_dict().items()}
    DEIMOS(n_mc_samples=10).query(learner, data[2], 5, random_state=0)
    for key, value in module.state_dict().items():
        assert torch.equal(value, before[key]), key


@pytest.mark.parametrize(
    "strategy",
    [Random(), MaxVariance(n_mc_samples=10), DEIMOS(n_mc_samples=10, n_candidates=100)],
    ids=lambda s: type(s).__name__,
)
def test_regression_end_to_end(strategy):
    rng = np.random.RandomState(1)
    X = rng.uniform(-3, 3, size=(400, 1)).astype(np.float32)
    y = np.sin(2 * X[:, 0]) + 0.05 * rng.normal(size=400)
    X_test = np.linspace(-3, 3, 200, dtype=np.float32)[:, None]
    y_test = np.sin(2 * X_test[:, 0])
    net = make_regressor_net(max_epochs=40, module__hidden_layer_sizes=(32, 32))
    learner = ActiveLearner(net, query_strategy=strategy, random_state=0)
    seed = rng.choice(400, 10, replace=False)
    learner.fit(X[seed], y[seed])
    pool = np.setdiff1d(np.arange(400), seed)
    for _ in range(3):
        idx = learner.query(X[pool], 10)
        learner.teach(X[pool[idx]], y[pool[idx]])
        pool = np.delete(pool, idx)
    assert learner.y_labeled_.shape == (40,)
    assert np.unique(learner.X_labeled_, axis=0).shape[0] == 40
    assert learner.predict(X_test).shape == (200,)
    assert np.isfinite(learner.score(X_test, y_test))
