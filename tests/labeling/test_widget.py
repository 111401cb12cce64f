"""The widget driven through its Python objects, as a browser would drive it."""

import io
import re

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.compose import make_column_transformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skactive import ActiveLearner
from skactive.labeling import LabelingSession
from skactive.nets import make_cnn_net

from ..conftest import make_classifier_net
from .conftest import small_learner


def shown(widget):
    (child,) = widget.content.children
    return child


def test_image_pool_buttons_keys_skip_undo_commit_and_curve(digits):
    X, y = digits
    learner = ActiveLearner(
        make_cnn_net(max_epochs=2, channels=(4,), hidden_size=16),
        query_strategy="margin",
        random_state=0,
    )
    session = LabelingSession(
        learner,
        X[20:],
        batch_size=4,
        classes=list(range(10)),
        X_val=X[:20],
        y_val=y[:20],
        random_state=0,
    )
    ui = session.widget()
    assert [b.description for b in ui.class_buttons][:3] == ["1: 0", "2: 1", "3: 2"]
    batch = session.batch_
    picture = Image.open(io.BytesIO(shown(ui).value))
    assert isinstance(shown(ui), widgets.Image) and picture.size == (160, 160)
    # the shown picture is the first row of the batch, enlarged 20x, scaled 0 to its maximum
    drawn = np.asarray(picture.convert("L"))[::20, ::20]
    image = X[20 + batch[0]]
    np.testing.assert_allclose(drawn / 255, image / image.max(), atol=1 / 255 + 1e-6)
    assert "cold start" in ui.why.value
    ui.class_buttons[y[20 + batch[0]]].click()  # by button
    ui.press("5")  # by key: class 4
    ui.press("s")  # skip the third
    ui.press("u")  # ... no: undo the skip
    assert session.current() == batch[2]
    ui.skip_button.click()
    ui.undo_button.click()
    ui.class_buttons[3].click()
    ui.press("s")
    assert ui.key_box.value == ""
    assert "answered" in ui.header.value
    assert session.skipped_.tolist() == [batch[3]]
    labels = session.labels_
    assert labels["index"].tolist() == batch[:3].tolist()
    assert labels["label"].tolist()[0] == y[20 + batch[0]]
    assert labels["label"].tolist()[1:] == [4, 3]
    assert "3 labels (0 committed)" in ui.status.value
    ui.press("c")
    assert session.is_fitted and session.round_ == 1
    assert ui.training.layout.visibility == "hidden"
    assert learner.y_labeled_.tolist() == labels["label"].tolist()
    assert ui.curve.layout.display is None and ui.curve.value[:4] == b"\x89PNG"
    assert "Margin utility" in ui.why.value
    assert session.batch_.shape == (4,) and not set(session.batch_) & set(batch)
    # a refused action is shown and changes nothing
    before = session.labels_.to_dict("list")
    ui.commit_button.click()
    assert "no label to commit" in ui.message.value
    ui.undo_button.click()
    assert "Nothing to undo" in ui.message.value
    assert session.labels_.to_dict("list") == before


def test_text_pool_shows_the_text():
    texts = np.array(["a <b>good</b> film", "a bad film", "great", "awful"] * 5)
    y = np.array(["pos", "neg", "pos", "neg"] * 5)
    learner = ActiveLearner(
        make_pipeline(TfidfVectorizer(), make_classifier_net(max_epochs=3)), random_state=0
    )
    session = LabelingSession(learner, texts, batch_size=3, classes=["neg", "pos"])
    ui = session.widget()
    batch = session.batch_
    for i in batch:
        assert shown(ui).value.endswith(
            f">{texts[i].replace('<', '&lt;').replace('>', '&gt;')}</div>"
        )
        ui.press("1" if y[i] == "neg" else "2")
    ui.commit_button.click()
    assert session.learner.y_labeled_.tolist() == y[batch].tolist()
    assert "Entropy utility" in ui.why.value
    # while the network retrains, the progress bar shows
    seen = []
    teach = session.learner.teach

    def watched_teach(X, y):
        seen.append(ui.training.layout.visibility)
        return teach(X, y)

    session.learner.teach = watched_teach
    ui.press("1")
    ui.press("c")
    assert seen == ["visible"] and ui.training.layout.visibility == "hidden"
    assert session.round_ == 2


def test_dataframe_pool_shows_a_row_with_its_column_names():
    frame = pd.DataFrame({"age": np.arange(30.0), "city": ["Oslo", "Rome", "Lima"] * 10})
    prep = make_column_transformer((StandardScaler(), ["age"]), (OneHotEncoder(), ["city"]))
    learner = ActiveLearner(make_pipeline(prep, make_classifier_net(max_epochs=3)), random_state=0)
    session = LabelingSession(learner, frame, batch_size=3, classes=["young", "old"])
    ui = session.widget()
    i = session.current()
    cells = re.findall(r"<t([hd])>(.*?)</t[hd]>", shown(ui).value)
    # the header (an empty corner, the column names), then the row: its index, its values
    assert cells == [
        ("h", ""),
        ("h", "age"),
        ("h", "city"),
        ("h", str(frame.index[i])),
        ("d", str(frame["age"][i])),
        ("d", frame["city"][i]),
    ]
    for i in session.batch_:
        ui.class_buttons[0 if frame["age"][i] < 15 else 1].click()
    ui.commit_button.click()
    assert (
        session.learner.X_labeled_["city"].tolist()
        == frame["city"][session.labels_["index"]].tolist()
    )


def test_table_array_columns_and_render_hook(blobs):
    X, y = blobs
    session = LabelingSession(small_learner(), X, batch_size=2, classes=["a", "b"])
    ui = session.widget(columns=["left", "right"])
    assert "<th>left</th>" in shown(ui).value and "<th>right</th>" in shown(ui).value
    seen = []

    def render(row):
        seen.append(row)
        return f"<p>{row[0]:.2f}</p>"

    ui = session.widget(render=render)
    i = session.current()
    assert shown(ui).value == f"<p>{X[i, 0]:.2f}</p>"
    np.testing.assert_array_equal(seen[-1], X[i])


def test_widget_needs_classes(blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match="classes"):
        LabelingSession(small_learner(), X).widget()


def test_status_shows_labels_budget_and_the_stopping_hint(blobs):
    X, y = blobs

    class StopAfter:
        def should_stop(self, learner, X_pool):
            return len(learner.y_labeled_) >= 4

    session = LabelingSession(
        small_learner(), X, batch_size=2, classes=["a", "b"], budget=6, stopping=StopAfter()
    )
    ui = session.widget()
    assert "budget 6 of 6 left" in ui.status.value and "stopping" not in ui.status.value
    for _ in range(2):
        for i in session.batch_:
            ui.class_buttons[["a", "b"].index(y[i])].click()
        ui.commit_button.click()
        assert session.round_ == _ + 1
    assert "4 labels (4 committed)" in ui.status.value
    assert "budget 2 of 6 left" in ui.status.value
    assert "stopping criterion: <b>stop</b>" in ui.status.value
