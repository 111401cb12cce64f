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
