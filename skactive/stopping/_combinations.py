"""Combinations of stopping criteria: any of them, all of them."""

import copy

from sklearn.base import clone

from ._base import StoppingCriterion


class _Combination(StoppingCriterion):
    _parameter_constraints = {"criteria": [list, tuple]}

    def __init__(self, criteria):
        self.criteria = criteria

    def _evaluate(self, learner, X_pool):
        if len(self.criteria) == 0 or not all(hasattr(c, "should_stop") for c in self.criteria):
            raise ValueError(
                f"{type(self).__name__} needs a non-empty list of stopping criteria "
                "(objects with should_stop)."
            )
        if not hasattr(self, "criteria_"):
            criteria = [clone(c) for c in self.criteria]
        else:
            criteria = copy.deepcopy(self.criteria_)
        answers = [c.should_stop(learner, X_pool) for c in criteria]
        return self._combine(answers), {"answers": answers, "_criteria": criteria}

    def _commit(self, evidence):
        self.criteria_ = evidence.pop("_criteria")


class AnyOf(_Combination):
    """Stop as soon as any of the criteria says stop.

    Parameters
    ----------
    criteria : list of StoppingCriterion
        Cloned at the first call; the clones are ``criteria_``.

    Attributes
    ----------
    criteria_ : list of StoppingCriterion
        The clones, each with its own ``history_``.
    history_ : list of dict
        Per call: ``n_labeled``, ``stop``, ``answers`` (each criterion's).
    n_labeled_stopped_ : int or None
    """

    @staticmethod
    def _combine(answers):
        return any(answers)


class AllOf(_Combination):
    """Stop once every criterion says stop in the same round.

    Parameters
    ----------
    criteria : list of StoppingCriterion
        Cloned at the first call; the clones are ``criteria_``.

    Attributes
    ----------
    criteria_ : list of StoppingCriterion
    history_ : list of dict
        Per call: ``n_labeled``, ``stop``, ``answers``.
    n_labeled_stopped_ : int or None
    """

    @staticmethod
    def _combine(answers):
        return all(answers)
