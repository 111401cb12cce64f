"""The experimental protocol of the DAMI paper.

It lives in :mod:`skactive.model_selection`, not :mod:`skactive.metrics`,
because it runs simulations: it splits the data, runs
:func:`cross_validate_strategies` and only then applies the metrics. The
metrics layer sits below the simulations and never imports them.
"""

from numbers import Integral

from sklearn.base import is_classifier
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.utils import Bunch, check_random_state

from ..metrics import learning_curves, summarize_results
from ._simulation import _check_learner
from ._validation import cross_validate_strategies

__all__ = ["dami_protocol"]


def dami_protocol(
    learner,
    strategies,
    X,
    y,
    *,
    n_runs=10,
    scoring="roc_auc",
    baseline="random",
    n_jobs=None,
    verbose=True,
    random_state=None,
):
    """Compare strategies with the protocol of the DAMI paper.

    Each run splits the data at random into 60 % training, 20 % validation
    and 20 % test rows (stratified for a classifier), labels a random 2 % of
    the training rows, then queries 2 % of the training rows per round until
    50 % of them are labelled, scoring the test rows (AUC by default) after
    each round. Runs are summarised by their median.

    Parameters
    ----------
    learner : ActiveLearner
        Template learner; its ``query_strategy`` is replaced by each strategy.
    strategies : list or dict
        As in :func:`cross_validate_strategies`.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    n_runs : int, default=10
        Number of random splits (the paper runs each approach 10 times).
    scoring : str or callable, default="roc_auc"
        The paper's data sets are binary and class-imbalanced, hence AUC; use
        e.g. ``"roc_auc_ovr"`` for several classes.
    baseline : str, default="random"
        Baseline of the penalty column of the summary.
    n_jobs : int, default=None
    verbose : bool, default=True
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``results`` (the tidy table of :func:`cross_validate_strategies`, one
        fold per run), ``curves`` (median learning curves with interquartile
        bands, :func:`learning_curves`) and ``summary``
        (:func:`summarize_results` with medians).

    Notes
    -----
    The paper does not say what the validation rows serve for; here they are
    held out and unused (the networks train for a fixed number of epochs),
    so that training and test sizes follow the paper.

    References
    ----------
    .. [DAMI] "Deep Active learning approach by Model Interpretability"
       (DAMI), "Experiments on Tabular Datasets": 60/20/20 split, 2 % seed,
       2 % per round up to 50 %, AUC, median of 10 runs.
    """
    _check_learner(learner)
    if isinstance(n_runs, bool) or not isinstance(n_runs, Integral) or n_runs < 2:
        raise ValueError(f"n_runs must be an integer of at least 2, got {n_runs!r}.")
    rng = check_random_state(random_state)
    split_seed = int(rng.randint(2**31 - 1))
    splitter = (StratifiedShuffleSplit if is_classifier(learner) else ShuffleSplit)(
        n_splits=n_runs, train_size=0.6, test_size=0.2, random_state=split_seed
    )
    results = cross_validate_strategies(
        learner,
        strategies,
        X,
        y,
        cv=splitter,
        n_repeats=1,
        initial_size=0.02,
        query_size=0.02,
        budget=0.5,
        scoring=scoring,
        n_jobs=n_jobs,
        verbose=verbose,
        random_state=rng,
    )
    return Bunch(
        results=results,
        curves=learning_curves(results, aggregate="median"),
        summary=summarize_results(results, baseline=baseline, aggregate="median"),
    )
