"""Every strategy with the network on a GPU (``device="cuda"``).

Runs only where torch sees a CUDA device; elsewhere the tests are skipped
and say so. The probes put each chunk of the pool on ``net.device`` and
hand NumPy arrays back on the CPU, so a query on a GPU must return ``n``
distinct indices, leave the network (on the GPU) exactly as it was, and
pick what the same network picks on the CPU, up to floating-point ties.
"""

import copy

import numpy as np
import pytest
import torch

from skactive import ActiveLearner
from skactive.datasets import load_digits
from skactive.nets import make_cnn_net

from .conftest import small_strategies

pytestmark = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="no CUDA device: the GPU path was not exercised here"
)

STRATEGIES = small_strategies(fast=True)


@pytest.fixture(scope="module")
def images():
    X, y = load_digits(return_X_y=True, as_images=True)
    return X[:100], y[:100], X[100:400]


@pytest.mark.parametrize("alias", sorted(STRATEGIES))
def test_strategy_on_cuda(alias, images):
    X, y, pool = images
    net = make_cnn_net(channels=(4,), hidden_size=16, max_epochs=4, device="cuda")
    learner = ActiveLearner(net, query_strategy=STRATEGIES[alias], random_state=0).fit(X, y)
    module = learner.network_.module_
    assert next(module.parameters()).is_cuda
    before = {k: v.clone() for k, v in module.state_dict().items()}
    idx = learner.query(pool, 10)
    assert idx.shape == (10,) and np.unique(idx).shape == (10,) and idx.max() < len(pool)
    np.testing.assert_array_equal(learner.query(pool, 10), idx)
    for key, value in module.state_dict().items():
        assert torch.equal(value, before[key]), key
    # The same weights on the CPU: mostly the same picks.
    cpu = copy.deepcopy(learner)
    cpu.network_.device = "cpu"
    cpu.network_.module_.to("cpu")
    overlap = np.intersect1d(cpu.query(pool, 10), idx).shape[0]
    assert overlap >= 7, overlap
