"""Stream selectors on hand-made confidences, and the stream simulation."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from skactive import ActiveLearner
from skactive.model_selection import simulate_stream
from skactive.stream import (
    STREAM_ALIASES,
    RandomBudget,
    RandomizedVariableUncertainty,
    Split,
    VariableUncertainty,
)

from .conftest import make_classifier_net


class Confidence(ClassifierMixin, BaseEstimator):
    """A 'fitted learner' whose largest class probability is the row's first feature."""

    def fit(self, X, y):
        return self

    @property
    def estimator_(self):
        return self

    def predict_proba(self, X):
        c = np.asarray(X, dtype=np.float64)[:, 0]
        return np.c_[c, 1 - c]


def rows(confidences):
    return np.c_[confidences, np.zeros(len(confidences))]


def test_variable_uncertainty_follows_algorithm_3():
    selector = VariableUncertainty(budget=1.0, step=0.1)
    # theta = 1: 0.95 < 1 -> label, theta 0.9; 0.95 >= 0.9 -> no, theta 0.99;
    # 0.95 < 0.99 -> label, theta 0.891; 0.5 < 0.891 -> label, theta 0.8019.
    asked = selector.ask(Confidence(), rows([0.95, 0.95, 0.95, 0.5]))
    np.testing.assert_array_equal(asked, [True, False, True, True])
    assert selector.threshold_ == pytest.approx(1.0 * 0.9 * 1.1 * 0.9 * 0.9)
    assert selector.n_seen_ == 4 and selector.n_asked_ == 3


def test_rows_in_one_batch_or_one_by_one_give_the_same_decisions():
    confidences = np.random.RandomState(0).uniform(0.5, 1, 200)
    whole = VariableUncertainty(budget=0.2).ask(Confidence(), rows(confidences))
    selector = VariableUncertainty(budget=0.2)
    single = np.concatenate([selector.ask(Confidence(), rows([c])) for c in confidences])
    np.testing.assert_array_equal(whole, single)


@pytest.mark.parametrize("budget", [0.05, 0.2])
@pytest.mark.parametrize("name", sorted(STREAM_ALIASES))
def test_every_selector_keeps_to_its_budget(name, budget):
    confidences = np.random.RandomState(1).uniform(0.5, 1, 5000)
    selector = STREAM_ALIASES[name](budget=budget, window=500, random_state=0)
    asked = selector.ask(Confidence(), rows(confidences))
    rate = asked.mean()
    # The budget manager caps the spending; the strategies spend most of it.
    assert rate <= budget * 1.05
    assert rate >= budget * 0.6
    assert selector.rate_ == pytest.approx(budget, rel=0.2)


def test_budget_manager_blocks_labels_once_the_rate_is_spent():
    # Every row is uncertain; with window 10 and budget 0.5 about every other
    # row can be labelled, never two thirds.
    selector = VariableUncertainty(budget=0.5, window=10)
    asked = selector.ask(Confidence(), rows(np.full(100, 0.01)))
    assert 0.4 <= asked[20:].mean() <= 0.55


def test_uncertainty_selectors_prefer_uncertain_rows():
    rng = np.random.RandomState(0)
    confidences = rng.uniform(0.5, 1, 4000)
    variable = VariableUncertainty(budget=0.1).ask(Confidence(), rows(confidences))
    random = RandomBudget(budget=0.1, random_state=0).ask(Confidence(), rows(confidences))
    assert confidences[variable].mean() < confidences[random].mean() - 0.1


def test_split_between_its_two_extremes():
    confidences = np.random.RandomState(0).uniform(0.5, 1, 4000)
    data = rows(confidences)
    # No random share: exactly variable uncertainty.
    np.testing.assert_array_equal(
        Split(budget=0.1, random_share=0.0, random_state=0).ask(Confidence(), data),
        VariableUncertainty(budget=0.1).ask(Confidence(), data),
    )
    # All random: the labelled rows are as confident as the stream on average.
    random = Split(budget=0.1, random_share=1.0, random_state=0).ask(Confidence(), data)
    assert abs(confidences[random].mean() - confidences.mean()) < 0.03
    # In between: in between.
    half = Split(budget=0.1, random_share=0.5, random_state=0).ask(Confidence(), data)
    variable = VariableUncertainty(budget=0.1).ask(Confidence(), data)
    assert confidences[variable].mean() < confidences[half].mean() < confidences[random].mean()
    randomized = RandomizedVariableUncertainty(budget=0.1, random_state=0)
    assert randomized.ask(Confidence(), data).mean() <= 0.105


def test_same_seed_same_decisions_and_clone_starts_fresh():
    confidences = np.random.RandomState(0).uniform(0.5, 1, 300)
    a = Split(budget=0.2, random_state=3)
    b = Split(budget=0.2, random_state=3)
    np.testing.assert_array_equal(
        a.ask(Confidence(), rows(confidences)), b.ask(Confidence(), rows(confidences))
    )
    assert not hasattr(clone(a), "threshold_")


@pytest.mark.parametrize("budget", [0, -0.1, 1.5, np.nan])
def test_budget_outside_zero_one_is_refused_and_nothing_changes(budget):
    selector = VariableUncertainty(budget=budget)
    with pytest.raises(ValueError, match=r"must lie in \(0, 1\]"):
        selector.ask(Confidence(), rows([0.5]))
    assert not hasattr(selector, "threshold_") and not hasattr(selector, "n_seen_")


# -------------------------------------------------------------- simulation

rng = np.random.RandomState(0)
X = rng.normal(size=(330, 2)).astype(np.float32)
y = (X[:, 0] + X[:, 1] > 0).astype(int)


@pytest.mark.parametrize("retrain_every", [1, 8])
def test_simulate_stream_retrains_at_the_given_cadence(retrain_every):
    learner = ActiveLearner(make_classifier_net(max_epochs=2))
    results = simulate_stream(
        learner, VariableUncertainty(budget=0.1, window=100), X[:250], y[:250], X[250:],
        y[250:], initial_size=10, retrain_every=retrain_every, random_state=0,
    )  # fmt: skip
    assert results["n_seen"].iloc[0] == 10 and results["n_labeled"].iloc[0] == 10
    assert results["n_seen"].iloc[-1] == 250
    steps = np.diff(results["n_labeled"].to_numpy())
    steps = steps[steps > 0]  # the end of the stream may bring no new label
    assert np.all(steps[:-1] == retrain_every) and 1 <= steps[-1] <= retrain_every
    n_asked = results["n_asked"].iloc[-1]
    assert n_asked == results["n_labeled"].iloc[-1] - 10
    assert n_asked / 240 <= 0.11
    assert learner.get_params()["random_state"] is None  # the learner given is not fitted
    assert not hasattr(learner, "estimator_")


def test_simulate_stream_with_mini_batches_is_reproducible():
    kwargs = dict(initial_size=10, batch_size=20, retrain_every=5, random_state=1)
    learner = ActiveLearner(make_classifier_net(max_epochs=2))
    args = (learner, Split(budget=0.2), X[:200], y[:200], X[250:], y[250:])
    a, b = simulate_stream(*args, **kwargs), simulate_stream(*args, **kwargs)
    np.testing.assert_array_equal(a["n_labeled"], b["n_labeled"])
    np.testing.assert_allclose(a["score"], b["score"])
