"""DAL: discriminative active learning."""

import numpy as np
import pytest

from skactive import ActiveLearner
from skactive.nets._discriminator import discriminate
from skactive.strategies import DAL, _dal

from ..conftest import make_classifier_net, make_regressor_net

SMALL = dict(hidden_layer_sizes=(16, 16), max_epochs=30)


@pytest.fixture(scope="module")
def learner(blobs_module):
    X, y = blobs_module
    return ActiveLearner(make_classifier_net(max_epochs=10), random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def blobs_module():
    rng = np.random.RandomState(0)
    centres = np.array([[0.0, 0.0], [4.0, 4.0], [0.0, 4.0]])
    y = np.repeat(np.arange(3), 20)
    return (centres[y] + rng.normal(scale=0.6, size=(60, 2))).astype(np.float32), y


def _recording(monkeypatch):
    calls = []

    def spy(Z_labelled, Z_pool, **kwargs):
        calls.append((Z_labelled.shape[0], Z_pool.shape[0]))
        return discriminate(Z_labelled, Z_pool, **kwargs)

    monkeypatch.setattr(_dal, "discriminate", spy)
    return calls


@pytest.mark.parametrize("n, n_mini, expected_parts", [(20, 10, 10), (3, 10, 3), (7, 2, 2)])
def test_mini_queries_retrain_on_the_moved_rows_and_return_distinct_rows(
    learner, monkeypatch, n, n_mini, expected_parts
):
    calls = _recording(monkeypatch)
    pool = np.random.RandomState(1).uniform(-2, 6, size=(100, 2)).astype(np.float32)
    idx = DAL(n_mini, **SMALL).query(learner, pool, n, random_state=0)
    assert idx.shape == (n,) and np.unique(idx).shape == (n,)
    assert len(calls) == expected_parts
    sizes = [len(part) for part in np.array_split(np.arange(n), expected_parts)]
    # After each part its rows leave the pool and join the labelled side.
    moved = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    assert [c[0] for c in calls] == list(60 + moved)
    assert [c[1] for c in calls] == list(100 - moved)


def test_pool_subsampling_to_a_multiple_of_the_labelled_set(learner, monkeypatch):
    calls = _recording(monkeypatch)
    pool = np.random.RandomState(1).uniform(-2, 6, size=(500, 2)).astype(np.float32)
    DAL(2, pool_ratio=2.0, **SMALL).query(learner, pool, 10, random_state=0)
    assert calls == [(60, 120), (65, 130)]


def test_constant_representation_gives_a_random_choice(learner, monkeypatch):
    monkeypatch.setattr(
        _dal.probes,
        "penultimate_embedding",
        lambda net, X, batch_size: np.ones((X.shape[0], 4), dtype=np.float32),
    )
    pool = np.zeros((300, 2), dtype=np.float32)
    strategy = DAL(1, hidden_layer_sizes=(8,), max_epochs=2)
    picks = [strategy.query(learner, pool, 30, random_state=seed) for seed in range(3)]
    for idx in picks:
        # Not stuck on the first (or last) rows of the pool: spread over it.
        assert idx.min() < 100 and idx.max() >= 200
        assert 90 < idx.mean() < 210
    assert not np.array_equal(np.sort(picks[0]), np.sort(picks[1]))


def test_picks_come_from_the_uncovered_cluster():
    rng = np.random.RandomState(0)
    covered = rng.normal(0.0, 0.5, size=(200, 2)).astype(np.float32)
    uncovered = rng.normal(0.0, 0.5, size=(100, 2)).astype(np.float32) + np.float32(6.0)
    X = covered[:100]
    y = (X[:, 0] > 0).astype(int)
    learner = ActiveLearner(make_classifier_net(max_epochs=20), random_state=0).fit(X, y)
    pool = np.concatenate([covered[100:], uncovered])  # rows 100.. are uncovered
    idx = DAL(5, hidden_layer_sizes=(32, 32, 32)).query(learner, pool, 10, random_state=0)
    assert np.mean(idx >= 100) >= 0.9


def test_works_for_a_regressor():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 3)).astype(np.float32)
    learner = ActiveLearner(make_regressor_net(max_epochs=5), "random", random_state=0)
    learner.fit(X, X.sum(axis=1))
    idx = DAL(3, **SMALL).query(learner, rng.normal(size=(40, 3)).astype(np.float32), 6)
    assert np.unique(idx).shape == (6,)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_mini_queries": 0}, "n_mini_queries"),
        ({"pool_ratio": -1.0}, "pool_ratio"),
        ({"accuracy_threshold": 2.0}, "accuracy_threshold"),
    ],
)
def test_bad_parameters_are_refused(learner, params, match):
    pool = np.zeros((10, 2), dtype=np.float32)
    with pytest.raises(ValueError, match=match):
        DAL(**params).query(learner, pool, 2)


def test_defaults_are_the_cheap_settings_of_the_paper():
    params = DAL().get_params()
    # §4.3: a pool of 10 times the labelled set, stopped at 98 % training
    # accuracy; §4.1: 10 mini-queries; a small MLP (§4.2's is arbitrary).
    assert params["pool_ratio"] == 10
    assert params["accuracy_threshold"] == 0.98
    assert params["n_mini_queries"] == 10
    assert params["hidden_layer_sizes"] == (128, 128)


def test_default_pool_ratio_caps_the_pool_at_ten_times_the_labelled_set(learner, monkeypatch):
    calls = _recording(monkeypatch)
    pool = np.random.RandomState(1).uniform(-2, 6, size=(1000, 2)).astype(np.float32)
    idx = DAL(2, **SMALL).query(learner, pool, 10, random_state=0)
    assert calls == [(60, 600), (65, 650)]
    assert np.unique(idx).shape == (10,) and idx.max() < 1000


def test_the_paper_settings_remain_reachable(learner, monkeypatch):
    seen = []

    def spy(Z_labelled, Z_pool, **kwargs):
        seen.append((Z_pool.shape[0], kwargs["hidden_layer_sizes"]))
        return discriminate(Z_labelled, Z_pool, **{**kwargs, "max_epochs": 1})

    monkeypatch.setattr(_dal, "discriminate", spy)
    pool = np.random.RandomState(1).uniform(-2, 6, size=(1000, 2)).astype(np.float32)
    strategy = DAL(1, hidden_layer_sizes=(256, 256, 256), pool_ratio=None)
    strategy.query(learner, pool, 5, random_state=0)
    # Algorithm 1 on the whole pool, with §4.2's architecture.
    assert seen == [(1000, (256, 256, 256))]
