"""A person in the loop: label the rows a query strategy asks for, in Jupyter.

:class:`LabelingSession` owns the labelling loop around an
:class:`~skactive.ActiveLearner` and an unlabelled pool: it asks the
learner's strategy for a batch, records the labels (and skips, and undos) a
person gives, teaches them and retrains, and saves everything so that the
work survives a kernel restart::

    from skactive.labeling import LabelingSession
    session = LabelingSession(learner, X_pool, classes=[0, 1, 2], autosave="labels.skal")
    session.widget()

:meth:`LabelingSession.widget` is its face in Jupyter (ipywidgets): the
queried row drawn as an image, a text or a table row, one button per class
(keys 1–9), Skip, Undo and Commit, the progress and a small learning curve.
The same loop runs without a widget through
:meth:`~LabelingSession.next_batch`, :meth:`~LabelingSession.label`,
:meth:`~LabelingSession.skip`, :meth:`~LabelingSession.undo` and
:meth:`~LabelingSession.commit`, and through a CSV file for an external
annotation tool (:meth:`~LabelingSession.export_batch`,
:meth:`~LabelingSession.import_labels`).
"""

from ._rendering import pool_kind, render_row
from ._session import LabelingSession

__all__ = ["LabelingSession", "pool_kind", "render_row"]
