"""Benchmark: the cost of padding forward passes to a multiple of 16 rows.

:func:`skactive.probes.iter_network_output` pads every chunk to a multiple
of ``ROW_MULTIPLE`` (16) rows, so that a row's prediction does not depend on
the other rows of its chunk (a matrix product takes other code paths for a
few rows or a ragged tail). This times ``network_output`` on pools whose
length leaves a ragged last chunk, padded and unpadded, in one run, and
prints the ratio. Run ``python benchmarks/bench_padded_forward.py``.

Measured on 2026-12-01, 2 shared CPU cores, torch 2.13 on CPU,
``OMP_NUM_THREADS=1`` (best of 9; ratios within the machine's noise)::

           1 rows, chunks of 1024: unpadded     0.06 ms, padded     0.07 ms, ratio 1.01
       1,001 rows, chunks of 1024: unpadded     0.31 ms, padded     0.33 ms, ratio 1.04
      20,003 rows, chunks of 1024: unpadded    17.59 ms, padded    18.58 ms, ratio 1.06
      20,003 rows, chunks of  100: unpadded    46.42 ms, padded    49.20 ms, ratio 1.06
     200,003 rows, chunks of 1024: unpadded   267.82 ms, padded   290.32 ms, ratio 1.08
     200,003 rows, chunks of 4096: unpadded   282.21 ms, padded   247.16 ms, ratio 0.88
"""

import time

import numpy as np


def _time(function, repeats):
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main(quick=False):
    """Print and return ``{(n_rows, batch_size): padded / unpadded time}``."""
    from skactive import ActiveLearner, probes
    from skactive.nets import make_mlp_net
    from skactive.probes import _output

    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 50)).astype(np.float32)
    learner = ActiveLearner(make_mlp_net("classifier", max_epochs=2), "random", random_state=0)
    learner.fit(X, rng.randint(0, 10, size=300))
    net = learner.network_
    cases = [(1, 1024), (1_001, 1024), (20_003, 1024), (20_003, 100)]
    if not quick:
        cases += [(200_003, 1024), (200_003, 4096)]
    repeats = 2 if quick else 9
    ratios = {}
    for n_rows, batch_size in cases:
        pool = rng.normal(size=(n_rows, 50)).astype(np.float32)
        times = {}
        for multiple in (1, _output.ROW_MULTIPLE):
            saved, _output.ROW_MULTIPLE = _output.ROW_MULTIPLE, multiple
            try:
                times[multiple] = _time(
                    lambda p=pool, b=batch_size: probes.network_output(net, p, batch_size=b),
                    repeats,
                )
            finally:
                _output.ROW_MULTIPLE = saved
        ratio = times[_output.ROW_MULTIPLE] / times[1]
        ratios[n_rows, batch_size] = ratio
        print(
            f"{n_rows:>8,} rows, chunks of {batch_size:>4}: unpadded {times[1] * 1e3:8.2f} ms, "
            f"padded {times[_output.ROW_MULTIPLE] * 1e3:8.2f} ms, ratio {ratio:.2f}"
        )
    return ratios


if __name__ == "__main__":
    main()
