"""The embedding probes' ``on_device`` option and ``uses_accelerator``."""

import numpy as np
import pytest
import torch

from skactive import ActiveLearner, probes

from .conftest import make_classifier_net, make_three_classes


@pytest.fixture(scope="module")
def fitted():
    X, y, pool = make_three_classes(20, 100)
    return ActiveLearner(make_classifier_net(), random_state=0).fit(X, y).network_, pool


@pytest.mark.parametrize(
    "probe",
    [probes.penultimate_embedding, probes.gradient_embedding, probes.input_gradients],
)
def test_on_device_returns_float32_tensors_equal_to_the_numpy_result(fitted, probe):
    net, pool = fitted
    as_numpy = probe(net, pool, batch_size=32)
    on_device = probe(net, pool, batch_size=32, on_device=True)
    if probe is not probes.gradient_embedding:
        as_numpy, on_device = (as_numpy,), (on_device,)
    for array, tensor in zip(as_numpy, on_device, strict=True):
        assert isinstance(array, np.ndarray) and array.dtype == np.float32
        assert isinstance(tensor, torch.Tensor) and tensor.dtype == torch.float32
        assert tensor.device == torch.device(net.device) and not tensor.requires_grad
        np.testing.assert_array_equal(tensor.numpy(), array)


def test_uses_accelerator_reads_the_net_device(fitted):
    net, _ = fitted
    assert net.device == "cpu" and not probes.uses_accelerator(net)
    net.device = None  # skorch: leave the module where it is; its parameters tell
    try:
        assert not probes.uses_accelerator(net)
    finally:
        net.device = "cpu"
