"""Stopping criteria on hand-made sequences of models whose right answer is known."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearner
from skactive.stopping import (
    STOPPING_ALIASES,
    AllOf,
    AnyOf,
    ClassificationChange,
    CostBudget,
    LabelBudget,
    MaxConfidence,
    MinExpectedError,
    OverallUncertainty,
    StabilizingPredictions,
    ValidationPlateau,
    cohen_kappa,
)

from .conftest import make_classifier_net

POOL = np.arange(20, dtype=np.float32).reshape(10, 2)


class ScriptedClassifier(ClassifierMixin, BaseEstimator):
    """A 'fitted learner' whose predictions on the pool are given by hand.

    ``proba`` is (n_pool, n_classes); predictions are its argmax. Rows are
    looked up by their first feature, so any subset of POOL works.
    """

    def __init__(self, proba, n_labeled=10, score_value=0.5):
        self.proba = proba
        self.n_labeled = n_labeled
        self.score_value = score_value

    def fit(self, X, y):
        return self

    @property
    def estimator_(self):
        return self

    @property
    def y_labeled_(self):
        return np.zeros(self.n_labeled)

    @property
    def X_labeled_(self):
        return np.zeros((self.n_labeled, 2), dtype=np.float32)

    @property
    def labeled_rounds_(self):
        return np.r_[np.zeros(5), np.ones(self.n_labeled - 5)]

    def _rows(self, X):
        return (np.asarray(X)[:, 0] // 2).astype(int)

    def predict_proba(self, X):
        return np.asarray(self.proba, dtype=np.float64)[self._rows(X)]

    def predict(self, X):
        return self.predict_proba(X).argmax(axis=1)

    def score(self, X, y):
        return self.score_value


def model(labels, n_labeled=10, confidence=0.9):
    """A scripted model predicting ``labels`` (one per POOL row) with ``confidence``."""
    labels = np.asarray(labels)
    proba = np.full((10, 2), 1 - confidence)
    proba[np.arange(10), labels] = confidence
    return ScriptedClassifier(proba, n_labeled=n_labeled)


A = np.array([0, 1] * 5)
B = A.copy()
B[0] = 1  # one row of ten disagrees with A


def run(criterion, models, pool=POOL):
    return [criterion.should_stop(m, pool) for m in models]


# ------------------------------------------------------------------- kappa


def test_cohen_kappa_known_values():
    assert cohen_kappa(A, A) == 1.0
    assert cohen_kappa([0, 0, 0], [0, 0, 0]) == 1.0  # constant and equal: total agreement
    # Observed 0.5, chance 0.5 -> 0.
    assert cohen_kappa([0, 1, 0, 1], [0, 0, 1, 1]) == 0.0
    # A against B: p_o = 0.9, p_e = 0.5*0.4 + 0.5*0.6 = 0.5 -> 0.8.
    assert cohen_kappa(A, B) == pytest.approx(0.8)
    assert cohen_kappa(A, 1 - A) == pytest.approx(-1.0)


# ----------------------------------------------------- stabilising predictions


def test_stabilizing_predictions_fires_after_window_agreements():
    # Models: A, B, A, A, A, A. Kappas: -, 0.8, 0.8, 1, 1, 1. Window of 3
    # means: -, -, -, 0.867, 0.933, 1.0 -> fires at the 6th model only.
    models = [model(x, n_labeled=10 + 5 * i) for i, x in enumerate([A, B, A, A, A, A])]
    criterion = StabilizingPredictions()
    assert run(criterion, models) == [False] * 5 + [True]
    assert criterion.n_labeled_stopped_ == 35
    kappas = [h["kappa"] for h in criterion.history_]
    assert np.isnan(kappas[0])
    np.testing.assert_allclose(kappas[1:], [0.8, 0.8, 1, 1, 1])
    assert criterion.history_[3]["mean_kappa"] == pytest.approx((0.8 + 0.8 + 1) / 3)


def test_stabilizing_predictions_threshold_and_window_are_used():
    models = [model(x) for x in [A, B, A, A, A, A]]
    # A lower threshold fires as soon as a window of 3 kappas averages 0.85.
    assert run(StabilizingPredictions(threshold=0.85), models) == [False] * 3 + [True] * 3
    # A window of 1 fires at the first kappa of 1 (4th model).
    assert run(StabilizingPredictions(window=1), models) == [False] * 3 + [True] * 3
    # Never fires while models keep disagreeing.
    assert not any(run(StabilizingPredictions(), [model(x) for x in [A, B] * 4]))


def test_stabilizing_predictions_keeps_the_first_pool_as_stop_set():
    criterion = StabilizingPredictions()
    criterion.should_stop(model(A), POOL)
    # The pool shrinks; the stop set stays the first pool.
    criterion.should_stop(model(A), POOL[:3])
    np.testing.assert_array_equal(criterion.stop_set_, POOL)
    subsample = StabilizingPredictions(max_stop_set_size=4, random_state=0)
    subsample.should_stop(model(A), POOL)
    assert subsample.stop_set_.shape == (4, 2)


def test_stabilizing_predictions_given_stop_set():
    criterion = StabilizingPredictions(stop_set=POOL[:2], window=1)
    # A and B differ only on row 0, inside the stop set -> kappa < 1.
    assert run(criterion, [model(A), model(B)]) == [False, False]
    # Rows 2-9 only: A and B agree there.
    other = StabilizingPredictions(stop_set=POOL[2:], window=1)
    assert run(other, [model(A), model(B)]) == [False, True]


# --------------------------------------------------------- Zhu et al. 2008


def test_classification_change_fires_when_no_prediction_changes():
    criterion = ClassificationChange()
    assert run(criterion, [model(A), model(B), model(B), model(A)]) == [False, False, True, False]
    assert [h["n_changed"] for h in criterion.history_][1:] == [1, 0, 1]
    assert criterion.n_labeled_stopped_ == 10


def test_max_confidence_reads_the_most_uncertain_row():
    sure = np.tile([0.9999, 0.0001], (10, 1))
    one_unsure = sure.copy()
    one_unsure[3] = [0.5, 0.5]  # entropy log 2
    criterion = MaxConfidence(threshold=0.01)
    stops = run(criterion, [ScriptedClassifier(one_unsure), ScriptedClassifier(sure)])
    assert stops == [False, True]
    assert criterion.history_[0]["max_uncertainty"] == pytest.approx(np.log(2))
    # The unsure row labelled, i.e. gone from the pool: it stops.
    assert MaxConfidence(threshold=0.01).should_stop(ScriptedClassifier(one_unsure), POOL[4:])


def test_overall_uncertainty_and_expected_error_use_the_pool_mean():
    proba = np.tile([1.0, 0.0], (10, 1))
    proba[0] = [0.5, 0.5]  # expected error 0.5 on one row of 10 -> mean 0.05
    learner = ScriptedClassifier(proba)
    error = MinExpectedError(threshold=0.06)
    assert error.should_stop(learner, POOL)
    assert error.history_[0]["expected_error"] == pytest.approx(0.05)
    assert not MinExpectedError(threshold=0.05).should_stop(learner, POOL)
    overall = OverallUncertainty(threshold=0.07)
    assert overall.should_stop(learner, POOL)  # mean entropy log(2)/10 = 0.0693
    assert overall.history_[0]["overall_uncertainty"] == pytest.approx(np.log(2) / 10)
    assert not OverallUncertainty(threshold=0.069).should_stop(learner, POOL)


# ------------------------------------------------------- plateau and budgets


def test_validation_plateau_waits_patience_rounds():
    scores = [0.5, 0.6, 0.6, 0.65, 0.64, 0.63, 0.62]
    learners = [ScriptedClassifier(np.eye(2)[A], score_value=s) for s in scores]
    criterion = ValidationPlateau(POOL, A, patience=3)
    # Best 0.65 at the 4th call; 3 calls without improvement -> the 7th.
    assert run(criterion, learners) == [False] * 6 + [True]
    assert criterion.best_score_ == 0.65
    # tol=0.2: nothing beats the first 0.5 by more than 0.2 -> the 4th call.
    assert run(ValidationPlateau(POOL, A, patience=3, tol=0.2), learners)[:4] == [False] * 3 + [
        True
    ]


def test_label_and_cost_budgets():
    learners = [model(A, n_labeled=n) for n in (10, 20, 30)]
    assert run(LabelBudget(20), learners) == [False, True, True]
    criterion = CostBudget(35.0, costs=lambda X: np.full(len(X), 2.0))
    assert run(criterion, learners) == [False, True, True]
    assert [h["spent"] for h in criterion.history_] == [20.0, 40.0, 60.0]
    # Without the seed set (5 rows of round 0): 10, 30, 50.
    queried = CostBudget(35.0, costs=lambda X: np.full(len(X), 2.0), include_initial=False)
    assert run(queried, learners) == [False, False, True]


def test_cost_budget_reads_a_column_of_a_frame():
    X = pd.DataFrame({"a": np.zeros(30, dtype=np.float32), "cost": np.linspace(0, 2, 30)})
    y = np.repeat([0, 1], 15)
    # A Pipeline learner keeps its labelled rows as the frame given.
    net = make_pipeline(StandardScaler(), make_classifier_net(max_epochs=1))
    learner = ActiveLearner(net, random_state=0).fit(X[:20], y[:20])
    criterion = CostBudget(5.0, costs="cost")
    assert criterion.should_stop(learner, X[20:])
    assert criterion.history_[0]["spent"] == pytest.approx(X["cost"][:20].sum())


def test_any_and_all_combine_answers():
    learners = [model(A, n_labeled=n) for n in (10, 20, 30)]
    any_ = AnyOf([LabelBudget(20), LabelBudget(30)])
    all_ = AllOf([LabelBudget(20), LabelBudget(30)])
    assert run(any_, learners) == [False, True, True]
    assert run(all_, learners) == [False, False, True]
    assert [c.history_[-1]["stop"] for c in all_.criteria_] == [True, True]
    assert not hasattr(all_.criteria[0], "history_")  # the given criteria are cloned


# ------------------------------------------------------------- the contract


def test_clone_starts_fresh_and_aliases_build():
    criterion = StabilizingPredictions()
    criterion.should_stop(model(A), POOL)
    fresh = clone(criterion)
    assert not hasattr(fresh, "history_") and not hasattr(fresh, "stop_set_")
    for name, cls in STOPPING_ALIASES.items():
        assert isinstance(cls(), cls), name


def test_on_a_real_learner_the_criteria_answer_and_record():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    learner = ActiveLearner(make_classifier_net(max_epochs=5), random_state=0).fit(X[:20], y[:20])
    for cls in STOPPING_ALIASES.values():
        criterion = cls()
        assert criterion.should_stop(learner, X[20:]) in (True, False)
        assert criterion.history_[0]["n_labeled"] == 20


class ScriptedRegressor(RegressorMixin, ScriptedClassifier):
    pass


@pytest.mark.parametrize("cls", [MaxConfidence, ClassificationChange, OverallUncertainty])
def test_probability_criteria_refuse_a_regressor(cls):
    with pytest.raises(ValueError, match="reads class probabilities: use it with a classifier"):
        cls().should_stop(ScriptedRegressor(np.eye(2)[A]), POOL)


def test_criterion_before_fit_is_refused_and_unchanged():
    learner = ActiveLearner(make_classifier_net(max_epochs=1))
    criterion = StabilizingPredictions()
    with pytest.raises(NotFittedError):
        criterion.should_stop(learner, POOL)
    assert not hasattr(criterion, "history_")


def test_readme_stopping_loop_runs():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    (loop,) = [b for b in blocks if "criterion.should_stop(learner, X_pool)" in b]
    rng = np.random.RandomState(0)
    X_all = rng.normal(size=(200, 2)).astype(np.float32)
    y_all = (X_all[:, 0] > 0).astype(int)
    pool_labels = {"y": y_all[20:]}

    def oracle(idx):
        labels = pool_labels["y"][idx]
        pool_labels["y"] = np.delete(pool_labels["y"], idx)
        return labels

    namespace = {
        "np": np,
        "learner": ActiveLearner(make_classifier_net(max_epochs=2), random_state=0),
        "X_seed": X_all[:20],
        "y_seed": y_all[:20],
        "X_pool": X_all[20:],
        "oracle": oracle,
    }
    exec(compile(loop.replace("LabelBudget(500)", "LabelBudget(60)"), "README.md", "exec"),
         namespace)  # fmt: skip
    assert namespace["learner"].y_labeled_.shape[0] == 60
    assert namespace["criterion"].history_[-1]["stop"]


def test_criteria_on_an_image_pool_and_a_dataset_pool():
    import torch
    from torch.utils.data import TensorDataset

    from skactive import ActiveLearner
    from skactive.datasets import load_digits
    from skactive.nets import make_cnn_net
    from skactive.stopping import StabilizingPredictions

    X, y = load_digits(return_X_y=True, as_images=True)
    net = make_cnn_net(channels=(2,), hidden_size=8, max_epochs=2)
    learner = ActiveLearner(net, query_strategy="margin", random_state=0).fit(X[:60], y[:60])
    pools = {"images": X[60:400], "dataset": TensorDataset(torch.from_numpy(X[60:400]))}
    for pool in pools.values():
        criterion = StabilizingPredictions(max_stop_set_size=100, random_state=0)
        assert criterion.should_stop(learner, pool) is False  # one model: nothing to compare
        assert criterion.should_stop(learner, pool) is False  # kappa 1, window not yet full
        assert criterion.history_[-1]["kappa"] == 1.0
