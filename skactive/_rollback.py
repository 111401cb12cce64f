"""Rollback on failure: an object's state put back if a block fails part way.

``fit``, ``teach`` and a simulated round replace attributes only once all
their work succeeded, but the work itself may change state in place (a
strategy's bandit, a stopping criterion's history). :func:`restored_on_failure`
keeps what is needed to undo it and restores it when the block raises
(Ctrl-C included), then lets the error through.
"""

import copy
from contextlib import contextmanager

__all__ = ["restored_on_failure"]


@contextmanager
def restored_on_failure(obj, attributes=None, *, deep=(), keep=None):
    """Restore ``obj``'s attributes if the block raises.

    Parameters
    ----------
    obj : object
        Whose instance attributes (``vars(obj)``) are saved on entry.
    attributes : iterable of str, default=None
        Only these attributes are saved and restored (one absent on entry is
        removed again); None saves the whole ``vars(obj)`` and restores it
        exactly, attributes added in the block removed.
    deep : iterable of str or True, default=()
        Attributes that the block may change in place: they are saved as deep
        copies (True: all of them). The others are saved by reference, enough
        for attributes the block only replaces.
    keep : callable, default=None
        ``keep(error) -> bool``: when true, the state reached is kept (e.g. a
        simulation interrupted after some rounds keeps them).

    Examples
    --------
    A strategy whose ``query`` updates a bandit in place::

        with restored_on_failure(self, self._STATE, deep=True):
            return self._query(learner, X_pool, n, random_state)
    """
    state = vars(obj)
    names = list(state) if attributes is None else list(attributes)
    copied = set(names) if deep is True else set(deep)
    saved = {k: copy.deepcopy(state[k]) if k in copied else state[k] for k in names if k in state}
    try:
        yield
    except BaseException as error:
        if keep is None or not keep(error):
            if attributes is None:
                state.clear()
            else:
                for name in names:
                    state.pop(name, None)
            state.update(saved)
        raise
