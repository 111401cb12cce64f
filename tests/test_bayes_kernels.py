"""BALD, BatchBALD and DEIMOS kernels on plain arrays."""

import itertools

import numpy as np
import pytest

from skactive.kernels import (
    bald,
    batch_mutual_information,
    batchbald_greedy,
    deimos_factor,
    deimos_greedy,
    expected_entropy,
    mc_variance,
    predictive_entropy,
)


def _random_probs(rng, n_mc, n_rows, n_classes, concentration=0.5):
    """Dirichlet draws that share structure across passes (like MC dropout)."""
    base = rng.dirichlet(np.full(n_classes, concentration), size=n_rows)
    noise = rng.dirichlet(np.full(n_classes, concentration), size=(n_mc, n_rows))
    weight = rng.uniform(0, 1, size=(1, n_rows, 1))
    return (1 - weight) * base[None] + weight * noise


# --------------------------------------------------------------------- BALD


def test_bald_on_hand_made_samples():
    probs = np.array(
        [
            # row 0: every pass certain of class 0 -> no information
            # row 1: passes disagree completely -> ln 2
            # row 2: every pass uniform -> uncertain but no disagreement
            [[1.0, 0.0], [1.0, 0.0], [0.5, 0.5]],
            [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]],
        ]
    )
    np.testing.assert_allclose(bald(probs), [0.0, np.log(2), 0.0], atol=1e-12)
    np.testing.assert_allclose(predictive_entropy(probs), [0.0, np.log(2), np.log(2)])
    np.testing.assert_allclose(expected_entropy(probs), [0.0, 0.0, np.log(2)])
    assert np.all(np.isfinite(bald(probs)))


@pytest.mark.parametrize("n_classes", [2, 3, 10])
def test_bald_lies_in_zero_ln_c(n_classes):
    rng = np.random.RandomState(n_classes)
    probs = _random_probs(rng, 20, 500, n_classes, concentration=0.1)
    mi = predictive_entropy(probs) - expected_entropy(probs)  # before any clipping
    assert mi.min() > -1e-12
    assert mi.max() <= np.log(n_classes) + 1e-12
    # The upper bound is reached by passes that are certain and disagree evenly.
    disagree = np.tile(np.eye(n_classes)[:, None, :], (2, 1, 1))
    np.testing.assert_allclose(bald(disagree), [np.log(n_classes)])


def test_mc_variance_sums_over_outputs():
    samples = np.array([[[0.0, 1.0]], [[2.0, 1.0]], [[4.0, 4.0]]])
    np.testing.assert_allclose(mc_variance(samples), [np.var([0, 2, 4]) + np.var([1, 1, 4])])


# ---------------------------------------------------------------- BatchBALD


def _exact_joint_mi(probs, batch):
    """I[y_batch; w] by enumerating every label configuration."""
    n_mc, _, n_classes = probs.shape
    joint = np.zeros(n_classes ** len(batch))
    for j in range(n_mc):
        table = np.ones(1)
        for i in batch:
            table = np.outer(table, probs[j, i]).ravel()
        joint += table / n_mc
    entropy = -np.sum(joint[joint > 0] * np.log(joint[joint > 0]))
    return entropy - expected_entropy(probs)[list(batch)].sum()


def test_batchbald_of_one_is_bald():
    probs = _random_probs(np.random.RandomState(0), 15, 200, 4)
    scores = bald(probs)
    rng = np.random.RandomState(0)
    idx, mi = batchbald_greedy(probs, 1, n_configurations=100, random_state=rng)
    assert idx[0] == np.argmax(scores)
    assert mi[0] == scores.max()


@pytest.mark.parametrize("seed", range(5))
def test_exact_batchbald_is_the_greedy_joint_mi(seed):
    rng = np.random.RandomState(seed)
    probs = _random_probs(rng, 10, 30, 3)
    idx, mi = batchbald_greedy(probs, 4, n_configurations=3**4, random_state=rng)
    assert np.unique(idx).shape == (4,)
    for k in range(4):
        np.testing.assert_allclose(mi[k], _exact_joint_mi(probs, idx[: k + 1]), rtol=1e-9)
        # Greedy: the pick maximises the joint MI among the remaining rows.
        others = [r for r in range(30) if r not in idx[:k]]
        best = max(_exact_joint_mi(probs, list(idx[:k]) + [r]) for r in others)
        np.testing.assert_allclose(mi[k], best, rtol=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_batchbald_joint_mi_is_at_most_the_sum_of_bald(seed):
    rng = np.random.RandomState(seed)
    probs = _random_probs(rng, 12, 60, 3)
    idx, mi = batchbald_greedy(probs, 5, n_configurations=3**5, random_state=rng)
    assert mi[-1] <= bald(probs)[idx].sum() + 1e-10
    assert np.all(np.diff(mi) >= -1e-10)  # mutual information grows with the batch


def test_sampled_joint_entropy_is_close_to_exact():
    rng = np.random.RandomState(3)
    probs = _random_probs(rng, 10, 40, 3)
    exact_idx, exact_mi = batchbald_greedy(probs, 6, n_configurations=3**6, random_state=rng)
    # Sampling from the 3rd pick on, with many samples: same picks, close values.
    idx, mi = batchbald_greedy(
        probs, 6, n_configurations=20000, random_state=np.random.RandomState(0)
    )
    np.testing.assert_array_equal(idx[:3], exact_idx[:3])
    small_idx, small_mi = batchbald_greedy(
        probs, 6, n_configurations=9, random_state=np.random.RandomState(0)
    )
    np.testing.assert_allclose(small_mi[:2], exact_mi[:2], rtol=1e-9)
    # The estimate at the chosen batch matches the exact joint MI of that batch.
    for k in range(2, 6):
        assert abs(small_mi[k] - _exact_joint_mi(probs, small_idx[: k + 1])) < 0.25
    np.testing.assert_allclose(mi, exact_mi, rtol=0.05)


def test_batchbald_sampling_is_reproducible_and_survives_long_batches():
    probs = _random_probs(np.random.RandomState(1), 8, 300, 10, concentration=0.2)
    a = batchbald_greedy(probs, 40, n_configurations=50, random_state=np.random.RandomState(4))
    b = batchbald_greedy(probs, 40, n_configurations=50, random_state=np.random.RandomState(4))
    np.testing.assert_array_equal(a[0], b[0])
    assert np.unique(a[0]).shape == (40,)
    assert np.all(np.isfinite(a[1]))


def _reference_batchbald(probs, n):
    """Plain greedy BatchBALD: every candidate's exact joint MI, enumerated.

    Ties (scores within 1e-10 relative of the maximum) go to the first row,
    the kernel's documented rule.
    """
    batch = []
    for _ in range(n):
        others = [r for r in range(probs.shape[1]) if r not in batch]
        scores = np.array([_exact_joint_mi(probs, batch + [r]) for r in others])
        best = scores.max()
        batch.append(others[int(np.flatnonzero(scores >= best - 1e-10 * (1 + abs(best)))[0])])
    return np.array(batch)


def _probs_with_ties(seed, n_mc=10, n_rows=30, n_classes=3):
    """Random MC samples with exact ties: duplicated rows and exact zeros."""
    rng = np.random.RandomState(seed)
    probs = _random_probs(rng, n_mc, n_rows, n_classes)
    # Exact zeros (0 log 0) in some rows: a class no pass predicts.
    probs[:, :4, 0] = 0.0
    probs[:, :4] /= probs[:, :4].sum(axis=2, keepdims=True)
    # The most informative row, and two others, duplicated at lower indices.
    top = int(np.argmax(bald(probs)))
    for copy, row in [(5, top), (6, 20), (7, 21)]:
        if copy != row:
            probs[:, copy] = probs[:, row]
    return probs


@pytest.mark.parametrize("lazy", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_exact_batchbald_picks_what_the_plain_greedy_picks(seed, lazy):
    probs = _probs_with_ties(seed, n_classes=3 if seed < 3 else 4)
    n_classes = probs.shape[2]
    reference = _reference_batchbald(probs, 4)
    idx, mi = batchbald_greedy(
        probs,
        4,
        n_configurations=n_classes**4,
        random_state=np.random.RandomState(0),
        lazy=lazy,
    )
    np.testing.assert_array_equal(idx, reference)
    for k in range(4):
        np.testing.assert_allclose(mi[k], _exact_joint_mi(probs, idx[: k + 1]), rtol=1e-9)


def test_exact_batchbald_takes_the_first_of_tied_rows():
    probs = _probs_with_ties(0)
    top = int(np.argmax(bald(probs)))
    idx, _ = batchbald_greedy(probs, 1, n_configurations=9, random_state=np.random.RandomState(0))
    # Row 5 is a copy of the BALD favourite: equal scores, the first one wins.
    assert idx[0] == min(5, top)


def test_exact_batchbald_on_float32_samples_with_a_large_pool():
    # Several chunks per step and lazy blocks: the same picks as scoring every row.
    rng = np.random.RandomState(7)
    probs = _random_probs(rng, 12, 3000, 5, concentration=0.3).astype(np.float32)
    lazy = batchbald_greedy(probs, 5, n_configurations=5**4, random_state=rng)
    full = batchbald_greedy(probs, 5, n_configurations=5**4, random_state=rng, lazy=False)
    np.testing.assert_array_equal(lazy[0], full[0])
    np.testing.assert_allclose(lazy[1], full[1], rtol=1e-12)
    for k in (1, 2):
        np.testing.assert_allclose(
            lazy[1][k], _exact_joint_mi(probs.astype(np.float64), lazy[0][: k + 1]), rtol=1e-9
        )


def test_batch_mutual_information_matches_the_exact_value():
    rng = np.random.RandomState(2)
    probs = _random_probs(rng, 20, 10, 6, concentration=0.3)
    for batch in ([0], [1, 2], [3, 4, 5, 6]):
        estimate = batch_mutual_information(
            probs, batch, n_samples=40_000, random_state=np.random.RandomState(0)
        )
        assert abs(estimate - _exact_joint_mi(probs, batch)) < 0.01
        assert 0 <= estimate <= np.log(20)
    # Fewer configurations than MC samples: random distinct samples, still near.
    estimate = batch_mutual_information(probs, [3, 4], n_samples=15, random_state=rng)
    assert 0 <= estimate <= np.log(20)


def _redundant_probs(seed, n_mc=20, n_groups=60, copies=10, n_classes=10):
    """MC samples of a pool of near-duplicate groups, as augmented data gives.

    Each group has a prototype whose logits depend on a low-dimensional
    random effect per MC sample (shared across rows, as dropout masks are);
    its rows are the prototype plus small noise. Top-n BALD takes copies of
    the few most informative prototypes, which tell it nearly the same.
    """
    rng = np.random.RandomState(seed)
    rank = 4
    effects = rng.normal(size=(n_mc, rank))
    base = rng.normal(scale=2.0, size=(n_groups, n_classes))
    loadings = rng.normal(size=(n_groups, rank, n_classes)) * rng.uniform(
        0.1, 1.5, (n_groups, 1, 1)
    )
    logits = base[None] + np.einsum("jk,gkc->jgc", effects, loadings)  # (J, G, C)
    logits = np.repeat(logits, copies, axis=1)
    logits += rng.normal(scale=0.05, size=logits.shape)
    probs = np.exp(logits - logits.max(axis=2, keepdims=True))
    return (probs / probs.sum(axis=2, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("seed", range(3))
def test_greedy_batchbald_informs_at_least_as_much_as_top_n_bald(seed):
    # One common high-sample estimate judges both batches on the same samples;
    # past the 4th pick the greedy step runs on the default 1,000 sampled
    # configurations.
    probs = _redundant_probs(seed)
    n = 20
    greedy, _ = batchbald_greedy(
        probs, n, n_configurations=1000, random_state=np.random.RandomState(seed)
    )
    top = np.argsort(-bald(probs), kind="stable")[:n]

    def common(batch):
        return batch_mutual_information(
            probs, batch, n_samples=100_000, random_state=np.random.RandomState(99)
        )

    assert np.unique(greedy).shape == (n,)
    assert common(greedy) >= common(top)
    # Top-n BALD is redundant here: it takes several copies of a group.
    assert np.unique(top // 10).shape[0] < n


# ------------------------------------------------------------------- DEIMOS


def _dense_deimos(samples, candidates, n, noise, smoothing):
    """Algorithm 1 on the full (S C) × (S C) matrix with Schur complements."""
    n_mc, n_rows, n_out = samples.shape
    flat = samples.reshape(n_mc, n_rows * n_out)
    V = np.cov(flat, rowvar=False) + noise * np.eye(n_rows * n_out)
    remaining = list(candidates)
    picks, gains = [], []
    for _ in range(n):
        scores = []
        for i in remaining:
            cols = slice(i * n_out, (i + 1) * n_out)
            V_i = V[:, cols]
            V_ii = V[cols, cols] + smoothing * np.eye(n_out)
            scores.append(np.trace(V_i @ np.linalg.solve(V_ii, V_i.T)))
        best = int(np.argmax(scores))
        i = remaining.pop(best)
        cols = slice(i * n_out, (i + 1) * n_out)
        V_i = V[:, cols]
        V = V - V_i @ np.linalg.solve(V[cols, cols] + smoothing * np.eye(n_out), V_i.T)
        picks.append(i)
        gains.append(scores[best])
    return np.array(picks), np.array(gains)


def test_deimos_factor_is_the_sample_covariance():
    samples = np.random.RandomState(0).normal(size=(7, 5, 3))
    B = deimos_factor(samples).reshape(15, 7)
    np.testing.assert_allclose(B @ B.T, np.cov(samples.reshape(7, 15), rowvar=False))


@pytest.mark.parametrize("seed", range(3))
def test_deimos_regression_matches_dense_schur_complements(seed):
    rng = np.random.RandomState(seed)
    # Outputs of 300 rows driven by 20 shared "masks", plus row-specific terms.
    n_mc, n_rows = 20, 300
    samples = rng.normal(size=(n_mc, 4)) @ rng.normal(size=(4, n_rows))
    samples += 0.3 * rng.normal(size=(n_mc, n_rows))
    samples = samples[:, :, None]
    noise = 0.1 * samples.var(axis=0, ddof=1).mean()
    candidates = rng.choice(n_rows, 200, replace=False)
    idx, gains = deimos_greedy(deimos_factor(samples), candidates, 10, noise=noise, smoothing=0.0)
    dense_idx, dense_gains = _dense_deimos(samples, candidates, 10, noise, 0.0)
    np.testing.assert_array_equal(idx, dense_idx)
    np.testing.assert_allclose(gains, dense_gains, rtol=1e-8)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_deimos_classification_matches_dense_schur_complements(n_classes):
    rng = np.random.RandomState(n_classes)
    samples = _random_probs(rng, 25, 200, n_classes)
    smoothing = 0.01 * samples.var(axis=0, ddof=1).mean()
    candidates = np.arange(40, 200)  # the first 40 rows are "labelled"
    idx, gains = deimos_greedy(
        deimos_factor(samples), candidates, 8, noise=0.0, smoothing=smoothing
    )
    dense_idx, dense_gains = _dense_deimos(samples, candidates, 8, 0.0, smoothing)
    np.testing.assert_array_equal(idx, dense_idx)
    np.testing.assert_allclose(gains, dense_gains, rtol=1e-7)
    assert idx.min() >= 40


def _trace_reduction(V, batch):
    batch = list(batch)
    V_b = V[:, batch]
    return np.trace(V_b @ np.linalg.solve(V[np.ix_(batch, batch)], V_b.T))


def test_deimos_greedy_on_the_appendix_a_example():
    # Appendix A: greedy takes point 2 then 1 or 3 (about 16.9); the optimum
    # {1, 3} reduces the trace by about 19.6 (greedy reaches about 86%).
    V = np.array([[9.0, 3.0, 2.0], [3.0, 2.0, 3.0], [2.0, 3.0, 9.0]])
    factor = np.linalg.cholesky(V)[:, None, :]
    idx, gains = deimos_greedy(factor, np.arange(3), 2, noise=0.0, smoothing=0.0)
    assert idx[0] == 1 and idx[1] in (0, 2)
    assert gains.sum() == pytest.approx(_trace_reduction(V, idx), rel=1e-10)
    assert gains.sum() == pytest.approx(16.9, abs=0.05)
    assert _trace_reduction(V, [0, 2]) == pytest.approx(19.6, abs=0.05)


@pytest.mark.parametrize("batch_size, n_mc", [(2, 5), (3, 10), (4, 50)])
def test_deimos_greedy_is_near_optimal_on_random_covariances(batch_size, n_mc):
    # Appendix A: i.i.d. normal "MC predictions", noise = 10% of the mean
    # variance; the greedy batch against the best of all batches.
    rng = np.random.RandomState(batch_size)
    n_points, ratios = 10, []
    for _ in range(60):
        samples = rng.normal(size=(n_mc, n_points, 1))
        factor = deimos_factor(samples)
        noise = 0.1 * (factor**2).sum(axis=2).mean()
        V = factor[:, 0] @ factor[:, 0].T + noise * np.eye(n_points)
        idx, gains = deimos_greedy(
            factor, np.arange(n_points), batch_size, noise=noise, smoothing=0.0
        )
        np.testing.assert_allclose(gains.sum(), _trace_reduction(V, idx), rtol=1e-8)
        best = max(
            _trace_reduction(V, batch)
            for batch in itertools.combinations(range(n_points), batch_size)
        )
        ratios.append(gains.sum() / best)
    ratios = np.array(ratios)
    assert ratios.max() <= 1 + 1e-9
    assert np.mean(ratios >= 0.97) >= 0.9
