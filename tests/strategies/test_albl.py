"""ALBL: EXP4.P over query strategies."""

import pickle

import numpy as np
import pytest

from skactive import ActiveLearner
from skactive.kernels import exp4p_log_weight_update
from skactive.strategies import ALBL, CoreSet, LeastConfidence, Random

from ..conftest import make_classifier_net, make_regressor_net


@pytest.fixture
def setting():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 2)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    learner = ActiveLearner(
        make_classifier_net(max_epochs=5), query_strategy=ALBL(), random_state=0
    ).fit(X[:20], y[:20])
    return learner, X[20:], y[20:]


def _expected_update(pending, reward, n_experts, horizon=1000, delta=0.1):
    """EXP4.P's log-weight gain, written out draw by draw."""
    gain = np.zeros(n_experts)
    for t in range(pending["draw_proba"].shape[0]):
        p, k = pending["draw_proba"][t], pending["n_actions"][t]
        p_min = 0.1 / k
        for i in range(n_experts):
            y_hat = pending["advice"][t, i] * reward / p
            bonus = pending["v_hat"][t, i] * np.sqrt(np.log(n_experts / delta) / (k * horizon))
            gain[i] += p_min / 2 * (y_hat + bonus)
    return gain


def test_reward_bookkeeping_on_a_scripted_sequence(setting):
    learner, pool, oracle = setting
    strategy = learner.query_strategy_
    expected_weights = np.zeros(2)
    positions, weights = [], []
    for round_ in range(3):
        idx = learner.query(pool, 5)
        pending = {k: np.copy(v) for k, v in strategy.pending_.items()}
        np.testing.assert_array_equal(pending["indices"], idx)
        # Each draw's probability is at least the exploration floor.
        assert np.all(pending["draw_proba"] >= 0.1 / pending["n_actions"] * (1 - 1e-9))
        start = learner.X_labeled_.shape[0]
        learner.teach(pool[idx], oracle[idx])
        pool, oracle = np.delete(pool, idx, axis=0), np.delete(oracle, idx)
        learner.query(pool, 5)  # observes the reward of the rows just taught
        positions.extend(range(start, start + 5))
        weights.extend(1.0 / pending["draw_proba"])
        W = np.asarray(weights)
        correct = learner.predict(learner.X_labeled_[positions]) == learner.y_labeled_[positions]
        reward = np.sum(W * correct) / np.sum(W)
        expected_weights += _expected_update(pending, reward, 2)
        entry = strategy.history_[round_]
        assert entry["round"] == round_ + 1
        assert entry["reward"] == pytest.approx(reward, rel=1e-12)
        np.testing.assert_allclose(strategy.log_weights_, expected_weights, rtol=1e-12)
        np.testing.assert_array_equal(strategy.queried_positions_, positions)
        np.testing.assert_allclose(strategy.importance_weights_, W)
        np.testing.assert_array_equal(entry["draws_by_expert"], (pending["advice"] > 0).sum(0))
    assert len(strategy.history_) == 3


def test_a_repeated_query_replaces_the_pending_one(setting):
    learner, pool, _ = setting
    a = learner.query(pool, 5)
    b = learner.query(pool, 5)
    np.testing.assert_array_equal(a, b)
    assert learner.query_strategy_.history_ == []


def test_teaching_other_rows_gives_no_reward(setting):
    learner, pool, oracle = setting
    learner.query(pool, 5)
    learner.teach(pool[:3], oracle[:3])  # not the queried rows' count
    learner.query(pool[3:], 5)
    strategy = learner.query_strategy_
    assert strategy.history_[0]["reward"] is None
    np.testing.assert_array_equal(strategy.log_weights_, np.zeros(2))
    assert strategy.queried_positions_.shape == (0,)


def test_state_survives_pickling(setting):
    learner, pool, oracle = setting
    idx = learner.query(pool, 5)
    learner.teach(pool[idx], oracle[idx])
    pool, oracle = np.delete(pool, idx, axis=0), np.delete(oracle, idx)
    idx = learner.query(pool, 5)
    learner.teach(pool[idx], oracle[idx])
    twin = pickle.loads(pickle.dumps(learner))
    for attr in ("log_weights_", "queried_positions_", "importance_weights_"):
        np.testing.assert_array_equal(
            getattr(twin.query_strategy_, attr), getattr(learner.query_strategy_, attr)
        )
    assert len(twin.query_strategy_.history_) == 1
    # Both go on identically: the pending query is observed after unpickling.
    np.testing.assert_array_equal(twin.query(pool, 4), learner.query(pool, 4))
    assert len(twin.query_strategy_.history_) == 2
    np.testing.assert_array_equal(
        twin.query_strategy_.log_weights_, learner.query_strategy_.log_weights_
    )


def test_refit_starts_a_fresh_bandit(setting):
    learner, pool, oracle = setting
    idx = learner.query(pool, 5)
    learner.teach(pool[idx], oracle[idx])
    learner.query(pool, 5)
    learner.fit(pool[:20], oracle[:20])
    assert not hasattr(learner.query_strategy_, "log_weights_")


def test_exp4p_rewards_the_experts_that_advised_the_drawn_rows():
    advice = np.array([[1.0, 0.0, 0.25]])
    v_hat = np.array([[2.0, 2.0, 1.0]])
    gain = exp4p_log_weight_update(
        advice, v_hat, np.array([0.5]), np.array([0.01]), np.array([4.0]), 1.0, 100, 0.1
    )
    assert gain[0] > gain[2] > gain[1] > 0


def test_uniform_expert_and_custom_strategies(setting):
    learner, pool, _ = setting
    strategy = ALBL([LeastConfidence(), Random()], include_random=True)
    idx = strategy.query(learner, pool, 10, random_state=0)
    assert np.unique(idx).shape == (10,)
    assert strategy.log_weights_.shape == (3,)
    # The uniform expert gives every remaining row the same advice.
    np.testing.assert_allclose(strategy.pending_["advice"][:, 2], 1 / (280 - np.arange(10)))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"exploration": 0.0}, "exploration"),
        ({"delta": 1.5}, "delta"),
        ({"horizon": 0}, "horizon"),
        ({"strategies": []}, "at least one strategy"),
        ({"strategies": [CoreSet(), "margin"]}, "query strategies"),
    ],
)
def test_bad_parameters_are_refused(setting, params, match):
    learner, pool, _ = setting
    with pytest.raises(ValueError, match=match):
        ALBL(**params).query(learner, pool, 2)


def test_refuses_a_regressor():
    X = np.random.RandomState(0).normal(size=(20, 2)).astype(np.float32)
    learner = ActiveLearner(make_regressor_net(max_epochs=2), "random").fit(X, X[:, 0])
    with pytest.raises(ValueError, match="classifier"):
        ALBL().query(learner, X, 2)


# ------------------------------------------------------------------ on_teach
#
# The learner tells its strategy of every successful teach (``on_teach``);
# ALBL takes the teaches it is told of, and infers none.


class _Recorder(LeastConfidence):
    def on_teach(self, learner, X, y):
        vars(self).setdefault("told_", []).append(len(y))


def test_the_learner_tells_its_strategy_of_each_teach():
    X = np.random.RandomState(0).normal(size=(10, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    learner = ActiveLearner(make_classifier_net(max_epochs=1), _Recorder(), random_state=0)
    learner.fit(X[:6], y[:6]).teach(X[6:], y[6:])
    assert learner.query_strategy_.told_ == [4]


def _teach(learner, X, y):
    learner.teach(X, y)


class _Deaf(ALBL):
    """ALBL never told of a teach."""

    def on_teach(self, learner, X, y):
        pass


def _run(strategy, rounds=3):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 2)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    learner = ActiveLearner(make_classifier_net(max_epochs=5), strategy, random_state=0)
    learner.fit(X[:20], y[:20])
    pool, oracle = X[20:], y[20:]
    for _ in range(rounds):
        idx = learner.query(pool, 5)
        _teach(learner, pool[idx], oracle[idx])
        pool, oracle = np.delete(pool, idx, axis=0), np.delete(oracle, idx)
    learner.query(pool, 5)
    return learner.query_strategy_


def test_rewards_come_from_the_teaches_told():
    told, deaf = _run(ALBL()), _run(_Deaf())
    assert all(h["reward"] is not None for h in told.history_) and len(told.history_) == 3
    assert len(told.queried_positions_) == 15 and np.ptp(told.log_weights_) > 0
    # Never told of a teach: each query replaces the pending one, no reward.
    assert deaf.history_ == [] and len(deaf.queried_positions_) == 0
    np.testing.assert_array_equal(deaf.log_weights_, np.zeros(2))


def test_on_teach_reports_are_trusted_over_the_bookkeeping(setting):
    learner, pool, oracle = setting
    idx = learner.query(pool, 5)
    _teach(learner, pool[idx], oracle[idx])
    strategy = learner.query_strategy_
    # Told of two more teaches than the learner's bookkeeping shows.
    strategy.on_teach(learner, pool[idx[:2]], oracle[idx[:2]])
    strategy.on_teach(learner, pool[idx[2:]], oracle[idx[2:]])
    assert strategy.pending_["taught"] == [5, 2, 3]
    learner.query(np.delete(pool, idx, axis=0), 5)
    assert strategy.history_[0]["reward"] is None
    np.testing.assert_array_equal(strategy.log_weights_, np.zeros(2))


def test_told_of_no_teach_a_new_query_replaces_the_pending_one(setting):
    learner, pool, _ = setting
    strategy = learner.query_strategy_
    strategy.on_teach(learner, pool[:0], np.empty(0))  # before any query: noted only
    assert not hasattr(strategy, "pending_")
    a = learner.query(pool, 5)
    b = learner.query(pool, 5)
    np.testing.assert_array_equal(a, b)
    assert strategy.history_ == [] and "taught" not in strategy.pending_


def test_on_teach_reaches_the_experts(setting):
    learner, pool, oracle = setting
    strategy = ALBL([_Recorder(), CoreSet()])
    strategy.query(learner, pool, 4, random_state=0)
    strategy.on_teach(learner, pool[:4], oracle[:4])
    assert strategy.strategies_[0].told_ == [4]
    assert strategy.pending_["taught"] == [4]


def test_the_default_on_teach_does_nothing(setting):
    learner, pool, oracle = setting
    strategy = LeastConfidence()
    assert strategy.on_teach(learner, pool[:3], oracle[:3]) is None
    assert vars(strategy) == {}
