"""Grading benchmark: our grader against nbgrader 0.9.6's autograde on the same 100 submissions.

    python3 course.py bench-grading [--submissions 100] [--skip-nbgrader]

It makes ordinary submissions of exercise 04 (right, partly right, wrong, blank, with errors; no memory
bombs), grades them with `python -m twopowers grade` (a fresh sandboxed kernel per submission, one worker
per core) and with `nbgrader autograde` (installed by this script into bench/.nbgrader-env, with
source = solutions/), both with a 10 s per-cell timeout, and prints both wall times and their ratio.
Target: ours <= 0.5 x nbgrader. Writes bench/results/grading.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXERCISE = "ex04_the_vote_in_numbers"
NBGRADER_ENV = HERE / ".nbgrader-env"
NBGRADER_PINS = ["nbgrader==0.9.6", "jupyterlab<5", "notebook<8", "jupyter-client<9"]
CELL_TIMEOUT = 10


def answer_cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def make_submissions(folder: Path, count: int) -> dict[str, int]:
    """Ordinary submissions in nbgrader's layout: folder/<student>/<exercise>/<exercise>.ipynb."""
    solution = nbformat.read(ROOT / "solutions" / EXERCISE / f"{EXERCISE}.ipynb", as_version=4)
    blank = nbformat.read(ROOT / "exercises" / EXERCISE / f"{EXERCISE}.ipynb", as_version=4)
    right = {g: answer_cell(solution, g).source.replace("### BEGIN SOLUTION\n", "").replace("\n### END SOLUTION", "")
             for g in ("q1-answer", "q2-answer", "q3-answer")}
    wrong = {"q1-answer": "list_seats = 329", "q2-answer": "quorum = 164",
             "q3-answer": 'present = vote[["row_id", "value"]]'}
    kinds = ["right"] * 3 + ["partly right"] * 3 + ["wrong"] * 2 + ["blank"] + ["error"]
    made: dict[str, int] = {}
    for i in range(count):
        kind = kinds[i % len(kinds)]
        nb = nbformat.from_dict(json.loads(json.dumps(blank)))
        for grade_id in ("q1-answer", "q2-answer", "q3-answer"):
            if kind == "right" or (kind == "partly right" and grade_id == "q1-answer"):
                answer_cell(nb, grade_id).source = right[grade_id]
            elif kind in ("wrong", "partly right", "error"):
                answer_cell(nb, grade_id).source = wrong[grade_id]
        if kind == "error":
            answer_cell(nb, "q2-answer").source = "quorum = parliament_size // 2 + 1  # a NameError"
        answer_cell(nb, "q4").source = "Yes, they could have." if kind != "blank" else answer_cell(nb, "q4").source
        target = folder / f"student{i:03d}" / EXERCISE / f"{EXERCISE}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
        made[kind] = made.get(kind, 0) + 1
    return made


def ours(submitted: Path, scratch: Path) -> float:
    flat = scratch / "ours-submissions"
    for notebook in submitted.glob(f"*/{EXERCISE}/{EXERCISE}.ipynb"):
        target = flat / notebook.parent.parent.name / notebook.name
        target.parent.mkdir(parents=True)
        shutil.copy(notebook, target)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "twopowers", "grade", str(flat), "--out", str(scratch / "ours-results"),
                    "--cell-timeout", str(CELL_TIMEOUT)], check=True, cwd=ROOT)
    return time.perf_counter() - started


def nbgrader_python() -> Path:
    python = NBGRADER_ENV / "bin" / "python"
    stamp = NBGRADER_ENV / "installed.json"
    if not stamp.exists():
        print("Installing nbgrader 0.9.6 into bench/.nbgrader-env (once) ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(NBGRADER_ENV)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *NBGRADER_PINS, "-r",
                        str(ROOT / "requirements.txt")], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)], check=True)
        stamp.write_text(json.dumps({"pins": NBGRADER_PINS}))
    return python


def nbgrader(submitted: Path, scratch: Path) -> float:
    python = nbgrader_python()
    course = scratch / "nbgrader-course"
    course.mkdir()
    shutil.copytree(ROOT / "solutions", course / "source")
    shutil.copytree(submitted, course / "submitted")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.source_directory = 'source'\n"
        f"c.Execute.timeout = {CELL_TIMEOUT}\n"
        "c.ExecutePreprocessor.timeout = %d\n" % CELL_TIMEOUT)
    env = {**os.environ, "PATH": f"{NBGRADER_ENV / 'bin'}:{os.environ['PATH']}"}
    subprocess.run([str(python), "-m", "nbgrader", "generate_assignment", EXERCISE, "--force"], cwd=course,
                   env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([str(python), "-m", "nbgrader", "autograde", EXERCISE, "--create", "--force"], cwd=course,
                   env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--skip-nbgrader", action="store_true", help="time only our grader")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch_name:
        scratch = Path(scratch_name)
        submitted = scratch / "submitted"
        made = make_submissions(submitted, args.submissions)
        print(f"{args.submissions} submissions: {made}", file=sys.stderr)
        ours_s = ours(submitted, scratch)
        theirs_s = None if args.skip_nbgrader else nbgrader(submitted, scratch)
    result = {"submissions": args.submissions, "kinds": made, "cores": os.cpu_count(),
              "ours_seconds": round(ours_s, 1), "nbgrader_seconds": None if theirs_s is None else round(theirs_s, 1),
              "ratio": None if theirs_s is None else round(ours_s / theirs_s, 2), "target": "<= 0.5"}
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "grading.json").write_text(json.dumps(result, indent=1))
    print(f"\nours:     {ours_s:7.1f} s  ({ours_s / args.submissions:.2f} s per submission, {os.cpu_count()} cores)")
    if theirs_s is not None:
        print(f"nbgrader: {theirs_s:7.1f} s  ({theirs_s / args.submissions:.2f} s per submission)")
        print(f"ratio:    {ours_s / theirs_s:.2f}  (target <= 0.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
