"""probes.gradient_features: per-row gradients of one output w.r.t. every nn.Linear."""

import numpy as np
import pytest
import torch

from skactive import ActiveLearner, probes

from .conftest import make_classifier_net, make_regressor_net, make_three_classes


@pytest.fixture(scope="module")
def data():
    return make_three_classes(15, 40, seed=2)


@pytest.fixture(scope="module")
def regressor(data):
    X, y, _ = data
    net = make_regressor_net(max_epochs=10, module__hidden_layer_sizes=(8, 6))
    return ActiveLearner(net, query_strategy="random", random_state=0).fit(X, X[:, 0] * y)


@pytest.fixture(scope="module")
def classifier(data):
    X, y, _ = data
    net = make_classifier_net(max_epochs=10, module__hidden_layer_sizes=(8,))
    return ActiveLearner(net, random_state=0).fit(X, y)


def _autograd_gradient(module, row, output):
    """The gradient of one output of one row w.r.t. every nn.Linear, by autograd."""
    linears = []
    handles = [
        m.register_forward_pre_hook(lambda layer, args: linears.append(layer))
        for m in module.modules()
        if isinstance(m, torch.nn.Linear)
    ]
    module.zero_grad(set_to_none=True)
    try:
        with probes.evaluating(module), torch.enable_grad():
            out = module(torch.as_tensor(row[None]))
            column = int(out.argmax()) if output == "argmax" else output
            out[0, column].backward()
    finally:
        for handle in handles:
            handle.remove()
    parts = []
    for layer in linears:
        parts.append(layer.weight.grad.ravel())
        parts.append(layer.bias.grad)
    grad = torch.cat(parts).numpy().copy()
    module.zero_grad(set_to_none=True)
    return grad


@pytest.mark.parametrize("task, output", [("regressor", 0), ("classifier", "argmax")])
def test_exact_features_are_the_autograd_gradient(task, output, data, request):
    learner = request.getfixturevalue(task)
    module = learner.network_.module_
    pool = data[2][:5]
    features = probes.gradient_features(learner.network_, pool, batch_size=2, output=output)
    n_parameters = sum(
        p.numel()
        for m in module.modules()
        if isinstance(m, torch.nn.Linear)
        for p in m.parameters()
    )
    assert features.shape == (5, n_parameters)
    for row in range(5):
        expected = _autograd_gradient(module, pool[row], output)
        np.testing.assert_allclose(features[row], expected, rtol=1e-5, atol=1e-6)
    assert all(p.grad is None for p in module.parameters())


@pytest.mark.parametrize("batch_size", [1, 7, 40])
def test_chunks_do_not_change_the_features(batch_size, data, regressor):
    net = regressor.network_
    whole = probes.gradient_features(net, data[2], batch_size=40, n_components=32, random_state=0)
    chunked = probes.gradient_features(
        net, data[2], batch_size=batch_size, n_components=32, random_state=0
    )
    np.testing.assert_allclose(chunked, whole, rtol=1e-6, atol=1e-7)


def test_sketch_is_seeded(data, regressor):
    net = regressor.network_
    a = probes.gradient_features(net, data[2], batch_size=16, n_components=8, random_state=1)
    b = probes.gradient_features(net, data[2], batch_size=16, n_components=8, random_state=1)
    c = probes.gradient_features(net, data[2], batch_size=16, n_components=8, random_state=2)
    assert a.shape == (40, 8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_sketch_estimates_the_kernel_without_bias(data, regressor):
    # The mean over many sketches of the sketched kernel matrix approaches
    # the exact one: E[φ_s(x)·φ_s(x')] = φ(x)·φ(x').
    net, pool = regressor.network_, data[2][:6]
    exact = probes.gradient_features(net, pool, batch_size=16)
    K = exact.astype(np.float64) @ exact.T.astype(np.float64)
    estimates = []
    for seed in range(200):
        s = probes.gradient_features(net, pool, batch_size=16, n_components=64, random_state=seed)
        estimates.append(s.astype(np.float64) @ s.T.astype(np.float64))
    mean = np.mean(estimates, axis=0)
    assert np.abs(mean - K).max() < 0.1 * np.abs(K).max()
    # One sketch alone is a much rougher estimate: the averaging is what helps.
    assert np.abs(estimates[0] - K).max() > np.abs(mean - K).max()


def test_a_layer_run_twice_is_refused(data):
    class Twice(torch.nn.Module):
        def __init__(self, n_features_in=None, n_outputs=None, **kwargs):
            super().__init__()
            self.a = torch.nn.Linear(n_features_in, n_features_in)
            self.out = torch.nn.Linear(n_features_in, 1)

        def forward(self, X):
            return self.out(torch.relu(self.a(torch.relu(self.a(X)))))

    X, y, pool = data
    net = make_regressor_net(module=Twice, max_epochs=2)
    learner = ActiveLearner(net, query_strategy="random", random_state=0).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="runs more than once in a forward pass"):
        probes.gradient_features(learner.network_, pool, batch_size=8)
