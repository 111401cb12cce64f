"""A pytest plugin that registers a toy strategy, as a new strategy would be added.

``pytest -p tests.strategies._toy_plugin tests/strategies/test_common.py``
then runs the contract tests on it too (see ``test_registration.py``). The
strategy is one class and the registration one line, as for a real one.
"""

from contextlib import closing
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from skactive import probes
from skactive.strategies import STRATEGY_ALIASES, UtilityStrategy


class ToyStrategy(UtilityStrategy):
    """The rows of largest network output, raised to ``power``.

    Parameters
    ----------
    power : float, default=1.0
        Exponent of the utility (positive).
    """

    _parameter_constraints = {"power": [Interval(Real, 0, None, closed="neither")]}

    def __init__(self, power=1.0):
        self.power = power

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.uses_network = True
        return tags

    def utility(self, learner, X_pool):
        utility = np.empty(probes.n_rows(X_pool), dtype=np.float64)
        chunks = probes.iter_network_output(
            learner.network_, X_pool, batch_size=learner.pool_batch_size
        )
        with closing(chunks):
            for start, output in chunks:
                utility[start : start + output.shape[0]] = np.abs(output).max(axis=1)
        return utility**self.power


def pytest_configure(config):
    # Registered only when loaded as a plugin (not when merely imported, as
    # doctest collection does): the one line a new strategy adds.
    STRATEGY_ALIASES["toy"] = ToyStrategy


def pytest_unconfigure(config):
    STRATEGY_ALIASES.pop("toy", None)
