"""Probe outputs built on the network's structure and its gradients.

Penultimate embeddings, BADGE's factored gradient embedding, DAMI's input
gradients and EGL's per-sample gradient norms, each checked against an
independent autograd computation, across chunk sizes, and for leaving the
network exactly as it was.
"""

import numpy as np
import pytest
import torch
from skorch import NeuralNetClassifier

from skactive import ActiveLearner, probes
from skactive.probes import _gradients

from .conftest import make_classifier_net, make_regressor_net


@pytest.fixture(scope="module")
def trained():
    """A trained 3-class MLP with BatchNorm, and rows to probe."""
    rng = np.random.RandomState(0)
    centres = np.array([[0.0, 0.0], [3.0, 3.0], [0.0, 3.0]])
    y = np.repeat(np.arange(3), 40)
    X = (centres[y] + rng.normal(scale=1.0, size=(120, 2))).astype(np.float32)
    net = make_classifier_net(module__batch_norm=True, module__hidden_layer_sizes=(16, 8))
    learner = ActiveLearner(net, random_state=0).fit(X, y)
    pool = rng.uniform(-2, 5, size=(45, 2)).astype(np.float32)
    return learner.network_, pool


def _logits(net, X):
    net.module_.eval()
    return net.module_(torch.as_tensor(X))


def _embedding_gradient(net, x, y):
    """Autograd's gradient of the cross-entropy w.r.t. the final weights."""
    module = net.module_
    module.eval()
    module.zero_grad()
    logits = module(torch.as_tensor(x[None]))
    torch.nn.functional.cross_entropy(logits, torch.tensor([y])).backward()
    g = module.output.weight.grad.detach().clone().numpy()
    module.zero_grad(set_to_none=True)
    return g


PROBES = {
    "penultimate": lambda net, X, b: probes.penultimate_embedding(net, X, batch_size=b),
    "gradient_embedding": lambda net, X, b: np.hstack(
        probes.gradient_embedding(net, X, batch_size=b)
    ),
    "input_gradients": lambda net, X, b: probes.input_gradients(net, X, batch_size=b),
    "loss_gradient_norms": lambda net, X, b: probes.loss_gradient_norms(net, X, batch_size=b),
}


@pytest.mark.parametrize("name", sorted(PROBES))
@pytest.mark.parametrize("batch_size", [1, 7, 1000])
def test_chunked_equals_unchunked(trained, name, batch_size):
    net, pool = trained
    whole = PROBES[name](net, pool, len(pool))
    np.testing.assert_allclose(PROBES[name](net, pool, batch_size), whole, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe_leaves_the_module_exactly_as_it_was(trained, name):
    net, pool = trained
    module = net.module_
    before = {k: v.clone() for k, v in module.state_dict().items()}
    grads = [None if p.grad is None else p.grad.clone() for p in module.parameters()]
    module.train()
    module.hidden[0].eval()  # a mixed state must come back as it was
    flags = [m.training for m in module.modules()]
    with torch.no_grad():
        PROBES[name](net, pool, 8)
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()
    assert [m.training for m in module.modules()] == flags
    for key, value in module.state_dict().items():
        assert torch.equal(value, before[key]), key
    for p, g in zip(module.parameters(), grads, strict=True):
        assert (p.grad is None and g is None) or torch.equal(p.grad, g)
    assert not module._forward_pre_hooks and not module.output._forward_pre_hooks


def test_penultimate_embedding_is_the_final_linear_input(trained):
    net, pool = trained
    net.module_.eval()
    with torch.no_grad():
        expected = net.module_.hidden(torch.as_tensor(pool)).numpy()
    np.testing.assert_allclose(
        probes.penultimate_embedding(net, pool, batch_size=10), expected, rtol=1e-6, atol=1e-6
    )


class _RegisteredBackwards(torch.nn.Module):
    """The final layer is registered first: only execution order can tell."""

    def __init__(self, n_features_in=2, n_outputs=3):
        super().__init__()
        self.last = torch.nn.Linear(5, n_outputs)
        self.first = torch.nn.Linear(n_features_in, 5)

    def forward(self, X):
        return self.last(torch.relu(self.first(X)))


class _NoLinear(torch.nn.Module):
    def __init__(self, n_features_in=2, n_outputs=3):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.ones(n_features_in))
        self.n_outputs = n_outputs

    def forward(self, X):
        return (X * self.scale).sum(dim=1, keepdim=True).repeat(1, self.n_outputs)


def _fit(module, blobs):
    X, y = blobs
    net = NeuralNetClassifier(
        module, criterion=torch.nn.CrossEntropyLoss, max_epochs=2, train_split=None, verbose=0
    )
    return ActiveLearner(net, random_state=0).fit(X, y).network_


def test_final_layer_is_found_by_execution_order(blobs):
    net = _fit(_RegisteredBackwards, blobs)
    X = blobs[0][:20]
    with torch.no_grad():
        expected = torch.relu(net.module_.first(torch.as_tensor(X))).numpy()
    h = probes.penultimate_embedding(net, X, batch_size=8)
    assert h.shape == (20, 5)
    np.testing.assert_allclose(h, expected, rtol=1e-6, atol=1e-7)


def test_network_without_a_linear_layer_is_refused_clearly(blobs):
    net = _fit(_NoLinear, blobs)
    for probe in (probes.penultimate_embedding, probes.gradient_embedding):
        with pytest.raises(ValueError, match="no torch.nn.Linear"):
            probe(net, blobs[0], batch_size=8)


# -------------------------------------------------------------------- BADGE


def test_gradient_embedding_equals_autograd_at_the_predicted_label(trained):
    net, pool = trained
    q, h = probes.gradient_embedding(net, pool, batch_size=16)
    y_hat = _logits(net, pool).argmax(dim=1).numpy()
    for i in range(0, len(pool), 5):
        np.testing.assert_allclose(
            np.outer(q[i], h[i]), _embedding_gradient(net, pool[i], y_hat[i]), atol=1e-5
        )


def test_badge_proposition_1_predicted_label_gives_the_smallest_gradient(trained):
    net, pool = trained
    q, h = probes.gradient_embedding(net, pool, batch_size=16)
    norm_hat = np.linalg.norm(q, axis=1) * np.linalg.norm(h, axis=1)
    for i in range(len(pool)):
        for y in range(3):
            g_y = _embedding_gradient(net, pool[i], y)
            assert norm_hat[i] <= np.linalg.norm(g_y) + 1e-6


class _WiderFinalLayer(_RegisteredBackwards):
    """The final Linear has a spare output the network drops."""

    def __init__(self, n_features_in=2, n_outputs=3):
        super().__init__(n_features_in, n_outputs + 1)

    def forward(self, X):
        return super().forward(X)[:, :-1]


def test_gradient_embedding_needs_one_final_output_per_class(blobs):
    net = _fit(_WiderFinalLayer, blobs)
    net.module_.train()
    with pytest.raises(ValueError, match="one output per class"):
        probes.gradient_embedding(net, blobs[0], batch_size=8)
    # The error left the module as it was: train mode, no hooks, grad on.
    assert all(m.training for m in net.module_.modules())
    assert not any(m._forward_pre_hooks for m in net.module_.modules())
    assert torch.is_grad_enabled()


# --------------------------------------------------------------------- DAMI


def test_input_gradients_equal_autograd_per_row(trained):
    net, pool = trained
    got = probes.input_gradients(net, pool, batch_size=16)
    y_hat = _logits(net, pool).argmax(dim=1)
    for i in range(len(pool)):
        x = torch.as_tensor(pool[i : i + 1]).requires_grad_(True)
        (g,) = torch.autograd.grad(net.module_(x)[0, y_hat[i]], x)
        np.testing.assert_allclose(got[i], g[0].numpy(), rtol=1e-5, atol=1e-6)


def test_input_gradients_are_the_local_linear_model_dami_eq_2(blobs):
    # A plain ReLU MLP: the predicted class's logit is piecewise linear, so a
    # small step along d changes it by eps * I(x) . d (DAMI eq. 2).
    X, y = blobs
    net = make_classifier_net(module__dropout=0.0)
    net = ActiveLearner(net, random_state=0).fit(X, y).network_
    rng = np.random.RandomState(0)
    x = X[:40]
    d = rng.normal(size=x.shape).astype(np.float32)
    eps = 1e-2
    interpretations = probes.input_gradients(net, x, batch_size=16)
    logits = _logits(net, x).detach().numpy()
    moved = _logits(net, x + eps * d).detach().numpy()
    cls = logits.argmax(axis=1)
    rows = np.arange(len(x))
    change = moved[rows, cls] - logits[rows, cls]
    predicted = eps * (interpretations * d).sum(axis=1)
    # Exact inside a linear region; a row whose step crosses a ReLU kink can
    # differ, so demand it for the large majority, to float32 precision.
    close = np.isclose(change, predicted, rtol=1e-2, atol=1e-4)
    assert close.mean() >= 0.9
    # The interpretation is not trivially small: the check has teeth.
    assert np.abs(predicted).mean() > 1e-3


def test_input_gradients_of_a_fixed_output_column(blobs):
    X, y = blobs
    learner = ActiveLearner(make_regressor_net(max_epochs=5), "random", random_state=0).fit(
        X, y * 1.0
    )
    net = learner.network_
    got = probes.input_gradients(net, X[:10], batch_size=4, output=0)
    x = torch.as_tensor(X[:10]).requires_grad_(True)
    net.module_.eval()
    (g,) = torch.autograd.grad(net.module_(x)[:, 0].sum(), x)
    np.testing.assert_allclose(got, g.numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="not a column"):
        probes.input_gradients(net, X[:10], batch_size=4, output=3)


# ---------------------------------------------------------------------- EGL


def _loop_gradient_norms(net, X):
    """Per-row, per-label gradient norms with a Python loop (the reference)."""
    module = net.module_
    module.eval()
    params = [p for p in module.parameters() if p.requires_grad]
    norms = np.empty((len(X), 3))
    for i in range(len(X)):
        for y in range(3):
            loss = torch.nn.functional.cross_entropy(
                module(torch.as_tensor(X[i : i + 1])), torch.tensor([y])
            )
            grads = torch.autograd.grad(loss, params)
            norms[i, y] = float(torch.sqrt(sum((g**2).sum() for g in grads)))
    return norms


def test_vmapped_gradient_norms_equal_a_per_row_loop(trained):
    net, pool = trained
    np.testing.assert_allclose(
        probes.loss_gradient_norms(net, pool, batch_size=16),
        _loop_gradient_norms(net, pool),
        rtol=1e-4,
        atol=1e-6,
    )


def test_gradient_norm_chunks_respect_the_memory_bound(trained, monkeypatch):
    net, pool = trained
    expected = probes.loss_gradient_norms(net, pool, batch_size=64)
    n_params = sum(p.numel() for p in net.module_.parameters())
    monkeypatch.setattr(_gradients, "_MAX_GRADIENT_ENTRIES", 3 * 3 * n_params)  # 3 classes
    calls = []
    original = probes.iter_chunks

    def spy(net_, X, batch_size):
        calls.append(batch_size)
        return original(net_, X, batch_size)

    monkeypatch.setattr(_gradients, "iter_chunks", spy)
    got = probes.loss_gradient_norms(net, pool, batch_size=64)
    assert calls[-1] == 3  # (a first call of 1 row counts the classes)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)
