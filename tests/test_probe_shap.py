"""SHAP explanations in the probe layer."""

import numpy as np
import pytest
import torch
from skorch import NeuralNetClassifier

from skactive.probes import shap_explanations

from .conftest import make_classifier_net

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")


def _linear_net(seed=0):
    torch.manual_seed(seed)
    net = NeuralNetClassifier(
        torch.nn.Linear(3, 4), criterion=torch.nn.CrossEntropyLoss, max_epochs=1, verbose=0
    ).initialize()
    return net


@pytest.mark.parametrize("explainer, atol", [("deep", 1e-5), ("gradient", 1e-5), ("kernel", 1e-4)])
def test_linear_model_explanations_are_exact(explainer, atol):
    # For logits z = W x + b the SHAP value of feature j for class c is
    # W[c, j] (x_j - E[background_j]), whichever explainer computes it.
    net = _linear_net()
    rng = np.random.RandomState(0)
    X = rng.normal(size=(6, 3)).astype(np.float32)
    background = rng.normal(size=(5, 3)).astype(np.float32)
    if explainer == "gradient":
        # Expected gradients draw one background row per sample: with equal
        # rows the estimate is exact.
        background[:] = background[0]
    W = net.module_.weight.detach().numpy().astype(np.float64)
    b = net.module_.bias.detach().numpy().astype(np.float64)
    predicted = (X @ W.T + b).argmax(axis=1)
    expected = W[predicted] * (X - background.mean(axis=0))
    phi = shap_explanations(net, X, background, explainer=explainer, nsamples=500)
    assert phi.shape == (6, 3)
    np.testing.assert_allclose(phi, expected, atol=atol, rtol=1e-4)


def _fitted_mlp():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0)
    net = make_classifier_net(
        module__n_features_in=4, module__n_outputs=3, module__batch_norm=True, max_epochs=5
    )
    return net.fit(X, y), X


@pytest.mark.parametrize("explainer", ["deep", "gradient", "kernel"])
def test_shap_leaves_the_network_and_global_state_alone(explainer):
    net, X = _fitted_mlp()
    module = net.module_
    module.train()
    module.hidden[1].eval()  # partly in train mode: each flag must come back
    flags = [m.training for m in module.modules()]
    state = {k: v.clone() for k, v in module.state_dict().items()}
    for p in module.parameters():
        p.grad = torch.full_like(p, 0.5)
    names = [dict(m.named_parameters(recurse=False)).keys() for m in module.modules()]
    np.random.seed(7)
    numpy_state = np.random.get_state()[1].copy()
    torch.set_grad_enabled(False)
    try:
        shap_explanations(net, X[:5], X[:10], explainer=explainer, nsamples=20)
        assert not torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(True)
    assert [m.training for m in module.modules()] == flags
    for key, value in module.state_dict().items():
        assert torch.equal(value, state[key]), key
    assert [dict(m.named_parameters(recurse=False)).keys() for m in module.modules()] == names
    assert all(torch.equal(p.grad, torch.full_like(p, 0.5)) for p in module.parameters())
    for m in module.modules():
        assert not m._forward_hooks and not m._backward_hooks and not m._forward_pre_hooks
        assert not hasattr(m, "x") and not hasattr(m, "y")
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state)


def test_reproducible_for_a_seed():
    net, X = _fitted_mlp()
    a = shap_explanations(net, X[:4], X[:10], explainer="gradient", random_state=3)
    b = shap_explanations(net, X[:4], X[:10], explainer="gradient", random_state=3)
    np.testing.assert_array_equal(a, b)


class _Exotic(torch.nn.Module):
    """A module that leaves torch for NumPy in its forward pass."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(3, 2)

    def forward(self, X):
        return torch.from_numpy(np.tanh(self.linear(X).numpy()))


def test_shap_failure_is_a_clear_error_and_cleans_up():
    torch.manual_seed(0)
    net = NeuralNetClassifier(_Exotic(), max_epochs=1, verbose=0).initialize()
    X = np.random.RandomState(0).normal(size=(4, 3)).astype(np.float32)
    with pytest.raises(ValueError, match="shap's deep explainer could not explain _Exotic"):
        shap_explanations(net, X, X)
    for m in net.module_.modules():
        assert not m._forward_hooks and not m._backward_hooks
    assert [name for name, _ in net.module_.named_parameters()] == ["linear.weight", "linear.bias"]


def test_bad_arguments_are_refused():
    net = _linear_net()
    X = np.zeros((2, 3), dtype=np.float32)
    with pytest.raises(ValueError, match="explainer must be one of"):
        shap_explanations(net, X, X, explainer="lime")
    with pytest.raises(ValueError, match="same number of columns"):
        shap_explanations(net, X, np.zeros((2, 2)))
