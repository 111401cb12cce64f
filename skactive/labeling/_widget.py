"""The Jupyter face of a LabelingSession (ipywidgets)."""

import html
import io

import ipywidgets as widgets
import numpy as np

from ._rendering import render_row

__all__ = ["LabelingWidget"]

_KEYS_HELP = "keys: 1–9 label · s skip · u undo · c commit"


def _curve_png(scores):
    """A small PNG of the validation score against the number of labels."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3.2, 2.0), dpi=90)
    axes = figure.subplots()
    axes.plot(scores["n_labels"], scores["score"], marker="o", color="tab:blue")
    axes.set_xlabel("labels")
    axes.set_ylabel("validation score")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


class LabelingWidget:
    """Label a :class:`LabelingSession`'s batches by clicking (or typing).

    One row of the open batch is shown at a time, drawn as suits it (see
    :func:`skactive.labeling.render_row`), with the strategy's utility for
    it where the strategy has one. Each class has a button (the first nine
    also a key, ``1``–``9``, typed in the key box); Skip (``s``), Undo
    (``u``) and Commit (``c``) act on the session. After a commit the next
    batch is drawn; while the network retrains a progress bar says so, and
    with a validation set a small learning curve is redrawn.

    Made by :meth:`LabelingSession.widget`; it displays as its ``box`` (an
    ``ipywidgets.VBox``). Every part is an attribute, so
    the widget can be driven from Python as a browser would: ``class_buttons``
    (list of ``Button``), ``skip_button``, ``undo_button``,
    ``commit_button``, ``key_box`` (``Text``; :meth:`press` types into it),
    ``content`` (the shown row), ``why``, ``status``, ``message``,
    ``training`` (``IntProgress``) and ``curve`` (``Image``).
    """

    def __init__(self, session, *, render=None, columns=None):
        classes = session.classes_
        if classes is None:
            raise ValueError(
                "The widget needs the classes for its buttons: give "
                "LabelingSession(..., classes=[...]) or declare them on the learner."
            )
        self.session = session
        self.render = render
        self.columns = columns
        self.header = widgets.HTML()
        self.content = widgets.Box(layout=widgets.Layout(min_height="60px"))
        self.why = widgets.HTML()
        self.class_buttons = []
        for k, value in enumerate(classes):
            text = f"{k + 1}: {value}" if k < 9 else str(value)
            button = widgets.Button(description=text, tooltip=f"label {value!r}")
            button.add_class("skactive-class")
            button.on_click(self._labeller(value))
            self.class_buttons.append(button)
        self.skip_button = widgets.Button(description="Skip (s)", icon="forward")
        self.undo_button = widgets.Button(description="Undo (u)", icon="undo")
        self.commit_button = widgets.Button(
            description="Commit (c)", button_style="success", icon="check"
        )
        for button in (self.skip_button, self.undo_button, self.commit_button):
            button.add_class("skactive-control")
        self.skip_button.on_click(lambda _: self._act(self._skip))
        self.undo_button.on_click(lambda _: self._act(self.session.undo))
        self.commit_button.on_click(lambda _: self._act(self._commit))
        self.key_box = widgets.Text(placeholder=_KEYS_HELP, continuous_update=True)
        self.key_box.add_class("skactive-keys")
        self.key_box.observe(self._on_keys, names="value")
        self.status = widgets.HTML()
        self.message = widgets.HTML()
        self.training = widgets.IntProgress(
            value=0,
            min=0,
            max=1,
            description="retraining",
            bar_style="info",
            layout=widgets.Layout(visibility="hidden"),
        )
        self.curve = widgets.Image(
            format="png", layout=widgets.Layout(display="none", width="300px", margin="0 0 0 2em")
        )
        self.box = widgets.VBox(
            [
                self.header,
                widgets.HBox(
                    [self.content, self.curve], layout=widgets.Layout(align_items="center")
                ),
                self.why,
                widgets.HBox(self.class_buttons, layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HBox([self.skip_button, self.undo_button, self.commit_button]),
                self.key_box,
                self.message,
                self.status,
                self.training,
            ]
        )
        self.box.add_class("skactive-labeling")
        self._n_drawn_scores = 0
        self.session.next_batch()
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------ actions

    def _labeller(self, value):
        def on_click(_):
            self._act(lambda: self._label(value))

        return on_click

    def _current_or_fail(self):
        index = self.session.current()
        if index is None:
            raise ValueError("Every row of this batch is answered: press Commit.")
        return index

    def _label(self, value):
        self.session.label(self._current_or_fail(), value)

    def _skip(self):
        self.session.skip(self._current_or_fail())

    def _commit(self):
        self.training.layout.visibility = "visible"
        self.training.value = 0
        self.training.description = "retraining"
        try:
            self.session.commit()
            self.training.value = 1
        finally:
            self.training.layout.visibility = "hidden"
        self.session.next_batch()

    def _act(self, action):
        """Run an action; a refused one shows its message and changes nothing."""
        self.message.value = ""
        try:
            action()
        except (ValueError, TypeError) as error:
            self.message.value = f'<span style="color:#b00020">{html.escape(str(error))}</span>'
        self.refresh()

    def press(self, key):
        """Act as if ``key`` were typed in the key box (``"1"``–``"9"``, s, u, c)."""
        self.key_box.value = self.key_box.value + key

    def _on_keys(self, change):
        typed = change["new"]
        if not typed:
            return
        key = typed[-1].lower()
        self.key_box.value = ""
        if key.isdigit() and key != "0":
            k = int(key) - 1
            if k < len(self.class_buttons):
                self.class_buttons[k].click()
        elif key == "s":
            self.skip_button.click()
        elif key == "u":
            self.undo_button.click()
        elif key == "c":
            self.commit_button.click()

    # ------------------------------------------------------------ display

    def refresh(self):
        """Redraw every part from the session's state."""
        session = self.session
        batch = session.batch_
        index = session.current()
        if batch.shape[0] == 0:
            self.header.value = "<b>Nothing left to label</b> (pool or budget spent)."
            self.content.children = []
            self.why.value = ""
        elif index is None:
            self.header.value = (
                f"<b>Batch of {batch.shape[0]} answered</b>: press Commit to teach it."
            )
            self.content.children = []
            self.why.value = ""
        else:
            position = int(np.flatnonzero(batch == index)[0])
            ident = "" if session.ids is None else f" · id {html.escape(str(session.ids[index]))}"
            self.header.value = (
                f"<b>Row {position + 1} of {batch.shape[0]}</b> · pool index {index}{ident}"
            )
            self.content.children = [
                render_row(session.X_pool, index, render=self.render, columns=self.columns)
            ]
            self.why.value = self._why(position)
        progress = session.progress()
        parts = [
            f"{progress['n_labeled']} labels ({progress['n_committed']} committed)",
            f"{progress['n_skipped']} skipped",
            f"{progress['n_remaining']} of {progress['n_pool']} pool rows left",
            f"round {progress['round']}",
        ]
        if progress["budget"] is not None:
            parts.append(f"budget {progress['budget_left']} of {progress['budget']} left")
        if progress["stop"] is not None:
            parts.append("stopping criterion: <b>stop</b>" if progress["stop"] else "keep going")
        self.status.value = " · ".join(parts)
        scores = session.scores_
        if len(scores) and len(scores) != self._n_drawn_scores:  # redrawn only when it grew
            self.curve.value = _curve_png(scores)
            self.curve.layout.display = None
            self._n_drawn_scores = len(scores)
        self.undo_button.disabled = not session._history
        self.commit_button.disabled = not session._pending()

    def _why(self, position):
        session = self.session
        if not session.is_fitted:
            return "<i>why: cold start — a model-free pick while the learner cannot be fitted</i>"
        strategy = type(getattr(session.learner, "query_strategy_", None)).__name__
        utility = session.utility_
        if utility is None:
            return f"<i>why: chosen by {strategy}, batch position {position + 1}</i>"
        return (
            f"<i>why: {strategy} utility {utility[position]:.4g} "
            f"(batch position {position + 1})</i>"
        )
