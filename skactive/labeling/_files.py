"""A :class:`~skactive.labeling.LabelingSession` on disk: save and load, CSV export and import.

The functions here are the session's methods (``save``, ``load``,
``export_batch``, ``import_labels``, ...); :mod:`._session` binds them, so
they take the session as ``self`` (``load``, a class method, takes ``cls``).
"""

import os
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from .. import probes
from ._state import _plain

#: Version of the saved file's layout (a load refuses other versions).
_FORMAT = 1


def save(self, path, *, include_pool=True):
    """Write the session to ``path`` (one file, replaced atomically).

    Parameters
    ----------
    path : str or path
    include_pool : bool, default=True
        Whether to store ``X_pool`` (and the validation set) in the file.
        Without it the file is small and :meth:`load` must be given the
        pool again.
    """
    path = Path(path)
    state = dict(self.__dict__)
    state["_format"] = _FORMAT
    if not include_pool:
        state["X_pool"] = None
    tmp = path.with_name(path.name + ".tmp")
    joblib.dump(state, tmp)
    os.replace(tmp, path)  # atomic: a cut-short save leaves the old file whole


def load(cls, path, X_pool=None):
    """A session saved by :meth:`save`, ready to continue.

    Parameters
    ----------
    path : str or path
    X_pool : array-like, default=None
        The pool, needed when the session was saved with
        ``include_pool=False``; it must have as many rows as the saved one.

    Returns
    -------
    session : LabelingSession
    """
    state = joblib.load(path)
    if not isinstance(state, dict) or state.get("_format") != _FORMAT:
        raise ValueError(f"{path} is not a file written by LabelingSession.save.")
    del state["_format"]
    if X_pool is not None:
        if probes.n_rows(X_pool) != state["_n_pool"]:
            raise ValueError(
                f"X_pool has {probes.n_rows(X_pool)} rows but the saved session's pool "
                f"had {state['_n_pool']}."
            )
        state["X_pool"] = X_pool
    elif state["X_pool"] is None:
        raise ValueError(
            f"{path} was saved without its pool: pass it, LabelingSession.load(path, X_pool)."
        )
    session = cls.__new__(cls)
    session.__dict__.update(state)
    return session


def _autosave(self):
    if self.autosave is not None:
        self.save(self.autosave)


def to_csv(self, path, **kwargs):
    """Write :attr:`labels_` to a CSV file (``pandas.DataFrame.to_csv``, no index)."""
    self.labels_.to_csv(path, index=False, **kwargs)


def labeled_set(self, *, committed_only=False):
    """The labelled rows and their labels.

    Parameters
    ----------
    committed_only : bool, default=False
        Leave out the open batch's labels.

    Returns
    -------
    X : same kind as ``X_pool``, n_labeled rows
    y : ndarray of shape (n_labeled,)
    """
    records = [r for r in self._records if r["committed"] or not committed_only]
    idx = np.asarray([r["index"] for r in records], dtype=np.int64)
    return probes.take_rows(self.X_pool, idx), np.asarray([r["label"] for r in records])


def labeled_frame(self, *, committed_only=False):
    """The labelled set as one DataFrame: :attr:`labels_` beside the rows.

    A DataFrame pool gives its own columns, a table ``x0, x1, ...``, texts
    one column ``text``, images their flattened pixels ``x0, ...``.
    """
    labels = self.labels_
    if committed_only:
        labels = labels[labels["committed"]]
    labels = labels.reset_index(drop=True)
    rows = _content_frame(self.X_pool, labels["index"].to_numpy())
    return pd.concat([labels, rows], axis=1)


def export_batch(self, path):
    """Write the open batch to a CSV file for an external annotation tool.

    Columns: ``index``, ``id`` (with ``ids``), an empty ``label``, and
    the rows' content where a CSV can hold it — a DataFrame pool's
    columns, a table's ``x0, x1, ...``, a text's ``text``; for images a
    column ``file`` naming PNG files written to the folder
    ``<path stem>_images`` beside the CSV. Fill in ``label`` (empty:
    unanswered, ``skip``: skip the row) and read it back with
    :meth:`import_labels`.

    Returns
    -------
    frame : DataFrame
        What was written.
    """
    batch = self.next_batch()
    if batch.shape[0] == 0:
        raise ValueError("There is no batch to export: the pool or the budget is spent.")
    from ._rendering import image_array, png_bytes, pool_kind

    path = Path(path)
    frame = pd.DataFrame({"index": batch})
    if self.ids is not None:
        frame["id"] = self.ids[batch]
    frame["label"] = ""
    if pool_kind(self.X_pool) == "image":
        folder = path.with_name(path.stem + "_images")
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        for i in batch:
            name = f"row{i}.png"
            rows = probes.take_rows(self.X_pool, [i])
            (folder / name).write_bytes(png_bytes(image_array(rows[0])))
            files.append(f"{folder.name}/{name}")
        frame["file"] = files
    else:
        frame = pd.concat([frame, _content_frame(self.X_pool, batch)], axis=1)
    frame.to_csv(path, index=False)
    return frame


def import_labels(self, path_or_frame):
    """Label the open batch from a CSV file (or DataFrame) of an annotation tool.

    The file needs a column ``label`` and a column ``index`` (position in
    ``X_pool``) or ``id`` (with ``ids``). Rows with an empty label are
    left unanswered; a label ``"skip"`` (when it is not a class) skips
    the row. Labels are matched to :attr:`classes_` by their text, so
    ``"3"`` read from a CSV labels class ``3``. Every row is checked
    before any is applied: on a bad row nothing changes.

    Returns
    -------
    n : int
        Number of rows labelled or skipped.
    """
    if isinstance(path_or_frame, pd.DataFrame):
        frame = path_or_frame
    else:
        frame = pd.read_csv(path_or_frame, dtype=str, keep_default_na=False)
    if "label" not in frame.columns:
        raise ValueError("The annotations need a column 'label'.")
    if "index" in frame.columns:
        keys = [int(k) for k in frame["index"]]
    elif "id" in frame.columns and self.ids is not None:
        where = {str(_plain(v)): i for i, v in enumerate(self.ids)}
        unknown = [k for k in frame["id"] if str(k) not in where]
        if unknown:
            raise ValueError(f"ids {unknown[:5]} are not in the session's ids.")
        keys = [where[str(k)] for k in frame["id"]]
    else:
        raise ValueError("The annotations need a column 'index' (or 'id' with ids=).")
    classes = self.classes_
    by_text = None if classes is None else {str(c): c for c in classes}
    actions = []
    for key, value in zip(keys, frame["label"], strict=True):
        if isinstance(value, float) and np.isnan(value) or str(value).strip() == "":
            continue
        self._check_in_batch(key)
        text = str(value).strip()
        if by_text is not None and text in by_text:
            actions.append((key, by_text[text]))
        elif text == "skip":
            actions.append((key, None))
        elif by_text is None:
            actions.append((key, self._check_label(value)))
        else:
            raise ValueError(f"Label {text!r} of row {key} is not one of the classes {classes}.")
    autosave, self.autosave = self.autosave, None
    try:
        for key, y in actions:
            self.skip(key) if y is None else self.label(key, y)
    finally:
        self.autosave = autosave
    self._autosave()
    return len(actions)


def _content_frame(X, indices):
    """Rows ``indices`` of ``X`` as a DataFrame (index 0..n-1)."""
    rows = probes.take_rows(X, indices)
    if hasattr(rows, "iloc"):
        return rows.reset_index(drop=True)
    if isinstance(rows, dict):
        parts = {}
        for key, value in rows.items():
            flat = np.asarray(value).reshape(len(indices), -1)
            for j in range(flat.shape[1]):
                parts[f"{key}{j}"] = flat[:, j]
        return pd.DataFrame(parts)
    array = np.asarray(rows) if not probes.is_dataset(rows) else None
    if array is None:
        return pd.DataFrame(index=range(len(indices)))
    if array.dtype.kind in "USO" and array.ndim == 1:
        return pd.DataFrame({"text": array})
    flat = array.reshape(len(indices), -1)
    return pd.DataFrame(flat, columns=[f"x{j}" for j in range(flat.shape[1])])
