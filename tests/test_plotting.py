"""Plots draw what they are given and refuse what they cannot draw."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from skactive.plotting import (
    plot_error_cdf,
    plot_learning_curves,
    plot_penalty_matrix,
    plot_selection,
)


@pytest.fixture
def results():
    rows = []
    for strategy, slope in [("random", 0.01), ("margin", 0.02)]:
        for repeat in range(2):
            for fold in range(2):
                for r in range(4):
                    score = 0.5 + slope * r + 0.01 * (repeat + fold)
                    rows.append((strategy, repeat, fold, r, 10 + 5 * r, score))
    return pd.DataFrame(rows, columns=["strategy", "repeat", "fold", "round", "n_labeled", "score"])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_learning_curves_one_line_and_band_per_strategy(results):
    ax = plot_learning_curves(results)
    assert [line.get_label() for line in ax.get_lines()] == ["random", "margin"]
    np.testing.assert_allclose(ax.get_lines()[1].get_xdata(), [10, 15, 20, 25])
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), 0.51 + 0.02 * np.arange(4))
    assert len(ax.collections) == 2  # the spread bands
    assert len(plot_learning_curves(results, bands=False).collections) == 0


def test_penalty_matrix_heat_map_shows_column_averages():
    P = pd.DataFrame(
        [[0, 1.0, 0.5], [0, 0, 0], [0, 0.5, 0]], index=list("abc"), columns=list("abc")
    )
    ax = plot_penalty_matrix(P)
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 12
    assert texts[-3:] == ["0.00", "0.75", "0.25"]  # column averages over the 2 others
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "column average"
    with pytest.raises(ValueError, match="square DataFrame"):
        plot_penalty_matrix(P.iloc[:, :2])


def test_error_cdf_steps_to_one():
    ax = plot_error_cdf({"random": ([1.0, 1.0], [1.0, 1.0]), "margin": ([0.5, 0.9], [0.5, 1.0])})
    line = ax.get_lines()[1]
    np.testing.assert_allclose(line.get_ydata(), [0, 0.5, 1.0])
    with pytest.raises(ValueError, match="non-empty dict"):
        plot_error_cdf({})
    with pytest.raises(ValueError, match="same length"):
        plot_error_cdf({"a": ([1.0], [0.5, 1.0])})


def test_selection_scatter_marks_queried_rows_and_seed_set():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 2))
    ax = plot_selection(X, [[1, 2], [3, 4, 5]], initial=[0, 6], y=rng.randint(0, 2, 50))
    offsets = [c.get_offsets() for c in ax.collections]
    assert [len(o) for o in offsets] == [50, 2, 3, 2]
    np.testing.assert_allclose(offsets[2], X[[3, 4, 5]])
    # More than 2 features: projected on 2 principal components.
    ax = plot_selection(rng.normal(size=(50, 5)), [[1, 2]])
    assert ax.collections[1].get_offsets().shape == (2, 2)
    with pytest.raises(ValueError, match="lie in \\[0, 50\\)"):
        plot_selection(X, [[1, 50]])
    with pytest.raises(ValueError, match="at least 2 features"):
        plot_selection(X[:, :1], [[1]])


# ------------------------------------------------------------ 16 strategies

NAMES16 = [
    "random", "least_confidence", "margin", "entropy", "bald", "batchbald", "max_variance",
    "deimos", "badge", "coreset", "dami", "egl", "dal", "alex", "density_weighted", "albl",
]  # fmt: skip


def _overlaps(boxes):
    """Pairs of bounding boxes (matplotlib Bbox) that overlap."""
    return [
        (a, b)
        for k, a in enumerate(boxes)
        for b in boxes[k + 1 :]
        if a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1
    ]


def test_penalty_matrix_of_16_strategies_is_legible():
    rng = np.random.RandomState(0)
    values = rng.uniform(0, 3, (16, 16))
    np.fill_diagonal(values, 0)
    P = pd.DataFrame(values, index=NAMES16, columns=NAMES16)
    ax = plot_penalty_matrix(P)
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    cells = [t for t in ax.texts]
    assert len(cells) == 16 * 17
    assert min(t.get_fontsize() for t in cells) >= 6.5
    boxes = [t.get_window_extent(renderer) for t in cells]
    assert not _overlaps(boxes)
    # Each number lies inside its own cell.
    to_pixels = ax.transData.transform
    for text, box in zip(cells, boxes, strict=True):
        x, y = text.get_position()
        (left, top), (right, bottom) = to_pixels([(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)])
        assert left <= box.x0 and box.x1 <= right, text.get_text()
        assert min(top, bottom) <= box.y0 and box.y1 <= max(top, bottom), text.get_text()
    # Tick labels do not run into each other either.
    for labels in (ax.get_xticklabels(), ax.get_yticklabels()):
        assert not _overlaps([t.get_window_extent(renderer) for t in labels])
    # Text stays readable on bright cells: dark there, white on dark ones.
    colours = {t.get_color() for t in cells}
    assert colours == {"black", "white"}


def _results16():
    rows = []
    for s, name in enumerate(NAMES16):
        for r in range(4):
            rows.append((name, 0, 0, r, 10 + 5 * r, 0.5 + 0.002 * s + 0.02 * r))
    return pd.DataFrame(rows, columns=["strategy", "repeat", "fold", "round", "n_labeled", "score"])


@pytest.mark.parametrize("kind", ["learning_curves", "error_cdf"])
def test_legends_of_16_strategies_are_legible_and_outside_the_plot(kind):
    if kind == "learning_curves":
        ax = plot_learning_curves(_results16(), bands=False)
    else:
        grid = np.linspace(0, 2, 5)
        ax = plot_error_cdf({n: (grid, np.linspace(0.2, 1, 5) ** (1 + s / 8))
                             for s, n in enumerate(NAMES16)})  # fmt: skip
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == NAMES16
    assert min(t.get_fontsize() for t in legend.get_texts()) >= 8
    # Every line is told apart from every other (colour, style, marker).
    styles = {
        (line.get_color(), line.get_linestyle(), line.get_marker()) for line in ax.get_lines()
    }
    assert len(styles) == 16
    # The legend does not cover the data, and its entries do not overlap.
    assert not _overlaps([legend.get_window_extent(renderer), ax.get_window_extent(renderer)])
    assert not _overlaps([t.get_window_extent(renderer) for t in legend.get_texts()])
    # And it is inside the saved figure.
    tight = figure.get_tightbbox(renderer)
    box = legend.get_window_extent(renderer).transformed(figure.dpi_scale_trans.inverted())
    assert tight.x0 <= box.x0 and box.x1 <= tight.x1
