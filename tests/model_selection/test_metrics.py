"""Metrics on hand-made curves and error arrays whose answer is known."""

import numpy as np
import pytest

import skactive.metrics
import skactive.model_selection
from skactive.metrics import (
    area_under_learning_curve,
    labels_to_target,
    learning_budgets,
    normalized_error_cdf,
    penalty_matrix,
)


def test_aulc_of_a_hand_made_curve():
    # Trapezoids: (0.2+0.6)/2*10 + (0.6+0.8)/2*30 = 4 + 21 = 25 over 40 labels.
    assert area_under_learning_curve([10, 20, 50], [0.2, 0.6, 0.8]) == pytest.approx(25 / 40)
    both = area_under_learning_curve([0, 1], [[1.0, 1.0], [0.0, 0.5]])
    np.testing.assert_allclose(both, [1.0, 0.25])


def test_labels_to_target_takes_the_first_crossing():
    n = [10, 20, 30, 40, 50]
    curves = [
        [0.50, 0.70, 0.85, 0.80, 0.90],  # reaches 0.8 at 30, dips, stays
        [0.50, 0.60, 0.70, 0.79, 0.80],  # exactly 0.8 at 50
        [0.50, 0.60, 0.70, 0.75, 0.79],  # never
    ]
    out = labels_to_target(n, curves, 0.8)
    np.testing.assert_array_equal(out[:2], [30.0, 50.0])
    assert np.isnan(out[2])
    # A loss: negate the curve and the target (MSE 0.11 reached at 40 labels).
    mse = np.array([0.20, 0.15, 0.12, 0.11, 0.10])
    assert labels_to_target(n, -mse, -0.11) == 40.0


def test_learning_budgets_follow_badge_section_4():
    n = np.arange(100, 1700, 100)  # M = 100, B = 100, 16 points
    random = np.minimum(1.0, np.linspace(0.5, 1.2, 16))
    # random reaches 0.99 at its 12th point (n0 = 1200 labels):
    # floor(log2((1200 - 100) / 100)) = 3 -> budgets M + {1, 2, 4} B.
    n0, rounds = learning_budgets(n, random)
    assert n0 == 1200.0
    np.testing.assert_array_equal(rounds, [1, 2, 4])
    np.testing.assert_array_equal(n[rounds], [200, 300, 500])


def test_learning_budgets_keep_one_budget_when_random_saturates_at_once():
    n0, rounds = learning_budgets([10, 20, 30], [0.9, 0.9, 0.9])
    assert n0 == 10.0
    np.testing.assert_array_equal(rounds, [1])


def test_learning_budgets_average_runs_and_handle_losses():
    # Two runs of a negated loss; mean curve -4, -2, -1.5, -1.0, -1.0:
    # 99 % of the final -1.0 means >= -1.01: first at 40 labels.
    runs = [[-5, -2, -1.5, -1.0, -1.0], [-3, -2, -1.5, -1.0, -1.0]]
    n0, _ = learning_budgets([10, 20, 30, 40, 50], runs)
    assert n0 == 40.0


def test_penalty_matrix_on_hand_made_errors():
    rng = np.random.RandomState(0)
    noise = rng.normal(scale=0.001, size=(3, 2, 5))
    # Strategy 0 is clearly best at both budgets, 1 clearly worst at budget 0,
    # and 1 and 2 tie at budget 1 (identical errors).
    errors = np.array(
        [
            [[0.10] * 5, [0.10] * 5],
            [[0.30] * 5, [0.20] * 5],
            [[0.20] * 5, [0.20] * 5],
        ]
    )
    errors = errors + noise
    errors[2, 1] = errors[1, 1]
    P = penalty_matrix(errors)
    expected = np.array(
        [
            [0.0, 1.0, 1.0],  # 0 beats 1 and 2 at both budgets: 2 x 1/2
            [0.0, 0.0, 0.0],
            [0.0, 0.5, 0.0],  # 2 beats 1 only at budget 0
        ]
    )
    np.testing.assert_allclose(P, expected)


def test_penalty_matrix_z_test_uses_the_threshold():
    # Differences 0.01, 0.03 (mean 0.02, sd 0.01414): z = sqrt(2) * 0.02 / 0.01414 = 2.0.
    errors = np.array([[[0.10, 0.10]], [[0.11, 0.13]]])
    np.testing.assert_allclose(penalty_matrix(errors), [[0, 1], [0, 0]])
    np.testing.assert_allclose(penalty_matrix(errors, threshold=2.1), [[0, 0], [0, 0]])


def test_penalty_matrix_weighs_settings_equally():
    one_budget = np.array([[[0.1, 0.1, 0.1]], [[0.2, 0.2, 0.2]]])
    four_budgets = np.repeat(one_budget, 4, axis=1)
    P = penalty_matrix([one_budget, four_budgets])
    np.testing.assert_allclose(P, [[0, 2], [0, 0]])


def test_normalized_error_cdf_on_hand_made_errors():
    # Setting A (2 budgets, weight 1/4 each after scaling), setting B (1 budget, 1/2).
    a = np.array([[[0.2, 0.2], [0.4, 0.4]], [[0.1, 0.1], [0.6, 0.6]]])
    b = np.array([[[0.5, 0.5]], [[0.25, 0.25]]])
    values, cdf = normalized_error_cdf([a, b], baseline=0)
    np.testing.assert_allclose(values[0], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(cdf[0], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(values[1], [0.5, 0.5, 1.5])
    np.testing.assert_allclose(cdf[1], [0.75, 0.75, 1.0])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: area_under_learning_curve([10], [0.5]), "at least 2 label counts"),
        (lambda: area_under_learning_curve([10, 5], [0.5, 0.6]), "strictly increasing"),
        (lambda: area_under_learning_curve([10, 20], [0.5, 0.6, 0.7]), "do not match"),
        (lambda: area_under_learning_curve([10, 20], [0.5, np.nan]), "finite"),
        (lambda: labels_to_target([10, 20], [0.5, 0.6], np.nan), "target must be a finite"),
        (
            lambda: learning_budgets([10, 20, 35, 45, 55], [0.1, 0.2, 0.3, 0.4, 1.0]),
            "constant batch size",
        ),
        (lambda: penalty_matrix(np.zeros((2, 3))), "n_strategies, n_budgets, n_runs"),
        (lambda: penalty_matrix(np.zeros((2, 1, 1))), "at least 2 runs"),
        (lambda: penalty_matrix(np.zeros((2, 0, 3))), "no budget"),
        (lambda: penalty_matrix([np.zeros((2, 1, 2)), np.zeros((3, 1, 2))]), "same strategies"),
        (lambda: normalized_error_cdf(np.zeros((2, 1, 2))), "baseline's mean error is zero"),
        (lambda: normalized_error_cdf(np.ones((2, 1, 2)), baseline=2), "baseline must index"),
    ],
)
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# The metrics that lived in skactive.model_selection before skactive.metrics; new metrics
# are not re-exported there.
COMPATIBILITY = [
    "area_under_learning_curve",
    "labels_to_target",
    "learning_budgets",
    "learning_curves",
    "normalized_error_cdf",
    "penalty_matrix",
    "results_error_cdf",
    "results_penalty_matrix",
    "summarize_results",
]


@pytest.mark.parametrize("name", COMPATIBILITY)
def test_model_selection_re_exports_the_same_metrics(name):
    # The metrics moved to skactive.metrics; the old import path still gives the same objects.
    assert name in skactive.metrics.__all__ and name in skactive.model_selection.__all__
    assert getattr(skactive.model_selection, name) is getattr(skactive.metrics, name)
    assert getattr(skactive.metrics, name).__module__.startswith("skactive.metrics.")


def test_model_selection_penalty_matrix_is_the_metric():
    assert skactive.model_selection.penalty_matrix is skactive.metrics.penalty_matrix
