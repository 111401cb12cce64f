"""The widget in a real browser: Voilà serves a notebook, headless Chromium clicks it.

The notebook builds a session on digit images that saves itself after every
change (``autosave``); the test clicks class buttons, types a key and
presses Commit in Chromium, then loads the saved session and checks its
labels and the learner's labelled set. It needs Chromium and its driver
(Debian: ``apt-get install chromium chromium-driver``; ``.ci/run`` installs
them when it runs as root) and the ``tests`` extra (Voilà, Selenium); where
they are missing the test is skipped and says why.

With ``SKACTIVE_SCREENSHOT=path.png`` in the environment the test also
writes a picture of the widget there (the README's screenshot was taken so).
"""

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from skactive.labeling import LabelingSession

NOTEBOOK_CODE = textwrap.dedent(
    """
    import os
    import numpy as np
    from sklearn.datasets import load_digits
    from skactive import ActiveLearner
    from skactive.labeling import LabelingSession
    from skactive.nets import make_cnn_net

    digits = load_digits()
    X = (digits.images / 16).astype(np.float32)
    learner = ActiveLearner(make_cnn_net(max_epochs=10, channels=(8,), hidden_size=32),
                            query_strategy="margin", random_state=0)
    session = LabelingSession(learner, X[100:160], batch_size=3, classes=list(range(10)),
                              X_val=X[:100], y_val=digits.target[:100],
                              autosave=os.environ["SKACTIVE_SESSION_FILE"], random_state=0)
    """
)


def _missing():
    """Why the browser test cannot run here, or None."""
    for program in ("chromium", "chromedriver"):
        if shutil.which(program) is None:
            return f"{program} is not installed (Debian: apt-get install chromium chromium-driver)"
    for module in ("selenium", "voila", "nbformat"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install -e '.[tests]')"
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(condition, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = condition()
        except Exception:  # noqa: BLE001 - the page or file is not ready yet
            value = None
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def voila_page(tmp_path):
    reason = _missing()
    if reason:
        print(f"browser test skipped: {reason}")
        pytest.skip(reason)
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(NOTEBOOK_CODE),
        nbformat.v4.new_code_cell("session.widget()"),
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, tmp_path / "label.ipynb")
    port = _free_port()
    env = dict(os.environ, SKACTIVE_SESSION_FILE=str(tmp_path / "session.skal"))
    env["PYTHONPATH"] = (
        str(Path(__file__).resolve().parents[2]) + os.pathsep + env.get("PYTHONPATH", "")
    )
    log = open(tmp_path / "voila.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voila",
            str(tmp_path / "label.ipynb"),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--VoilaConfiguration.show_tracebacks=True",
        ],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(
            lambda: socket.create_connection(("127.0.0.1", port), 1).close() or True,
            60,
            "Voilà to listen",
        )
        yield f"http://127.0.0.1:{port}/", tmp_path
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        print((tmp_path / "voila.log").read_text()[-3000:])


@pytest.mark.slow
def test_label_and_commit_in_chromium(voila_page):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    url, folder = voila_page
    options = webdriver.ChromeOptions()
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1000,1100",
    ):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(url)

        def button(text):
            for b in driver.find_elements(By.CSS_SELECTOR, "button"):
                if b.text.strip() == text and b.is_enabled():
                    return b
            return None

        def header():
            return driver.find_element(By.CSS_SELECTOR, ".skactive-labeling").text

        _wait(lambda: button("1: 0"), 180, "the widget's class buttons")
        assert "Row 1 of 3" in header()
        button("4: 3").click()
        _wait(lambda: "Row 2 of 3" in header(), 30, "the second row")
        button("8: 7").click()
        _wait(lambda: "Row 3 of 3" in header(), 30, "the third row")
        driver.find_element(By.CSS_SELECTOR, ".skactive-keys input").send_keys("2")
        _wait(lambda: "answered" in header(), 30, "the batch to be answered")
        _wait(lambda: button("Commit (c)"), 30, "Commit to be enabled").click()
        path = folder / "session.skal"
        session = _wait(
            lambda: (s := LabelingSession.load(path)).round_ == 1 and s, 120, "the first commit"
        )
        _wait(lambda: "Row 1 of 3" in header() and "utility" in header(), 60, "the next batch")
        # the second batch by keys alone, Commit included
        keys = driver.find_element(By.CSS_SELECTOR, ".skactive-keys input")
        for key, row in (("1", 2), ("6", 3), ("9", None)):
            keys.send_keys(key)
            expected = "answered" if row is None else f"Row {row} of 3"
            _wait(lambda e=expected: e in header(), 30, f"key {key} to be taken")
        keys.send_keys("c")
        session = _wait(
            lambda: (s := LabelingSession.load(path)).round_ == 2 and s, 120, "the second commit"
        )
        _wait(lambda: "Row 1 of 3" in header(), 60, "the third batch")
        shot = os.environ.get("SKACTIVE_SCREENSHOT")
        if shot:
            time.sleep(1)
            driver.find_element(By.CSS_SELECTOR, ".skactive-labeling").screenshot(shot)
    finally:
        driver.quit()
    labels = session.labels_
    assert labels["label"].tolist() == [3, 7, 1, 0, 5, 8]
    assert labels["round"].tolist() == [1, 1, 1, 2, 2, 2]
    assert labels["committed"].all()
    learner = session.learner
    assert learner.y_labeled_.tolist() == [3, 7, 1, 0, 5, 8]
    np.testing.assert_array_equal(learner.X_labeled_, session.X_pool[labels["index"]])
    assert session.scores_["n_labels"].tolist() == [3, 6]
    assert session.next_batch().shape == (3,)
