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
