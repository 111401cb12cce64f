"""The README's strategy table is the one the capability tags generate."""

import re
from pathlib import Path

from skactive.strategies import STRATEGY_ALIASES, QueryStrategy
from skactive.strategies._table import strategy_table

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_table():
    lines = README.read_text().splitlines()
    start = lines.index("| strategy (alias) | picks | C/R | needs |")
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "\n".join(lines[start:end])


def _cells(table):
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in table.splitlines()[2:]]


def test_readme_table_is_the_generated_one():
    assert _readme_table() == strategy_table(), (
        "README.md's strategy table is out of date: "
        "paste the output of `python -m skactive.strategies._table`"
    )


def test_every_alias_has_one_row():
    aliases = [a for row in _cells(strategy_table()) for a in re.findall(r"`(\w+)`", row[0])]
    named = [a for a in aliases if a in STRATEGY_ALIASES]
    assert sorted(named) == sorted(STRATEGY_ALIASES)


def test_classifier_regressor_column_follows_the_tags():
    rows = {re.findall(r"`(\w+)`", row[0])[-1]: row for row in _cells(strategy_table())}
    assert rows["random"][2] == "C R"
    assert rows["entropy"][2] == "C"
    # DensityWeighted works with a regressor once n_clusters is set.
    assert rows["density_weighted"][2] == "C (R: set `n_clusters`)"
    assert rows["probcover"][2] == "C (R: set `delta` or `n_clusters`)"
    assert rows["softrank_bald"][2] == "C (R: set `base_strategy`)"
    assert "dropout layers" in rows["max_variance"][3]
    assert 'kernel="grad"' in rows["lcmd"][3] and "one output" in rows["lcmd"][3]


class Toy(QueryStrategy):
    """Picks the first rows of the pool.

    More text that the table does not show.
    """

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.classifier_only = tags.needs_dropout = True
        return tags


def test_a_new_strategy_gets_a_row_from_its_docstring_and_tags():
    table = strategy_table({**STRATEGY_ALIASES, "toy": Toy})
    (row,) = [row for row in _cells(table) if row[0] == "`Toy` (`toy`)"]
    assert row[1:] == ["Picks the first rows of the pool", "C", "dropout layers"]
