"""ALEX: uncertain candidates, picked by explanation divergence."""

import numpy as np
import pytest

from skactive import ActiveLearner
from skactive.kernels import explanation_distribution, mean_kl_divergence
from skactive.strategies import ALEX, _alex

from ..conftest import make_classifier_net, make_regressor_net

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")


@pytest.fixture(scope="module")
def setting():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    pool = rng.normal(size=(200, 5)).astype(np.float32)
    learner = ActiveLearner(make_classifier_net(max_epochs=10), random_state=0).fit(X, y)
    return learner, pool


def _least_confident(learner, pool, k):
    confidence = learner.predict_proba(pool).max(axis=1)
    return np.argsort(confidence, kind="stable")[:k]


@pytest.mark.parametrize("n, n_candidates, k", [(4, None, 12), (5, 7, 7), (100, None, 200)])
def test_candidates_are_the_least_confident_rows(setting, n, n_candidates, k):
    learner, pool = setting
    candidates = ALEX(n_candidates).candidates(learner, pool, n, random_state=0)
    assert candidates.shape == (k,)
    np.testing.assert_array_equal(np.sort(candidates), np.sort(_least_confident(learner, pool, k)))


def _fake_explanations(monkeypatch):
    """Replace shap by a fixed function of the rows; record what is explained."""
    explained = []
    M = np.random.RandomState(5).normal(size=(5, 5))

    def fake(net, X, background, **kwargs):
        explained.append(X.copy())
        phi = X.astype(np.float64) @ M
        phi[:, 0] = 0.0  # a feature with no importance at all
        return phi

    monkeypatch.setattr(_alex, "shap_explanations", fake)
    return explained


def test_picks_maximise_the_mean_kl_among_the_candidates(setting, monkeypatch):
    learner, pool = setting
    explained = _fake_explanations(monkeypatch)
    n = 6
    idx = ALEX(eps=1e-6).query(learner, pool, n, random_state=0)
    candidates_X, labelled_X = explained
    # Exactly the 3n least-confident rows were explained, and the labelled rows once.
    expected_candidates = _least_confident(learner, pool, 3 * n)
    assert {r.tobytes() for r in candidates_X} == {pool[i].tobytes() for i in expected_candidates}
    np.testing.assert_array_equal(labelled_X, learner.X_labeled_)

    # Brute force: a double loop over candidates and labelled rows.
    def dist(phi):
        e = np.abs(phi) + 1e-6
        return e / e.sum()

    M = np.random.RandomState(5).normal(size=(5, 5))

    def phi_of(x):
        phi = x.astype(np.float64) @ M
        phi[0] = 0.0
        return phi

    scores = {}
    for i in expected_candidates:
        p = dist(phi_of(pool[i]))
        total = 0.0
        for x in learner.X_labeled_:
            q = dist(phi_of(x))
            total += sum(p[j] * np.log(p[j] / q[j]) for j in range(5))
        scores[i] = total / learner.X_labeled_.shape[0]
    best = sorted(scores, key=scores.get, reverse=True)[:n]
    np.testing.assert_array_equal(idx, best)


def test_mean_kl_matches_a_double_loop():
    rng = np.random.RandomState(0)
    E_c = explanation_distribution(rng.normal(size=(7, 4)))
    E_l = explanation_distribution(rng.normal(size=(9, 4)))
    loop = [np.mean([np.sum(c * np.log(c / q)) for q in E_l]) for c in E_c]
    np.testing.assert_allclose(mean_kl_divergence(E_c, E_l), loop, rtol=1e-10)


def test_kl_is_finite_for_zero_explanations():
    zero = explanation_distribution(np.zeros((2, 4)))
    np.testing.assert_allclose(zero, 0.25)
    sparse = explanation_distribution(np.array([[1.0, 0.0, 0.0, 0.0]]))
    assert np.all(np.isfinite(mean_kl_divergence(zero, sparse)))
    assert np.all(np.isfinite(mean_kl_divergence(sparse, zero)))
    assert mean_kl_divergence(zero, zero) == pytest.approx([0.0, 0.0], abs=1e-12)


@pytest.mark.parametrize("explainer", ["deep", "gradient"])
def test_real_shap_end_to_end(setting, explainer):
    learner, pool = setting
    strategy = ALEX(explainer=explainer, n_background=10, nsamples=20)
    a = strategy.query(learner, pool, 5, random_state=1)
    b = strategy.query(learner, pool, 5, random_state=1)
    np.testing.assert_array_equal(a, b)
    assert set(a) <= set(_least_confident(learner, pool, 15))


def test_refuses_a_regressor_and_too_few_candidates(setting):
    learner, pool = setting
    with pytest.raises(ValueError, match="n_candidates"):
        ALEX(n_candidates=3).query(learner, pool, 5)
    with pytest.raises(ValueError, match="explainer"):
        ALEX(explainer="lime").query(learner, pool, 5)
    X = pool[:30]
    regressor = ActiveLearner(make_regressor_net(max_epochs=2), "random").fit(X, X[:, 0])
    with pytest.raises(ValueError, match="classifier"):
        ALEX().query(regressor, pool, 5)


@pytest.mark.parametrize("n_background, size", [(None, 60), (ALEX().n_background, 10), (100, 60)])
def test_background_is_n_background_labelled_rows_or_all_of_them(
    setting, monkeypatch, n_background, size
):
    # The default background is 10 labelled rows (the cheap default); None
    # is Algorithm 1's explanation model trained on every labelled row.
    learner, pool = setting
    backgrounds = []

    def fake(net, X, background, **kwargs):
        backgrounds.append(background.copy())
        return X.astype(np.float64)

    monkeypatch.setattr(_alex, "shap_explanations", fake)
    ALEX(n_background=n_background).query(learner, pool, 4, random_state=0)
    labelled = {row.tobytes() for row in learner.X_labeled_}
    for background in backgrounds:  # the same background for candidates and labelled rows
        assert background.shape[0] == size
        rows = {row.tobytes() for row in background}
        assert len(rows) == size and rows <= labelled
    np.testing.assert_array_equal(backgrounds[0], backgrounds[1])
