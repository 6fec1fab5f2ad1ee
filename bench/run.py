"""Speed benchmark, run by `python3 course.py bench`: prints a table and writes bench/results/latest.json.

Measured in one run, as ratios (or in-page times) so that they mean the same on a slower or faster machine:
  * each notebook's Run-All wall time from a fresh kernel, divided by that of a floor notebook that
    only imports what every lesson needs (pandas, ipywidgets, matplotlib). Target: at most 1.3. Measured
    twice: a re-run, which finds the lesson's charts in the chart cache folder (chart_cache.py), and a first
    run ("first Run-All") with that folder empty, as on a learner's first run: the lesson's charts are then
    found in the stored notebooks (a chart in neither place is drawn).
  * the package's own import cost in a fresh interpreter that has already imported pandas and
    ipywidgets. Target: at most 150 ms.
  * the same Run All in JupyterLab in headless Chromium, the notebook's kernel already started (bench/browser.py):
    from the menu click until every cell has run and every widget view has drawn itself, divided by the floor's,
    in interleaved rounds; widget views counted; a re-run and a first run as above. Target: at most 1.5.
  * quiz feedback latency in a real browser (bench/browser.py): median of >= 20 clicks over four
    question types, measured in the page, in JupyterLab (target: at most 50 ms) and on the static site opened
    from disk (target: at most 20 ms).
  * the nbval stage of the test suite (notebooks/ and solutions/) with two workers, divided by the same
    stage run serially. Target: at most 0.65.
Each figure is the median of several interleaved rounds. They are reported, not enforced as timed tests.
A second table splits each notebook's Run-All into its parts (setup cell, charts, quizzes, other widgets,
other cells, and the kernel's start, the messages between cells and its shutdown), so a miss can be traced.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from twopowers.chart_cache import CACHE_ENV
from twopowers.charts import is_chart
from twopowers.data import lesson_paths
from twopowers.teach.notebooks import execute, fresh_learner

HERE = Path(__file__).resolve().parent
WARM_CACHE = HERE / "results" / "chart-cache"  # the bench's own chart cache (a learner's is in their cache folder)
RUN_ALL_TARGET = 1.3
IMPORT_TARGET_MS = 150
LAB_RUN_ALL_TARGET = 1.5
LATENCY_TARGET_MS = {"lab": 50, "site": 20}
NBVAL_TARGET = 0.65
FLOOR_SOURCE = "import pandas as pd\nimport ipywidgets as widgets\nimport matplotlib.pyplot as plt"
IMPORT_PROBE = ("import time, pandas, ipywidgets\n"
                "t = time.perf_counter()\nimport twopowers\nprint((time.perf_counter() - t) * 1000)")


PARTS = ("setup", "charts", "quizzes", "other widgets", "other cells", "kernel start and messages")
SHORT = {"other widgets": "widgets", "other cells": "cells", "kernel start and messages": "kernel"}


def run_all_seconds(path: Path, repeats: int) -> float:
    return statistics.median(run_all(path)[0] for _ in range(repeats))


@contextlib.contextmanager
def chart_cache(cold: bool):
    """With ``cold``, an empty chart cache (a learner's first run); else this bench's own cache, kept warm."""
    with tempfile.TemporaryDirectory() as empty:
        old = os.environ.get(CACHE_ENV)
        os.environ[CACHE_ENV] = empty if cold else str(WARM_CACHE)
        try:
            yield
        finally:
            os.environ.pop(CACHE_ENV) if old is None else os.environ.__setitem__(CACHE_ENV, old)


def run_all(path: Path, cold: bool = False) -> tuple[float, dict]:
    """One Run-All from a fresh kernel: its wall time, and the seconds spent in each part of the notebook.
    ``cold``: with no chart drawn before (chart_cache.py), as on a learner's first run of the lesson."""
    with fresh_learner(), chart_cache(cold):
        nb, seconds = execute(path)
    parts = dict.fromkeys(PARTS, 0.0)
    for cell in nb.cells:
        timing = cell.metadata.get("execution", {})
        if cell.cell_type != "code" or "shell.execute_reply" not in timing:
            continue
        took = (_instant(timing["shell.execute_reply"]) - _instant(timing["iopub.execute_input"])).total_seconds()
        parts[part_of(cell)] += took
    parts["kernel start and messages"] = seconds - sum(parts.values())
    return seconds, parts


def _instant(stamp: str):
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def part_of(cell) -> str:
    """What a code cell mostly does, judged by its outputs (and the setup tag)."""
    if "setup" in cell.metadata.get("tags", []):
        return "setup"
    if any(is_chart(o) for o in cell.outputs):
        return "charts"
    if any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.outputs):
        return "quizzes" if "quiz(" in cell.source else "other widgets"
    return "other cells"


def import_ms(repeats: int) -> float:
    return statistics.median(
        float(subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True,
                             check=True).stdout) for _ in range(repeats))


def nbval_seconds(workers: int) -> float:
    """Wall time of the nbval stage (notebooks/ and solutions/) with ``workers`` pytest-xdist workers."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "notebooks", "solutions",
               "-n", str(workers)] + (["--dist", "loadscope"] if workers > 1 else [])
    started = time.perf_counter()
    subprocess.run(command, cwd=HERE.parent, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="rounds (each runs the floor and every notebook once)")
    parser.add_argument("--skip-browser", action="store_true", help="leave out the browser latency")
    parser.add_argument("--skip-nbval", action="store_true", help="leave out the nbval parallel/serial ratio")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: Start here and every lesson")
    args = parser.parse_args()
    notebooks = args.notebooks or lesson_paths()

    with tempfile.TemporaryDirectory() as scratch:
        floor_path = Path(scratch) / "floor.ipynb"
        floor_cell = nbformat.v4.new_code_cell(FLOOR_SOURCE, metadata={"tags": ["setup"]})
        nbformat.write(nbformat.v4.new_notebook(cells=[floor_cell],
                                                metadata={"kernelspec": {"name": "python3",
                                                                         "display_name": "Python 3"}}), floor_path)
        run_all_seconds(floor_path, 1)  # warm the disk cache so the first measured run is not penalised
        # Interleaved rounds: each round times the floor and then every notebook, and each ratio is taken
        # within its round, so a machine that speeds up or slows down during the run does not skew it.
        floors, seconds, ratios = [], {p: [] for p in notebooks}, {p: [] for p in notebooks}
        cold_seconds, cold_ratios = {p: [] for p in notebooks}, {p: [] for p in notebooks}
        for path in notebooks:  # the warm runs find every chart drawn once before
            run_all(path)
        parts = {p: {part: [] for part in PARTS} for p in [floor_path, *notebooks]}
        for _ in range(args.repeats):
            floor_round, floor_parts = run_all(floor_path)
            floors.append(floor_round)
            for part, took in floor_parts.items():
                parts[floor_path][part].append(took)
            for path in notebooks:
                took, its_parts = run_all(path)
                seconds[path].append(took)
                ratios[path].append(took / floor_round)
                cold_took, _ = run_all(path, cold=True)
                cold_seconds[path].append(cold_took)
                cold_ratios[path].append(cold_took / floor_round)
                for part, part_took in its_parts.items():
                    parts[path][part].append(part_took)
        where = {("floor" if path == floor_path else path.name): {part: round(statistics.median(v), 2)
                                                                   for part, v in by_part.items()}
                 for path, by_part in parts.items()}
    floor = statistics.median(floors)
    rows = []
    for path in notebooks:
        for label, took, ratio in (("Run-All", seconds[path], statistics.median(ratios[path])),
                                   ("first Run-All", cold_seconds[path], statistics.median(cold_ratios[path]))):
            rows.append({"measure": f"{label} {path.name}", "value": round(statistics.median(took), 2),
                         "unit": "s", "ratio": round(ratio, 2), "target": f"<= {RUN_ALL_TARGET}x floor",
                         "ok": round(ratio, 2) <= RUN_ALL_TARGET})
    cost = import_ms(max(5, args.repeats))
    rows.append({"measure": "import twopowers (after pandas, ipywidgets)", "value": round(cost, 1), "unit": "ms",
                 "ratio": None, "target": f"<= {IMPORT_TARGET_MS} ms", "ok": cost <= IMPORT_TARGET_MS})
    if not args.skip_browser:
        from browser import lab_run_all, measure

        in_lab = lab_run_all(notebooks, FLOOR_SOURCE, rounds=max(3, args.repeats - 2))
        rows.append({"measure": "JupyterLab Run-All floor", "value": in_lab["bench_floor.ipynb"]["seconds"],
                     "unit": "s", "ratio": None, "target": "", "ok": True})
        for path in notebooks:
            figure = in_lab[path.name]
            for label, prefix in (("JupyterLab Run-All", ""), ("JupyterLab first Run-All", "first_")):
                rows.append({"measure": f"{label} {path.name} ({figure['widget_views']} views)",
                             "value": figure[f"{prefix}seconds"], "unit": "s", "ratio": figure[f"{prefix}ratio"],
                             "target": f"<= {LAB_RUN_ALL_TARGET}x floor",
                             "ok": figure[f"{prefix}ratio"] <= LAB_RUN_ALL_TARGET,
                             "widget_views": figure["widget_views"]})
        latency = measure()
        for host, said in (("lab", "in JupyterLab"), ("site", "on the site")):
            rows.append({"measure": f"quiz feedback {said} ({latency[host]['clicks']} clicks)",
                         "value": latency[host]["median_ms"], "unit": "ms", "ratio": None,
                         "target": f"<= {LATENCY_TARGET_MS[host]} ms",
                         "ok": latency[host]["median_ms"] <= LATENCY_TARGET_MS[host]})
    if not args.skip_nbval:
        serial = nbval_seconds(0)
        parallel = nbval_seconds(2)
        rows.append({"measure": "nbval stage, 2 workers / serial", "value": round(parallel, 1), "unit": "s",
                     "ratio": round(parallel / serial, 2), "target": f"<= {NBVAL_TARGET}x serial",
                     "ok": parallel / serial <= NBVAL_TARGET, "serial_seconds": round(serial, 1)})

    print(f"Floor notebook (imports pandas, ipywidgets, matplotlib): {floor:.2f} s; medians of {args.repeats} rounds\n")
    print(f"{'measure':<60} {'value':>9} {'ratio':>7}  {'target':<18} ok")
    for row in rows:
        ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else ""
        print(f"{row['measure']:<60} {row['value']:>7} {row['unit']:<2}{ratio:>6}  {row['target']:<18} "
              f"{'yes' if row['ok'] else 'NO'}")
    print("\nWhere the Run-All time goes, in seconds (medians). widgets: cells showing widgets other than a quiz;"
          "\ncells: every other cell; kernel: the kernel's start and shutdown, and the messages between cells."
          "\nThe floor's one cell is its setup.")
    print(f"{'notebook':<32}" + "".join(f"{SHORT.get(part, part):>9}" for part in PARTS))
    for name, by_part in where.items():
        print(f"{name:<32}" + "".join(f"{by_part[part]:>9.2f}" for part in PARTS))
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps({"floor_seconds": round(floor, 3), "rows": rows,
                                                     "where_the_time_goes": where}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
