#!/usr/bin/python3
"""Executes every notebook in notebooks/ headless and checks the figures it saves.

Usage: /usr/bin/python3 tests/python/run_notebooks.py [NOTEBOOK.ipynb ...]

Each notebook runs top to bottom in a fresh `python3` kernel (nbclient; Debian's
python3-ipykernel, i.e. /usr/bin/python3), with the working directory notebooks/
and these environment variables:

  JOURNEYSIM          the CLI (default: build/journeysim)
  JOURNEYSIM_OUTPUT   results files go here (default: a temporary directory)
  JOURNEYSIM_FIGURES  figures go here (default: a temporary directory)

Fails if a notebook is stored with outputs (they are stripped in git), if any
cell raises, or if an expected PNG is missing or near-empty. A notebook without
an entry in EXPECTED fails too, so that new notebooks get their figures listed.
"""

import os
import re
import shutil
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOTEBOOKS = os.path.join(ROOT, "notebooks")

#: Figures (PNG, in JOURNEYSIM_FIGURES) each notebook must write.
EXPECTED = {
    "01_what_if.ipynb": ["01_funnel", "01_lift_forest", "01_cost_roi", "01_journey_map", "01_persona_gain"],
    "02_batch_experiments.ipynb": ["02_response_curves", "02_conversion_heatmap", "02_cheapest_setting"],
    "03_large_population.ipynb": ["03_throughput_vs_population", "03_throughput_vs_threads",
                                  "03_memory_vs_population"],
    "04_calibration.ipynb": ["04_observed_vs_simulated", "04_calibrated_what_if"],
}
MIN_PNG_BYTES = 8 * 1024  # a blank or near-empty figure is smaller than this
CELL_TIMEOUT = 300


def stored_outputs(nb):
    """Code cells stored with outputs or execution counts (should be stripped in git)."""
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]


def run(name, figures):
    path = os.path.join(NOTEBOOKS, name)
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    errors = []
    dirty = stored_outputs(nb)
    if dirty:
        errors.append(f"{name}: cells {dirty} are stored with outputs; strip them before committing")
    if name not in EXPECTED:
        return errors + [f"{name}: no expected figures listed in {__file__} EXPECTED"]
    for fig in EXPECTED[name]:
        p = os.path.join(figures, fig + ".png")
        if os.path.exists(p):
            os.remove(p)
    start = time.monotonic()
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": NOTEBOOKS}})
    try:
        client.execute()
    except CellExecutionError as e:
        return errors + [f"{name}: a cell failed:\n" + re.sub(r"\x1b\[[0-9;]*m", "", str(e))]
    print(f"{name}: executed in {time.monotonic() - start:.1f} s")
    for fig in EXPECTED[name]:
        p = os.path.join(figures, fig + ".png")
        if not os.path.exists(p):
            errors.append(f"{name}: expected figure {p} was not written")
            continue
        with open(p, "rb") as f:
            head = f.read(8)
        size = os.path.getsize(p)
        if head != b"\x89PNG\r\n\x1a\n":
            errors.append(f"{name}: {p} is not a PNG")
        elif size < MIN_PNG_BYTES:
            errors.append(f"{name}: {p} is only {size} bytes (blank figure?)")
        else:
            print(f"  {fig}.png  {size / 1024:.0f} KB")
    return errors


def main(argv):
    names = argv[1:] or sorted(n for n in os.listdir(NOTEBOOKS) if n.endswith(".ipynb"))
    tmp = tempfile.mkdtemp(prefix="journeysim_notebooks_")
    try:
        os.environ.setdefault("JOURNEYSIM", os.path.join(ROOT, "build", "journeysim"))
        os.environ.setdefault("JOURNEYSIM_OUTPUT", os.path.join(tmp, "output"))
        os.environ.setdefault("JOURNEYSIM_FIGURES", os.path.join(tmp, "figures"))
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet ipykernel's debugger warning
        figures = os.environ["JOURNEYSIM_FIGURES"]
        os.makedirs(figures, exist_ok=True)
        errors = []
        for name in names:
            errors += run(os.path.basename(name), figures)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for e in errors:
        print("FAIL:", e, file=sys.stderr)
    if errors:
        return 1
    print(f"all {len(names)} notebook(s) ran and wrote their figures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
