"""(torch) Whether the device a net asks for exists on this machine; where probe results go."""

import numpy as np
import torch

__all__ = ["check_device", "uses_accelerator"]


def uses_accelerator(net):
    """Whether the fitted net's module runs on a device other than the CPU.

    The greedy strategies (Core-Set, DAMI, BADGE) ask their probes for
    tensors on the net's device (``on_device=True``) exactly when this is
    true, so that their selection kernels run there too; on the CPU the
    probes return NumPy arrays, as always.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net. Its ``device``, or where ``device=None``, the device of
        the module's first parameter.

    Returns
    -------
    bool
    """
    device = getattr(net, "device", None)
    if device is None:
        parameter = next(net.module_.parameters(), None)
        return parameter is not None and parameter.device.type != "cpu"
    return torch.device(device).type != "cpu"


class _Rows:
    """The rows of a probe result, filled chunk by chunk, as NumPy or on the net's device.

    ``on_device=False``: a float32 NumPy array on the CPU (the default of
    every probe). ``on_device=True``: a float32 torch tensor on the device of
    the chunks (the net's device), never copied to the host.
    """

    def __init__(self, n_samples, on_device):
        self.n_samples, self.on_device, self.array = n_samples, on_device, None

    def put(self, start, tensor):
        """Write the rows of ``tensor`` (n_rows, n_cols) from row ``start``."""
        tensor = tensor.detach()
        if self.array is None:
            shape = (self.n_samples, tensor.shape[1])
            if self.on_device:
                self.array = torch.empty(shape, dtype=torch.float32, device=tensor.device)
            else:
                self.array = np.empty(shape, dtype=np.float32)
        if self.on_device:
            self.array[start : start + tensor.shape[0]] = tensor.to(torch.float32)
        else:
            self.array[start : start + tensor.shape[0]] = tensor.to("cpu").numpy()


def check_device(net):
    """Raise a clear error if ``net.device`` cannot be used here.

    skorch moves the module to ``net.device`` deep inside training, where a
    missing GPU surfaces as torch's ``AssertionError: Torch not compiled with
    CUDA enabled`` or a ``RuntimeError`` about CUDA drivers. This asks the
    same question before any work.

    Parameters
    ----------
    net : skorch.NeuralNet
        The (unfitted) net; only ``net.device`` is read. ``None`` (skorch:
        leave the module where it is) is accepted.

    Raises
    ------
    ValueError
        If the device string is not a torch device, or names CUDA (or MPS)
        where this torch build or machine has none, or a GPU index beyond
        the GPUs visible.
    """
    device = getattr(net, "device", None)
    if device is None:
        return
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise ValueError(
            f"device={device!r} is not a torch device ({error}): use 'cpu', 'cuda' or 'cuda:0'."
        ) from None
    if parsed.type == "cuda":
        if torch.version.cuda is None and getattr(torch.version, "hip", None) is None:
            raise ValueError(
                f"device={device!r}, but this PyTorch build ({torch.__version__}) has no CUDA "
                "support. Install a CUDA build of torch (see pytorch.org), or set "
                "device='cpu' on the skorch net."
            )
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r}, but no CUDA GPU is visible: torch "
                f"{torch.__version__} is built with CUDA {torch.version.cuda}, yet "
                "torch.cuda.is_available() is False (no GPU, a driver too old for this CUDA, "
                "or CUDA_VISIBLE_DEVICES hides them). Set device='cpu' on the skorch net, "
                "or fix the driver."
            )
        count = torch.cuda.device_count()
        if parsed.index is not None and parsed.index >= count:
            raise ValueError(
                f"device={device!r}, but only {count} CUDA GPU{'s' if count != 1 else ''} "
                f"{'are' if count != 1 else 'is'} visible (cuda:0 to cuda:{count - 1})."
            )
    elif parsed.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(
            f"device={device!r}, but MPS (Apple GPU) is not available here: set "
            "device='cpu' on the skorch net."
        )
