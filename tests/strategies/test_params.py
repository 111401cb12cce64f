"""Declared parameters, validated once per query, and capability tags."""

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skactive import ActiveLearner
from skactive._compatibility import strategy_requirements
from skactive.strategies import (
    ALBL,
    BALD,
    DAL,
    LCMD,
    STRATEGY_ALIASES,
    CoreSet,
    DensityWeighted,
    Entropy,
    LeastConfidence,
    MaxVariance,
    PowerSampling,
    ProbCover,
    QueryStrategy,
    UtilityStrategy,
)
from skactive.strategies._base import RealInterval, StrategyTags, strategy_tags

from ..conftest import make_classifier_net, make_three_classes


@pytest.fixture(scope="module")
def learner():
    X, y, pool = make_three_classes(20, 60)
    net = make_classifier_net(max_epochs=5)
    return ActiveLearner(net, query_strategy="random", random_state=0).fit(X, y), pool


@pytest.mark.parametrize("alias", sorted(STRATEGY_ALIASES))
def test_every_parameter_is_declared(alias):
    kind = STRATEGY_ALIASES[alias]
    assert set(kind._parameter_constraints) == set(kind().get_params(deep=False))


class _Unacceptable:
    """A value no constraint accepts."""


def _bad_params(alias):
    kind = STRATEGY_ALIASES[alias]
    for name, constraints in kind._parameter_constraints.items():
        if constraints != "no_validation":
            yield pytest.param(kind, name, id=f"{alias}-{name}")


@pytest.mark.parametrize(
    "kind, name", [p for alias in sorted(STRATEGY_ALIASES) for p in _bad_params(alias)]
)
def test_a_value_breaking_its_constraints_is_refused_at_query(kind, name, learner):
    fitted, pool = learner
    strategy = kind(**{name: _Unacceptable()})
    with pytest.raises(InvalidParameterError, match=name) as info:
        strategy.query(fitted, fitted.network_input(pool), 2, random_state=0)
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)


def test_the_discriminator_settings_keep_their_own_check(learner):
    fitted, pool = learner
    with pytest.raises(ValueError, match="DAL's discriminator: lr must be positive"):
        DAL(lr=-1.0).query(fitted, fitted.network_input(pool), 2)


def test_a_real_interval_refuses_bools():
    interval = RealInterval(0, None, closed="neither")
    assert interval.is_satisfied_by(0.5) and interval.is_satisfied_by(2)
    assert not interval.is_satisfied_by(True) and not interval.is_satisfied_by(-1.0)
    assert str(interval) == "a float in the range (0.0, inf)"


def _count_validations(monkeypatch):
    calls = []
    original = QueryStrategy._validate_params

    def counting(self):
        calls.append(type(self).__name__)
        return original(self)

    monkeypatch.setattr(QueryStrategy, "_validate_params", counting)
    return calls


@pytest.mark.parametrize(
    "strategy, validated",
    [
        (Entropy(), ["Entropy"]),  # query calls utility: validated once
        (BALD(n_mc_samples=4), ["BALD"]),
        (PowerSampling(BALD(n_mc_samples=4)), ["PowerSampling", "BALD"]),
        (ALBL(), ["ALBL", "LeastConfidence", "CoreSet"]),
        (ProbCover(), ["ProbCover"]),
    ],
    ids=["Entropy", "BALD", "PowerSampling(BALD)", "ALBL", "ProbCover"],
)
def test_parameters_are_validated_once_per_query(strategy, validated, learner, monkeypatch):
    fitted, pool = learner
    calls = _count_validations(monkeypatch)
    strategy.query(fitted, fitted.network_input(pool), 3, random_state=0)
    assert calls == validated
    strategy.query(fitted, fitted.network_input(pool), 3, random_state=0)
    assert calls == validated * 2


def test_a_strategy_called_by_a_user_function_is_still_validated(learner):
    fitted, pool = learner

    def inner(learner, X_pool, n):
        return BALD(n_mc_samples=1).query(learner, X_pool, n)

    from skactive.strategies import CallableStrategy

    with pytest.raises(InvalidParameterError, match="n_mc_samples >= 2"):
        CallableStrategy(inner).query(fitted, fitted.network_input(pool), 2)


# ---------------------------------------------------------------- tags


def test_tags_follow_the_parameters():
    assert strategy_tags(DensityWeighted()).clusters_from_classes
    assert not strategy_tags(DensityWeighted(n_clusters=3)).clusters_from_classes
    assert strategy_tags(DensityWeighted(n_clusters=3)).supports_regressor
    embedding = strategy_tags(DensityWeighted(representation="embedding"))
    assert embedding.needs_final_linear and embedding.uses_network
    assert not strategy_tags(DensityWeighted()).uses_network
    assert (
        not strategy_tags(LCMD()).single_output and strategy_tags(LCMD(kernel="grad")).single_output
    )
    assert not strategy_tags(ProbCover(delta=0.5)).clusters_from_classes


def test_wrappers_need_what_their_members_need():
    albl = strategy_tags(ALBL([LeastConfidence(), MaxVariance()]))
    assert albl.classifier_only and albl.needs_dropout and not albl.needs_final_linear
    assert strategy_tags(ALBL()).needs_final_linear  # CoreSet by default
    sampler = strategy_tags(PowerSampling(MaxVariance()))
    assert sampler.needs_dropout and not sampler.classifier_only
    assert strategy_tags(PowerSampling()).classifier_only  # BALD by default
    assert not sampler.ranking  # it samples a batch; its base ranks


@pytest.mark.parametrize("alias", sorted(STRATEGY_ALIASES))
def test_ranking_and_costs_tags_say_what_the_strategy_offers(alias):
    import inspect

    strategy = STRATEGY_ALIASES[alias]()
    tags = strategy_tags(strategy)
    assert tags.ranking == isinstance(strategy, UtilityStrategy)
    assert tags.supports_costs == ("costs" in inspect.signature(strategy.query).parameters)


def test_requirements_are_read_from_the_tags():
    assert strategy_requirements(BALD()) == {"classifier", "dropout"}
    assert strategy_requirements(ALBL([CoreSet()])) == {"classifier", "final_linear"}
    assert strategy_requirements(lambda learner, X_pool, n: np.arange(n)) == set()


def test_untagged_objects_get_default_tags():
    class Plain:
        def query(self, learner, X_pool, n, random_state=None):
            return np.arange(n)

    assert strategy_tags(Plain()) == StrategyTags()
    assert StrategyTags().supports_regressor
    assert not StrategyTags(classifier_only=True).supports_regressor


def test_the_dask_ranking_strategies_are_those_tagged_row_independent():
    from skactive.strategies import RANKING_STRATEGIES

    tagged = [k for k in STRATEGY_ALIASES.values() if strategy_tags(k()).row_independent]
    assert list(RANKING_STRATEGIES) == tagged
    for kind in RANKING_STRATEGIES:
        assert strategy_tags(kind()).ranking
    # Ranking, but each utility depends on the whole pool (its k-means clusters).
    assert not strategy_tags(DensityWeighted()).row_independent
