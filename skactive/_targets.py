"""Targets of a classifier and of a regressor, one helper each.

:class:`ActiveLearner` picks its helper once in ``fit``
(:func:`target_handler`) and asks it everything that depends on the task:
validating ``y``, checking labels against the classes, encoding for skorch,
the number of network outputs, decoding predictions and the default score.
"""

import numpy as np
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _num_samples, check_array, column_or_1d

__all__ = ["ClassifierTargets", "RegressorTargets", "target_handler"]


def _check_length(y, n_samples):
    if _num_samples(y) != n_samples:
        raise ValueError(
            f"X and y have inconsistent numbers of samples: {n_samples} rows in X "
            f"but {_num_samples(y)} labels in y."
        )


class ClassifierTargets:
    """Class labels: any label type, encoded as positions in ``classes_``."""

    task = "classifier"

    def validate(self, y, n_samples):
        """``y`` as a 1-D array of class labels, one per row.

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        _check_length(y, n_samples)
        return y

    def fit_classes(self, y, classes, owner):
        """The classes of a fit: ``classes`` as declared, else those of ``y``.

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
        classes : array-like of shape (n_classes,) or None
            The learner's ``classes`` parameter.
        owner : str
            The learner's class name, for the error.

        Returns
        -------
        classes : ndarray of shape (n_classes,)
        """
        if classes is not None:
            given = classes
            classes = np.unique(np.asarray(classes))
            if classes.ndim != 1 or classes.shape[0] < 2:
                raise ValueError(f"classes must list at least 2 distinct labels, got {given!r}.")
        else:
            classes = np.unique(y)
            if classes.shape[0] < 2:
                raise ValueError(
                    f"{owner} needs at least 2 classes in y, got 1 class "
                    f"({classes.tolist()[0]!r}). If more classes will arrive through teach, "
                    "declare them all with classes=[...]."
                )
        self.check_labels(y, classes)
        return classes

    def check_labels(self, y, classes):
        """Refuse labels outside ``classes``."""
        unknown = np.unique(y[~np.isin(y, classes)])
        if unknown.shape[0]:
            raise ValueError(
                f"y contains labels {unknown.tolist()} that are not among the learner's "
                f"classes {classes.tolist()}. For a class to arrive after the seed set, "
                "declare every class with classes=[...] before fit."
            )

    def match(self, y, learner):
        """New labels checked against the fitted learner's classes."""
        self.check_labels(y, learner.classes_)
        return y

    def encode(self, y, learner):
        """Labels as skorch trains on them: int64 positions in ``classes_``."""
        return np.searchsorted(learner.classes_, y).astype(np.int64)

    def n_outputs(self, y, learner):
        """One network output per class."""
        return learner.classes_.shape[0]

    def net_params(self, learner):
        """What skorch is told of the classes: their encoded values."""
        return {"classes": list(range(learner.classes_.shape[0]))}

    def decode(self, output, learner):
        """Predicted labels from outputs of shape (n_samples, n_classes)."""
        return learner.classes_[output.argmax(axis=1)]

    def score(self, y, y_pred, sample_weight=None):
        """Accuracy."""
        return float(accuracy_score(y, y_pred, sample_weight=sample_weight))


class RegressorTargets:
    """Numeric targets, one or several per row, trained as float32 columns."""

    task = "regressor"

    def validate(self, y, n_samples):
        """``y`` as a numeric array of shape (n_samples,) or (n_samples, n_targets)."""
        y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
        if y.ndim == 2 and y.shape[1] == 0:
            raise ValueError("y has 0 targets.")
        _check_length(y, n_samples)
        return y

    def fit_classes(self, y, classes, owner):
        """No classes: a regressor ignores ``classes``."""
        return None

    def match(self, y, learner):
        """Shape new targets like those given to fit."""
        fitted = learner.y_labeled_
        n_targets = 1 if fitted.ndim == 1 else fitted.shape[1]
        if (1 if y.ndim == 1 else y.shape[1]) != n_targets:
            raise ValueError(
                f"y has {1 if y.ndim == 1 else y.shape[1]} targets, but the learner was "
                f"fitted with {n_targets}."
            )
        return y.reshape((-1,) + fitted.shape[1:])

    def encode(self, y, learner):
        """Targets as float32 columns, shape (n_samples, n_targets)."""
        y = np.asarray(y, dtype=np.float32)
        return y[:, None] if y.ndim == 1 else y

    def n_outputs(self, y, learner):
        """One network output per target."""
        return 1 if y.ndim == 1 else y.shape[1]

    def net_params(self, learner):
        """Nothing to tell skorch."""
        return {}

    def decode(self, output, learner):
        """Predictions shaped like the targets given to fit."""
        if learner.y_labeled_.ndim == 1:
            return output[:, 0]
        return output

    def score(self, y, y_pred, sample_weight=None):
        """R²."""
        return float(r2_score(y, y_pred, sample_weight=sample_weight))


def target_handler(task):
    """The helper of a task, ``"classifier"`` or ``"regressor"``."""
    return ClassifierTargets() if task == "classifier" else RegressorTargets()
