"""The query-strategy protocol shared by every strategy."""

import inspect

from sklearn.base import BaseEstimator, is_classifier
from sklearn.utils import check_random_state

from ..kernels import select_by_cost, top_k

__all__ = ["QueryStrategy", "UtilityStrategy", "CallableStrategy"]


class QueryStrategy(BaseEstimator):
    """Base class of query strategies.

    A strategy is a scikit-learn estimator-like object: ``__init__`` only
    stores its hyper-parameters (so ``get_params``, ``set_params``, ``clone``
    and ``GridSearchCV`` work on it) and all work happens in :meth:`query`.

    Subclasses implement :meth:`query`. They receive the pool as the network
    sees it: validated, passed through any preprocessing steps of a Pipeline
    estimator, ``float32``. Anything torch-related is obtained through the
    probe layer (``skactive.probes``) from ``learner.network_``.
    """

    def query(self, learner, X_pool, n, random_state=None):
        """Choose ``n`` rows of ``X_pool`` to label next.

        Parameters
        ----------
        learner : ActiveLearner
            A fitted learner. Strategies read it and never modify it.
        X_pool : ndarray of shape (n_samples, n_features_net)
            The candidate rows, as the network sees them.
        n : int
            Number of rows to choose, ``1 <= n <= n_samples``.
        random_state : int, RandomState instance or None, default=None
            Seed of any randomness in the strategy.

        Returns
        -------
        indices : ndarray of shape (n,), dtype int64
            Distinct indices into ``X_pool`` in selection order.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement query.")

    def _require_classifier(self, learner):
        if not is_classifier(learner):
            raise ValueError(
                f"{type(self).__name__} needs class probabilities: use it with a "
                "classifier (a skorch NeuralNetClassifier); for a regressor choose "
                "e.g. 'random'."
            )


class UtilityStrategy(QueryStrategy):
    """Base class of ranking strategies: one utility per pool row, top ``n``.

    Subclasses implement :meth:`utility`; :meth:`query` returns the ``n``
    rows of highest utility, largest first, ties broken at random through
    ``random_state`` (see :func:`skactive.kernels.top_k`).

    Given annotation ``costs`` (one per pool row), :meth:`query` ranks rows
    by return on investment instead, ``(utility - floor) / cost`` (Settles,
    Craven & Friedland, 2008, §3), where ``floor`` is the lowest utility the
    strategy can give (class attribute ``_utility_floor``: 0 for
    non-negative utilities, -1 for margin; if None, the smallest utility in
    the pool). With ``max_cost`` it takes rows in that order while they fit
    in the budget, skipping those too expensive for what is left.
    """

    #: Lowest possible utility (the ratio needs ``utility - floor >= 0``);
    #: None: the smallest utility of the pool, or 0 if none is negative.
    _utility_floor = None

    def utility(self, learner, X_pool):
        """Utility of labelling each pool row; larger is more useful.

        Parameters
        ----------
        learner : ActiveLearner
            A fitted learner.
        X_pool : ndarray of shape (n_samples, n_features_net)
            The candidate rows, as the network sees them.

        Returns
        -------
        utility : ndarray of shape (n_samples,)
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement utility.")

    def query(self, learner, X_pool, n, random_state=None, costs=None, max_cost=None):
        """Choose ``n`` rows of ``X_pool`` to label next.

        Parameters
        ----------
        learner : ActiveLearner
            A fitted learner. Strategies read it and never modify it.
        X_pool : ndarray of shape (n_samples, n_features_net)
            The candidate rows, as the network sees them.
        n : int
            Number of rows to choose, ``1 <= n <= n_samples``.
        random_state : int, RandomState instance or None, default=None
            Seed of any randomness in the strategy.
        costs : ndarray of shape (n_samples,), default=None
            Positive annotation costs (validated by the learner). Rows are
            then ranked by utility per unit cost.
        max_cost : float, default=None
            With ``costs``: the total cost the rows may reach; fewer than
            ``n`` rows are returned when the budget runs out first.

        Returns
        -------
        indices : ndarray of shape (n,) or (n_taken,), dtype int64
            Distinct indices into ``X_pool`` in selection order.
        """
        utility = self.utility(learner, X_pool)
        rng = check_random_state(random_state)
        if costs is None:
            return top_k(utility, n, rng)
        return select_by_cost(utility, costs, n, max_cost, rng, floor=self._utility_floor)


class CallableStrategy(QueryStrategy):
    """Adapter that lets a plain function act as a query strategy.

    Parameters
    ----------
    func : callable
        ``func(learner, X_pool, n)`` returning ``n`` indices into ``X_pool``.
        If it also accepts a ``random_state`` keyword it receives the seed
        the learner derived for this query.
    """

    def __init__(self, func):
        self.func = func

    def query(self, learner, X_pool, n, random_state=None):
        try:
            accepts_seed = "random_state" in inspect.signature(self.func).parameters
        except (TypeError, ValueError):  # builtins without a signature
            accepts_seed = False
        if accepts_seed:
            return self.func(learner, X_pool, n, random_state=random_state)
        return self.func(learner, X_pool, n)

    query.__doc__ = QueryStrategy.query.__doc__


def differentiated_output(learner, needs, fix):
    """Which network output a gradient probe differentiates for ``learner``.

    A classifier's predicted class (``"argmax"``); a regressor's single
    output (``0``). A regressor with several outputs is refused.

    Parameters
    ----------
    learner : ActiveLearner
        A fitted learner.
    needs : str
        Start of the error message: what needs one output.
    fix : str
        End of the error message: what to do instead.

    Returns
    -------
    output : "argmax" or 0
        The ``output`` argument of :func:`skactive.probes.input_gradients`
        and :func:`skactive.probes.gradient_features`.
    """
    if is_classifier(learner):
        return "argmax"
    n_outputs = learner.y_labeled_.shape[1] if learner.y_labeled_.ndim == 2 else 1
    if n_outputs != 1:
        raise ValueError(f"{needs}: the regressor has {n_outputs} outputs; {fix}.")
    return 0
