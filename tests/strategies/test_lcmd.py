"""LCMD on networks: its last-layer kernel, transformations and modes."""

import numpy as np
import pytest
import torch

from skactive import ActiveLearner, probes
from skactive.strategies import LCMD

from ..conftest import make_classifier_net, make_regressor_net, make_three_classes
from ..test_lcmd_kernels import brute_force_lcmd


@pytest.fixture(scope="module")
def data():
    return make_three_classes(20, 150, seed=1)


@pytest.fixture(scope="module")
def regressor(data):
    X, y, _ = data
    net = make_regressor_net(max_epochs=20)
    return ActiveLearner(net, query_strategy="lcmd", random_state=0).fit(X, X[:, 0] * y)


@pytest.fixture(scope="module")
def classifier(data):
    X, y, _ = data
    net = make_classifier_net(max_epochs=20)
    return ActiveLearner(net, query_strategy=LCMD(), random_state=0).fit(X, y)


@pytest.mark.parametrize("task", ["regressor", "classifier"])
def test_last_layer_features_are_the_gradient_of_each_output(task, data, request):
    learner = request.getfixturevalue(task)
    module = learner.network_.module_
    pool = data[2][:4]
    features = probes.last_layer_features(learner.network_, pool, batch_size=3)
    assert features.shape == (4, module.output.in_features + 1)
    for row in range(pool.shape[0]):
        for k in range(module.output.out_features):
            module.zero_grad(set_to_none=True)
            with probes.evaluating(module), torch.enable_grad():
                module(torch.as_tensor(pool[row : row + 1]))[0, k].backward()
            grad = torch.cat([module.output.weight.grad[k], module.output.bias.grad[k : k + 1]])
            np.testing.assert_allclose(features[row], grad.numpy(), rtol=1e-5, atol=1e-6)
    module.zero_grad(set_to_none=True)


def test_last_layer_features_without_a_bias_are_the_embedding(data, regressor):
    net = regressor.network_
    bias = net.module_.output.bias
    net.module_.output.bias = None
    try:
        features = probes.last_layer_features(net, data[2], batch_size=32)
    finally:
        net.module_.output.bias = bias
    np.testing.assert_array_equal(
        features, probes.penultimate_embedding(net, data[2], batch_size=32)
    )


def test_features_are_the_scaled_last_layer_gradients(data, regressor):
    pool_features, labelled = LCMD().features(regressor, data[2])
    net = regressor.network_
    raw = probes.last_layer_features(net, data[2], batch_size=64)
    raw_labelled = probes.last_layer_features(net, regressor.X_labeled_, batch_size=64)
    # The scale transformation: mean k(x, x) over the labelled rows becomes 1.
    np.testing.assert_allclose((labelled.astype(np.float64) ** 2).sum(axis=1).mean(), 1.0, 1e-5)
    factor = 1.0 / np.sqrt((raw_labelled.astype(np.float64) ** 2).sum(axis=1).mean())
    np.testing.assert_allclose(pool_features, raw * factor, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(labelled, raw_labelled * factor, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("task", ["regressor", "classifier"])
def test_query_follows_the_definition_on_the_network_features(task, data, request):
    learner = request.getfixturevalue(task)
    pool_features, labelled = LCMD().features(learner, data[2])
    expected = brute_force_lcmd(pool_features, 20, labelled)
    np.testing.assert_array_equal(learner.query(data[2], 20), expected)
    np.testing.assert_array_equal(
        LCMD(mode="p").query(learner, data[2], 20),
        brute_force_lcmd(pool_features, 20, labelled[:0]),
    )


def test_p_mode_starts_from_the_largest_kernel_value(data, regressor):
    pool_features, _ = LCMD().features(regressor, data[2])
    first = LCMD(mode="p").query(regressor, data[2], 1)[0]
    assert first == np.argmax((pool_features.astype(np.float64) ** 2).sum(axis=1))


def test_tp_mode_keeps_away_from_the_labelled_rows(data, regressor):
    # Pool rows that repeat labelled rows are at distance 0 from a centre in
    # TP mode: they come after every other row.
    X_labelled = regressor.X_labeled_
    pool = np.r_[X_labelled[:10], data[2][:20]]
    indices = regressor.query(pool, 20)
    assert set(indices) == set(range(10, 30))


def test_sketch_is_seeded_and_projects_to_sketch_dim(data, regressor):
    strategy = LCMD(sketch_dim=16)
    a, la = strategy.features(regressor, data[2], random_state=3)
    b, lb = strategy.features(regressor, data[2], random_state=3)
    c, _ = strategy.features(regressor, data[2], random_state=4)
    assert a.shape == (150, 16) and la.shape == (regressor.X_labeled_.shape[0], 16)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(
        strategy.query(regressor, data[2], 10, random_state=3), brute_force_lcmd(a, 10, la)
    )


def test_a_large_sketch_approximates_the_exact_kernel(data, regressor):
    exact, labelled = LCMD().features(regressor, data[2])
    sketched, sketched_labelled = LCMD(sketch_dim=4096).features(regressor, data[2], 0)
    # Squared distances to the labelled rows, exact and sketched.
    d_exact = ((exact[:, None, :] - labelled[None]) ** 2).sum(axis=2)
    d_sketch = ((sketched[:, None, :] - sketched_labelled[None]) ** 2).sum(axis=2)
    relative = np.abs(d_sketch - d_exact).max() / d_exact.max()
    assert relative < 0.15


def test_multi_output_regressor_is_accepted(data):
    X, y, pool = data
    net = make_regressor_net(max_epochs=5)
    learner = ActiveLearner(net, query_strategy="lcmd", random_state=0).fit(X, X)
    indices = learner.query(pool, 12)
    assert np.unique(indices).shape == (12,)
    features, labelled = LCMD().features(learner, pool)
    np.testing.assert_array_equal(indices, brute_force_lcmd(features, 12, labelled))


# ------------------------------------------------------------ the grad kernel


def test_grad_kernel_follows_the_definition(data, regressor):
    strategy = LCMD(kernel="grad", sketch_dim=64)
    pool_features, labelled = strategy.features(regressor, data[2], random_state=5)
    assert pool_features.shape == (150, 64)
    np.testing.assert_allclose((labelled.astype(np.float64) ** 2).sum(axis=1).mean(), 1.0, 1e-5)
    np.testing.assert_array_equal(
        strategy.query(regressor, data[2], 15, random_state=5),
        brute_force_lcmd(pool_features, 15, labelled),
    )


def test_exact_grad_kernel_on_a_classifier_differentiates_the_predicted_logit(data, classifier):
    pool_features, labelled = LCMD(kernel="grad").features(classifier, data[2])
    exact = probes.gradient_features(classifier.network_, data[2], batch_size=64, output="argmax")
    factor = 1.0 / np.sqrt(
        (
            probes.gradient_features(
                classifier.network_, classifier.X_labeled_, batch_size=64, output="argmax"
            ).astype(np.float64)
            ** 2
        )
        .sum(axis=1)
        .mean()
    )
    np.testing.assert_allclose(pool_features, exact * factor, rtol=1e-5, atol=1e-7)
    indices = LCMD(kernel="grad").query(classifier, data[2], 10)
    np.testing.assert_array_equal(indices, brute_force_lcmd(pool_features, 10, labelled))


# ------------------------------------------ the contract, for the other settings

SETTINGS = [
    pytest.param(LCMD(kernel="grad", sketch_dim=32), "regressor", id="grad-regressor"),
    pytest.param(LCMD(kernel="grad", sketch_dim=32), "classifier", id="grad-classifier"),
    pytest.param(LCMD(mode="p", sketch_dim=8), "regressor", id="p-sketch-regressor"),
]


def _fitted(strategy, data, task, **kwargs):
    from .test_common import _learner

    return _learner(strategy, data, task, **kwargs)


@pytest.mark.parametrize("strategy, task", SETTINGS)
def test_other_settings_keep_the_contract(strategy, task, data):
    from .test_common import _assert_unchanged, _set_modes, _snapshot

    learner = _fitted(strategy, data, task)
    pool = data[2]
    module = learner.network_.module_
    _set_modes(module, "dropout-train")
    before = _snapshot(module)
    indices = learner.query(pool, 40)
    _assert_unchanged(module, before)
    assert np.unique(indices).shape == (40,) and indices.dtype == np.int64
    np.testing.assert_array_equal(learner.query(pool, 40), indices)
    small = _fitted(strategy, data, task, pool_batch_size=7)
    np.testing.assert_array_equal(small.query(pool, 40), indices)


@pytest.mark.parametrize("strategy, task", SETTINGS[:2])
def test_grad_kernel_restores_the_network_when_it_fails_midway(strategy, task, data):
    from .test_common import _assert_unchanged, _failing_on_call, _Injected, _snapshot

    learner = _fitted(strategy, data, task, pool_batch_size=64)
    module = learner.network_.module_
    module.zero_grad(set_to_none=True)
    handle = _failing_on_call(module.output, 2)
    try:
        before = _snapshot(module)
        with pytest.raises(_Injected):
            learner.query(data[2], 5)
        _assert_unchanged(module, before)
    finally:
        handle.remove()
    assert all(p.grad is None for p in module.parameters())
    expected = _fitted(strategy, data, task, pool_batch_size=64).query(data[2], 5)
    np.testing.assert_array_equal(learner.query(data[2], 5), expected)
