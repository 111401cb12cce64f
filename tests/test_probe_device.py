"""A device the machine lacks is refused at fit, before any work."""

import numpy as np
import pytest
import torch

from skactive import ActiveLearner
from skactive.probes import _device as _probe_device

from .conftest import make_classifier_net

X = np.random.RandomState(0).normal(size=(20, 2)).astype(np.float32)
y = np.repeat([0, 1], 10)


@pytest.fixture
def no_training(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a network was trained")

    monkeypatch.setattr(ActiveLearner, "_train", refuse)


def _fit(device):
    learner = ActiveLearner(make_classifier_net(device=device), random_state=0)
    learner.fit(X, y)
    return learner


def test_a_cpu_build_of_torch_says_so(monkeypatch, no_training):
    monkeypatch.setattr(torch.version, "cuda", None)
    monkeypatch.setattr(torch.version, "hip", None, raising=False)
    with pytest.raises(ValueError, match=r"device='cuda', but this PyTorch build .* has no CUDA "
                       r"support\. Install a CUDA build of torch.*device='cpu'"):  # fmt: skip
        _fit("cuda")


def test_a_cuda_build_without_a_gpu_says_so(monkeypatch, no_training):
    monkeypatch.setattr(torch.version, "cuda", "12.4")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match=r"no CUDA GPU is visible.*built with CUDA 12\.4.*"
                       r"CUDA_VISIBLE_DEVICES"):  # fmt: skip
        _fit("cuda:0")


def test_a_gpu_index_beyond_the_gpus_says_how_many(monkeypatch, no_training):
    monkeypatch.setattr(torch.version, "cuda", "12.4")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    with pytest.raises(ValueError, match=r"only 2 CUDA GPUs are visible \(cuda:0 to cuda:1\)"):
        _fit("cuda:2")


def test_a_device_that_is_no_device(no_training):
    with pytest.raises(ValueError, match="device='gpu' is not a torch device"):
        _fit("gpu")


def test_cpu_and_none_are_accepted():
    class Net:
        device = None

    _probe_device.check_device(Net())
    assert _fit("cpu").predict(X).shape == (20,)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_a_visible_gpu_trains_and_predicts():
    learner = _fit("cuda")
    assert next(learner.network_.module_.parameters()).is_cuda
    assert learner.predict(X).shape == (20,)
