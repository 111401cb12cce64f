"""The labelled-vs-pool discriminator of DAL."""

import numpy as np
import pytest
import torch

from skactive.nets._discriminator import discriminate

SMALL = dict(hidden_layer_sizes=(16, 16), batch_size=64, lr=1e-2)


def _separable(n_l=40, n_u=200, seed=0):
    rng = np.random.RandomState(seed)
    Z_l = rng.normal(-3.0, 0.5, size=(n_l, 2)).astype(np.float32)
    Z_u = rng.normal(3.0, 0.5, size=(n_u, 2)).astype(np.float32)
    return Z_l, Z_u


def test_early_stop_triggers_at_the_threshold():
    Z_l, Z_u = _separable()
    result = discriminate(Z_l, Z_u, seed=0, max_epochs=50, accuracy_threshold=0.98, **SMALL)
    assert result.n_epochs == len(result.train_accuracy) < 50
    assert result.train_accuracy[-1] >= 0.98
    assert all(a < 0.98 for a in result.train_accuracy[:-1])


def test_threshold_unreached_runs_to_the_epoch_cap():
    rng = np.random.RandomState(0)
    # Same distribution on both sides: 98 % training accuracy is out of reach.
    Z = rng.normal(size=(300, 2)).astype(np.float32)
    result = discriminate(Z[:100], Z[100:], seed=0, max_epochs=7, **SMALL)
    assert result.n_epochs == 7
    assert max(result.train_accuracy) < 0.98


def test_a_lower_threshold_stops_no_later():
    Z_l, Z_u = _separable()
    low = discriminate(Z_l, Z_u, seed=0, max_epochs=50, accuracy_threshold=0.6, **SMALL)
    high = discriminate(Z_l, Z_u, seed=0, max_epochs=50, accuracy_threshold=1.0, **SMALL)
    assert low.n_epochs <= high.n_epochs
    assert low.train_accuracy == high.train_accuracy[: low.n_epochs]


def test_pool_rows_get_high_probability_when_separable():
    Z_l, Z_u = _separable()
    result = discriminate(Z_l, Z_u, seed=0, max_epochs=50, **SMALL)
    assert result.proba_unlabeled.shape == (200,)
    assert result.proba_unlabeled.min() > 0.5


def test_classes_are_balanced():
    # 10 labelled against 1000 pool rows from one distribution: with class
    # weights making both sides weigh the same, P(u) stays near 1/2 instead
    # of the 0.99 prior of an unweighted loss.
    rng = np.random.RandomState(1)
    Z = rng.normal(size=(1010, 3)).astype(np.float32)
    result = discriminate(Z[:10], Z[10:], seed=0, max_epochs=3, **SMALL)
    assert 0.2 < result.proba_unlabeled.mean() < 0.8


def test_seeded_and_leaves_torch_generator_alone():
    Z_l, Z_u = _separable()
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    a = discriminate(Z_l, Z_u, seed=5, max_epochs=3, **SMALL)
    after = torch.rand(3)
    b = discriminate(Z_l, Z_u, seed=5, max_epochs=3, **SMALL)
    c = discriminate(Z_l, Z_u, seed=6, max_epochs=3, **SMALL)
    assert torch.equal(expected, after)
    np.testing.assert_array_equal(a.proba_unlabeled, b.proba_unlabeled)
    assert not np.array_equal(a.proba_unlabeled, c.proba_unlabeled)


@pytest.mark.parametrize(
    "Z_l, Z_u, kwargs, match",
    [
        (np.zeros((3, 2)), np.zeros((4, 3)), {}, "same number of columns"),
        (np.zeros((0, 2)), np.zeros((4, 2)), {}, "labelled and pool rows"),
        (np.full((3, 2), np.nan), np.zeros((4, 2)), {}, "NaN"),
        (np.zeros((3, 2)), np.zeros((4, 2)), {"accuracy_threshold": 1.5}, "accuracy_threshold"),
        (np.zeros((3, 2)), np.zeros((4, 2)), {"max_epochs": 0}, "max_epochs"),
        (np.zeros((3, 2)), np.zeros((4, 2)), {"hidden_layer_sizes": (0,)}, "hidden_layer"),
    ],
)
def test_bad_input_is_refused(Z_l, Z_u, kwargs, match):
    with pytest.raises(ValueError, match=match):
        discriminate(Z_l, Z_u, seed=0, **kwargs)


def test_the_default_discriminator_reaches_the_stopping_rule():
    # With every setting at its default, training stops at §4.3's 98 %
    # training accuracy, well before the epoch cap.
    Z_l, Z_u = _separable(n_l=40, n_u=400)
    result = discriminate(Z_l, Z_u, seed=0)
    assert result.train_accuracy[-1] >= 0.98
    assert result.n_epochs < 100
    assert np.mean(result.proba_unlabeled > 0.5) > 0.95
