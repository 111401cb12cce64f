"""BADGE, Core-Set, DAMI and EGL wired to the probe and the kernels.

Each strategy's picks are compared with the same algorithm run on
representations computed independently here (plain autograd on the module),
so a wrong representation or a wrong kernel call fails.
"""

import numpy as np
import pytest
import torch
from scipy.spatial.distance import cdist

from skactive import ActiveLearner
from skactive.strategies import BADGE, DAMI, EGL, CoreSet

from ..conftest import make_classifier_net, make_regressor_net, make_three_classes


@pytest.fixture(scope="module")
def data():
    return make_three_classes(30, 200)


@pytest.fixture(scope="module")
def classifier(data):
    X, y, _ = data
    return ActiveLearner(make_classifier_net(), random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def regressor(data):
    X, y, _ = data
    return ActiveLearner(make_regressor_net(), "random", random_state=0).fit(X, X[:, 0] - X[:, 1])


def _module(learner):
    module = learner.network_.module_
    module.eval()
    return module


def _furthest_first(X, k, centres):
    D = cdist(X, centres, "sqeuclidean").min(axis=1)
    picked = []
    for _ in range(k):
        D_masked = D.copy()
        D_masked[picked] = -1
        picked.append(int(np.argmax(D_masked)))
        D = np.minimum(D, cdist(X, X[picked[-1:]], "sqeuclidean")[:, 0])
    return np.array(picked)


def test_coreset_is_k_center_on_the_penultimate_embedding(classifier, data):
    X, _, pool = data
    with torch.no_grad():
        hidden = _module(classifier).hidden
        emb_pool = hidden(torch.as_tensor(pool)).numpy()
        emb_lab = hidden(torch.as_tensor(X)).numpy()
    expected = _furthest_first(emb_pool.astype(np.float64), 15, emb_lab.astype(np.float64))
    np.testing.assert_array_equal(CoreSet().query(classifier, pool, 15), expected)


def _interpretations(module, X, output):
    x = torch.as_tensor(X).requires_grad_(True)
    out = module(x)
    cols = out.argmax(dim=1) if output == "argmax" else torch.zeros(len(X), dtype=torch.long)
    (g,) = torch.autograd.grad(out[torch.arange(len(X)), cols].sum(), x)
    return g.numpy().astype(np.float64)


@pytest.mark.parametrize("task", ["classifier", "regressor"])
def test_dami_is_k_center_on_local_interpretations(task, classifier, regressor, data):
    X, _, pool = data
    learner = classifier if task == "classifier" else regressor
    output = "argmax" if task == "classifier" else 0
    module = _module(learner)
    expected = _furthest_first(
        _interpretations(module, pool, output), 15, _interpretations(module, X, output)
    )
    np.testing.assert_array_equal(DAMI().query(learner, pool, 15), expected)


def test_dami_and_coreset_differ_on_the_sigmoid_set():
    # DAMI Fig. 2: interpretations separate the four regions of σ(x1·x2),
    # which the raw-feature geometry Core-Set sees does not; the two
    # representations must lead to different batches.
    rng = np.random.RandomState(0)
    X = rng.uniform(-5, 5, size=(400, 2)).astype(np.float32)
    y = (rng.uniform(size=400) < 1 / (1 + np.exp(-X[:, 0] * X[:, 1]))).astype(int)
    learner = ActiveLearner(make_classifier_net(max_epochs=60), random_state=0)
    learner.fit(X[:200], y[:200])
    a = DAMI().query(learner, X[200:], 20)
    b = CoreSet().query(learner, X[200:], 20)
    assert len(set(a) & set(b)) < 20


def test_badge_first_pick_has_the_largest_gradient_embedding(classifier, data):
    _, _, pool = data
    module = _module(classifier)
    with torch.no_grad():
        logits = module(torch.as_tensor(pool))
        p = torch.softmax(logits, dim=1).numpy().astype(np.float64)
        h = module.hidden(torch.as_tensor(pool)).numpy().astype(np.float64)
    q = p.copy()
    q[np.arange(len(q)), p.argmax(axis=1)] -= 1
    norms = np.linalg.norm(q, axis=1) * np.linalg.norm(h, axis=1)
    for seed in range(3):
        idx = BADGE().query(classifier, pool, 10, random_state=seed)
        assert idx[0] == np.argmax(norms)
        assert np.unique(idx).shape == (10,)


def test_badge_prefers_uncertain_rows(classifier, data):
    # Confident rows have tiny gradient embeddings (BADGE §3, observation 3):
    # over many seeds the batch's mean max-probability is below the pool's.
    _, _, pool = data
    module = _module(classifier)
    with torch.no_grad():
        confidence = torch.softmax(module(torch.as_tensor(pool)), dim=1).max(dim=1).values.numpy()
    picked = np.concatenate(
        [BADGE().query(classifier, pool, 10, random_state=s) for s in range(10)]
    )
    assert confidence[picked].mean() < confidence.mean()


def test_egl_utility_is_the_expected_gradient_length(classifier, data):
    _, _, pool = data
    module = _module(classifier)
    params = [p for p in module.parameters() if p.requires_grad]
    rows = pool[:12]
    expected = np.empty(len(rows))
    for i, x in enumerate(rows):
        logits = module(torch.as_tensor(x[None]))
        p = torch.softmax(logits, dim=1)[0].detach().numpy()
        total = 0.0
        for y in range(3):
            loss = torch.nn.functional.cross_entropy(logits, torch.tensor([y]))
            grads = torch.autograd.grad(loss, params, retain_graph=True)
            total += p[y] * float(torch.sqrt(sum((g**2).sum() for g in grads)))
        expected[i] = total
    np.testing.assert_allclose(EGL().utility(classifier, rows), expected, rtol=1e-4)


@pytest.mark.parametrize("strategy", [BADGE(), EGL()], ids=["BADGE", "EGL"])
def test_classification_only_strategies_refuse_a_regressor(strategy, regressor, data):
    with pytest.raises(ValueError, match="needs class probabilities"):
        strategy.query(regressor, data[2], 5)


def test_dami_refuses_a_multi_output_regressor(data):
    X, _, pool = data
    learner = ActiveLearner(make_regressor_net(max_epochs=2), "random", random_state=0)
    learner.fit(X, np.column_stack([X[:, 0], X[:, 1]]))
    with pytest.raises(ValueError, match="one output to interpret"):
        DAMI().query(learner, pool, 5)
    # Core-Set needs only the representation: it works.
    assert CoreSet().query(learner, pool, 5).shape == (5,)
