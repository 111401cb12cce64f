"""NumPy kernels: the selection arithmetic the strategies hand their arrays to.

A strategy asks the probe layer (:mod:`skactive.probes`) for arrays and hands
them to a kernel here; a third-party strategy can do the same. Kernels are
pure NumPy (and SciPy, and scikit-learn's chunked neighbour searches), with
no torch import and no input validation: prior validation of data is
assumed, as for scikit-learn's private kernels (finite arrays of the shapes
each docstring states, counts within range). The learner validates its input
once, at its boundary.

The selection kernels (:func:`top_k`, :func:`kmeans_pp_factored`,
:func:`factored_sq_distances`, :func:`sample_by_squared_distance`,
:func:`k_center_greedy`) also take arrays of any array API library (torch
tensors on a GPU, say) and then run in that library's namespace and on the
arrays' device; their indices always come back as a NumPy ``int64`` array.

By family:

- ranking: :func:`top_k`; stochastic batches from scores
  (:func:`gumbel_top_k` and the log-weights of :func:`softmax_log_weights`,
  :func:`power_log_weights`, :func:`softrank_log_weights`); annotation costs
  (:func:`return_on_investment`, :func:`greedy_within_budget`,
  :func:`select_by_cost`);
- diversity: k-means++ seeding on BADGE's factored gradient embeddings
  (:func:`kmeans_pp_factored`), greedy k-center (:func:`k_center_greedy`),
  LCMD (:func:`lcmd_greedy`, :func:`gaussian_sketch`, :func:`scale_factor`);
- MC dropout: BALD and BatchBALD (:func:`bald`, :func:`predictive_entropy`,
  :func:`expected_entropy`, :func:`mc_variance`, :func:`batchbald_greedy`,
  :func:`batch_mutual_information`), DEIMOS (:func:`deimos_factor`,
  :func:`deimos_greedy`, :func:`deimos_expected_improvement`);
- low budgets: TypiClust (:func:`typicality`, :func:`typiclust_select`) and
  ProbCover (:func:`purity_radius`, :func:`ball_graph`,
  :func:`max_coverage_greedy`);
- the rest: ALBL's bandit (:func:`exp4p_log_weight_update`,
  :func:`importance_weighted_accuracy`), ALEX's divergences
  (:func:`explanation_distribution`, :func:`mean_kl_divergence`) and the
  density-weighted score (:func:`density_weighted_score`).

Examples
--------
>>> import numpy as np
>>> from skactive.kernels import top_k
>>> top_k(np.array([0.1, 0.9, 0.5]), 2, np.random.RandomState(0))
array([1, 2])
"""

from ._bandit import exp4p_log_weight_update, importance_weighted_accuracy
from ._bayes import (
    bald,
    batch_mutual_information,
    batchbald_greedy,
    expected_entropy,
    mc_variance,
    predictive_entropy,
)
from ._costs import greedy_within_budget, return_on_investment, select_by_cost
from ._coverage import ball_graph, max_coverage_greedy, purity_radius, typicality, typiclust_select
from ._deimos import deimos_expected_improvement, deimos_factor, deimos_greedy
from ._density import density_weighted_score
from ._kcenter import k_center_greedy
from ._kl import explanation_distribution, mean_kl_divergence
from ._kmeans_seeding import factored_sq_distances, kmeans_pp_factored, sample_by_squared_distance
from ._lcmd import gaussian_sketch, lcmd_greedy, scale_factor
from ._stochastic import gumbel_top_k, power_log_weights, softmax_log_weights, softrank_log_weights
from ._topk import top_k

__all__ = [
    "bald",
    "ball_graph",
    "batch_mutual_information",
    "batchbald_greedy",
    "deimos_expected_improvement",
    "deimos_factor",
    "deimos_greedy",
    "density_weighted_score",
    "expected_entropy",
    "exp4p_log_weight_update",
    "explanation_distribution",
    "factored_sq_distances",
    "gaussian_sketch",
    "greedy_within_budget",
    "gumbel_top_k",
    "importance_weighted_accuracy",
    "k_center_greedy",
    "kmeans_pp_factored",
    "lcmd_greedy",
    "max_coverage_greedy",
    "mc_variance",
    "mean_kl_divergence",
    "power_log_weights",
    "predictive_entropy",
    "purity_radius",
    "return_on_investment",
    "sample_by_squared_distance",
    "scale_factor",
    "select_by_cost",
    "softmax_log_weights",
    "softrank_log_weights",
    "top_k",
    "typicality",
    "typiclust_select",
]
