"""scikit-learn's estimator checks, run on the learner with both kinds of net."""

from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skactive import ActiveLearner

from .conftest import make_classifier_net, make_regressor_net

LEARNERS = [
    ActiveLearner(make_classifier_net(), random_state=0),
    ActiveLearner(make_regressor_net(), query_strategy="random", random_state=0),
    # the same, with preprocessing inside the learner
    ActiveLearner(make_pipeline(StandardScaler(), make_classifier_net()), random_state=0),
    ActiveLearner(
        make_pipeline(StandardScaler(), make_regressor_net()),
        query_strategy="random",
        random_state=0,
    ),
]


@parametrize_with_checks(LEARNERS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
