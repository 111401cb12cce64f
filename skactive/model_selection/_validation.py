"""Cross-validation of query strategies: strategies x folds x repeats."""

from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone, is_classifier
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _num_samples

from .._rounds import schedule
from .._seeds import LEARNER, SEED_SET, SPLIT, base_seed, derive_seed
from ..probes import is_dataset, n_rows, take_rows
from ._setup import SIMULATION_COLUMNS, _check_learner, check_rows_and_labels, draw_initial_set
from ._simulate import simulate_active_learning

__all__ = ["cross_validate_strategies", "strategy_names"]

#: Columns of the table returned by :func:`cross_validate_strategies`.
RESULT_COLUMNS = ["strategy", "repeat", "fold"] + SIMULATION_COLUMNS

# Each random choice of a repeat draws its own stream: derive_seed with one of
# the purposes SPLIT, SEED_SET and LEARNER of skactive._seeds.


def strategy_names(strategies):
    """Names and strategies, in order, from a list or a dict.

    Parameters
    ----------
    strategies : list or dict
        A list of aliases (``"random"``, ``"margin"``, ...), strategy
        objects or functions; or a dict ``{name: strategy}``.

    Returns
    -------
    named : list of (str, strategy) tuples
        An alias is its own name, an object its class name, a function its
        ``__name__``.
    """
    if isinstance(strategies, dict):
        named = [(str(k), v) for k, v in strategies.items()]
    elif isinstance(strategies, (str, bytes)) or not hasattr(strategies, "__iter__"):
        raise TypeError(
            "strategies must be a list of strategies (aliases, objects or functions) or a "
            f"dict {{name: strategy}}, got {strategies!r}."
        )
    else:
        named = []
        for s in strategies:
            if isinstance(s, str):
                name = s
            elif hasattr(s, "query"):
                name = type(s).__name__
            elif callable(s):
                name = getattr(s, "__name__", repr(s))
            else:
                raise TypeError(
                    f"{s!r} is not a strategy: give an alias, an object with query() or a function."
                )
            named.append((name, s))
    if not named:
        raise ValueError("strategies is empty: give at least one strategy to compare.")
    from ..strategies import STRATEGY_ALIASES

    unknown = [s for _, s in named if isinstance(s, str) and s not in STRATEGY_ALIASES]
    if unknown:
        raise ValueError(
            f"Unknown strategy aliases {unknown}: choose among {sorted(STRATEGY_ALIASES)}, or "
            "give strategy objects."
        )
    names = [n for n, _ in named]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(
            f"Several strategies are named {repeated}: pass a dict {{name: strategy}} to tell "
            "them apart."
        )
    return named


def _splittable(X):
    """What a splitter is given: ``X``, or one placeholder column per row of a dict or Dataset."""
    if isinstance(X, dict) or is_dataset(X):
        return np.zeros((n_rows(X), 1))
    return X


def _check_strategies(learner, named, X, y):
    """Refuse a strategy that cannot work with the learner before the first run."""
    from .._compatibility import check_compatibility

    for name, strategy in named:
        candidate = clone(learner).set_params(query_strategy=strategy)
        try:
            check_compatibility(candidate._resolve_strategy(), candidate, X, y)
        except ValueError as error:
            raise ValueError(f"Strategy {name!r}: {error} No run was started.") from None


def _splits(cv, X, y, classifier, seed):
    """The (train, test) index pairs of one repeat."""
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(f"cv={cv}: at least 2 folds are needed.")
        splitter = (StratifiedKFold if classifier else KFold)(cv, shuffle=True, random_state=seed)
        return list(splitter.split(_splittable(X), y))
    if hasattr(cv, "split") and not isinstance(cv, str):
        return list(cv.split(_splittable(X), y))
    raise TypeError(
        f"cv must be an int (a number of folds) or a splitter with split(), got {cv!r}."
    )


def _run(learner, strategy, X, y, train, test, initial, seed, kwargs):
    """One strategy on one fold of one repeat."""
    if kwargs.get("costs") is not None:  # one cost per row of X -> per training row
        kwargs = {**kwargs, "costs": np.asarray(kwargs["costs"])[train]}
    results = simulate_active_learning(
        learner.set_params(query_strategy=strategy),
        take_rows(X, train),
        _safe_indexing(y, train),
        take_rows(X, test),
        _safe_indexing(y, test),
        initial_indices=initial,
        random_state=seed,
        **kwargs,
    )
    # Indices into the fold's training rows -> indices into X.
    results["queried"] = [train[q] for q in results["queried"]]
    return results


def cross_validate_strategies(
    learner,
    strategies,
    X,
    y,
    *,
    cv=5,
    n_repeats=1,
    initial_size=None,
    per_class=None,
    query_size=10,
    n_rounds=None,
    budget=None,
    scoring=None,
    n_jobs=None,
    verbose=True,
    random_state=None,
    completed=None,
    stopping=None,
    costs=None,
    cost_budget=None,
    cost_aware=True,
):
    """Compare query strategies by simulated active learning over folds and repeats.

    For every repeat and every fold, the fold's training rows are the seed
    set plus the pool, its test rows the test set, and every strategy runs
    :func:`simulate_active_learning` from the SAME seed set with the same
    network seed, so strategies are compared on paired runs (as every paper
    compares them).

    Parameters
    ----------
    learner : ActiveLearner
        Template learner; its ``query_strategy`` is replaced by each strategy.
    strategies : list or dict
        Aliases (see ``skactive.strategies.STRATEGY_ALIASES``), strategy
        objects or functions, or a dict ``{name: strategy}``.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
    cv : int or splitter, default=5
        An int: that many folds, stratified for a classifier, shuffled anew
        in each repeat. A splitter (anything with ``split(X, y)``, e.g.
        ``ShuffleSplit``): used as given, the same splits in every repeat.
    n_repeats : int, default=1
        Repeats with different splits (int ``cv``), seed sets and network
        seeds.
    initial_size, per_class, query_size, n_rounds, budget, scoring
        As in :func:`simulate_active_learning`; fractions are of each fold's
        training rows.
    n_jobs : int, default=None
        Number of joblib workers over the (repeat, fold, strategy) runs.
        Every seed is drawn before the runs are dispatched, so the results
        (times apart) are identical whatever ``n_jobs``.
    verbose : bool, default=True
        Show a progress bar (``tqdm.auto``: a text bar in a terminal, a
        widget in Jupyter).
    random_state : int, RandomState instance or None, default=None
        Resolved once into a base seed, from which a
        :class:`numpy.random.SeedSequence` derives the split of each repeat,
        the seed set and the network seed of each (repeat, fold).
    completed : pandas.DataFrame, default=None
        The runs an earlier call with the same arguments completed before it
        was interrupted (``error.results`` of its ``KeyboardInterrupt``):
        they are kept as they are and not run again, and the call returns
        what an uninterrupted one would (times apart), every seed being
        derived from ``random_state``. Needs an int ``random_state``.
    stopping, cost_budget, cost_aware
        As in :func:`simulate_active_learning`: stopping criteria recorded in
        ``stop:<name>`` columns (judged by :func:`stopping_report`), a cost
        budget, cost-aware or cost-blind queries.
    costs : array-like of shape (n_samples,), default=None
        One annotation cost per row of ``X`` (each fold uses its training
        rows' costs); adds the ``cost`` column.

    Returns
    -------
    results : pandas.DataFrame
        Tidy: one row per (strategy, repeat, fold, round), with columns
        ``strategy``, ``repeat``, ``fold``, ``round``, ``n_labeled``,
        ``score``, ``query_time``, ``fit_time`` and ``queried`` (indices
        into ``X``; the seed set in round 0).

    Raises
    ------
    KeyboardInterrupt
        On Ctrl-C, with the runs completed so far as ``error.results`` (the
        same columns); pass them back as ``completed`` to go on from them.

    See Also
    --------
    summarize_results : the table of AULC, final score, labels-to-target
        and penalties.
    """
    import pandas as pd
    from tqdm.auto import tqdm

    _check_learner(learner)
    named = strategy_names(strategies)
    check_rows_and_labels(X, y)
    _check_strategies(learner, named, X, y)
    if isinstance(n_repeats, bool) or not isinstance(n_repeats, Integral) or n_repeats < 1:
        raise ValueError(f"n_repeats must be a positive integer, got {n_repeats!r}.")
    if sum(v is not None for v in (initial_size, per_class)) != 1:
        raise ValueError("Give exactly one of initial_size and per_class.")
    classifier = is_classifier(learner)
    y_array = np.asarray(y)
    base = base_seed(random_state)
    kwargs = dict(query_size=query_size, n_rounds=n_rounds, budget=budget, scoring=scoring)
    kwargs.update(_cost_and_stopping_kwargs(stopping, costs, cost_budget, cost_aware, X))

    tasks = []
    for repeat in range(n_repeats):
        splits = _splits(cv, X, y_array, classifier, derive_seed(base, repeat, SPLIT))
        for fold, (train, test) in enumerate(splits):
            y_train = y_array[train]
            initial = draw_initial_set(
                y_train,
                initial_size,
                per_class=per_class,
                random_state=derive_seed(base, repeat, fold, SEED_SET),
            )
            # Fail on bad sizes now, not in a worker after minutes.
            if not (costs is not None and cost_budget is not None and n_rounds is None):
                schedule(_num_samples(train), initial.shape[0], query_size, n_rounds, budget)
            seed = derive_seed(base, repeat, fold, LEARNER)
            for name, strategy in named:
                tasks.append(((name, repeat, fold), (train, test, initial, seed, strategy)))

    done = _completed_runs(completed, random_state, {key for key, _ in tasks})
    todo = [task for task in tasks if task[0] not in done]
    jobs = (
        delayed(_run)(clone(learner), strategy, X, y, train, test, initial, seed, kwargs)
        for _, (train, test, initial, seed, strategy) in todo
    )
    outputs = _dispatch(jobs, n_jobs)
    frames = dict(done)
    bar = tqdm(outputs, total=len(todo), disable=not verbose, desc="simulated runs")
    try:
        for ((name, repeat, fold), _), frame in zip(todo, bar, strict=True):
            frame.insert(0, "fold", fold)
            frame.insert(0, "repeat", repeat)
            frame.insert(0, "strategy", name)
            frames[name, repeat, fold] = frame
    except KeyboardInterrupt as error:
        ordered = [frames[key] for key, _ in tasks if key in frames]
        error.results = (
            pd.concat(ordered, ignore_index=True)[_result_columns(frames)] if ordered else None
        )
        if hasattr(error, "add_note"):  # Python 3.11+
            error.add_note(
                f"{len(ordered)} of {len(tasks)} runs were complete; they are in "
                "error.results. Pass them as completed= to a call with the same arguments "
                "to go on from them."
            )
        raise
    return pd.concat([frames[key] for key, _ in tasks], ignore_index=True)[_result_columns(frames)]


def _result_columns(frames):
    """RESULT_COLUMNS, then the cost and stop:<name> columns of runs that have them."""
    extra = []
    for frame in frames.values():
        extra += [c for c in frame.columns if c not in RESULT_COLUMNS and c not in extra]
    return RESULT_COLUMNS + extra


def _cost_and_stopping_kwargs(stopping, costs, cost_budget, cost_aware, X):
    """The simulation's stopping and cost arguments, checked before any run starts."""
    from ._stopping import check_simulation_costs, named_criteria

    kwargs = {}
    if stopping is not None:
        named_criteria(stopping)  # refuses unknown names now
        kwargs["stopping"] = stopping
    if costs is not None or cost_budget is not None:
        costs = check_simulation_costs(costs, cost_budget, _num_samples(X))
        kwargs.update(costs=costs, cost_budget=cost_budget, cost_aware=cost_aware)
    return kwargs


def _dispatch(jobs, n_jobs):
    """Run the jobs with joblib's active backend; yield their outputs in order.

    Backends that stream results (loky, threading, Dask's) return a
    generator, so each run is collected as soon as it is done. Ray's backend
    returns whole lists only (``return_as="generator"`` is refused): the jobs
    then go in waves of twice the backend's workers, so that a Ctrl-C still
    keeps the waves completed before it. Either way the outputs are those of
    ``n_jobs=1``: every seed was drawn before dispatch.
    """
    from joblib import effective_n_jobs
    from joblib.parallel import get_active_backend

    backend, _ = get_active_backend()
    if getattr(backend, "supports_return_generator", False):
        yield from Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
        return
    jobs = list(jobs)
    wave = 2 * max(1, effective_n_jobs(n_jobs))
    with Parallel(n_jobs=n_jobs) as parallel:
        for start in range(0, len(jobs), wave):
            yield from parallel(jobs[start : start + wave])


def _completed_runs(completed, random_state, keys):
    """The runs of an interrupted call, by (strategy, repeat, fold)."""
    if completed is None:
        return {}
    if isinstance(random_state, bool) or not isinstance(random_state, Integral):
        raise ValueError(
            "completed= needs an int random_state: the runs still to do must draw the seeds "
            "the interrupted call drew."
        )
    missing = [c for c in RESULT_COLUMNS if c not in getattr(completed, "columns", ())]
    if missing:
        raise ValueError(
            f"completed lacks the columns {missing}: pass error.results of the interrupted call."
        )
    runs = {
        key: run.reset_index(drop=True)
        for key, run in completed.groupby(["strategy", "repeat", "fold"], sort=False)
    }
    unknown = sorted(set(runs) - keys, key=str)
    if unknown:
        raise ValueError(
            f"completed holds runs {unknown} that these arguments do not make (other "
            "strategies, folds or repeats): pass the same arguments as the interrupted call."
        )
    return runs
