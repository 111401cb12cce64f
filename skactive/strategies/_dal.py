"""Discriminative Active Learning (Gissin & Shalev-Shwartz, 2019).

References
----------
.. [1] D. Gissin and S. Shalev-Shwartz, "Discriminative Active Learning",
   arXiv:1907.06347, 2019.
"""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from .. import probes
from ..kernels import top_k
from ..nets._discriminator import _check_parameters, discriminate
from ._base import QueryStrategy, RealInterval

__all__ = ["DAL"]


class DAL(QueryStrategy):
    """Discriminative Active Learning: make the labelled set look like the pool.

    A binary classifier is trained to tell the labelled rows (``l``) from the
    pool rows (``u``) on the network's learned representation ``Ψ(x)``, the
    penultimate embedding (the input of its final ``nn.Linear``); the pool
    rows it finds most surely unlabelled, ``argmax P(u | Ψ(x))``, are picked
    (paper §3). The query of ``n`` rows is split into ``n_mini_queries``
    parts (§4.1, Algorithm 1): after each part the picked rows are moved to
    the labelled side without labels (``Ψ`` is fixed, so no retraining of the
    task network is needed) and the discriminator is trained afresh, which
    keeps the batch diverse.

    The discriminator is an MLP with ReLU activations trained with the log
    loss, class weights making the labelled and pool rows weigh the same,
    until its training accuracy reaches ``accuracy_threshold`` (§4.3) or
    ``max_epochs`` have run (a training loop of the model layer, beside
    :mod:`skactive.nets`).
    It is seeded from ``random_state`` and never touches the task network.
    Only the representation is used, so DAL works for classifiers and
    regressors alike.

    The defaults are the cheapest settings the paper allows: a small MLP
    (§4.2 calls its own architecture arbitrary, and §4.3 recommends a small
    network or early stopping so that the rows that are hard to fit keep a
    lower ``P(u)``), trained on a pool of at most 10 times the labelled set
    until 98 % training accuracy (§4.3's setting, for which the threshold
    was chosen), with 10 mini-queries (the low end of §4.1's 10–20). The
    paper's own settings are reached with ``hidden_layer_sizes=(256, 256,
    256)`` and, for Algorithm 1 on the whole pool, ``pool_ratio=None``.

    Cost of one query: one forward pass of the task network over the pool
    and one over the labelled rows (the representation ``Ψ``, computed once
    and kept for every mini-query); then ``n_mini_queries`` trainings of the
    discriminator, none of the task network, each of ``e`` epochs
    over ``m = |L| + min(|U|, pool_ratio · |L|)`` rows (``e`` is where the
    training accuracy reaches 98 %, at most ``max_epochs``), then one scoring
    pass over the candidates; an epoch costs about ``6 · m · P`` flops for a
    discriminator of ``P`` weights (``P ≈ d·128 + 128²`` by default against
    ``d·256 + 2·256²`` for the paper's MLP, 5 times fewer for ``d = 100``).
    Measured on one CPU thread with 200 labelled and 2,000 pool rows of a
    100-dimensional ReLU representation, one training of the default
    discriminator reached 98 % in 23 epochs and 0.7 s; the paper's
    ``(256, 256, 256)`` took 11 epochs and 5.9 s. ``pool_ratio=10`` caps
    ``m`` at ``11 · |L|`` rows whatever the pool size.

    Parameters
    ----------
    n_mini_queries : int, default=10
        Number of parts the query is split into; ``min(n_mini_queries, n)``
        are used, sizes differing by at most one row (§4.1 found 10–20 to
        work well). Each part trains one discriminator: the query's cost is
        proportional to it.
    hidden_layer_sizes : tuple of int, default=(128, 128)
        The discriminator's hidden layers. §4.2 used three of width 256,
        ``(256, 256, 256)``: fewer epochs to 98 % but about 8 times the
        time of the default where measured above.
    accuracy_threshold : float, default=0.98
        Training stops once the discriminator's training accuracy reaches
        it (§4.3). A lower value stops earlier (cheaper).
    max_epochs : int, default=100
        Cap on the discriminator's epochs, for representations where the
        threshold is never reached (e.g. pool and labelled rows drawn from
        the same distribution); a query then costs ``n_mini_queries ·
        max_epochs`` epochs. Not in the paper.
    pool_ratio : float or None, default=10
        Each mini-query trains on and chooses among a random subset of at
        most ``pool_ratio * |L|`` pool rows (``|L|`` including the rows
        moved by earlier mini-queries, and never fewer rows than the part
        asks for): §4.3's pool of 10 times the labelled set, which bounds an
        epoch's cost by ``11 · |L|`` rows whatever the pool size. If None the
        whole pool is used, as in Algorithm 1 (an epoch then costs
        ``|L| + |U|`` rows).
    batch_size : int, default=256
        Mini-batch size of the discriminator's training.
    lr : float, default=1e-3
        Adam's learning rate for the discriminator (Adam's default, as in the
        paper's experiments).

    Notes
    -----
    Choices the paper leaves open: the representation is standardised
    before training; training accuracy is the running accuracy over each
    epoch; within a part, ties in ``P(u | Ψ(x))`` are broken at random
    (:func:`skactive.kernels.top_k`), so a representation that cannot
    tell rows apart gives a uniformly random choice.

    References
    ----------
    .. [1] D. Gissin and S. Shalev-Shwartz, "Discriminative Active Learning",
       arXiv:1907.06347, 2019, §3, §4.1–4.3 and Algorithm 1.

    Examples
    --------
    >>> from skactive.strategies import DAL
    >>> DAL(n_mini_queries=5)
    DAL(n_mini_queries=5)
    """

    def __init__(
        self,
        n_mini_queries=10,
        *,
        hidden_layer_sizes=(128, 128),
        accuracy_threshold=0.98,
        max_epochs=100,
        pool_ratio=10,
        batch_size=256,
        lr=1e-3,
    ):
        self.n_mini_queries = n_mini_queries
        self.hidden_layer_sizes = hidden_layer_sizes
        self.accuracy_threshold = accuracy_threshold
        self.max_epochs = max_epochs
        self.pool_ratio = pool_ratio
        self.batch_size = batch_size
        self.lr = lr

    _parameter_constraints = {
        "n_mini_queries": [Interval(Integral, 1, None, closed="left")],
        "pool_ratio": [RealInterval(0, None, closed="neither"), None],
        # The discriminator's settings: checked by its own rules, below.
        "hidden_layer_sizes": "no_validation",
        "accuracy_threshold": "no_validation",
        "max_epochs": "no_validation",
        "batch_size": "no_validation",
        "lr": "no_validation",
    }
    _parameter_messages = {
        "n_mini_queries": "n_mini_queries must be a positive integer, got {value!r}.",
        "pool_ratio": "pool_ratio must be a positive number or None, got {value!r}.",
    }

    def _check_cross_params(self):
        try:
            # The discriminator's own settings, checked before the pool is embedded.
            _check_parameters(
                self.hidden_layer_sizes,
                self.max_epochs,
                self.accuracy_threshold,
                self.batch_size,
                self.lr,
            )
        except ValueError as error:
            raise ValueError(f"DAL's discriminator: {error}") from error

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.needs_final_linear = True
        return tags

    def query(self, learner, X_pool, n, random_state=None):
        rng = check_random_state(random_state)
        net = learner.network_
        batch = learner.pool_batch_size
        Z_labeled = probes.penultimate_embedding(
            net, learner.network_input(learner.X_labeled_), batch_size=batch
        )
        Z_pool = probes.penultimate_embedding(net, X_pool, batch_size=batch)

        remaining = np.arange(Z_pool.shape[0])
        moved = []
        for part in np.array_split(np.arange(n), min(self.n_mini_queries, n)):
            k = part.shape[0]
            labeled = np.concatenate([Z_labeled, Z_pool[np.asarray(moved, dtype=np.int64)]])
            candidates = remaining
            if self.pool_ratio is not None:
                size = max(k, int(self.pool_ratio * labeled.shape[0]))
                if size < remaining.shape[0]:
                    candidates = np.sort(rng.choice(remaining, size=size, replace=False))
            result = discriminate(
                labeled,
                Z_pool[candidates],
                seed=rng.randint(np.iinfo(np.int32).max),
                hidden_layer_sizes=self.hidden_layer_sizes,
                max_epochs=self.max_epochs,
                accuracy_threshold=self.accuracy_threshold,
                batch_size=self.batch_size,
                lr=self.lr,
                device=net.device,
            )
            picked = candidates[top_k(result.proba_unlabeled, k, rng)]
            moved.extend(picked.tolist())
            remaining = np.setdiff1d(remaining, picked, assume_unique=True)
        return np.asarray(moved, dtype=np.int64)

    query.__doc__ = QueryStrategy.query.__doc__
