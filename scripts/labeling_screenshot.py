"""Take the README's screenshot of the labelling widget with headless Chromium.

Voilà serves a notebook in which a simulated annotator has labelled a few
batches of digit images (with their true labels, as a person would); the
widget then shows the next queried digit, the strategy's utility, and the
learning curve of the validation accuracy. Needs Chromium and chromedriver
(Debian: ``apt-get install chromium chromium-driver``) and the ``tests``
extra (Voilà, Selenium)::

    python scripts/labeling_screenshot.py docs/images/labeling_widget.png
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

CODE = textwrap.dedent(
    """
    import numpy as np
    from sklearn.datasets import load_digits
    from skactive import ActiveLearner
    from skactive.labeling import LabelingSession
    from skactive.nets import make_cnn_net

    digits = load_digits()
    X = (digits.images / 16).astype(np.float32)
    y = digits.target
    learner = ActiveLearner(make_cnn_net(max_epochs=40, lr=3e-3, batch_size=16),
                            query_strategy="margin", random_state=0)
    session = LabelingSession(learner, X[300:], batch_size=20, classes=list(range(10)),
                              X_val=X[:300], y_val=y[:300], random_state=0)
    ui = session.widget()
    for _ in range(6):  # the simulated annotator clicks the true class, then Commit
        while session.current() is not None:
            ui.class_buttons[y[300 + session.current()]].click()
        ui.commit_button.click()
    ui.class_buttons[y[300 + session.current()]].click()  # one label into the open batch
    """
)


def main(out):
    folder = Path(tempfile.mkdtemp())
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(CODE), nbformat.v4.new_code_cell("ui")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, folder / "screenshot.ipynb")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen(
        [sys.executable, "-m", "voila", str(folder / "screenshot.ipynb"), "--no-browser",
         f"--port={port}", "--Voila.ip=127.0.0.1"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--window-size=1000,1000"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium")
    driver = None
    try:
        end = time.monotonic() + 120
        while True:  # until Voilà listens
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.5)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        driver.get(f"http://127.0.0.1:{port}/")
        end = time.monotonic() + 900
        while time.monotonic() < end:
            found = driver.find_elements(By.CSS_SELECTOR, ".skactive-labeling")
            if found and "utility" in found[0].text:
                time.sleep(2)
                found[0].screenshot(str(out))
                print(f"wrote {out}")
                return
            time.sleep(1)
        raise SystemExit("the widget did not appear")
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs/images/labeling_widget.png"))
