"""The NumPy selection kernels."""

import numpy as np
import pytest

from skactive._selection import top_k


@pytest.mark.parametrize("k", [1, 5, 99, 100])
def test_top_k_matches_a_full_sort(k):
    utility = np.random.RandomState(0).normal(size=100)
    expected = np.argsort(-utility)[:k]
    np.testing.assert_array_equal(top_k(utility, k, np.random.RandomState(1)), expected)


def test_top_k_breaks_ties_at_random_but_reproducibly():
    utility = np.zeros(1000)
    utility[[3, 500]] = 1.0
    picks = [top_k(utility, 5, np.random.RandomState(seed)) for seed in range(20)]
    for pick in picks:
        assert set(pick[:2]) == {3, 500}  # strict winners first
        assert np.unique(pick).shape == (5,)
    tied_parts = {tuple(pick[2:]) for pick in picks}
    assert len(tied_parts) > 15  # ties are not always settled the same way
    assert not any(set(p) == {0, 1, 2} for p in tied_parts)  # nor by position
    np.testing.assert_array_equal(top_k(utility, 5, np.random.RandomState(7)), picks[7])


def test_top_k_includes_all_rows_strictly_above_the_threshold():
    utility = np.array([0.1, 0.9, 0.5, 0.5, 0.5, 0.2])
    for seed in range(10):
        pick = top_k(utility, 3, np.random.RandomState(seed))
        assert pick[0] == 1
        assert set(pick[1:]) <= {2, 3, 4}
