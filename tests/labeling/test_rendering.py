"""How rows are drawn: pool kinds, image arrays, PNGs, the render hook's results."""

import io

import ipywidgets as widgets
import matplotlib
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from skactive.labeling import pool_kind, render_row
from skactive.labeling._rendering import image_array, png_bytes

matplotlib.use("Agg")


@pytest.mark.parametrize(
    "X, kind",
    [
        (np.zeros((5, 8, 8)), "image"),
        (np.zeros((5, 1, 8, 8)), "image"),
        (np.zeros((5, 3, 8, 8)), "image"),
        (np.zeros((5, 8, 8, 3)), "image"),
        (np.zeros((5, 4)), "table"),
        (pd.DataFrame({"a": [1, 2]}), "table"),
        (np.array(["x", "y"]), "text"),
        (["x", "y"], "text"),
        ({"a": np.zeros((2, 3))}, "other"),
        (np.zeros((5, 7, 8, 9)), "other"),
    ],
)
def test_pool_kind(X, kind):
    assert pool_kind(X) == kind


def test_image_arrays_grey_and_colour():
    rng = np.random.RandomState(0)
    grey = rng.uniform(0, 16, size=(8, 8))
    out = image_array(grey)
    assert out.shape == (8, 8) and out.dtype == np.uint8
    np.testing.assert_allclose(out, grey / grey.max() * 255, atol=1)
    chw = rng.uniform(size=(3, 4, 5)).astype(np.float32)
    assert image_array(chw).shape == (4, 5, 3)
    np.testing.assert_allclose(image_array(chw)[..., 1], chw[1] / chw.max() * 255, atol=1)
    assert image_array(np.zeros((1, 4, 4))).shape == (4, 4)
    rgb = rng.randint(0, 256, size=(4, 4, 3)).astype(np.uint8)
    np.testing.assert_array_equal(image_array(rgb), rgb)
    picture = Image.open(io.BytesIO(png_bytes(rgb)))
    assert picture.mode == "RGB" and picture.size == (160, 160)
    np.testing.assert_array_equal(np.asarray(picture)[::40, ::40], rgb)


def test_render_hook_results_become_widgets():
    X = np.zeros((3, 2))
    assert isinstance(render_row(X, 0, render=lambda r: widgets.Label("x")), widgets.Label)
    png = png_bytes(np.zeros((2, 2), dtype=np.uint8))
    assert render_row(X, 0, render=lambda r: png).value == png
    from matplotlib.figure import Figure

    image = render_row(X, 0, render=lambda r: Figure(figsize=(1, 1)))
    assert isinstance(image, widgets.Image) and image.value[:4] == b"\x89PNG"
    with pytest.raises(TypeError, match="render must return"):
        render_row(X, 0, render=lambda r: 42)


def test_other_rows_show_their_repr():
    X = {"a": np.arange(6).reshape(3, 2)}
    assert "array([2, 3])" in render_row(X, 1).value
