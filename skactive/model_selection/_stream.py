"""A simulated stream: rows arrive in order, a selector decides which labels to ask for."""

from numbers import Integral

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.validation import _num_samples, check_consistent_length

__all__ = ["simulate_stream"]

STREAM_COLUMNS = ["n_seen", "n_labeled", "n_asked", "score", "spending"]


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


def simulate_stream(
    learner,
    selector,
    X,
    y,
    X_test,
    y_test,
    *,
    initial_size=20,
    batch_size=1,
    retrain_every=10,
    scoring=None,
    random_state=None,
):
    """Simulate stream-based active learning over a data set, labels as the oracle.

    The first ``initial_size`` rows of ``X`` are the labelled seed set; the
    others arrive in order, ``batch_size`` at a time. For each arriving
    batch the selector decides, with the current model, which rows to ask
    for; their labels are revealed and queued. Once ``retrain_every`` new
    labels are queued the learner is taught them (and retrained), and scored
    on the test set. Rows not asked for are gone.

    Parameters
    ----------
    learner : ActiveLearner
        Cloned, not modified. A classifier whose ``classes`` is not set gets
        the classes of ``y`` and ``y_test`` declared.
    selector : StreamSelector
        A selector of :mod:`skactive.stream`; cloned.
    X : array-like of shape (n_stream, n_features)
        The stream, in arrival order (shuffle it first for an i.i.d. stream).
    y : array-like of shape (n_stream,)
        Its labels, revealed only for the rows asked for.
    X_test, y_test : array-like
        The test set scored after the seed set and after every retraining.
    initial_size : int, default=20
        Rows at the head of the stream labelled before it starts.
    batch_size : int, default=1
        Rows arriving together (the model is the same for all rows of a
        batch; 1: a decision per row with the latest model).
    retrain_every : int, default=10
        The retraining cadence: new labels gathered before the learner is
        taught them and retrained (1: after every label). The labels still
        queued at the end of the stream are taught then.
    scoring : str or callable, default=None
        A scikit-learn scorer; None uses ``learner.score``.
    random_state : int, RandomState instance or None, default=None
        Resolved into the learner's and the selector's seeds.

    Returns
    -------
    results : pandas.DataFrame
        One row per scoring (the seed set, each retraining, and the end of
        the stream, scored with the last model if no label came since): ``n_seen``
        (stream rows seen, the seed set included), ``n_labeled``, ``n_asked``
        (labels asked for after the seed set), ``score`` and ``spending`` (the
        selector's estimated labelling rate, ``rate_``). ``n_asked / (n_seen -
        initial_size)`` is the labelling rate actually spent.

    References
    ----------
    .. [1] I. Žliobaitė, A. Bifet, B. Pfahringer and G. Holmes, "Active
       Learning With Drifting Streaming Data", IEEE TNNLS 25(1), 2014, §VI:
       the stream is processed in arrival order (their evaluation is
       prequential; here a held-out test set scores the model).
    """
    import pandas as pd

    from ._simulation import _check_learner

    _check_learner(learner)
    if not hasattr(selector, "ask"):
        raise TypeError(
            f"selector must be a stream selector of skactive.stream (with ask), got {selector!r}."
        )
    check_consistent_length(X, y)
    check_consistent_length(X_test, y_test)
    initial_size = _positive_int(initial_size, "initial_size")
    batch_size = _positive_int(batch_size, "batch_size")
    retrain_every = _positive_int(retrain_every, "retrain_every")
    n = _num_samples(X)
    if initial_size >= n:
        raise ValueError(f"initial_size={initial_size} leaves no stream: X has only {n} rows.")
    y, y_test = np.asarray(y), np.asarray(y_test)
    rng = check_random_state(random_state)
    learner_seed, selector_seed = (int(s) for s in rng.randint(np.iinfo(np.int32).max, size=2))
    learner = clone(learner).set_params(random_state=learner_seed)
    if is_classifier(learner) and learner.get_params().get("classes") is None:
        learner.set_params(classes=np.unique(np.concatenate([y.ravel(), y_test.ravel()])))
    selector = clone(selector)
    if "random_state" in selector.get_params():
        selector.set_params(random_state=selector_seed)
    scorer = check_scoring(learner, scoring=scoring)

    learner.fit(_safe_indexing(X, np.arange(initial_size)), y[:initial_size])
    rows = [(initial_size, initial_size, 0, float(scorer(learner, X_test, y_test)), 0.0)]
    queue, n_asked = [], 0
    for start in range(initial_size, n, batch_size):
        batch = np.arange(start, min(start + batch_size, n))
        asked = batch[selector.ask(learner, _safe_indexing(X, batch))]
        queue.extend(asked.tolist())
        n_asked += asked.shape[0]
        last = batch[-1] == n - 1
        if len(queue) >= retrain_every or (last and queue):
            taught = np.asarray(queue)
            learner.teach(_safe_indexing(X, taught), y[taught])
            queue = []
            rows.append(
                (
                    int(batch[-1]) + 1,
                    _num_samples(learner.y_labeled_),
                    n_asked,
                    float(scorer(learner, X_test, y_test)),
                    selector.rate_,
                )
            )
    if rows[-1][0] != n:  # the end of the stream, when it brought no label to teach
        rows.append((n, rows[-1][1], n_asked, rows[-1][3], getattr(selector, "rate_", rows[-1][4])))
    return pd.DataFrame(rows, columns=STREAM_COLUMNS)
