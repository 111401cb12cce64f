"""Stochastic batch acquisition kernels: the distributions drawn from, and their limits."""

import itertools

import numpy as np
import pytest
from scipy.stats import chisquare

from skactive.kernels import (
    gumbel_top_k,
    power_log_weights,
    softmax_log_weights,
    softrank_log_weights,
    top_k,
)

UTILITY = np.array([0.9, 0.5, 0.05, 0.3, 0.7, 0.2])


def _log_weights(kind, utility, beta, rng):
    if kind == "softmax":
        return softmax_log_weights(utility, beta)
    if kind == "power":
        return power_log_weights(utility, beta)
    return softrank_log_weights(utility, beta, rng)


def _stated(kind, utility, beta):
    """The distribution the paper states, written out directly (§3)."""
    if kind == "softmax":
        w = np.exp(beta * utility)
    elif kind == "power":
        w = utility**beta
    else:
        ranks = np.empty(len(utility))
        ranks[np.argsort(-utility)] = np.arange(1, len(utility) + 1)
        w = ranks ** (-beta)
    return w / w.sum()


def _first_two(log_weights, n_draws, seed):
    rng = np.random.RandomState(seed)
    return np.array([gumbel_top_k(log_weights, 2, rng) for _ in range(n_draws)])


@pytest.mark.parametrize("kind", ["softmax", "power", "softrank"])
@pytest.mark.parametrize("beta", [1.0, 3.0])
def test_first_pick_frequencies_match_the_stated_distribution(kind, beta):
    p = _stated(kind, UTILITY, beta)
    draws = _first_two(_log_weights(kind, UTILITY, beta, np.random.RandomState(0)), 6000, 1)
    observed = np.bincount(draws[:, 0], minlength=len(p))
    # Seeded: the same draws every run; a wrong distribution fails (see below).
    assert chisquare(observed, 6000 * p).pvalue > 1e-3


@pytest.mark.parametrize("kind", ["softmax", "power", "softrank"])
def test_ordered_pairs_follow_sampling_without_replacement(kind):
    # Gumbel-top-k is sequential sampling without replacement (Plackett-Luce):
    # P(i then j) = p_i p_j / (1 - p_i).
    p = _stated(kind, UTILITY, 2.0)
    draws = _first_two(_log_weights(kind, UTILITY, 2.0, np.random.RandomState(0)), 8000, 2)
    pairs = list(itertools.permutations(range(len(p)), 2))
    expected = np.array([p[i] * p[j] / (1 - p[i]) for i, j in pairs])
    index = {pair: k for k, pair in enumerate(pairs)}
    observed = np.bincount([index[tuple(d)] for d in draws], minlength=len(pairs))
    assert chisquare(observed, 8000 * expected).pvalue > 1e-3


def test_the_frequency_test_rejects_a_wrong_distribution():
    # The test above can fail: softmax draws do not follow the power distribution.
    draws = _first_two(softmax_log_weights(UTILITY, 1.0), 6000, 1)
    observed = np.bincount(draws[:, 0], minlength=len(UTILITY))
    assert chisquare(observed, 6000 * _stated("power", UTILITY, 1.0)).pvalue < 1e-6


@pytest.mark.parametrize("kind", ["softmax", "power", "softrank"])
@pytest.mark.parametrize("seed", range(3))
def test_a_cold_distribution_is_top_k(kind, seed):
    rng = np.random.RandomState(seed)
    utility = rng.uniform(0.01, 1.0, size=200)
    for n in (1, 10, 200):
        hot = gumbel_top_k(_log_weights(kind, utility, 1e9, rng), n, rng)
        np.testing.assert_array_equal(hot, top_k(utility, n, rng))


def test_beta_zero_is_uniform():
    p = np.full(len(UTILITY), 1 / len(UTILITY))
    for kind in ("softmax", "power", "softrank"):
        draws = _first_two(_log_weights(kind, UTILITY, 0.0, np.random.RandomState(0)), 3000, 3)
        observed = np.bincount(draws[:, 0], minlength=len(p))
        assert chisquare(observed, 3000 * p).pvalue > 1e-3


def test_zero_utilities_come_last_under_power_sampling():
    utility = np.array([0.0, 0.4, 0.0, 0.1, 0.0])
    rng = np.random.RandomState(0)
    orders = [gumbel_top_k(power_log_weights(utility, 1.0), 5, rng) for _ in range(200)]
    assert all(set(order[:2]) == {1, 3} for order in orders)
    assert len({tuple(order[2:]) for order in orders}) == 6  # zeros in random order


def test_draws_are_distinct_and_seeded():
    log_w = softmax_log_weights(np.linspace(0, 1, 50), 1.0)
    a = gumbel_top_k(log_w, 50, np.random.RandomState(5))
    assert sorted(a) == list(range(50)) and a.dtype == np.int64
    np.testing.assert_array_equal(a, gumbel_top_k(log_w, 50, np.random.RandomState(5)))
