"""The small shared helpers: seeds, rollback on failure, the round engine's sizes."""

import numpy as np
import pytest

from skactive._rollback import restored_on_failure
from skactive._rounds import draw_seed_set, play_round, resolve_size, schedule
from skactive._seeds import MAX_INT, base_seed, derive_seed


def test_derived_seeds_keep_their_values():
    # Determinism tests and committed benchmark numbers rest on these values.
    assert derive_seed(0, 0, 0) == 821328062
    assert derive_seed(0, 0, 1) == 1683718082
    assert derive_seed(12345, 5, 2) == 663027202
    assert derive_seed(0, 1, 0) == 1817441348
    assert derive_seed(12345, 1, 2, 1) == 1943477813
    assert 0 <= derive_seed(MAX_INT - 1, 3) < 2**31


def test_base_seed_follows_random_state():
    assert (
        base_seed(0)
        == base_seed(np.random.RandomState(0))
        == np.random.RandomState(0).randint(MAX_INT)
    )


class _Thing:
    def __init__(self):
        self.a, self.b = 1, [1]


def test_rollback_restores_everything_and_removes_what_was_added():
    thing = _Thing()
    b = thing.b
    with pytest.raises(KeyError):
        with restored_on_failure(thing, deep=("b",)):
            thing.a, thing.c = 2, 3
            thing.b.append(2)
            raise KeyError("late")
    assert vars(thing) == {"a": 1, "b": [1]} and b == [1, 2]  # b restored from its copy


def test_rollback_of_named_attributes_and_keep():
    thing = _Thing()
    with pytest.raises(KeyboardInterrupt):
        with restored_on_failure(thing, ["a", "new"], deep=True):
            thing.a, thing.new, thing.b = 2, 3, [9]
            raise KeyboardInterrupt
    assert vars(thing) == {"a": 1, "b": [9]}  # b is not one of the names
    with pytest.raises(KeyboardInterrupt):
        with restored_on_failure(thing, keep=lambda e: isinstance(e, KeyboardInterrupt)):
            thing.a = 5
            raise KeyboardInterrupt
    assert thing.a == 5
    with restored_on_failure(thing):
        thing.a = 6
    assert thing.a == 6


def test_sizes_and_schedule():
    assert resolve_size(0.25, 10, "size") == 2
    assert resolve_size(0.01, 10, "size") == 1
    assert resolve_size(1.0, 10, "budget", allow_one=True) == 10
    with pytest.raises(ValueError, match=r"must lie in \(0, 1\)"):
        resolve_size(1.0, 10, "size")
    with pytest.raises(ValueError, match="size must be at least 1, got 0"):
        resolve_size(0, 10, "size")
    with pytest.raises(TypeError, match="must be an int or a float"):
        resolve_size(True, 10, "size")
    assert schedule(100, 10, 30, 5, None) == [30, 30, 30]
    assert schedule(100, 10, 30, None, 75) == [30, 30, 5]
    assert schedule(100, 10, 30, 0, None) == []


def test_seed_set_draw_and_its_errors():
    initial = draw_seed_set(20, 0.25, np.random.RandomState(0))
    np.testing.assert_array_equal(
        initial, np.random.RandomState(0).choice(20, size=5, replace=False)
    )
    assert initial.dtype == np.int64
    with pytest.raises(ValueError) as error:
        draw_seed_set(20, 20, np.random.RandomState(0), "initial_size")
    assert "initial_size=20 leaves no pool to query" in str(error.value)
    assert "A seed set of 20 rows leaves no pool: there are only 20 rows" in str(error.value)


def test_play_round_queries_then_teaches_the_picked_rows():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10) * 10
    taught = []
    played = play_round(
        X,
        y,
        np.array([1, 4, 6, 8]),
        2,
        query=lambda X_pool, n: np.array([3, 0]),
        teach=lambda X_new, y_new: taught.append((X_new, y_new)),
    )
    np.testing.assert_array_equal(played.picked, [8, 1])
    np.testing.assert_array_equal(played.pool, [4, 6])
    np.testing.assert_array_equal(taught[0][0], X[[8, 1]])
    np.testing.assert_array_equal(taught[0][1], [80, 10])
    assert played.query_time >= 0 and played.fit_time >= 0
