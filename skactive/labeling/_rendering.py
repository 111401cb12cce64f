"""How a queried row is shown to the person labelling it.

Images (grey ``(H, W)``, ``(1, H, W)``; colour ``(3, H, W)``, ``(H, W, 3)``,
with or without alpha) become PNG pictures drawn with Pillow, enlarged
without smoothing so that small images (8×8 digits) stay readable; strings
are shown as text; table rows and DataFrame rows as a one-row HTML table
with their column names. Anything else is shown by its ``repr`` unless a
``render`` hook is given.
"""

import html
import io

import numpy as np

from .. import probes

__all__ = ["pool_kind", "row_of", "image_array", "png_bytes", "render_row"]


def _is_image_shape(shape):
    """Whether one row of this shape is an image."""
    if len(shape) == 2:
        return min(shape) > 1
    if len(shape) == 3:
        return shape[0] in (1, 3, 4) or shape[-1] in (3, 4)
    return False


def pool_kind(X):
    """What the rows of a pool are: ``"image"``, ``"text"``, ``"table"`` or ``"other"``.

    Parameters
    ----------
    X : array-like, DataFrame, list of str, dict of arrays or Dataset

    Returns
    -------
    kind : str
    """
    if hasattr(X, "iloc"):
        return "table"
    if isinstance(X, (list, tuple)):
        return "text" if X and all(isinstance(x, str) for x in X) else "table"
    if probes.is_dataset(X) or isinstance(X, dict):
        return "other"
    shape = getattr(X, "shape", None)
    if shape is None:
        return "other"
    if len(shape) == 1:
        dtype = getattr(X, "dtype", None)
        return "text" if dtype is not None and np.dtype(dtype).kind in "USO" else "table"
    if len(shape) == 2:
        return "table"
    return "image" if _is_image_shape(tuple(shape[1:])) else "other"


def row_of(X, index):
    """Row ``index`` of ``X`` on its own.

    An array's row ``X[index]``, a DataFrame's one-row frame, a text's
    string, a dict's ``{key: value[index]}``, a Dataset's item (its input,
    when the item is an ``(x, y)`` pair).
    """
    if hasattr(X, "iloc"):
        return X.iloc[[index]]
    if isinstance(X, dict):
        return {key: np.asarray(value[index]) for key, value in X.items()}
    if probes.is_dataset(X):
        item = X[index]
        return item[0] if isinstance(item, (tuple, list)) else item
    row = X[index]
    if hasattr(row, "detach"):  # a tensor
        row = row.detach().cpu().numpy()
    return row


def image_array(row):
    """An image row as ``(H, W)`` grey or ``(H, W, 3|4)`` colour, ``uint8``.

    Channels first ``(C, H, W)`` are moved last; a ``uint8`` image is kept,
    other values are scaled to 0–255 from ``min(0, lowest)`` to the highest
    (so digits in 0–16 and images in 0–1 both fill the grey range).
    """
    image = np.asarray(row)
    if image.ndim == 3 and image.shape[0] in (1, 3, 4):
        # channels first, unless the last axis looks more like channels: (4, 4, 3)
        if image.shape[-1] not in (1, 3, 4) or image.shape[0] < image.shape[-1]:
            image = np.moveaxis(image, 0, -1)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3):
        raise ValueError(f"An image row must be (H, W) or (H, W, C), got shape {image.shape}.")
    if image.dtype == np.uint8:
        return image
    image = image.astype(np.float64)
    finite = image[np.isfinite(image)]
    low = min(0.0, finite.min()) if finite.size else 0.0
    high = finite.max() if finite.size else 1.0
    scale = (high - low) or 1.0
    return (np.clip(np.nan_to_num((image - low) / scale), 0, 1) * 255).astype(np.uint8)


def png_bytes(image, *, min_size=160):
    """PNG of an ``image_array`` result, enlarged (nearest neighbour) to ``min_size`` px."""
    from PIL import Image

    picture = Image.fromarray(image)
    factor = max(1, int(np.ceil(min_size / max(1, min(picture.size)))))
    if factor > 1:
        picture = picture.resize(
            (picture.size[0] * factor, picture.size[1] * factor), Image.Resampling.NEAREST
        )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _table_html(X, index, columns):
    if hasattr(X, "iloc"):
        frame = X.iloc[[index]]
    else:
        import pandas as pd

        row = np.asarray(row_of(X, index)).reshape(1, -1)
        names = list(columns) if columns is not None else [f"x{j}" for j in range(row.shape[1])]
        frame = pd.DataFrame(row, columns=names, index=[index])
    return frame.to_html(classes="skactive-row", border=0)


def render_row(X, index, *, render=None, columns=None):
    """A widget showing row ``index`` of the pool ``X``.

    Parameters
    ----------
    X : array-like, DataFrame, list of str, dict of arrays or Dataset
        The pool.
    index : int
        Position of the row in ``X``.
    render : callable, default=None
        ``render(row)`` for rows of any kind (``row`` as :func:`row_of`
        gives it), returning an ipywidgets widget, an HTML string, PNG
        bytes, a matplotlib figure or an image array (``(H, W)``,
        ``(C, H, W)`` or ``(H, W, C)``, drawn as the pool's images are).
        Overrides the default drawing.
    columns : list of str, default=None
        Column names for the rows of a 2-D array (default ``x0, x1, ...``).

    Returns
    -------
    widget : ipywidgets.Widget
        An ``Image`` for images and PNGs, an ``HTML`` otherwise.
    """
    import ipywidgets as widgets

    if render is not None:
        return _as_widget(render(row_of(X, index)))
    kind = pool_kind(X)
    if kind == "image":
        return _image_widget(png_bytes(image_array(row_of(X, index))))
    if kind == "text":
        text = html.escape(str(row_of(X, index)))
        return widgets.HTML(
            f'<div class="skactive-text" style="max-width:40em;white-space:pre-wrap;'
            f'font-size:1.1em">{text}</div>'
        )
    if kind == "table":
        return widgets.HTML(_table_html(X, index, columns))
    row = row_of(X, index)
    if not isinstance(row, dict) and _is_image_shape(np.shape(row)):
        return _image_widget(png_bytes(image_array(row)))
    return widgets.HTML(f"<pre>{html.escape(repr(row))}</pre>")


def _image_widget(png):
    """An Image widget shown at the PNG's own size (not stretched to the page)."""
    import ipywidgets as widgets
    from PIL import Image

    width = Image.open(io.BytesIO(png)).size[0]
    return widgets.Image(value=png, format="png", layout=widgets.Layout(width=f"{width}px"))


def _as_widget(shown):
    import ipywidgets as widgets

    if isinstance(shown, widgets.Widget):
        return shown
    if isinstance(shown, str):
        return widgets.HTML(shown)
    if isinstance(shown, (bytes, bytearray)):
        return _image_widget(bytes(shown))
    if isinstance(shown, np.ndarray) and _is_image_shape(shown.shape):
        return _image_widget(png_bytes(image_array(shown)))
    if hasattr(shown, "savefig"):
        buffer = io.BytesIO()
        shown.savefig(buffer, format="png", bbox_inches="tight")
        import matplotlib.pyplot as plt

        plt.close(shown)
        return _image_widget(buffer.getvalue())
    raise TypeError(
        "render must return an ipywidgets widget, an HTML string, PNG bytes, a "
        f"matplotlib figure or an image array; it returned {type(shown).__name__}."
    )
