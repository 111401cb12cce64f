"""Strategy/learner compatibility is checked before any training."""

import numpy as np
import pytest

from skactive import ActiveLearner
from skactive._compatibility import strategy_requirements
from skactive.model_selection import _validation, cross_validate_strategies
from skactive.strategies import STRATEGY_ALIASES, QueryStrategy

from .conftest import make_classifier_net, make_regressor_net, small_strategies
from .test_bad_input import ConvHead, custom_net

rng = np.random.RandomState(0)
X = np.r_[rng.normal(0, 1, (20, 2)), rng.normal(3, 1, (20, 2))].astype(np.float32)
y = np.repeat([0, 1], 20)
POOL = rng.normal(1.5, 2, (15, 2)).astype(np.float32)
FAST = small_strategies(fast=True)

#: (network factory, targets) a strategy may not be able to use.
SETTINGS = {
    "regressor": (lambda: make_regressor_net(max_epochs=2), X[:, 0]),
    "two-output regressor": (lambda: make_regressor_net(max_epochs=2), X),
    "no dropout": (lambda: make_classifier_net(max_epochs=2, module__dropout=0), y),
    "no nn.Linear": (lambda: custom_net(ConvHead), y),
}


@pytest.fixture
def no_training(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a network was trained")

    monkeypatch.setattr(ActiveLearner, "_train", refuse)


@pytest.mark.parametrize(
    "strategy, setting, message",
    [
        ("margin", "regressor", "Margin needs class probabilities"),
        ("bald", "no dropout", "BALD cannot use this network: MC-dropout strategies need"),
        ("badge", "no nn.Linear", "BADGE cannot use this network: ConvHead has no torch.nn.Linear"),
        ("dami", "two-output regressor", "DAMI needs one output to interpret"),
        ("max_variance", "no dropout", "need a network with a dropout layer"),
    ],
)
def test_fit_refuses_an_incompatible_strategy_before_training(
    strategy, setting, message, no_training
):
    make, target = SETTINGS[setting]
    learner = ActiveLearner(make(), query_strategy=strategy, random_state=0)
    with pytest.raises(ValueError, match=message):
        learner.fit(X, target)
    assert not hasattr(learner, "estimator_")


@pytest.mark.parametrize("setting", sorted(SETTINGS))
@pytest.mark.parametrize("alias", sorted(STRATEGY_ALIASES))
def test_what_fit_accepts_query_does_not_refuse_for_compatibility(alias, setting):
    # The up-front check misses nothing: a strategy that fit let through
    # never finds at query that the network lacks what it needs.
    make, target = SETTINGS[setting]
    learner = ActiveLearner(make(), query_strategy=FAST[alias], random_state=0)
    try:
        learner.fit(X, target)
    except ValueError as error:
        assert any(
            word in str(error)
            for word in ("class probabilities", "dropout", "nn.Linear", "one output", "clusters")
        ), error
        return
    try:
        learner.query(POOL, 3)
    except ValueError as error:  # pragma: no cover - the failure this test exists for
        pytest.fail(f"{alias} passed fit but refused at query: {error}")


def test_cross_validation_refuses_before_the_first_run(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a run was started")

    monkeypatch.setattr(_validation, "_run", refuse)
    learner = ActiveLearner(make_regressor_net(max_epochs=2), query_strategy="random")
    with pytest.raises(ValueError, match="Strategy 'margin': Margin needs class probabilities.*"
                       "No run was started"):  # fmt: skip
        cross_validate_strategies(
            learner, ["random", "margin"], X, X[:, 0], cv=2, initial_size=6, budget=12,
            query_size=3, verbose=False, random_state=0,
        )  # fmt: skip


def test_compatible_strategies_train_as_before():
    learner = ActiveLearner(make_regressor_net(max_epochs=2), query_strategy="max_variance")
    learner.set_params(query_strategy=FAST["max_variance"], random_state=0).fit(X, X[:, 0])
    assert learner.query(POOL, 3).shape == (3,)


class _NeedsClasses(QueryStrategy):
    """A third-party strategy that declares its needs only through its tags."""

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.classifier_only = True
        return tags

    def query(self, learner, X_pool, n, random_state=None):
        return np.arange(n)


def test_a_third_party_strategy_is_checked_by_its_tags():
    X = np.random.RandomState(0).normal(size=(30, 2)).astype(np.float32)
    learner = ActiveLearner(make_regressor_net(max_epochs=2), query_strategy=_NeedsClasses())
    with pytest.raises(ValueError, match="_NeedsClasses needs class probabilities"):
        learner.fit(X, X[:, 0])
    assert strategy_requirements(_NeedsClasses()) == {"classifier"}
