"""The default modules."""

import numpy as np
import pytest
import torch
from torch import nn

from skactive.nets import MLP


def test_mlp_shapes_and_layers():
    module = MLP(
        n_features_in=7, n_outputs=3, hidden_layer_sizes=(16, 8), dropout=0.5, batch_norm=True
    )
    assert module(torch.zeros(4, 7)).shape == (4, 3)
    assert isinstance(module.output, nn.Linear) and module.output.in_features == 8
    kinds = [type(m) for m in module.hidden]
    assert kinds.count(nn.Dropout) == 2 and kinds.count(nn.BatchNorm1d) == 2
    assert all(m.p == 0.5 for m in module.hidden if isinstance(m, nn.Dropout))


def test_mlp_int_hidden_layer_sizes_means_one_layer():
    module = MLP(n_features_in=3, n_outputs=2, hidden_layer_sizes=5)
    assert module.output.in_features == 5
    assert sum(isinstance(m, nn.Linear) for m in module.modules()) == 2


def test_mlp_without_dropout_has_no_dropout_layer():
    module = MLP(n_features_in=2, n_outputs=1, dropout=0.0)
    assert not any(isinstance(m, nn.Dropout) for m in module.modules())


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n_features_in=None, n_outputs=2), "positive integer n_features_in"),
        (dict(n_features_in=3, n_outputs=0), "positive integer n_outputs"),
        (dict(n_features_in=3, n_outputs=2, hidden_layer_sizes=(4, 0)), "hidden_layer_sizes"),
        (dict(n_features_in=3, n_outputs=2, activation="swish"), "activation must be one of"),
        (dict(n_features_in=3, n_outputs=2, dropout=1.0), r"dropout must be in \[0, 1\)"),
        (dict(n_features_in=3, n_outputs=2, dropout=None), r"dropout must be in \[0, 1\)"),
    ],
)
def test_mlp_refuses_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)


def test_make_mlp_net_builds_a_trainable_classifier_and_regressor():
    from skorch import NeuralNetClassifier, NeuralNetRegressor

    from skactive import ActiveLearner
    from skactive.nets import make_mlp_net

    clf = make_mlp_net(max_epochs=2)
    assert isinstance(clf, NeuralNetClassifier) and clf.criterion is torch.nn.CrossEntropyLoss
    reg = make_mlp_net("regressor", max_epochs=2, device="cpu")
    assert isinstance(reg, NeuralNetRegressor) and reg.device == "cpu"
    X = np.random.RandomState(0).normal(size=(40, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    assert ActiveLearner(clf, random_state=0).fit(X, y).predict(X).shape == (40,)
    with pytest.raises(ValueError, match="task must be"):
        make_mlp_net("clustering")


# ----------------------------------------------------------------- the CNN


def test_cnn_sizes_itself_and_ends_in_a_linear_layer_after_dropout():
    from skactive.nets import CNN

    module = CNN(input_shape=(3, 28, 28), n_outputs=7, channels=(8, 16), hidden_size=32)
    assert module(torch.zeros(2, 3, 28, 28)).shape == (2, 7)
    assert isinstance(module.output, nn.Linear) and module.output.in_features == 32
    convs = [m for m in module.features if isinstance(m, nn.Conv2d)]
    assert [c.in_channels for c in convs] == [3, 8] and [c.out_channels for c in convs] == [8, 16]
    # Two 2x2 poolings: 28 -> 14 -> 7.
    assert module.hidden[1].in_features == 16 * 7 * 7
    assert any(isinstance(m, nn.Dropout) and m.p == 0.2 for m in module.hidden)


def test_cnn_grey_images_without_a_channel_and_tiny_images():
    from skactive.nets import CNN

    grey = CNN(input_shape=(8, 8), n_outputs=3)
    assert grey(torch.zeros(5, 8, 8)).shape == (5, 3)
    # A 1x1 feature map is not pooled further.
    tiny = CNN(input_shape=(1, 2, 2), n_outputs=2, channels=(4, 4, 4))
    assert tiny(torch.zeros(3, 1, 2, 2)).shape == (3, 2)


def test_cnn_without_dropout_and_with_batch_norm():
    from skactive.nets import CNN

    module = CNN(input_shape=(1, 8, 8), n_outputs=2, dropout=0.0, batch_norm=True)
    assert not any(isinstance(m, nn.Dropout) for m in module.modules())
    assert sum(isinstance(m, nn.BatchNorm2d) for m in module.modules()) == 2


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(input_shape=None, n_outputs=2), r"CNN needs input_shape=\(C, H, W\)"),
        (dict(input_shape=(1, 2, 3, 4), n_outputs=2), r"CNN needs input_shape=\(C, H, W\)"),
        (dict(input_shape=(1, 8, 8), n_outputs=None), "positive integer n_outputs"),
        (dict(input_shape=(1, 8, 8), n_outputs=2, channels=(4, 0)), "channels must be positive"),
        (dict(input_shape=(1, 8, 8), n_outputs=2, kernel_size=2), "kernel_size must be"),
        (dict(input_shape=(1, 8, 8), n_outputs=2, dropout=1.0), r"dropout must be in \[0, 1\)"),
    ],
)
def test_cnn_refuses_bad_parameters(kwargs, message):
    from skactive.nets import CNN

    with pytest.raises(ValueError, match=message):
        CNN(**kwargs)


def test_make_cnn_net_classifier_and_regressor_sized_by_the_learner():
    from skactive import ActiveLearner
    from skactive.nets import make_cnn_net

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 1, 6, 6)).astype(np.float32)
    y = (X[:, 0, :3].mean(axis=(1, 2)) > X[:, 0, 3:].mean(axis=(1, 2))).astype(int)
    clf = ActiveLearner(make_cnn_net(max_epochs=3, channels=(4,)), random_state=0).fit(X, y)
    assert clf.network_.module_.output.out_features == 2
    assert clf.network_.module__input_shape == (1, 6, 6)
    reg = make_cnn_net("regressor", max_epochs=3, channels=(4,))
    reg = ActiveLearner(reg, query_strategy="random", random_state=0).fit(X, X.mean(axis=(1, 2, 3)))
    assert reg.predict(X).shape == (40,)


def test_a_size_set_by_hand_that_disagrees_with_the_images_is_refused():
    from skactive import ActiveLearner
    from skactive.nets import make_cnn_net

    X = np.zeros((10, 1, 6, 6), dtype=np.float32)
    net = make_cnn_net(max_epochs=1, module__input_shape=(1, 8, 8))
    with pytest.raises(ValueError, match=r"module__input_shape=\(1, 8, 8\), but the data need"):
        ActiveLearner(net, random_state=0).fit(X, np.arange(10) % 2)


def test_mlp_flattens_images():
    module = MLP(n_features_in=64, n_outputs=3)
    assert module(torch.zeros(4, 1, 8, 8)).shape == (4, 3)


def test_cnn_with_nll_loss_is_refused_with_the_fix():
    from skorch import NeuralNetClassifier

    from skactive import ActiveLearner
    from skactive.nets import CNN

    net = NeuralNetClassifier(CNN, max_epochs=1)
    with pytest.raises(ValueError, match=r"NeuralNetClassifier\(CNN, criterion=torch.nn.Cross"):
        ActiveLearner(net).fit(np.zeros((4, 1, 4, 4), np.float32), [0, 1, 0, 1])


# ------------------------------------------------------- training to convergence


def _convergence_of(net):
    """The fitted TrainToConvergence callback of a skorch net."""
    from skactive.nets import TrainToConvergence

    (callback,) = [cb for _, cb in net.callbacks_ if isinstance(cb, TrainToConvergence)]
    return callback


def _separable(n, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4)).astype(np.float32)
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def test_make_mlp_net_trains_to_convergence_by_default_and_not_when_told():
    from skactive.nets import (
        CONVERGENCE_MAX_EPOCHS,
        FIXED_MAX_EPOCHS,
        TrainToConvergence,
        make_cnn_net,
        make_mlp_net,
    )

    for make in (make_mlp_net, make_cnn_net):
        net = make()
        ((name, callback),) = net.callbacks
        assert name == "convergence" and isinstance(callback, TrainToConvergence)
        assert net.max_epochs == CONVERGENCE_MAX_EPOCHS
        fixed = make(convergence=False)
        assert fixed.callbacks is None and fixed.max_epochs == FIXED_MAX_EPOCHS
    # An instance is used as given; the caller's callbacks come first and are kept.
    from skorch.callbacks import EpochTimer

    mine = TrainToConvergence(min_steps=7)
    net = make_mlp_net(convergence=mine, max_epochs=30, callbacks=[("timer", EpochTimer())])
    assert [n for n, _ in net.callbacks] == ["timer", "convergence"]
    assert net.callbacks[1][1] is mine and net.max_epochs == 30
    # A schedule already in the callbacks is not added twice.
    net = make_mlp_net(callbacks=[("mine", mine)])
    assert net.callbacks == [("mine", mine)]
    with pytest.raises(ValueError, match="convergence=False"):
        make_mlp_net(callbacks="disable")
    with pytest.raises(TypeError, match="TrainToConvergence instance"):
        make_mlp_net(convergence="yes")
    assert make_mlp_net(convergence=False, callbacks="disable").callbacks == "disable"


def test_a_users_own_net_is_not_given_the_schedule():
    from skorch import NeuralNetClassifier

    from skactive import ActiveLearner

    X, y = _separable(40)
    net = NeuralNetClassifier(
        MLP, criterion=nn.CrossEntropyLoss, max_epochs=3, train_split=None, verbose=0
    )
    learner = ActiveLearner(net, random_state=0).fit(X, y)
    assert len(learner.network_.history) == 3
    assert learner.network_.callbacks is None


def test_convergence_takes_min_steps_on_a_tiny_labelled_set():
    from skactive import ActiveLearner
    from skactive.nets import TrainToConvergence, make_mlp_net

    # 20 rows, batch 32: one step per epoch; the net fits them long before
    # 200 steps, so the minimum number of steps is what ends training.
    X, y = _separable(20)
    net = make_mlp_net(convergence=TrainToConvergence(min_steps=200))
    learner = ActiveLearner(net, random_state=0).fit(X, y)
    callback = _convergence_of(learner.network_)
    assert callback.n_steps_ == callback.n_epochs_ == len(learner.network_.history) == 200
    assert callback.stopped_by_ == "accuracy"
    assert learner.network_.history[-1, "converged"] == "accuracy"
    assert learner.network_.history[-1, "train_accuracy"] >= 0.99
    assert learner.score(X, y) == 1.0
    # Without the minimum, the same fit ends as soon as it has converged.
    quick = make_mlp_net(convergence=TrainToConvergence(min_steps=0))
    quick_learner = ActiveLearner(quick, random_state=0).fit(X, y)
    assert len(quick_learner.network_.history) < 200


def test_convergence_stops_a_large_labelled_set_on_a_plateau():
    from skactive import ActiveLearner
    from skactive.nets import TrainToConvergence, make_mlp_net

    # A noisy regression: the loss cannot reach zero and levels off.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(1500, 4)).astype(np.float32)
    y = X[:, 0] - X[:, 1] + rng.normal(scale=1.0, size=1500)
    schedule = TrainToConvergence(min_steps=100, patience=3)
    net = make_mlp_net("regressor", batch_size=64, convergence=schedule)
    learner = ActiveLearner(net, query_strategy="random", random_state=0).fit(X, y)
    callback = _convergence_of(learner.network_)
    assert callback.stopped_by_ == "plateau"
    assert callback.n_steps_ >= 100 and callback.n_epochs_ < net.max_epochs
    losses = learner.network_.history[:, "train_loss"]
    # The last `patience` epochs brought no 1 % improvement on the best before them.
    assert min(losses[-3:]) >= 0.99 * min(losses[:-3])
    assert "train_accuracy" not in learner.network_.history[-1]


def test_convergence_respects_max_epochs():
    from skactive import ActiveLearner
    from skactive.nets import TrainToConvergence, make_mlp_net

    X, y = _separable(60)
    net = make_mlp_net(max_epochs=7, convergence=TrainToConvergence(min_steps=10**6))
    learner = ActiveLearner(net, random_state=0).fit(X, y)
    callback = _convergence_of(learner.network_)
    assert len(learner.network_.history) == callback.n_epochs_ == 7
    assert callback.n_steps_ == 7 * 2 and callback.stopped_by_ is None
    assert "converged" not in learner.network_.history[-1]


def test_convergence_is_deterministic_and_pickles():
    import pickle

    from skactive import ActiveLearner
    from skactive.nets import TrainToConvergence, make_mlp_net

    X, y = _separable(80, seed=1)
    net = make_mlp_net(convergence=TrainToConvergence(min_steps=60))
    a = ActiveLearner(net, random_state=3).fit(X, y)
    b = ActiveLearner(net, random_state=3).fit(X, y)
    assert len(a.network_.history) == len(b.network_.history)
    np.testing.assert_array_equal(
        a.network_.history[:, "train_loss"], b.network_.history[:, "train_loss"]
    )
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    c = ActiveLearner(net, random_state=4).fit(X, y)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(restored.predict_proba(X), a.predict_proba(X))
    assert _convergence_of(restored.network_).n_steps_ == _convergence_of(a.network_).n_steps_
    # The unfitted net pickles too, and its schedule keeps its parameters.
    assert pickle.loads(pickle.dumps(net)).callbacks[0][1].min_steps == 60


def test_convergence_composes_with_warm_start_and_a_validation_split():
    from skorch.dataset import ValidSplit

    from skactive import ActiveLearner
    from skactive.nets import TrainToConvergence, make_mlp_net

    X, y = _separable(100, seed=2)
    net = make_mlp_net(convergence=TrainToConvergence(min_steps=40))
    learner = ActiveLearner(net, warm_start=True, random_state=0).fit(X[:30], y[:30])
    first = len(learner.network_.history)
    assert _convergence_of(learner.network_).n_steps_ >= 40
    learner.teach(X[30:], y[30:])
    # partial_fit continues the history; the new fit takes its own 40 steps
    # on the 100 rows (four batches an epoch).
    callback = _convergence_of(learner.network_)
    assert callback.n_steps_ >= 40 and callback.n_steps_ == 4 * callback.n_epochs_
    assert len(learner.network_.history) == first + callback.n_epochs_
    # With skorch's validation split, the training loss still decides.
    split = make_mlp_net(convergence=TrainToConvergence(min_steps=20), train_split=ValidSplit(5))
    fitted = ActiveLearner(split, random_state=0).fit(X, y)
    assert _convergence_of(fitted.network_).stopped_by_ in ("accuracy", "plateau")
    assert "valid_loss" in fitted.network_.history[-1]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(min_steps=-1), "integer min_steps >= 0"),
        (dict(min_steps=2.5), "integer min_steps >= 0"),
        (dict(patience=0), "integer patience >= 1"),
        (dict(tol=1.0), r"tol in \[0, 1\)"),
        (dict(target_accuracy=0.0), r"target_accuracy in \(0, 1\] or None"),
        (dict(target_accuracy="high"), r"target_accuracy in \(0, 1\] or None"),
    ],
)
def test_convergence_refuses_bad_parameters(kwargs, message):
    from skactive import ActiveLearner
    from skactive.nets import TrainToConvergence, make_mlp_net

    X, y = _separable(20)
    net = make_mlp_net(convergence=TrainToConvergence(**kwargs))
    learner = ActiveLearner(net, random_state=0)
    with pytest.raises(ValueError, match=message):
        learner.fit(X, y)
    assert not hasattr(learner, "estimator_")


@pytest.mark.slow
def test_converged_seed_model_beats_fifty_fixed_epochs_on_pendigits():
    """The sanity figure of the README: 50 labels of pendigits, the seed model's accuracy."""
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skactive import ActiveLearner
    from skactive.datasets import load_pendigits
    from skactive.nets import make_mlp_net

    X, y = load_pendigits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        np.asarray(X, dtype=np.float32), np.asarray(y), train_size=1500, test_size=1000,
        stratify=y, random_state=0,
    )  # fmt: skip
    scores = {}
    for name, net in (("converged", make_mlp_net()), ("fixed", make_mlp_net(convergence=False))):
        scores[name] = []
        for seed in range(3):
            rows = np.random.RandomState(seed).choice(len(X_train), 50, replace=False)
            learner = ActiveLearner(
                make_pipeline(StandardScaler(), net), classes=np.unique(y), random_state=seed
            )
            learner.fit(X_train[rows], y_train[rows])
            scores[name].append(learner.score(X_test, y_test))
    # About 0.80 against 0.61: 50 epochs are 100 Adam steps at 50 labels.
    assert np.mean(scores["converged"]) > np.mean(scores["fixed"]) + 0.1
    assert min(scores["converged"]) > max(scores["fixed"])


def test_convergence_repr_names_its_parameters():
    from skactive.nets import TrainToConvergence

    text = repr(TrainToConvergence(min_steps=7))
    assert text.startswith("TrainToConvergence(") and "min_steps=7" in text and "tol=0.01" in text
