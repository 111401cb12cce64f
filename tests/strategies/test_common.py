"""The contract every strategy honours, run on each of them.

The lists are read from the registry (``STRATEGY_ALIASES``) and the
strategies' capability tags: register a new strategy and every test here runs
on it, on a regressor too if its tags allow one.
"""

import numpy as np
import pytest
import torch
from sklearn.base import clone

from skactive import ActiveLearner
from skactive.strategies import (
    ALBL,
    ALEX,
    BADGE,
    BALD,
    DAL,
    DAMI,
    DEIMOS,
    EGL,
    LCMD,
    STRATEGY_ALIASES,
    BatchBALD,
    CoreSet,
    DensityWeighted,
    Entropy,
    LeastConfidence,
    Margin,
    MaxVariance,
    PowerSampling,
    ProbCover,
    Random,
    SoftmaxSampling,
    SoftRankSampling,
    TypiClust,
)
from skactive.strategies._base import strategy_tags
from skactive.strategies._table import regressor_variants

from ..conftest import (
    cheap,
    make_classifier_net,
    make_regressor_net,
    make_three_classes,
    small_strategies,
)

CLASSIFICATION = list(small_strategies().values())
REGRESSION = [s for s in CLASSIFICATION if strategy_tags(s).supports_regressor]
# Strategies that need a setting (or a base strategy) to work with regressors.
# (the settings of REGRESSOR_SETTINGS that the README's table names).
REGRESSION += [
    cheap(variant)
    for s in CLASSIFICATION
    if not strategy_tags(s).supports_regressor
    for _, variant in regressor_variants(s)
]


def _ids(strategies):
    return [type(s).__name__ for s in strategies]


@pytest.fixture(scope="module")
def data():
    return make_three_classes(40, 300)


def _learner(strategy, data, task="classifier", **kwargs):
    X, y, _ = data
    if task == "classifier":
        net = make_classifier_net(module__batch_norm=True, max_epochs=20)
        return ActiveLearner(net, query_strategy=strategy, random_state=0, **kwargs).fit(X, y)
    net = make_regressor_net(module__batch_norm=True, max_epochs=20)
    return ActiveLearner(net, query_strategy=strategy, random_state=0, **kwargs).fit(X, X[:, 0] * y)


def _params(strategies, task):
    return [pytest.param(s, task, id=f"{task}-{type(s).__name__}") for s in strategies]


ALL = _params(CLASSIFICATION, "classifier") + _params(REGRESSION, "regressor")


@pytest.mark.parametrize("strategy, task", ALL)
@pytest.mark.parametrize("n", [1, 17, 300])
def test_returns_n_distinct_indices_inside_the_pool(strategy, task, data, n):
    learner = _learner(strategy, data, task)
    idx = learner.query(data[2], n)
    assert idx.shape == (n,) and idx.dtype == np.int64
    assert np.unique(idx).shape == (n,)
    assert 0 <= idx.min() and idx.max() < 300


@pytest.mark.parametrize("strategy, task", ALL)
def test_reproducible_for_a_seed_and_varies_with_it(strategy, task, data):
    pool = data[2]
    learner = _learner(strategy, data, task)
    X_net = learner.network_input(pool)
    a = clone(strategy).query(learner, X_net, 10, random_state=1)
    b = clone(strategy).query(learner, X_net, 10, random_state=1)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(learner.query(pool, 10), learner.query(pool, 10))


@pytest.mark.parametrize("strategy, task", ALL)
def test_pool_chunk_size_does_not_change_the_answer(strategy, task, data):
    small = _learner(strategy, data, task, pool_batch_size=7)
    large = _learner(strategy, data, task, pool_batch_size=4096)
    np.testing.assert_array_equal(small.query(data[2], 25), large.query(data[2], 25))


@pytest.mark.parametrize("strategy, task", ALL)
def test_query_leaves_the_network_bit_identical(strategy, task, data):
    learner = _learner(strategy, data, task)
    module = learner.network_.module_
    before = {k: v.clone() for k, v in module.state_dict().items()}
    module.train()
    learner.query(data[2], 5)
    assert all(m.training for m in module.modules())
    for key, value in module.state_dict().items():
        assert torch.equal(value, before[key]), key


@pytest.mark.parametrize("strategy", CLASSIFICATION, ids=_ids(CLASSIFICATION))
def test_is_a_clonable_estimator(strategy):
    twin = clone(strategy)

    def params(s):  # nested strategies (a sampler's base) are cloned too: compare their params
        return {
            k: v.get_params() if hasattr(v, "get_params") else v for k, v in s.get_params().items()
        }

    assert type(twin) is type(strategy) and params(twin) == params(strategy)


def test_aliases_name_the_strategies():
    expected = {
        "random": Random,
        "least_confidence": LeastConfidence,
        "margin": Margin,
        "entropy": Entropy,
        "badge": BADGE,
        "coreset": CoreSet,
        "dami": DAMI,
        "egl": EGL,
        "bald": BALD,
        "batchbald": BatchBALD,
        "max_variance": MaxVariance,
        "deimos": DEIMOS,
        "dal": DAL,
        "alex": ALEX,
        "density_weighted": DensityWeighted,
        "albl": ALBL,
        "typiclust": TypiClust,
        "probcover": ProbCover,
        "softmax_bald": SoftmaxSampling,
        "power_bald": PowerSampling,
        "softrank_bald": SoftRankSampling,
        "lcmd": LCMD,
    }
    assert STRATEGY_ALIASES == expected


@pytest.mark.parametrize("alias", sorted(STRATEGY_ALIASES))
def test_alias_resolves_to_its_class(alias, data):
    learner = _learner(alias, data)
    assert type(learner.query_strategy_) is STRATEGY_ALIASES[alias]


# ------------------------------------------------------------------ immutability
#
# ``query`` must hand the network back exactly as it found it: parameters and
# BatchNorm buffers, every submodule's train/eval flag (dropout layers
# included, which MC-dropout strategies make stochastic), torch's grad mode,
# the parameters' ``.grad``, and no hook left behind; also when the strategy
# raises half-way through.

# The strategies that run the network, as their tags say (Random never does;
# DensityWeighted, TypiClust and ProbCover only on their "embedding"
# representation, which they are then also run with).
TOUCHING = [p for p in ALL if strategy_tags(p.values[0]).uses_network]
TOUCHING += _params(
    [
        clone(s).set_params(representation="embedding")
        for s in CLASSIFICATION
        if not strategy_tags(s).uses_network and "representation" in s.get_params(deep=False)
    ],
    "classifier",
)


def _set_modes(module, mode):
    """Put ``module`` in one of the train/eval patterns a user may leave it in."""
    module.train(mode != "eval" and mode != "dropout-train")
    for m in module.modules():
        if isinstance(m, torch.nn.Dropout):
            m.training = mode == "dropout-train" or mode == "train"


def _hooks(module):
    """Every hook registered on ``module``'s submodules and globally, by id."""
    per_module = [
        (name, tuple(value))
        for m in module.modules()
        for name, value in sorted(vars(m).items())
        if name.endswith("hooks") and isinstance(value, dict)
    ]
    glob = torch.nn.modules.module
    global_hooks = [
        tuple(getattr(glob, name))
        for name in dir(glob)
        if name.startswith("_global") and name.endswith("hooks")
    ]
    return per_module, global_hooks


def _snapshot(module):
    return dict(
        state={k: v.clone() for k, v in module.state_dict().items()},
        flags=[m.training for m in module.modules()],
        grads=[None if p.grad is None else p.grad.clone() for p in module.parameters()],
        hooks=_hooks(module),
        grad_enabled=torch.is_grad_enabled(),
    )


def _assert_unchanged(module, before):
    after = _snapshot(module)
    assert after["flags"] == before["flags"]
    assert after["grad_enabled"] == before["grad_enabled"]
    assert after["hooks"] == before["hooks"]
    assert after["state"].keys() == before["state"].keys()
    for key, value in after["state"].items():
        assert torch.equal(value, before["state"][key]), key
    for g_after, g_before in zip(after["grads"], before["grads"], strict=True):
        assert (g_after is None) == (g_before is None)
        assert g_after is None or torch.equal(g_after, g_before)


@pytest.mark.parametrize("strategy, task", ALL)
@pytest.mark.parametrize("mode", ["eval", "dropout-train", "dropout-eval"])
def test_query_restores_every_train_eval_flag(strategy, task, data, mode):
    learner = _learner(strategy, data, task)
    module = learner.network_.module_
    _set_modes(module, mode)
    flags = [m.training for m in module.modules()]
    assert len(set(flags)) == (1 if mode == "eval" else 2)  # the pattern is what it says
    before = _snapshot(module)
    learner.query(data[2], 5)
    _assert_unchanged(module, before)


@pytest.mark.parametrize("strategy, task", ALL)
@pytest.mark.parametrize("grad_enabled", [True, False])
def test_query_restores_grad_mode(strategy, task, data, grad_enabled):
    learner = _learner(strategy, data, task)
    module = learner.network_.module_
    with torch.set_grad_enabled(grad_enabled):
        before = _snapshot(module)
        idx = learner.query(data[2], 5)
        assert torch.is_grad_enabled() is grad_enabled
        _assert_unchanged(module, before)
    # Under no_grad the answer is the one given with gradients on.
    np.testing.assert_array_equal(idx, learner.query(data[2], 5))


class _Injected(RuntimeError):
    pass


def _count_forward_calls(learner, pool):
    calls = []
    handle = learner.network_.module_.output.register_forward_hook(lambda *_: calls.append(1))
    try:
        learner.query(pool, 5)
    finally:
        handle.remove()
    return len(calls)


def _failing_on_call(layer, k):
    """A forward hook on ``layer`` that raises on its ``k``-th call."""
    calls = []

    def hook(module, inputs, output):
        calls.append(1)
        if len(calls) == k:
            raise _Injected(f"injected failure on forward call {k}")

    return layer.register_forward_hook(hook)


def _caused_by_injection(error):
    while error is not None:
        if isinstance(error, _Injected):
            return True
        error = error.__cause__ or error.__context__
    return False


@pytest.mark.parametrize("strategy, task", TOUCHING)
@pytest.mark.parametrize("when", ["second", "last"])
@pytest.mark.parametrize("grad_enabled", [True, False])
def test_query_restores_the_network_when_the_strategy_raises(
    strategy, task, data, when, grad_enabled
):
    # Several chunks, so the failure can come after a chunk went through.
    learner = _learner(strategy, data, task, pool_batch_size=64)
    module = learner.network_.module_
    n_calls = _count_forward_calls(learner, data[2])
    assert n_calls >= 2
    _set_modes(module, "dropout-eval")
    module.zero_grad(set_to_none=True)
    handle = _failing_on_call(module.output, 2 if when == "second" else n_calls)
    try:
        with torch.set_grad_enabled(grad_enabled):
            before = _snapshot(module)
            with pytest.raises(Exception) as info:
                learner.query(data[2], 5)
            assert _caused_by_injection(info.value), info.value
            _assert_unchanged(module, before)
    finally:
        handle.remove()
    assert all(p.grad is None for p in module.parameters())
    # And the learner still answers as before once the network works again.
    np.testing.assert_array_equal(
        learner.query(data[2], 5),
        _learner(strategy, data, task, pool_batch_size=64).query(data[2], 5),
    )


@pytest.mark.parametrize(
    "strategy, method",
    [(Entropy(), "_from_proba"), (BALD(n_mc_samples=10), "utility_from_samples")],
    ids=["Entropy", "BALD"],
)
def test_query_restores_the_network_when_the_strategy_raises_between_chunks(
    strategy, method, data, monkeypatch
):
    # The probe's chunk iterators hold the network in eval mode without
    # gradients while the strategy consumes them; a failure in the strategy's
    # own code between two chunks must still give the network back.
    learner = _learner(strategy, data, pool_batch_size=64)
    module = learner.network_.module_
    original = getattr(type(learner.query_strategy_), method)
    calls = []

    def failing(*args):
        calls.append(1)
        if len(calls) == 2:
            raise _Injected("injected failure between chunks")
        return original(*args)

    monkeypatch.setattr(type(learner.query_strategy_), method, staticmethod(failing))
    _set_modes(module, "dropout-train")
    before = _snapshot(module)
    with pytest.raises(_Injected) as info:
        learner.query(data[2], 5)
    # The traceback (kept alive by ``info``) must not keep the network in eval.
    assert info.value.__traceback__ is not None
    _assert_unchanged(module, before)
