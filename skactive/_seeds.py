"""Integer seeds derived from one base seed, as scikit-learn's bagging does.

A ``random_state`` is resolved once per call into a base seed
(:func:`base_seed`); every random step (a round's training, a round's
query, a simulation's seed set, a repeat's folds) then draws its own
stream from :func:`derive_seed` with a key that names the step, so that two
steps never share a stream and a step's seed does not depend on how many
others ran before it.
"""

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["MAX_INT", "base_seed", "derive_seed"]

#: The largest seed drawn (``np.iinfo(np.int32).max``), as in scikit-learn.
MAX_INT = np.iinfo(np.int32).max

# Purposes of the learner's seeds: key (base, round, purpose).
TRAIN, QUERY, SIMULATION = 0, 1, 2

# Purposes of a cross-validation repeat's seeds: key (base, repeat[, fold], purpose).
SPLIT, SEED_SET, LEARNER = 0, 1, 2


def base_seed(random_state):
    """One integer base seed from a ``random_state`` (int, RandomState or None).

    Parameters
    ----------
    random_state : int, RandomState instance or None

    Returns
    -------
    seed : int
        In ``[0, MAX_INT)``.
    """
    return int(check_random_state(random_state).randint(MAX_INT))


def derive_seed(base, *key):
    """An integer seed for the step named by ``key``, from the base seed.

    Parameters
    ----------
    base : int
        The base seed (:func:`base_seed`).
    *key : int
        What the seed is for: a round or repeat number, a fold, a purpose.

    Returns
    -------
    seed : int
        In ``[0, 2**31)``; the same for the same ``base`` and ``key``.
    """
    return int(np.random.SeedSequence([base, *key]).generate_state(1)[0] & 0x7FFFFFFF)
