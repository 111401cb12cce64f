"""ActiveLearner: fit / query / teach, labels, pipelines, persistence, search."""

import os
import pickle
import signal
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from skorch import NeuralNetClassifier
from skorch.callbacks import Callback

from skactive import ActiveLearner
from skactive.nets import MLP
from skactive.strategies import Entropy, Margin, Random

from .conftest import make_classifier_net, make_regressor_net


def _state(learner):
    return {k: v.detach().clone() for k, v in learner.network_.module_.state_dict().items()}


def _assert_same_state(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_fit_query_teach_roundtrip(blobs):
    X, y = blobs
    learner = ActiveLearner(make_classifier_net(), random_state=0)
    seed = np.arange(0, 150, 10)
    pool = np.setdiff1d(np.arange(150), seed)
    learner.fit(X[seed], y[seed])
    assert is_classifier(learner)
    np.testing.assert_array_equal(learner.classes_, [0, 1, 2])

    idx = learner.query(X[pool], n=7)
    assert idx.dtype == np.int64 and idx.shape == (7,)
    assert np.unique(idx).shape == (7,)
    assert idx.min() >= 0 and idx.max() < pool.shape[0]

    learner.teach(X[pool][idx], y[pool][idx])
    np.testing.assert_array_equal(learner.X_labeled_, np.concatenate([X[seed], X[pool][idx]]))
    np.testing.assert_array_equal(learner.y_labeled_, np.concatenate([y[seed], y[pool][idx]]))
    np.testing.assert_array_equal(learner.labeled_rounds_, [0] * 15 + [1] * 7)
    assert learner.n_rounds_ == 1
    assert learner.score(X, y) > 0.9


def test_query_same_answer_twice_and_across_fits(blobs):
    X, y = blobs
    a = ActiveLearner(make_classifier_net(), query_strategy=Random(), random_state=3).fit(
        X[::5], y[::5]
    )
    b = ActiveLearner(make_classifier_net(), query_strategy=Random(), random_state=3).fit(
        X[::5], y[::5]
    )
    np.testing.assert_array_equal(a.query(X, 10), a.query(X, 10))
    np.testing.assert_array_equal(a.query(X, 10), b.query(X, 10))
    c = ActiveLearner(make_classifier_net(), query_strategy=Random(), random_state=4).fit(
        X[::5], y[::5]
    )
    assert not np.array_equal(a.query(X, 10), c.query(X, 10))


def test_fit_is_deterministic_and_leaves_torch_rng_alone(blobs):
    X, y = blobs
    torch.manual_seed(123)
    before = torch.get_rng_state()
    a = ActiveLearner(make_classifier_net(), random_state=0).fit(X, y)
    assert torch.equal(before, torch.get_rng_state())
    b = ActiveLearner(make_classifier_net(), random_state=0).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


@pytest.mark.parametrize("strategy", ["random", "least_confidence", "margin", "entropy"])
def test_query_leaves_model_untouched(blobs, strategy):
    X, y = blobs
    net = make_classifier_net(module__batch_norm=True, module__dropout=0.3)
    learner = ActiveLearner(net, query_strategy=strategy, random_state=0).fit(X[::2], y[::2])
    module = learner.network_.module_
    module.train()  # a module left in train mode must be handed back in train mode
    module.output.eval()
    flags = [m.training for m in module.modules()]
    before = _state(learner)
    grad = torch.is_grad_enabled()
    learner.query(X[1::2], n=5)
    _assert_same_state(before, _state(learner))
    assert [m.training for m in module.modules()] == flags
    assert torch.is_grad_enabled() == grad


def test_declared_classes_let_a_new_class_arrive_in_teach(blobs):
    X, y = blobs
    seed = np.flatnonzero(y < 2)[::5]
    learner = ActiveLearner(make_classifier_net(), classes=[0, 1, 2], random_state=0)
    learner.fit(X[seed], y[seed])
    assert learner.predict_proba(X).shape == (150, 3)
    assert learner.network_.module_.output.out_features == 3
    new = np.flatnonzero(y == 2)[:10]
    learner.teach(X[new], y[new])
    assert learner.network_.module_.output.out_features == 3
    assert 2 in learner.predict(X[y == 2])


def test_undeclared_new_class_in_teach_is_refused(blobs):
    X, y = blobs
    seed = np.flatnonzero(y < 2)[::5]
    learner = ActiveLearner(make_classifier_net(), random_state=0).fit(X[seed], y[seed])
    with pytest.raises(ValueError, match=r"labels \[2\] that are not among.*classes=\[\.\.\.\]"):
        learner.teach(X[y == 2][:3], y[y == 2][:3])


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["cat", "dog", "emu"]),
        np.array([3, 10, 42]),
        np.array(["x", "y", "z"], dtype=object),
    ],
)
def test_any_label_type(blobs, labels):
    X, y = blobs
    y_labels = labels[y]
    learner = ActiveLearner(make_classifier_net(), random_state=0).fit(X, y_labels)
    np.testing.assert_array_equal(learner.classes_, np.sort(labels))
    assert set(learner.predict(X)) <= set(labels)
    assert learner.score(X, y_labels) > 0.9
    idx = learner.query(X, 3)
    learner.teach(X[idx], y_labels[idx])
    assert learner.y_labeled_.dtype == y_labels.dtype


def test_warm_start_continues_training(blobs):
    X, y = blobs
    cold = ActiveLearner(make_classifier_net(max_epochs=5), random_state=0).fit(X[::4], y[::4])
    warm = ActiveLearner(make_classifier_net(max_epochs=5), warm_start=True, random_state=0)
    warm.fit(X[::4], y[::4])
    cold.teach(X[1:100:10], y[1:100:10])
    warm.teach(X[1:100:10], y[1:100:10])
    assert len(cold.network_.history) == 5  # retrained from scratch
    assert len(warm.network_.history) == 10  # five more epochs on the same weights
    assert warm.X_labeled_.shape == cold.X_labeled_.shape == (48, 2)


def test_regressor_end_to_end():
    rng = np.random.RandomState(0)
    X = rng.uniform(-2, 2, size=(200, 3)).astype(np.float32)
    y = X[:, 0] ** 2 + X[:, 1] - 0.5 * X[:, 2]
    learner = ActiveLearner(
        make_regressor_net(max_epochs=150), query_strategy="random", random_state=0
    )
    learner.fit(X[:100], y[:100])
    assert is_regressor(learner) and not is_classifier(learner)
    assert not hasattr(learner, "predict_proba")
    prediction = learner.predict(X)
    assert prediction.shape == (200,) and prediction.dtype == np.float64
    idx = learner.query(X[100:], n=20)
    learner.teach(X[100:][idx], y[100:][idx])
    assert learner.X_labeled_.shape == (120, 3)
    assert learner.score(X, y) > 0.8
    with pytest.raises(ValueError, match="Entropy needs class probabilities"):
        learner.set_params(query_strategy="entropy").fit(X[:50], y[:50]).query(X, 2)


def test_multioutput_regressor_checks_target_count():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3)).astype(np.float32)
    Y = np.c_[X[:, 0], X[:, 1] - X[:, 2]]
    learner = ActiveLearner(make_regressor_net(), query_strategy="random", random_state=0).fit(X, Y)
    assert learner.predict(X).shape == (60, 2)
    before = learner.y_labeled_.copy()
    with pytest.raises(ValueError, match="y has 1 targets, but the learner was fitted with 2"):
        learner.teach(X[:2], Y[:2, 0])
    np.testing.assert_array_equal(before, learner.y_labeled_)
    learner.teach(X[:2], Y[:2])
    assert learner.y_labeled_.shape == (62, 2)


def test_pipeline_strategies_see_what_the_network_sees(blobs):
    X, y = blobs
    X_raw = X * 100 + 7
    seen = {}

    def spy(learner, X_pool, n):
        seen["pool"] = X_pool
        return np.arange(n)

    learner = ActiveLearner(
        make_pipeline(StandardScaler(), make_classifier_net()), query_strategy=spy, random_state=0
    ).fit(X_raw[::3], y[::3])
    learner.query(X_raw, 4)
    expected = learner.estimator_[0].transform(X_raw).astype(np.float32)
    assert seen["pool"].dtype == np.float32
    np.testing.assert_allclose(seen["pool"], expected, rtol=1e-6)
    np.testing.assert_allclose(learner.network_input(X_raw[:5]), expected[:5], rtol=1e-6)
    # the labelled set is kept raw; the scaler is refitted on it at each teach
    learner.teach(X_raw[1:3], y[1:3])
    np.testing.assert_array_equal(learner.X_labeled_[-2:], X_raw[1:3])
    np.testing.assert_allclose(
        learner.estimator_[0].mean_, learner.X_labeled_.mean(axis=0), rtol=1e-5
    )
    assert learner.score(X_raw, y) > 0.9


def test_learner_as_last_step_of_a_pipeline(blobs):
    X, y = blobs
    pipe = make_pipeline(StandardScaler(), ActiveLearner(make_classifier_net(), random_state=0))
    pipe.fit(X * 50, y)
    assert pipe.score(X * 50, y) > 0.9
    assert pipe.predict_proba(X[:3] * 50).shape == (3, 3)


def test_column_transformer_and_dataframe_inside_the_learner(blobs):
    X, y = blobs
    df = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "colour": np.where(X[:, 0] > 2, "red", "blue")})
    pre = ColumnTransformer(
        [("num", StandardScaler(), ["a", "b"]), ("cat", OneHotEncoder(), ["colour"])]
    )
    learner = ActiveLearner(make_pipeline(pre, make_classifier_net()), random_state=0)
    learner.fit(df.iloc[::3], y[::3])
    np.testing.assert_array_equal(learner.feature_names_in_, ["a", "b", "colour"])
    idx = learner.query(df, 5)
    learner.teach(df.iloc[idx], y[idx])
    assert isinstance(learner.X_labeled_, pd.DataFrame)
    assert learner.X_labeled_.shape == (55, 3)
    pd.testing.assert_frame_equal(
        learner.X_labeled_.iloc[-5:].reset_index(drop=True), df.iloc[idx].reset_index(drop=True)
    )
    assert learner.score(df, y) > 0.9
    with pytest.raises(ValueError, match="feature names"):
        learner.query(df[["b", "a", "colour"]], 2)


def test_dataframe_input_to_a_plain_net(blobs):
    X, y = blobs
    df = pd.DataFrame(X, columns=["x0", "x1"])
    learner = ActiveLearner(make_classifier_net(), random_state=0).fit(df, pd.Series(y))
    np.testing.assert_array_equal(learner.feature_names_in_, ["x0", "x1"])
    # The validated float32 rows, kept as a frame with the caller's index.
    assert (learner.X_labeled_.dtypes == np.float32).all()
    pd.testing.assert_index_equal(learner.X_labeled_.index, df.index)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        from_array = learner.query(X, 3)
    np.testing.assert_array_equal(learner.query(df, 3), from_array)


@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_persisted_learner_queries_and_predicts_the_same(blobs, tmp_path, dump):
    X, y = blobs
    learner = ActiveLearner(make_classifier_net(), random_state=0).fit(X[::4], y[::4])
    learner.teach(X[1:50:10], y[1:50:10])
    if dump == "pickle":
        loaded = pickle.loads(pickle.dumps(learner))
    else:
        joblib.dump(learner, tmp_path / "learner.joblib")
        loaded = joblib.load(tmp_path / "learner.joblib")
    np.testing.assert_array_equal(loaded.query(X[50:], 5), learner.query(X[50:], 5))
    np.testing.assert_array_equal(loaded.predict_proba(X), learner.predict_proba(X))
    idx = learner.query(X[50:], 5)
    learner.teach(X[50:][idx], y[50:][idx])
    loaded.teach(X[50:][idx], y[50:][idx])
    np.testing.assert_array_equal(loaded.predict_proba(X), learner.predict_proba(X))


def test_clone_and_nested_params():
    learner = ActiveLearner(make_classifier_net(), query_strategy=Margin(), random_state=0)
    params = learner.get_params(deep=True)
    assert params["estimator__module__hidden_layer_sizes"] == (32,)
    assert isinstance(params["query_strategy"], Margin)
    learner.set_params(estimator__module__hidden_layer_sizes=(8, 4), estimator__max_epochs=3)
    assert learner.estimator.module__hidden_layer_sizes == (8, 4)
    twin = clone(learner)
    assert twin.estimator is not learner.estimator
    assert twin.get_params()["estimator__module__hidden_layer_sizes"] == (8, 4)
    assert twin.query_strategy is not learner.query_strategy


def test_strategy_params_are_tunable_and_fitted_strategy_is_a_clone(blobs):
    X, y = blobs
    strategy = Random()
    learner = ActiveLearner(make_classifier_net(), query_strategy=strategy, random_state=0).fit(
        X, y
    )
    assert isinstance(learner.query_strategy_, Random)
    assert learner.query_strategy_ is not strategy


def test_html_repr_names_the_parts():
    html = ActiveLearner(make_classifier_net(), query_strategy=Entropy())._repr_html_()
    assert "ActiveLearner" in html and "Entropy" in html and "NeuralNetClassifier" in html


def test_grid_search_compares_strategies_at_a_fixed_budget(blobs):
    X, y = blobs
    learner = ActiveLearner(
        make_classifier_net(max_epochs=20), initial_size=6, query_size=6, n_rounds=2, random_state=0
    )
    grid = [Random(), Entropy()]
    search = GridSearchCV(learner, {"query_strategy": grid}, cv=3).fit(X, y)
    assert any(type(search.best_params_["query_strategy"]) is type(s) for s in grid)
    assert len(search.cv_results_["mean_test_score"]) == 2
    # the refitted model saw only the simulated budget
    assert search.best_estimator_.X_labeled_.shape[0] == 6 + 2 * 6


def test_simulation_records_every_round(blobs):
    X, y = blobs
    learner = ActiveLearner(
        make_classifier_net(max_epochs=10),
        initial_size=0.1,
        query_size=5,
        n_rounds=3,
        query_strategy="margin",
        random_state=0,
    )
    learner.fit(X, y, X_val=X, y_val=y)
    assert learner.initial_indices_.shape == (15,)
    assert [q.shape for q in learner.queried_indices_] == [(5,)] * 3
    used = np.concatenate([learner.initial_indices_, *learner.queried_indices_])
    assert np.unique(used).shape == (30,)
    np.testing.assert_array_equal(learner.X_labeled_, X[used])
    np.testing.assert_array_equal(learner.y_labeled_, y[used])
    np.testing.assert_array_equal(learner.labeled_rounds_, np.repeat([0, 1, 2, 3], [15, 5, 5, 5]))
    assert learner.validation_scores_.shape == (4,)
    assert learner.validation_scores_[-1] == pytest.approx(learner.score(X, y))


def test_simulation_shares_the_seed_set_and_stops_when_the_pool_is_empty(blobs):
    X, y = blobs
    kwargs = dict(initial_size=20, query_size=50, n_rounds=10, random_state=5)
    a = ActiveLearner(make_classifier_net(max_epochs=2), query_strategy="random", **kwargs).fit(
        X, y
    )
    b = ActiveLearner(make_classifier_net(max_epochs=2), query_strategy="entropy", **kwargs).fit(
        X, y
    )
    np.testing.assert_array_equal(a.initial_indices_, b.initial_indices_)
    assert [q.shape[0] for q in a.queried_indices_] == [50, 50, 30]
    assert a.X_labeled_.shape[0] == 150


def test_simulation_needs_a_pool(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="leaves no pool to query"):
        ActiveLearner(make_classifier_net(), initial_size=150).fit(X, y)


def test_callable_strategies(blobs):
    X, y = blobs
    calls = []

    def last_rows(learner, X_pool, n):
        return np.arange(X_pool.shape[0] - n, X_pool.shape[0])

    def seeded(learner, X_pool, n, random_state=None):
        calls.append(random_state)
        return np.random.RandomState(random_state).choice(X_pool.shape[0], n, replace=False)

    learner = ActiveLearner(make_classifier_net(), query_strategy=last_rows, random_state=0).fit(
        X, y
    )
    np.testing.assert_array_equal(learner.query(X, 3), [147, 148, 149])
    learner = ActiveLearner(make_classifier_net(), query_strategy=seeded, random_state=0).fit(X, y)
    np.testing.assert_array_equal(learner.query(X, 3), learner.query(X, 3))
    assert len(calls) == 2 and isinstance(calls[0], int) and calls[0] == calls[1]


@pytest.mark.parametrize(
    "bad, message",
    [
        (
            lambda learner, X_pool, n: np.arange(n - 1),
            r"last_rows returned an array of shape \(2,\)",
        ),
        (lambda learner, X_pool, n: np.zeros(n, dtype=int), "returned repeated indices"),
        (lambda learner, X_pool, n: np.arange(n) + X_pool.shape[0], "returned indices outside"),
        (lambda learner, X_pool, n: np.arange(n) * 1.0, "instead of integers"),
    ],
)
def test_bad_strategy_output_is_refused(blobs, bad, message):
    X, y = blobs
    bad.__name__ = "last_rows"
    learner = ActiveLearner(make_classifier_net(), query_strategy=bad, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=message):
        learner.query(X, 3)


@pytest.mark.parametrize(
    "module", [MLP, MLP(n_features_in=2, n_outputs=3)], ids=["class", "instance"]
)
def test_mlp_with_skorch_default_nllloss_is_refused(blobs, module):
    X, y = blobs
    net = NeuralNetClassifier(module, max_epochs=1, train_split=None, verbose=0)
    with pytest.raises(ValueError, match="MLP returns logits.*CrossEntropyLoss"):
        ActiveLearner(net).fit(X, y)


def test_diverging_training_is_reported():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 2)).astype(np.float32) * 1e3
    y = X[:, 0] * 1e6
    net = make_regressor_net(optimizer=torch.optim.SGD, lr=1e6, max_epochs=5)
    with pytest.raises(ValueError, match="non-finite loss"):
        ActiveLearner(net, query_strategy="random").fit(X, y)


def test_failed_refit_keeps_the_previous_model(blobs):
    X, y = blobs
    learner = ActiveLearner(make_classifier_net(), random_state=0).fit(X, y)
    before = learner.predict_proba(X)
    learner.set_params(estimator__optimizer=torch.optim.SGD, estimator__lr=1e12)
    with pytest.raises(ValueError, match="non-finite loss"):
        learner.fit(X * 1e6, y)
    np.testing.assert_array_equal(learner.predict_proba(X), before)
    assert learner.X_labeled_.shape == (150, 2)


def test_module_size_set_by_hand_must_match_the_data(blobs):
    X, y = blobs
    net = make_classifier_net(module__n_features_in=5)
    with pytest.raises(ValueError, match=r"module__n_features_in=5, but the data need 2"):
        ActiveLearner(net).fit(X, y)


def test_unsized_modules_are_left_alone(blobs):
    X, y = blobs
    net = NeuralNetClassifier(
        torch.nn.Linear,
        module__in_features=2,
        module__out_features=3,
        criterion=torch.nn.CrossEntropyLoss,
        train_split=None,
        verbose=0,
    )
    learner = ActiveLearner(net, random_state=0).fit(X, y)
    assert learner.predict_proba(X).shape == (150, 3)


def test_non_skorch_estimator_is_refused(blobs):
    X, y = blobs
    with pytest.raises(
        TypeError, match="must be a skorch NeuralNetClassifier or NeuralNetRegressor"
    ):
        ActiveLearner(LogisticRegression()).fit(X, y)


class CtrlCAtTraining(Callback):
    """Send SIGINT to this process in the given training (counted from 1)."""

    trainings = 0

    def __init__(self, at):
        self.at = at

    def on_train_begin(self, net, **kwargs):
        type(self).trainings += 1

    def on_epoch_end(self, net, **kwargs):
        if type(self).trainings == self.at and len(net.history) == 2:
            os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_during_teach_raises_and_commits_nothing(blobs):
    X, y = blobs
    CtrlCAtTraining.trainings = 0
    net = make_classifier_net(max_epochs=5, callbacks=[CtrlCAtTraining(at=2)])
    learner = ActiveLearner(net, random_state=0).fit(X[::3], y[::3])
    before = learner.predict_proba(X)
    with pytest.raises(KeyboardInterrupt):
        learner.teach(X[1:10], y[1:10])  # skorch alone would swallow the Ctrl-C
    assert learner.n_rounds_ == 0 and learner.X_labeled_.shape == (50, 2)
    np.testing.assert_array_equal(learner.predict_proba(X), before)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ignored_sigint_interrupts_nothing(blobs):
    X, y = blobs
    CtrlCAtTraining.trainings = 0
    net = make_classifier_net(max_epochs=5, callbacks=[CtrlCAtTraining(at=2)])
    learner = ActiveLearner(net, random_state=0).fit(X[::3], y[::3])
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        learner.teach(X[1:10], y[1:10])
    finally:
        signal.signal(signal.SIGINT, previous)
    assert learner.n_rounds_ == 1 and len(learner.network_.history) == 5


def test_ctrl_c_in_a_simulation_keeps_the_completed_rounds(blobs):
    X, y = blobs
    CtrlCAtTraining.trainings = 0
    net = make_classifier_net(max_epochs=5, callbacks=[CtrlCAtTraining(at=3)])
    learner = ActiveLearner(net, initial_size=10, query_size=10, n_rounds=5, random_state=0)
    with pytest.raises(KeyboardInterrupt):
        learner.fit(X, y, X_val=X, y_val=y)
    # seed set, round 1 done; round 2's training was interrupted
    assert learner.n_rounds_ == 1 and len(learner.queried_indices_) == 1
    assert learner.X_labeled_.shape == (20, 2)
    assert learner.validation_scores_.shape == (2,)


def test_ctrl_c_in_a_plain_fit_leaves_the_previous_fit(blobs):
    X, y = blobs
    CtrlCAtTraining.trainings = 0
    learner = ActiveLearner(make_classifier_net(max_epochs=5), random_state=0).fit(X, y)
    before = learner.predict_proba(X)
    learner.set_params(estimator__callbacks=[CtrlCAtTraining(at=1)])
    with pytest.raises(KeyboardInterrupt):
        learner.fit(X[::2], y[::2])
    np.testing.assert_array_equal(learner.predict_proba(X), before)
    assert learner.X_labeled_.shape == (150, 2)


def test_simulation_on_a_frame_raises_no_feature_name_warnings(blobs):
    X, y = blobs
    df = pd.DataFrame(X, columns=["a", "b"])
    learner = ActiveLearner(
        make_classifier_net(max_epochs=2), initial_size=10, query_size=5, n_rounds=2
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        learner.fit(df, y, X_val=df, y_val=y)
    assert learner.X_labeled_.shape == (20, 2)


def test_frame_labelled_set_stays_a_frame_when_taught_an_array(blobs):
    X, y = blobs
    df = pd.DataFrame(X, columns=["a", "b"])
    learner = ActiveLearner(make_pipeline(StandardScaler(), make_classifier_net(max_epochs=2)))
    learner.fit(df.iloc[::3], y[::3])
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        learner.teach(X[1:4], y[1:4])
    assert isinstance(learner.X_labeled_, pd.DataFrame)
    assert list(learner.X_labeled_.columns) == ["a", "b"]
    np.testing.assert_array_equal(learner.X_labeled_.to_numpy()[-3:], X[1:4])


def test_refit_as_a_regressor_forgets_the_classes(blobs):
    X, y = blobs
    learner = ActiveLearner(make_classifier_net(max_epochs=2), random_state=0).fit(X, y)
    learner.set_params(estimator=make_regressor_net(max_epochs=2), query_strategy="random")
    learner.fit(X, y.astype(float))
    assert not hasattr(learner, "classes_")


def test_teach_validates_the_parameters(blobs):
    X, y = blobs
    learner = ActiveLearner(make_classifier_net(max_epochs=2), random_state=0).fit(X, y)
    learner.set_params(warm_start="no")
    with pytest.raises(InvalidParameterError, match="warm_start"):
        learner.teach(X[:2], y[:2])
    assert learner.n_rounds_ == 0


def test_a_text_pipeline_queries_raw_documents():
    words = np.array(["good great fine", "bad awful poor", "great fine nice", "poor bad sad"] * 10)
    labels = np.array(["pos", "neg", "pos", "neg"] * 10)
    pipe = make_pipeline(TfidfVectorizer(), make_classifier_net(max_epochs=20))
    learner = ActiveLearner(pipe, random_state=0).fit(words[:8], labels[:8])
    idx = learner.query(words[8:], 3)
    learner.teach(words[8:][idx], labels[8:][idx])
    assert learner.X_labeled_.shape == (11,)
    assert learner.score(words, labels) == 1.0


class ScoringClassifier(NeuralNetClassifier):
    """A skorch classifier that also has a decision function (its logits)."""

    def decision_function(self, X):
        return self.forward(X).numpy()


def test_decision_function_only_where_the_net_has_one(blobs):
    X, y = blobs
    plain = ActiveLearner(make_classifier_net(max_epochs=2), random_state=0).fit(X, y)
    assert not hasattr(plain, "decision_function")
    net = ScoringClassifier(**make_classifier_net(max_epochs=2).get_params(deep=False))
    learner = ActiveLearner(net, random_state=0).fit(X, y)
    scores = learner.decision_function(X)
    assert scores.shape == (150, 3)
    np.testing.assert_array_equal(scores.argmax(axis=1), learner.predict_proba(X).argmax(axis=1))


def test_torch_tensors_are_taken_like_the_arrays():
    from skactive.datasets import load_digits
    from skactive.nets import make_cnn_net

    X, y = load_digits(return_X_y=True, as_images=True)
    X, y = X[:120], y[:120]
    for rows in (X, X.reshape(len(X), -1)):  # images and a table
        net = make_cnn_net(max_epochs=2, channels=(2,)) if rows.ndim == 4 else None
        net = net or make_classifier_net(max_epochs=2)
        arrays = ActiveLearner(net, query_strategy="margin", random_state=0).fit(rows[:80], y[:80])
        tensors = ActiveLearner(net, query_strategy="margin", random_state=0)
        tensors.fit(torch.from_numpy(rows[:80]), torch.from_numpy(y[:80]))
        np.testing.assert_array_equal(
            tensors.query(torch.from_numpy(rows[80:]), 5), arrays.query(rows[80:], 5)
        )
        assert isinstance(tensors.X_labeled_, np.ndarray)
        np.testing.assert_array_equal(tensors.predict(rows[80:]), arrays.predict(rows[80:]))


# ------------------------------------------------------------ pandas ids


@pytest.mark.parametrize("pipeline", [False, True])
def test_frames_keep_their_index_in_the_labelled_set(blobs, pipeline):
    X, y = blobs
    order = np.random.RandomState(0).permutation(len(X))
    X, y = X[order], y[order]
    ids = pd.Index([f"row{i}" for i in range(len(X))], name="id")
    frame = pd.DataFrame(X, columns=["x0", "x1"], index=ids)
    labels = pd.Series(y, index=ids)
    net = make_classifier_net(max_epochs=3)
    estimator = make_pipeline(StandardScaler(), net) if pipeline else net
    learner = ActiveLearner(estimator, "random", random_state=0)
    learner.fit(frame.iloc[:10], labels.iloc[:10])
    pool = frame.iloc[10:]
    positions = learner.query(pool, 4)  # positions into the pool: use .iloc
    learner.teach(pool.iloc[positions], labels.iloc[10:].iloc[positions])
    expected = list(ids[:10]) + list(pool.index[positions])
    assert list(learner.X_labeled_.index) == expected
    # The original ids recover the original rows and labels.
    np.testing.assert_array_equal(
        learner.X_labeled_.to_numpy(), frame.loc[expected].to_numpy(np.float32)
    )
    np.testing.assert_array_equal(learner.y_labeled_, labels.loc[expected].to_numpy())


@pytest.mark.parametrize("pipeline", [False, True])
def test_a_series_row_is_one_row(blobs, pipeline):
    X, y = blobs
    order = np.random.RandomState(0).permutation(len(X))
    X, y = X[order], y[order]
    frame = pd.DataFrame(X, columns=["x0", "x1"], index=np.arange(100, 100 + len(X)))
    net = make_classifier_net(max_epochs=3)
    estimator = make_pipeline(StandardScaler(), net) if pipeline else net
    learner = ActiveLearner(estimator, "random", random_state=0).fit(frame.iloc[:10], y[:10])
    row = frame.iloc[20]  # a Series indexed by the columns
    np.testing.assert_array_equal(learner.predict(row), learner.predict(frame.iloc[[20]]))
    np.testing.assert_array_equal(learner.query(row, 1), [0])
    learner.teach(row, y[20])  # a scalar label for the one row
    assert learner.X_labeled_.shape == (11, 2) and learner.X_labeled_.index[-1] == 120
    assert learner.y_labeled_[-1] == y[20]
    # A Series that is not a row of the fitted columns is refused as before.
    with pytest.raises(ValueError), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "does not have valid feature names"
        learner.predict(pd.Series([0.0, 1.0], index=["a", "b"]))
