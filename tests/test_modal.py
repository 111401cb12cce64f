"""modAL-style calls get errors that say what to write instead."""

import pickle
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

from skactive import ActiveLearner

from .conftest import make_classifier_net

rng = np.random.RandomState(0)
X = np.r_[rng.normal(0, 1, (15, 2)), rng.normal(3, 1, (15, 2))].astype(np.float32)
y = np.repeat([0, 1], 15)
PAGE = Path(__file__).resolve().parents[1] / "docs" / "migrating_from_modal.md"


def test_modal_constructor_keywords_say_to_call_fit():
    with pytest.raises(TypeError, match=r"modAL's keywords X_training, y_training: the "
                       r"constructor only takes settings, and the data go to fit.*"
                       r"\.fit\(X_seed, y_seed\)"):  # fmt: skip
        ActiveLearner(make_classifier_net(), X_training=X, y_training=y)
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        ActiveLearner(make_classifier_net(), foo=1)


def test_the_constructor_check_leaves_cloning_and_pickling_alone():
    learner = ActiveLearner(make_classifier_net(max_epochs=2), "margin", random_state=0)
    assert clone(learner).get_params()["query_strategy"] == "margin"
    fitted = learner.fit(X, y)
    loaded = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(loaded.query(X, 3), fitted.query(X, 3))


def modal_uncertainty(classifier, X_pool, n_instances=1):
    """A modAL query function, with the indices-only return skactive expects."""
    return np.argsort(classifier.predict_proba(X_pool).max(axis=1))[:n_instances]


def test_a_modal_signature_query_function_works_when_it_returns_indices():
    learner = ActiveLearner(make_classifier_net(max_epochs=2), modal_uncertainty, random_state=0)
    learner.fit(X, y)
    idx = learner.query(X, 4)
    np.testing.assert_array_equal(idx, modal_uncertainty(learner, X, 4))


def test_the_page_lists_every_error_the_code_raises():
    text = PAGE.read_text()
    for idiom in ("X_training=", "n_instances=", "return idx, X_pool[idx]", "teach(idx, y)",
                  "teach(X_pool[i], y_pool[i])"):  # fmt: skip
        assert idiom in text, idiom
    rows = re.findall(r"^\| .* \| `(TypeError|ValueError)`", text, flags=re.M)
    assert len(rows) == 6
