"""LabelingSession: bookkeeping, cold start, commit, undo/skip, resume, export, bad input."""

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skactive.labeling import LabelingSession
from skactive.strategies import BADGE, Margin, Random

from .conftest import small_learner, two_blobs


def label_batch(session, y, skip=()):
    batch = session.next_batch()
    for i in batch:
        if i in skip:
            session.skip(i)
        else:
            session.label(i, y[i])
    return batch


def snapshot(session):
    return (
        session.labels_.to_dict("list"),
        session.skipped_.tolist(),
        session.batch_.tolist(),
        session.round_,
        len(session._history),
    )


def test_batches_never_repeat_answered_rows_until_the_pool_is_spent(blobs):
    X, y = blobs
    session = LabelingSession(small_learner(), X, batch_size=7, classes=["a", "b"], random_state=0)
    seen = []
    while True:
        batch = session.next_batch()
        if batch.shape[0] == 0:
            break
        assert np.array_equal(session.next_batch(), batch)  # the open batch stays
        assert not set(batch) & set(seen)
        seen.extend(batch.tolist())
        label_batch(session, y, skip=set(batch[:1].tolist()))
        session.commit()
    assert sorted(seen) == list(range(len(X)))
    assert len(session.labels_) + len(session.skipped_) == len(X)
    assert len(session.learner.y_labeled_) == len(session.labels_)


def test_cold_start_is_random_until_two_classes_then_the_strategy_picks(blobs):
    X, y = blobs
    learner = small_learner()
    session = LabelingSession(learner, X, batch_size=4, random_state=3)
    first = session.next_batch()
    # The model-free pick: Random on the whole pool, seeded by the session.
    seed = np.random.SeedSequence([session._base_seed, 0]).generate_state(1)[0] & 0x7FFFFFFF
    assert np.array_equal(first, Random().query(None, X, 4, random_state=int(seed)))
    for i in first:
        session.label(i, "a")  # one class only: the learner cannot be fitted yet
    session.commit()
    assert not session.is_fitted and session.round_ == 1
    assert session.labels_["committed"].all()
    second = session.next_batch()
    assert not set(second) & set(first)
    for i in second:
        session.label(i, "b")
    assert session.utility_ is None
    session.commit()
    assert session.is_fitted
    # fitted on every committed label, the cold-start round included
    assert sorted(learner.y_labeled_.tolist()) == ["a"] * 4 + ["b"] * 4
    remaining = np.setdiff1d(np.arange(len(X)), np.concatenate([first, second]))
    expected = remaining[learner.query(X[remaining], n=4)]
    third = session.next_batch()
    assert np.array_equal(third, expected)
    # Margin ranks: "why it was asked" is its utility of each batch row
    utility = Margin().utility(learner, X[remaining])
    pos = np.searchsorted(remaining, third)
    np.testing.assert_allclose(session.utility_, utility[pos], rtol=1e-6)


def test_declared_classes_fit_on_the_first_commit_and_reach_the_learner(blobs):
    X, y = blobs
    learner = small_learner()
    session = LabelingSession(learner, X, batch_size=3, classes=["a", "b", "c"], random_state=0)
    batch = session.next_batch()
    session.label(batch[0], "a")
    session.commit()
    assert session.is_fitted
    assert learner.classes_.tolist() == ["a", "b", "c"]
    batch = session.next_batch()
    session.label(batch[0], "c")  # a class never seen yet is taught
    session.commit()
    assert learner.y_labeled_.tolist() == ["a", "c"]


def test_a_fitted_learner_starts_with_its_own_strategy(blobs):
    X, y = blobs
    learner = small_learner().fit(X[:6], y[:6])
    pool = X[6:]
    session = LabelingSession(learner, pool, batch_size=5)
    assert session.classes_ == ["a", "b"]
    assert np.array_equal(session.next_batch(), learner.query(pool, n=5))


def test_labels_frame_rounds_ids_and_what_the_learner_holds(blobs):
    X, y = blobs
    ids = np.array([f"img{i:03d}.png" for i in range(len(X))])
    session = LabelingSession(small_learner(), X, batch_size=4, ids=ids, classes=["a", "b"])
    b1 = label_batch(session, y, skip={session.next_batch()[1]})
    session.commit()
    b2 = label_batch(session, y)
    labels = session.labels_
    assert labels.columns.tolist() == ["index", "id", "label", "round", "committed"]
    taught = [i for i in b1 if i != b1[1]]
    assert labels["index"].tolist() == taught + b2.tolist()
    assert labels["id"].tolist() == ids[taught + b2.tolist()].tolist()
    assert labels["label"].tolist() == y[taught + b2.tolist()].tolist()
    assert labels["round"].tolist() == [1] * 3 + [2] * 4
    assert labels["committed"].tolist() == [True] * 3 + [False] * 4
    assert session.skipped_.tolist() == [b1[1]]
    learner = session.learner
    np.testing.assert_array_equal(learner.X_labeled_, X[taught])
    assert learner.y_labeled_.tolist() == y[taught].tolist()
    session.commit()
    assert learner.y_labeled_.tolist() == y[taught + b2.tolist()].tolist()
    assert learner.labeled_rounds_.tolist() == [0] * 3 + [1] * 4


def test_undo_takes_back_labels_skips_and_relabels_in_order(blobs):
    X, y = blobs
    session = LabelingSession(small_learner(), X, batch_size=3, classes=["a", "b"])
    i, j, k = session.next_batch()
    session.label(i, "a").label(j, "b").skip(k).label(j, "a").skip(i)
    assert session.labels_["label"].tolist() == ["a"] and session.skipped_.tolist() == [k, i]
    assert session.undo() == i  # the skip of i: its label "a" comes back
    assert session.labels_.set_index("index")["label"].to_dict() == {i: "a", j: "a"}
    assert session.undo() == j  # the relabel
    assert session.labels_.set_index("index")["label"].to_dict() == {i: "a", j: "b"}
    assert session.undo() == k and session.skipped_.tolist() == []
    assert session.current() == k
    session.undo()
    session.undo()
    assert len(session.labels_) == 0 and session.current() == i
    with pytest.raises(ValueError, match="Nothing to undo"):
        session.undo()
    session.label(k, "b").commit()
    with pytest.raises(ValueError, match="committed labels"):
        session.undo()  # a commit cannot be undone
    assert session.learner.y_labeled_.tolist() == ["b"] or not session.is_fitted


def test_a_skipped_batch_gives_way_to_a_new_one(blobs):
    X, y = blobs
    session = LabelingSession(small_learner(), X, batch_size=3, classes=["a", "b"])
    first = session.next_batch()
    for i in first:
        session.skip(i)
    with pytest.raises(ValueError, match="no label to commit"):
        session.commit()
    second = session.next_batch()
    assert not set(first) & set(second) and len(second) == 3


BAD = {
    "label outside the classes": (
        lambda s, b: s.label(b[0], "z"),
        ValueError,
        "not one of the classes",
    ),
    "index not in the batch": (lambda s, b: s.label(99, "a"), ValueError, "not in the open batch"),
    "index not an integer": (lambda s, b: s.label("3", "a"), TypeError, "integer position"),
    "skip outside batch": (lambda s, b: s.skip(-1), ValueError, "not in the open batch"),
    "commit an empty batch": (lambda s, b: s.commit(), ValueError, "no label to commit"),
    "undo with nothing to undo": (lambda s, b: s.undo(), ValueError, "Nothing to undo"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_gets_a_clear_error_and_nothing_is_lost(case, blobs):
    X, y = blobs
    call, error, message = BAD[case]
    session = LabelingSession(small_learner(), X[:30], batch_size=3, classes=["a", "b"])
    label_batch(session, y)
    session.commit()
    batch = session.next_batch()
    if case not in ("commit an empty batch", "undo with nothing to undo"):
        session.label(batch[1], y[batch[1]])
    before = snapshot(session)
    n_taught = len(session.learner.y_labeled_)
    with pytest.raises(error, match=message):
        call(session, batch)
    assert snapshot(session) == before
    assert len(session.learner.y_labeled_) == n_taught


BAD_ARGUMENTS = {
    "learner not an ActiveLearner": (dict(learner="no"), TypeError, "must be an ActiveLearner"),
    "empty pool": (dict(X_pool=np.zeros((0, 2))), ValueError, "X_pool is empty"),
    "batch_size 0": (dict(batch_size=0), ValueError, "batch_size must be a positive integer"),
    "ids of the wrong length": (dict(ids=np.zeros(3)), ValueError, "one identifier per pool row"),
    "ids not unique": (dict(ids=np.zeros(40)), ValueError, "ids must be unique"),
    "one class": (dict(classes=["a"]), ValueError, "at least 2 distinct labels"),
    "stopping without should_stop": (dict(stopping=object()), TypeError, "should_stop"),
    "cold_start not a strategy": (dict(cold_start="random"), TypeError, "cold_start must be"),
    "X_val without y_val": (dict(X_val=np.zeros((3, 2))), ValueError, "given together"),
    "budget -1": (dict(budget=-1), ValueError, "budget must be a positive integer"),
}


@pytest.mark.parametrize("case", BAD_ARGUMENTS, ids=list(BAD_ARGUMENTS))
def test_bad_arguments_are_refused(case, blobs):
    kwargs, error, message = BAD_ARGUMENTS[case]
    X, _ = blobs
    arguments = {"learner": small_learner(), "X_pool": X, **kwargs}
    with pytest.raises(error, match=message):
        LabelingSession(arguments.pop("learner"), arguments.pop("X_pool"), **arguments)


def test_an_interrupted_commit_loses_no_label(blobs, monkeypatch, tmp_path):
    X, y = blobs
    path = tmp_path / "s.skal"
    session = LabelingSession(small_learner(), X, batch_size=4, classes=["a", "b"], autosave=path)
    label_batch(session, y)
    session.commit()
    batch = label_batch(session, y)
    before = snapshot(session)
    state = session.learner.__dict__.copy()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(session.learner, "_train", interrupted)
    with pytest.raises(KeyboardInterrupt):
        session.commit()
    assert snapshot(session) == before
    assert session.learner.y_labeled_.tolist() == state["y_labeled_"].tolist()
    # the autosaved file holds the batch's labels too, as after a kernel restart
    restored = LabelingSession.load(path)
    assert snapshot(restored) == before
    monkeypatch.undo()
    session.commit()
    assert session.learner.y_labeled_.tolist()[-4:] == y[batch].tolist()


CHILD = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from skactive.labeling import LabelingSession

    session = LabelingSession.load(sys.argv[1])
    out = {"labels": session.labels_.to_dict("list"), "open": session.next_batch().tolist()}
    y = np.load(sys.argv[2])
    for i in session.next_batch():
        session.label(int(i), str(y[i]))
    session.commit()
    out["after"] = session.next_batch().tolist()
    out["taught"] = session.learner.y_labeled_.tolist()
    print(json.dumps(out))
    """
)


@pytest.mark.slow
def test_save_load_in_a_fresh_process_continues_with_the_same_batches(blobs, tmp_path):
    X, y = blobs
    session = LabelingSession(small_learner(), X, batch_size=4, classes=["a", "b"], random_state=1)
    label_batch(session, y)
    session.commit()
    batch = session.next_batch()
    session.label(batch[0], y[batch[0]])  # an open batch, partly labelled
    session.save(tmp_path / "session.skal")
    np.save(tmp_path / "y.npy", y)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "session.skal"), str(tmp_path / "y.npy")],
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    assert seen["labels"] == session.labels_.to_dict("list")
    assert seen["open"] == batch.tolist()
    for i in session.next_batch():
        session.label(i, y[i])
    session.commit()
    assert seen["after"] == session.next_batch().tolist()
    assert seen["taught"] == session.learner.y_labeled_.tolist()


def test_save_without_the_pool_and_load_with_it(blobs, tmp_path):
    X, y = blobs
    session = LabelingSession(small_learner(), X, batch_size=4, classes=["a", "b"], random_state=1)
    label_batch(session, y)
    session.save(tmp_path / "s.skal", include_pool=False)
    with pytest.raises(ValueError, match="saved without its pool"):
        LabelingSession.load(tmp_path / "s.skal")
    with pytest.raises(ValueError, match="rows"):
        LabelingSession.load(tmp_path / "s.skal", X[:10])
    restored = LabelingSession.load(tmp_path / "s.skal", X)
    assert snapshot(restored) == snapshot(session)
    (tmp_path / "other").write_bytes(b"")
    with pytest.raises(Exception):  # noqa: B017 - not a session file: whatever joblib says
        LabelingSession.load(tmp_path / "other")


class LabelCount:
    """A stopping criterion of our own: stop once the learner holds ``n`` labels."""

    def __init__(self, n):
        self.n = n
        self.pools = []

    def should_stop(self, learner, X_pool):
        self.pools.append(len(X_pool))
        return len(learner.y_labeled_) >= self.n


def test_stopping_hint_and_budget(blobs):
    X, y = blobs
    criterion = LabelCount(6)
    session = LabelingSession(
        small_learner(), X, batch_size=4, classes=["a", "b"], stopping=criterion, budget=10
    )
    assert session.should_stop() is None  # not fitted yet
    label_batch(session, y)
    session.commit()
    assert session.progress()["stop"] is False
    assert criterion.pools[-1] == len(X) - 4  # asked on the remaining pool
    label_batch(session, y)
    session.commit()
    progress = session.progress()
    assert progress["stop"] is True and progress["budget_left"] == 2
    assert len(label_batch(session, y)) == 2  # the batch shrinks to the budget
    session.commit()
    assert session.next_batch().shape == (0,)


def test_validation_scores_after_each_training_commit(blobs):
    X, y = blobs
    session = LabelingSession(
        small_learner(), X, batch_size=4, classes=["a", "b"], X_val=X, y_val=y
    )
    for _ in range(2):
        label_batch(session, y)
        session.commit()
    scores = session.scores_
    assert scores["n_labels"].tolist() == [4, 8]
    assert scores["score"].iloc[-1] == session.learner.score(X, y)


def test_no_utility_for_a_strategy_without_one(blobs):
    X, y = blobs
    session = LabelingSession(small_learner(BADGE()), X, batch_size=4, classes=["a", "b"])
    label_batch(session, y)
    session.commit()
    session.next_batch()
    assert session.utility_ is None


def test_exports_labels_and_the_labelled_set(blobs, tmp_path):
    X, y = blobs
    session = LabelingSession(small_learner(), X, batch_size=4, classes=["a", "b"])
    batch = label_batch(session, y)
    session.commit()
    session.to_csv(tmp_path / "labels.csv")
    read = pd.read_csv(tmp_path / "labels.csv")
    assert read["index"].tolist() == batch.tolist() and read["label"].tolist() == y[batch].tolist()
    X_l, y_l = session.labeled_set()
    np.testing.assert_array_equal(X_l, X[batch])
    assert y_l.tolist() == y[batch].tolist()
    frame = session.labeled_frame()
    assert frame.columns.tolist() == ["index", "label", "round", "committed", "x0", "x1"]
    np.testing.assert_array_equal(frame[["x0", "x1"]].to_numpy(), X[batch])


def test_csv_round_trip_with_an_external_tool(tmp_path):
    X, y = two_blobs(30)
    frame_pool = pd.DataFrame(X, columns=["width", "height"])
    ids = [f"r{i}" for i in range(30)]
    session = LabelingSession(
        small_learner(), frame_pool, batch_size=5, ids=ids, classes=["a", "b"]
    )
    written = session.export_batch(tmp_path / "batch.csv")
    assert written.columns.tolist() == ["index", "id", "label", "width", "height"]
    # the annotation tool fills in labels by id; one row left empty, one skipped
    annotated = pd.read_csv(tmp_path / "batch.csv").drop(columns="index")
    batch = session.batch_
    annotated["label"] = [y[i] for i in batch]
    annotated.loc[3, "label"] = None
    annotated.loc[4, "label"] = "skip"
    annotated.to_csv(tmp_path / "done.csv", index=False)
    assert session.import_labels(tmp_path / "done.csv") == 4
    assert session.labels_["index"].tolist() == batch[:3].tolist()
    assert session.labels_["label"].tolist() == y[batch[:3]].tolist()
    assert session.skipped_.tolist() == [batch[4]]
    assert session.current() == batch[3]
    # a bad row: nothing applied
    bad = pd.DataFrame({"index": [batch[3], batch[0]], "label": ["a", "dog"]})
    before = snapshot(session)
    with pytest.raises(ValueError, match="'dog'"):
        session.import_labels(bad)
    assert snapshot(session) == before
    with pytest.raises(ValueError, match="column 'label'"):
        session.import_labels(pd.DataFrame({"index": [1]}))


def test_export_of_an_image_batch_writes_pictures(digits, tmp_path):
    X, y = digits
    session = LabelingSession(small_learner(), X, batch_size=3, classes=list(range(10)))
    written = session.export_batch(tmp_path / "batch.csv")
    from PIL import Image

    for name in written["file"]:
        picture = Image.open(tmp_path / name)
        assert picture.size[0] == picture.size[1] >= 8 * 8
    done = written.assign(label=[str(y[i]) for i in written["index"]])
    assert session.import_labels(done) == 3
    assert session.labels_["label"].tolist() == y[session.batch_].tolist()  # ints, not text


def test_docs_list_every_labelling_case():
    text = (Path(__file__).resolve().parents[2] / "docs" / "bad_input.md").read_text()
    table = text.split("## LabelingSession")[1]
    rows = re.findall(r"^\| ([^|`]+?) \| `(\w+)`: (.+?) \|$", table, flags=re.M)
    documented = {case: (error, message) for case, error, message in rows}
    cases = {**BAD, **BAD_ARGUMENTS}
    assert sorted(documented) == sorted(cases)
    for case, (error, message) in documented.items():
        assert error == cases[case][1].__name__, case
        assert cases[case][2] in message, case
